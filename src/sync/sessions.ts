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
import type { Listed } from './catalog.js';
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

export interface Plans {
  plans: AssetState[];
  earliest: Day;
}

/** Every asset not gone, with its checkpoint and oldest open session, from the warehouse. */
export async function loadPlans(ctx: SyncContext): Promise<Plans> {
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

/** What the sessions stage starts from, each begun before the catalog so none costs it a round trip. */
export interface SessionInputs {
  /** The assets as the warehouse knew them before this run's catalog (loadPlans). */
  known: Promise<Plans>;
  /** From viewersSinceTodaysListings. */
  withViewers: Promise<Set<string> | undefined>;
  /** The catalog stage, committed: what it listed. */
  catalog: Promise<Listed>;
}

const assetKey = (plan: AssetState) => `${plan.type}:${plan.id}`;

/**
 * Lists the sessions of every asset that needs it. Assets already listed before need not wait for
 * the catalog: their sessions are asked for beside it, from what the warehouse knew. Once the
 * catalog is stored, the assets it added are listed too.
 */
export async function syncSessions(ctx: SyncContext, inputs: SessionInputs): Promise<void> {
  const { plans: known, earliest: knownEarliest } = await inputs.known;
  const started = new Map<string, AssetState>();
  const run = async (plan: AssetState, earliest: Day) => {
    started.set(assetKey(plan), plan);
    try {
      await syncAsset(ctx, plan, earliest);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
      // Listed beside the catalog, an asset may be one the catalog no longer lists: gone, and
      // marked so by the catalog's own commit.
      const listed = await inputs.catalog.catch(() => undefined);
      if (!listed?.whole || listed.assets.has(plan.id)) await assetVanished(ctx, plan);
    }
    ctx.progress.done++;
  };
  try {
    // An account without raw statistics answers 404 on the route: before any asset has been
    // listed, one asset goes first (once the catalog is in), so that it is asked only once.
    const answeredBefore = known.some((p) => p.syncedThrough !== null);
    let early: Promise<void> = Promise.resolve();
    if (answeredBefore) {
      const active = await withoutQuietAssets(known, knownEarliest, ctx.today, inputs.withViewers);
      early = forEachConcurrent(active, ctx.options.workers, (plan) => run(plan, knownEarliest));
    }
    const [earlyOutcome, catalogOutcome] = await Promise.allSettled([early, inputs.catalog]);
    if (catalogOutcome.status === 'rejected') throw catalogOutcome.reason;
    if (earlyOutcome.status === 'rejected') throw earlyOutcome.reason;

    ctx.progress.stage = 'sessions';
    const listed = catalogOutcome.value;
    const knownIds = new Set(known.map((p) => p.id));
    // The warehouse's plans change with the catalog only when it lists assets it did not know
    // (an asset's creation date never moves), or when it could not list them all.
    const { plans: all, earliest } =
      listed.whole && [...listed.assets].every((id) => knownIds.has(id))
        ? { plans: known.filter((p) => listed.assets.has(p.id)), earliest: knownEarliest }
        : await loadPlans(ctx);
    const active = await withoutQuietAssets(all, earliest, ctx.today, inputs.withViewers);
    const rest = active.filter((p) => started.get(assetKey(p))?.created !== p.created);
    const skipped = all.length - active.length;
    ctx.progress.total = all.length;
    ctx.progress.done = Math.min(all.length, skipped + started.size);
    countSkipped(ctx, 'assets without new viewers', skipped);
    const [first, ...others] = answeredBefore ? [undefined, ...rest] : rest;
    if (first) await run(first, earliest);
    await forEachConcurrent(others as AssetState[], ctx.options.workers, (plan) =>
      run(plan, earliest),
    );
  } catch (error) {
    if (!isGenerationMissing(error)) throw error;
    ctx.missing.add('raw statistics');
  }
  // Every session takes its asset's title from the catalog just stored: those stored before, and
  // those listed beside the catalog from the titles known then.
  ctx.batcher.mark({ kind: 'refresh-titles' });
  await ctx.batcher.flush();
}
