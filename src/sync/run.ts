/**
 * `sync`: API → warehouse, stage by stage — catalog, sessions, events, Analytics API metrics —
 * each streaming into the warehouse through one batcher, each resumable from its checkpoints.
 *
 * A run is recorded in `sync_runs` from its start; a run that died without recording its end
 * (kill -9) is marked `interrupted` by the next one, which holds the warehouse's write lock and
 * so knows no other run is alive.
 */
import { ApiVideoClient } from '../api/client.js';
import type { SchedulerStats } from '../api/scheduler.js';
import { dayOf, parseDayRange, type Day } from '../calendar.js';
import type { RetryPolicy } from '../api/retry-policy.js';
import type { Transport } from '../api/transport.js';
import { LoadBatcher } from '../warehouse/batch.js';
import { Warehouse } from '../warehouse/connection.js';
import { ensureSchema } from '../warehouse/migrate.js';
import type { TableName } from '../warehouse/schema.js';
import { syncCatalog } from './catalog.js';
import { type Generation, type SyncContext, type SyncProgress } from './context.js';
import { syncEvents } from './events.js';
import { syncMetrics } from './metrics.js';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import { viewersSinceTodaysListings } from './quiet-assets.js';
import { RawDir } from './raw-dir.js';
import { syncSessions } from './sessions.js';

export interface SyncOptions {
  db: string;
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
  /** For tests: an in-memory transport instead of the network. */
  transport?: Transport;
}

export interface SyncSummary {
  runId: number;
  status: 'succeeded';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: number;
  retries: number;
  rateLimited: number;
  /** Rows new to each table in this run. */
  rowsAdded: Partial<Record<TableName, number>>;
  rowsAddedTotal: number;
  /** Rows fetched from the API this run (new or not). */
  fetched: { assets: number; sessions: number; events: number; metricRows: number };
  /** API generations the account did not answer. */
  missingGenerations: Generation[];
  warnings: string[];
  /** How long each stage took (metrics runs beside the others). */
  stageMs: Record<string, number>;
  /** The process's peak resident memory so far (the whole process, worker included). */
  peakRssBytes: number;
}

async function startRun(
  db: Warehouse,
  baseUrl: string,
  startedAt: number,
  days: { from?: Day; to?: Day },
): Promise<number> {
  return db.transaction(async () => {
    await db.run(`UPDATE main.sync_runs SET status = 'interrupted' WHERE status = 'running'`);
    const runId = Number(
      await db.scalar<number>(`SELECT coalesce(max(run_id), 0) + 1 FROM main.sync_runs`),
    );
    await db.run(
      `INSERT INTO main.sync_runs (run_id, started_at, status, base_url, from_day, to_day, requests, retries, rate_limited, rows_added)
       VALUES ($1, $2::TIMESTAMPTZ, 'running', $3, $4::DATE, $5::DATE, 0, 0, 0, 0)`,
      [runId, new Date(startedAt).toISOString(), baseUrl, days.from ?? null, days.to ?? null],
    );
    return runId;
  });
}

const totalRows = (added: Partial<Record<TableName, number>>) =>
  Object.values(added).reduce((a, b) => a + (b ?? 0), 0);

async function finishRun(
  db: Warehouse,
  runId: number,
  status: 'succeeded' | 'failed',
  fields: {
    stats: Readonly<SchedulerStats>;
    rowsAdded: Partial<Record<TableName, number>>;
    missing: Generation[];
    error?: string;
  },
): Promise<void> {
  await db.transaction(() =>
    db.run(
      `UPDATE main.sync_runs SET finished_at = now(), status = $2, requests = $3, retries = $4, rate_limited = $5,
         rows_added = $6, rows_added_by_table = $7, missing_generations = from_json($8, '["VARCHAR"]'), error = $9
       WHERE run_id = $1`,
      [
        runId,
        status,
        fields.stats.requests,
        fields.stats.retries,
        fields.stats.rateLimited,
        totalRows(fields.rowsAdded),
        JSON.stringify(fields.rowsAdded),
        JSON.stringify(fields.missing),
        fields.error ?? null,
      ],
    ),
  );
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
  });
  const startedAt = Date.now();
  const progress: SyncProgress = {
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
  options.onStart?.(progress, client);

  // The warehouse first: a locked or foreign file fails before any request is made.
  const db = await Warehouse.open(options.db, {
    lockWaitMs: options.lockWaitMs ?? 5000,
    // DuckDB's own share stays small: a commit's working set is a few MB (see LoadBatcher).
    lean: true,
    threads: 1,
  });
  let runId: number | undefined;
  let batcher: LoadBatcher | undefined;
  const missing = new Set<Generation>();
  const raw = options.rawDir ? new RawDir(options.rawDir) : undefined;
  try {
    // The first request (the login) is a round trip: the warehouse gets ready meanwhile.
    const login = client.authenticate();
    login.catch(() => undefined); // awaited below; only a failure before then must not go unhandled
    await ensureSchema(db);
    runId = await startRun(db, client.baseUrl, startedAt, days);
    await login;
    batcher = new LoadBatcher(db);
    const ctx: SyncContext = {
      client,
      db,
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
      today: dayOf(startedAt),
      missing,
      warnings: [],
    };
    const stageMs: Record<string, number> = {};
    const timed = async (name: string, stage: () => Promise<void>) => {
      const start = Date.now();
      await stage();
      stageMs[name] = Date.now() - start;
    };
    // The Analytics API snapshot needs nothing from the other stages: it runs beside them, and
    // both lines are waited for before anything else happens, even when one fails.
    const outcomes = await Promise.allSettled([
      (async () => {
        const withViewers = viewersSinceTodaysListings(ctx);
        withViewers.catch(() => undefined); // awaited in the sessions stage
        await timed('catalog', () => syncCatalog(ctx));
        await timed('sessions', () => syncSessions(ctx, withViewers));
        if (!missing.has('raw statistics')) await timed('events', () => syncEvents(ctx));
      })(),
      ctx.options.metrics ? timed('metrics', () => syncMetrics(ctx)) : Promise.resolve(),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    await batcher.flush();

    progress.stage = 'finishing';
    const stats = client.stats;
    await finishRun(db, runId, 'succeeded', {
      stats,
      rowsAdded: batcher.added,
      missing: [...missing],
    });
    progress.stage = 'done';
    const finishedAt = Date.now();
    return {
      runId,
      status: 'succeeded',
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      requests: stats.requests,
      retries: stats.retries,
      rateLimited: stats.rateLimited,
      rowsAdded: { ...batcher.added },
      rowsAddedTotal: totalRows(batcher.added),
      fetched: {
        assets: progress.assets,
        sessions: progress.sessions,
        events: progress.events,
        metricRows: progress.metricRows,
      },
      missingGenerations: [...missing],
      warnings: ctx.warnings,
      stageMs,
      // resourceUsage() reports kilobytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } catch (error) {
    if (runId !== undefined) {
      // What was committed stays (checkpoints make the next run resume); the run says why it stopped.
      await batcher?.flush().catch(() => undefined);
      await finishRun(db, runId, 'failed', {
        stats: client.stats,
        rowsAdded: batcher?.added ?? {},
        missing: [...missing],
        error: error instanceof Error ? error.message : String(error),
      }).catch(() => undefined);
    }
    throw error;
  } finally {
    await raw?.close();
    db.close();
  }
}
