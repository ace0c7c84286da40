/**
 * Which assets have had viewers since they were last listed, asked of the Analytics API.
 *
 * Listing an asset's sessions costs a request per asset however quiet it is; an account of a
 * thousand videos synced every hour would spend most of its requests (and rate limit) hearing
 * "nothing new". The Analytics API counts an impression for every session that loads, by
 * `media-id`, for the whole account in one request: an asset with no impression since its last
 * listing has no session to list.
 *
 * This only ever skips assets already listed today; the first run of each new day lists every
 * asset again from the day before its last listing, so a session the Analytics API reported late
 * (or never) is still picked up within a day. Without the Analytics API nothing is skipped.
 */
import { isGenerationMissing } from '../api/errors.js';
import type { SyncContext } from './context.js';

/** Impressions are counted with some delay: look back this much further than the last listing. */
export const INGESTION_MARGIN_MS = 60 * 60_000;
/** The API refuses `from` more than 30 days back. */
const MAX_LOOKBACK_MS = 29 * 86_400_000;

/**
 * Asset ids with an impression since the earliest listing done today, or undefined when no asset
 * was listed today or the Analytics API cannot say. It needs only the warehouse, so it runs beside
 * the catalog listing.
 *
 * "Since" is read on the API's clock as well as ours: the newest session stored is a moment the
 * API had already reached at that listing, so looking back from the earlier of the two stays safe
 * when the two clocks disagree (a server in another time, an emulator replaying the past).
 */
export async function viewersSinceTodaysListings(
  ctx: SyncContext,
): Promise<Set<string> | undefined> {
  if (ctx.options.from || ctx.options.to) return undefined; // an explicit range is listed as asked
  const { listedAt, newestSession } = await ctx.store.todaysListing(ctx.today);
  if (listedAt === null) return undefined;
  const since = Math.min(listedAt, newestSession ?? Number.POSITIVE_INFINITY);
  return assetsWithViewersSince(ctx, since);
}

/** Asset ids with at least one impression since `since`, or undefined when that cannot be known. */
async function assetsWithViewersSince(
  ctx: SyncContext,
  since: number,
): Promise<Set<string> | undefined> {
  const from = new Date(Math.max(since - INGESTION_MARGIN_MS, ctx.startedAt - MAX_LOOKBACK_MS));
  const active = new Set<string>();
  try {
    for await (const page of ctx.client.metricBreakdown('impression', 'media-id', {
      from,
      to: new Date(ctx.startedAt),
    })) {
      for (const { value: item } of page.entries)
        if ((item.metricValue ?? 0) > 0 && item.dimensionValue) active.add(item.dimensionValue);
    }
    return active;
  } catch (error) {
    // No Analytics API (or no answer from it): list everything, as without this optimisation.
    if (isGenerationMissing(error)) return undefined;
    ctx.warnings.push(
      `could not ask the Analytics API which assets had viewers (${(error as Error).message}); listed them all`,
    );
    return undefined;
  }
}
