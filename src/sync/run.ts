/**
 * `sync`: API → warehouse, stage by stage — catalog, sessions, events, Analytics API metrics —
 * each streaming into the warehouse through one batcher, each resumable from its checkpoints.
 *
 * A run is recorded in `sync_runs` from its start. Stopped on purpose (the signal: Ctrl-C), it
 * commits what is whole and records itself `interrupted`; one that died without recording its end
 * (kill -9) is marked `interrupted` by the next one, which holds the warehouse's write lock and so
 * knows no other run is alive. Either way the next run resumes from the checkpoints.
 */
import { ApiVideoClient } from '../api/client.js';
import { dayOf, parseDayRange } from '../calendar.js';
import type { RetryPolicy } from '../api/retry-policy.js';
import type { Transport } from '../api/transport.js';
import { InterruptedError } from '../errors.js';
import { printable } from '../text.js';
import { LoadBatcher } from '../warehouse/batch.js';
import type { Destination, RowsAdded, RunEnd } from '../warehouse/destination.js';
import { openDestination } from '../warehouse/open.js';
import { syncCatalog } from './catalog.js';
import { type Generation, type SyncContext, type SyncProgress } from './context.js';
import { syncEvents } from './events.js';
import { syncMetrics } from './metrics.js';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import { viewersSinceTodaysListings } from './quiet-assets.js';
import { RawDir } from './raw-dir.js';
import { loadPlans, syncSessions } from './sessions.js';

export interface SyncOptions {
  /** A DuckDB file, or a PostgreSQL URL. */
  db: string;
  /** PostgreSQL: the schema of the contract's tables (default `viewership`). */
  schema?: string;
  apiKey: string;
  env?: string;
  baseUrl?: string;
  auth?: 'bearer' | 'basic';
  /** First and last UTC day to sync (inclusive); default: all history up to today. */
  from?: string;
  to?: string;
  rawDir?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  overlapDays?: number;
  maxPeriodDays?: number;
  /** Snapshot the Analytics API too (default true). */
  metrics?: boolean;
  /** How long to wait for a warehouse another process holds (serve taking a snapshot). */
  lockWaitMs?: number;
  /** Receives the live progress object once, at the start; read it as often as wanted. */
  onStart?: (progress: Readonly<SyncProgress>, client: ApiVideoClient) => void;
  /**
   * The time the run takes as now (ms), instead of the clock: for tests against an emulator whose
   * clock is pinned, and for reproducing a run. The CLI reads it from VIEWERSHIP_NOW.
   */
  now?: number;
  /** Aborting it stops the run cleanly: no new request, what is whole committed, run `interrupted`. */
  signal?: AbortSignal;
  /** For tests: an in-memory transport instead of the network. */
  transport?: Transport;
}

export interface SyncSummary {
  runId: number;
  /** `interrupted`: stopped by the signal; what was whole is stored and the next run resumes. */
  status: 'succeeded' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: number;
  retries: number;
  rateLimited: number;
  /** Rows new to each table in this run. */
  rowsAdded: RowsAdded;
  rowsAddedTotal: number;
  /** Rows fetched from the API this run (new or not). */
  fetched: { assets: number; sessions: number; events: number; metricRows: number };
  /** API generations the account did not answer. */
  missingGenerations: Generation[];
  warnings: string[];
  /** Items the API sent that could not be read, stored in `rejects`, in all and by endpoint. */
  rejected: number;
  rejectsByEndpoint: Record<string, number>;
  /** Work not done because the warehouse already had it, by kind. */
  skipped: Record<string, number>;
  /** Migration steps this run applied to the warehouse before syncing. */
  migrated: string[];
  /**
   * How long each stage took. They overlap: the Analytics API runs beside the others, and the
   * sessions of known assets beside the catalog.
   */
  stageMs: Record<string, number>;
  /** The process's peak resident memory so far (the whole process, worker included). */
  peakRssBytes: number;
}

const totalRows = (added: RowsAdded) => Object.values(added).reduce((a, b) => a + (b ?? 0), 0);

function newProgress(): SyncProgress {
  return {
    stage: 'connecting',
    done: 0,
    total: 0,
    assets: 0,
    sessions: 0,
    events: 0,
    metricRows: 0,
    metricDaysDone: 0,
    metricDaysTotal: 0,
  };
}

