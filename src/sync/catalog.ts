/**
 * Extract, stage 1: every video, live stream and player, all pages.
 *
 * Assets are upserted with the run's time as `last_seen_at`; once a listing has been read to its
 * end, whatever it no longer lists gets `gone_at` — never deleted, its sessions and history stay.
 */
import type { Page } from '../api/schemas.js';
import type { CatalogTable } from '../warehouse/destination.js';
import type { Row } from '../warehouse/schema.js';
import { liveStreamRow, playerRow, videoRow } from './flatten.js';
import { micros, type SyncContext } from './context.js';
import type { CatalogListing } from './raw-dir.js';

async function syncListing<T>(
  ctx: SyncContext,
  listing: CatalogListing,
  table: CatalogTable,
  pages: AsyncIterable<Page<T>>,
  toRow: (item: T, seenAt: bigint) => Row,
): Promise<void> {
  const seenAt = micros(ctx.startedAt);
  ctx.raw?.touchListing(listing);
  for await (const page of pages) {
    const rows = page.items.map((item) => toRow(item, seenAt));
    await ctx.batcher.add(table, rows);
    await ctx.raw?.listingItems(listing, page.items);
    if (table !== 'players') ctx.progress.assets += rows.length;
  }
  // Reached only when every page was read: an asset missing now is really gone.
  ctx.batcher.mark({ kind: 'listing-complete', table, at: ctx.startedAt });
}

/** Catalog listings are small (hundreds of assets): every page is asked for at once. */
const ALL_AT_ONCE = { prefetch: 32 };

export async function syncCatalog(ctx: SyncContext): Promise<void> {
  ctx.progress.stage = 'catalog';
  await Promise.all([
    syncListing(ctx, 'videos', 'videos', ctx.client.videos(ALL_AT_ONCE), videoRow),
    syncListing(
      ctx,
      'live-streams',
      'live_streams',
      ctx.client.liveStreams(ALL_AT_ONCE),
      liveStreamRow,
    ),
    syncListing(ctx, 'players', 'players', ctx.client.players(ALL_AT_ONCE), playerRow),
  ]);
  ctx.batcher.mark({ kind: 'refresh-titles' });
  await ctx.batcher.flush();
}
