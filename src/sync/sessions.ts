/**
 * Extract, stage 2: the player sessions of every video and live stream.
 *
 * Each asset is listed for the days it needs: by default from its creation to today; on later
 * runs only what its checkpoint does not cover, plus `overlapDays` before the last synced day
 * (sessions arrive late) and back to its oldest session still open (to learn when it ended).
 * Long spans are cut into periods the API accepts. The checkpoint is committed with the rows.
 */
import { isGenerationMissing, ResourceNotFoundError } from '../api/errors.js';
import { addDays, maxDay, minDay, type Day } from '../calendar.js';
import { chunkDays, rangePeriod } from '../api/period.js';
import type { AssetState } from '../warehouse/destination.js';
import { sessionRow } from './flatten.js';
import { keepItemRejects, tolerant } from './rejects.js';
import { forEachConcurrent } from './pool.js';
import { countSkipped, micros, openCutoff, type SyncContext } from './context.js';

/** Where api.video's history can begin, for accounts whose assets carry no creation date. */
export const HISTORY_FLOOR: Day = '2017-01-01';

export interface Span {
  from: Day;
  to: Day;
}

/**
 * The spans to list for one asset, and the coverage its checkpoint will have once they are read.
 * Pure, so the incremental rules can be tested without an API.
 */
export function planSpans(
  wanted: Span,
  checkpoint: Span | null,
  options: { overlapDays: number; openSince: Day | null },
): { spans: Span[]; coverage: Span | null } {
  if (wanted.from > wanted.to) return { spans: [], coverage: checkpoint };
  if (!checkpoint) return { spans: [wanted], coverage: wanted };
  const spans: Span[] = [];
  if (wanted.from < checkpoint.from) {
    spans.push({ from: wanted.from, to: minDay(wanted.to, addDays(checkpoint.from, -1)) });
  }
  let recentFrom = addDays(checkpoint.to, -options.overlapDays);
  if (options.openSince && options.openSince < recentFrom) recentFrom = options.openSince;
  recentFrom = maxDay(recentFrom, wanted.from);
  if (recentFrom <= wanted.to) {
    const last = spans.at(-1);
    if (last && addDays(last.to, 1) >= recentFrom) last.to = maxDay(last.to, wanted.to);
    else spans.push({ from: recentFrom, to: wanted.to });
  }
  // The checkpoint grows only when what was read joins what it covers, so it never hides a gap.
  const joins =
    wanted.from <= addDays(checkpoint.to, 1) && wanted.to >= addDays(checkpoint.from, -1);
  const coverage = joins
    ? { from: minDay(wanted.from, checkpoint.from), to: maxDay(wanted.to, checkpoint.to) }
    : checkpoint;
  return { spans, coverage };
}

async function loadPlans(ctx: SyncContext): Promise<{ plans: AssetState[]; earliest: Day }> {
  const [plans, earliest] = await Promise.all([
    ctx.store.assets(openCutoff(ctx)),
    ctx.store.historyStart(),
  ]);
  return { plans, earliest: earliest ?? HISTORY_FLOOR };
}

const label = (asset: AssetState) => `${asset.type.replace('_', ' ')} ${asset.id}`;

