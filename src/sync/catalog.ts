/**
 * Extract, stage 1: every video, live stream and player, all pages.
 *
 * Assets are upserted with the run's time as `last_seen_at`; once a listing has been read whole,
 * whatever it no longer lists gets `gone_at` — never deleted, its sessions and history stay. A
 * listing with a page or an item that could not be read marks nothing gone: what it did not read
 * is not known to be missing.
 */
import { ResponseShapeError } from '../api/errors.js';
import type { ListOptions } from '../api/client.js';
import type { Entry, Page } from '../api/schemas.js';
import type { CatalogTable } from '../warehouse/destination.js';
import type { Row } from '../warehouse/schema.js';
import { micros, type SyncContext } from './context.js';
import { liveStreamRow, playerRow, videoRow } from './flatten.js';
import type { CatalogListing } from './raw-dir.js';
import { keepItemRejects, tolerant } from './rejects.js';

/** What the catalog listed: its videos' and live streams' ids, and whether it read them whole. */
export interface Listed {
  assets: Set<string>;
  /** Every asset listing read to its end, nothing set aside: an asset not in `assets` is gone. */
  whole: boolean;
}

const ID_COLUMN = { videos: 'video_id', live_streams: 'live_stream_id', players: 'player_id' };

async function syncListing<T>(
  ctx: SyncContext,
  listing: CatalogListing,
  table: CatalogTable,
  pages: AsyncIterable<Page<T>>,
  toRow: (entry: Entry<T>, seenAt: bigint) => Row,
  ids?: Set<string>,
): Promise<{ read: number; complete: boolean; whole: boolean }> {
  const seenAt = micros(ctx.startedAt);
  let read = 0;
  let rejected = 0;
  ctx.raw?.touchListing(listing);
  const complete = await tolerant(ctx, `the ${listing} listing`, async () => {
    for await (const page of pages) {
      const rows = page.entries.map((entry) => toRow(entry, seenAt));
      for (const row of rows) ids?.add(String(row[ID_COLUMN[table]]));
      await ctx.batcher.add(table, rows);
      await keepItemRejects(ctx, page);
      await ctx.raw?.listingItems(listing, (page.body as { data: unknown[] }).data);
      read += page.size;
      // An item kept without a field is still listed: only a set-aside one leaves a gap.
      rejected += page.rejects.filter((r) => !r.kept).length;
      if (table !== 'players') ctx.progress.assets += rows.length;
    }
  });
  const whole = complete && rejected === 0;
  // Only a listing read whole proves that an asset it no longer lists is gone.
  if (whole) ctx.batcher.mark({ kind: 'listing-complete', table, at: ctx.startedAt });
  return { read, complete, whole };
}

/**
 * Catalog listings are small (hundreds of assets): every page is asked for at once, as many as
 * the listing had last time without waiting for the first page to say how many there are.
 */
function allAtOnce(stored: number): ListOptions {
  return { prefetch: 32, expectedPages: Math.max(1, Math.ceil(stored / 100)) };
}

export async function syncCatalog(ctx: SyncContext): Promise<Listed> {
  ctx.progress.stage = 'catalog';
  const sizes = await ctx.store.catalogSizes();
  const { client } = ctx;
  const assets = new Set<string>();
  const [videos, liveStreams, players] = await Promise.all([
    syncListing(ctx, 'videos', 'videos', client.videos(allAtOnce(sizes.videos)), videoRow, assets),
    syncListing(
      ctx,
      'live-streams',
      'live_streams',
      client.liveStreams(allAtOnce(sizes.live_streams)),
      liveStreamRow,
      assets,
    ),
    syncListing(ctx, 'players', 'players', client.players(allAtOnce(sizes.players)), playerRow),
  ]);
  // Not one page of the catalog could be read: the API answered nothing usable.
  if ([videos, liveStreams, players].every((l) => l.read === 0 && !l.complete)) {
    throw new ResponseShapeError(
      'GET /videos',
      'no page of /videos, /live-streams or /players could be read',
    );
  }
  // Sessions take the new titles at the end of the sessions stage, which lists some beside this.
  await ctx.batcher.flush();
  return { assets, whole: videos.whole && liveStreams.whole };
}