/** The stages: catalog → sessions → events, and the Analytics API snapshot beside them. */
async function runStages(ctx: SyncContext, stageMs: Record<string, number>): Promise<void> {
  const timed = async <T>(name: string, stage: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const result = await stage();
    stageMs[name] = Date.now() - start;
    return result;
  };
  // Both lines are waited for before anything else happens, even when one fails.
  const outcomes = await Promise.allSettled([
    (async () => {
      // Begun at once, each a few queries or one request: the sessions stage needs them all.
      const withViewers = viewersSinceTodaysListings(ctx);
      const catalog = timed('catalog', () => syncCatalog(ctx));
      const known = loadPlans(ctx);
      for (const p of [withViewers, catalog, known]) p.catch(() => undefined); // awaited below
      const sessions = timed('sessions', () => syncSessions(ctx, { known, withViewers, catalog }));
      // The catalog's own failure says more than the sessions stage's, which waits for it.
      const [listed, listedSessions] = await Promise.allSettled([catalog, sessions]);
      if (listed.status === 'rejected') throw listed.reason;
      if (listedSessions.status === 'rejected') throw listedSessions.reason;
      if (!ctx.missing.has('raw statistics')) await timed('events', () => syncEvents(ctx));
    })(),
    ctx.options.metrics ? timed('metrics', () => syncMetrics(ctx)) : Promise.resolve(),
  ]);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  // A real failure says more than the interruption it may have raced with.
  const failure = failures.find((f) => !(f instanceof InterruptedError)) ?? failures[0];
  if (failure !== undefined) throw failure;
}

export async function sync(options: SyncOptions): Promise<SyncSummary> {
  const days = parseDayRange(options);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const client = new ApiVideoClient({
    apiKey: options.apiKey,
    env: options.env,
    baseUrl: options.baseUrl,
    auth: options.auth,
    concurrency,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    transport: options.transport,
    signal: options.signal,
  });
  const clockStart = Date.now();
  const startedAt = options.now ?? clockStart;
  const now = () => startedAt + (Date.now() - clockStart);
  const progress = newProgress();
  options.onStart?.(progress, client);

  // The login is a round trip: it travels while the warehouse loads, opens and records the run.
  const login = client.authenticate();
  login.catch(() => undefined); // awaited below; only a failure before then must not go unhandled
  const store: Destination = await openDestination(options.db, {
    lockWaitMs: options.lockWaitMs ?? 5000,
    schema: options.schema,
  });
  let runId: number | undefined;
  let migrated: string[] = [];
  const batcher = new LoadBatcher(store);
  const raw = options.rawDir ? new RawDir(options.rawDir) : undefined;
  const ctx: SyncContext = {
    client,
    store,
    batcher,
    raw,
    progress,
    options: {
      from: days.from,
      to: days.to,
      overlapDays: options.overlapDays ?? 1,
      maxPeriodDays: options.maxPeriodDays ?? 365,
      // One asset or session worked on per request slot.
      workers: concurrency,
      metrics: options.metrics ?? true,
    },
    startedAt,
    now,
    today: dayOf(startedAt),
    missing: new Set<Generation>(),
    warnings: [],
    skipped: {},
    rejected: 0,
    rejectsByEndpoint: new Map(),
    runId: 0,
  };
  const end = (status: RunEnd['status'], error?: unknown): RunEnd => ({
    status,
    finishedAt: now(),
    requests: client.stats.requests,
    retries: client.stats.retries,
    rateLimited: client.stats.rateLimited,
    rowsAdded: batcher.added,
    missingGenerations: [...ctx.missing],
    // Stored text never carries control characters from the API (see text.ts).
    warnings: ctx.warnings.map((w) => printable(w)),
    rejected: ctx.rejected,
    skipped: ctx.skipped,
    ...(error !== undefined && {
      error: printable(error instanceof Error ? error.message : String(error)),
    }),
  });
  try {
    migrated = await store.prepare();
    runId = await store.beginRun({
      startedAt,
      baseUrl: client.baseUrl,
      from: days.from,
      to: days.to,
    });
    ctx.runId = runId;
    await login;
    const stageMs: Record<string, number> = {};
    let status: SyncSummary['status'] = 'succeeded';
    try {
      await runStages(ctx, stageMs);
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      status = 'interrupted';
    }
    // Everything added so far is whole (pages, sessions with their checkpoints): keep it.
    progress.stage = 'finishing';
    await batcher.flush();
    await store.endRun(runId, end(status));
    progress.stage = 'done';
    const finishedAt = now();
    return {
      runId,
      status,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      requests: client.stats.requests,
      retries: client.stats.retries,
      rateLimited: client.stats.rateLimited,
      rowsAdded: { ...batcher.added },
      rowsAddedTotal: totalRows(batcher.added),
      fetched: {
        assets: progress.assets,
        sessions: progress.sessions,
        events: progress.events,
        metricRows: progress.metricRows,
      },
      missingGenerations: [...ctx.missing],
      warnings: ctx.warnings,
      rejected: ctx.rejected,
      rejectsByEndpoint: Object.fromEntries(ctx.rejectsByEndpoint),
      skipped: ctx.skipped,
      migrated,
      stageMs,
      // resourceUsage() reports kilobytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } catch (error) {
    if (runId !== undefined) {
      // What was committed stays (checkpoints make the next run resume); the run says why it stopped.
      await batcher.flush().catch(() => undefined);
      await store.endRun(runId, end('failed', error)).catch(() => undefined);
    }
    throw error;
  } finally {
    await raw?.close();
    await store.close();
  }
}