async function syncAsset(ctx: SyncContext, plan: AssetState, earliest: Day): Promise<void> {
  const { options } = ctx;
  const start = plan.created ?? earliest;
  const wanted = {
    from: options.from && options.from > start ? options.from : start,
    to: options.to && options.to < ctx.today ? options.to : ctx.today,
  };
  const checkpoint =
    plan.syncedFrom && plan.syncedThrough
      ? { from: plan.syncedFrom, to: plan.syncedThrough }
      : null;
  const { spans, coverage } = planSpans(wanted, checkpoint, {
    overlapDays: options.overlapDays,
    openSince: plan.openSince,
  });
  const list =
    plan.type === 'video'
      ? ctx.client.videoSessions.bind(ctx.client)
      : ctx.client.liveStreamSessions.bind(ctx.client);
  const whole = await tolerant(ctx, `the sessions of ${label(plan)}`, async () => {
    for (const span of spans) {
      for (const chunk of chunkDays(span.from, span.to, options.maxPeriodDays)) {
        for await (const page of list(plan.id, rangePeriod(chunk.from, chunk.to))) {
          const rows = page.entries.map((entry) => sessionRow(entry, plan));
          await ctx.batcher.add('sessions', rows);
          await keepItemRejects(ctx, page);
          await ctx.raw?.response('sessions', page.request, page.body);
          ctx.progress.sessions += rows.length;
        }
      }
    }
  });
  // Only a listing read to its end vouches for its days; otherwise they are listed again.
  if (whole && coverage) {
    await ctx.batcher.add('asset_checkpoints', [
      {
        asset_type: plan.type,
        asset_id: plan.id,
        synced_from: coverage.from,
        synced_through: coverage.to,
        listed_at: micros(ctx.startedAt),
      },
    ]);
  }
}

/**
 * The asset's sessions route answered 404. The catalog says what it means: the asset is gone
 * (marked, its history kept), or the route does not know an asset the catalog still lists.
 */
async function assetVanished(ctx: SyncContext, plan: AssetState): Promise<void> {
  if (await ctx.client.assetExists(plan.type, plan.id)) {
    ctx.warnings.push(
      `the sessions of ${label(plan)} were not listed: the API answered 404 for an asset its catalog still lists`,
    );
    return;
  }
  ctx.batcher.mark({
    kind: 'asset-gone',
    assetType: plan.type,
    assetId: plan.id,
    at: ctx.now(),
  });
  ctx.warnings.push(
    `${label(plan)} was deleted during the sync: its sessions stored so far are kept, the rest of its listing is incomplete`,
  );
}

/**
 * Drops the assets that need no listing now: already listed today, wholly covered, nothing open,
 * and no viewer since according to the Analytics API (see quiet-assets.ts).
 */
async function withoutQuietAssets(
  plans: AssetState[],
  earliest: Day,
  today: Day,
  withViewers: Promise<Set<string> | undefined>,
): Promise<AssetState[]> {
  const active = await withViewers;
  if (!active) return plans;
  const quiet = plans.filter(
    (p) =>
      p.syncedThrough === today &&
      p.syncedFrom !== null &&
      p.syncedFrom <= (p.created ?? earliest) &&
      p.openSince === null &&
      !active.has(p.id),
  );
  const skip = new Set(quiet.map((p) => p.id));
  return plans.filter((p) => !skip.has(p.id));
}

/** `withViewers`: from viewersSinceTodaysListings, started early so it costs no round trip here. */
export async function syncSessions(
  ctx: SyncContext,
  withViewers: Promise<Set<string> | undefined> = Promise.resolve(undefined),
): Promise<void> {
  ctx.progress.stage = 'sessions';
  const { plans: all, earliest } = await loadPlans(ctx);
  const plans = await withoutQuietAssets(all, earliest, ctx.today, withViewers);
  ctx.progress.done = all.length - plans.length;
  countSkipped(ctx, 'assets without new viewers', all.length - plans.length);
  ctx.progress.total = all.length;
  const run = async (plan: AssetState) => {
    try {
      await syncAsset(ctx, plan, earliest);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
      await assetVanished(ctx, plan);
    }
    ctx.progress.done++;
  };
  try {
    // One asset first, unless an earlier run listed sessions: an account without raw statistics
    // answers 404 on the route, and then only once.
    const answeredBefore = all.some((p) => p.syncedThrough !== null);
    const [first, ...rest] = answeredBefore ? [undefined, ...plans] : plans;
    if (first) await run(first);
    await forEachConcurrent(rest as AssetState[], ctx.options.workers, run);
  } catch (error) {
    if (!isGenerationMissing(error)) throw error;
    ctx.missing.add('raw statistics');
  }
  await ctx.batcher.flush();
}
