/** What every stage of a sync shares: the client, the warehouse, the run's options and its live progress. */
import type { ApiVideoClient } from '../api/client.js';
import type { Day } from '../calendar.js';
import type { LoadBatcher } from '../warehouse/batch.js';
import type { Destination } from '../warehouse/destination.js';
import type { RawDir } from './raw-dir.js';

export type Stage = 'connecting' | 'catalog' | 'sessions' | 'events' | 'finishing' | 'done';

/** The API generations beyond auth + catalog, which an account may or may not answer. */
export type Generation = 'raw statistics' | 'analytics';

export interface SyncProgress {
  stage: Stage;
  /** Work units of the current stage (assets, sessions or metric days) done and in all. */
  done: number;
  total: number;
  assets: number;
  sessions: number;
  events: number;
  metricRows: number;
  /** The Analytics API snapshot runs beside the other stages, with its own count of days. */
  metricDaysDone: number;
  metricDaysTotal: number;
}

export interface StageOptions {
  /** Requested days, UTC, inclusive; undefined means "all there is". */
  from: Day | undefined;
  to: Day | undefined;
  /** Days re-listed before the last synced day, for sessions that arrive late. */
  overlapDays: number;
  /** Longest `period` range asked for at once. */
  maxPeriodDays: number;
  /** Assets or sessions worked on at once (requests are bounded separately by the client). */
  workers: number;
  metrics: boolean;
}

export interface SyncContext {
  client: ApiVideoClient;
  store: Destination;
  batcher: LoadBatcher;
  raw: RawDir | undefined;
  progress: SyncProgress;
  options: StageOptions;
  /** The run's start, ms since the epoch: what "now" and "today" mean throughout the run. */
  startedAt: number;
  /** The run's clock: `startedAt` plus the time elapsed since (ms). */
  now: () => number;
  today: Day;
  missing: Set<Generation>;
  warnings: string[];
  /** Work skipped because the checkpoints said it was done, by kind (for sync_runs). */
  skipped: Record<string, number>;
  /** Items stored in `rejects` so far, and by endpoint. */
  rejected: number;
  rejectsByEndpoint: Map<string, number>;
  /** The run's id in sync_runs (rejects are keyed by it). */
  runId: number;
}

/**
 * A session this long after it loaded without an end is over: the API may never send its end
 * (a viewer closing the tab), and an open session is fetched again, and its days listed again,
 * on every run.
 */
export const SESSION_OPEN_AT_MOST_MS = 2 * 86_400_000;

/** Sessions loaded before this (ms) without an end are over. */
export const openCutoff = (ctx: SyncContext): number => ctx.startedAt - SESSION_OPEN_AT_MOST_MS;

export function countSkipped(ctx: SyncContext, kind: string, n = 1): void {
  if (n > 0) ctx.skipped[kind] = (ctx.skipped[kind] ?? 0) + n;
}

/** Milliseconds → microseconds, the warehouse's timestamp unit. */
export const micros = (ms: number): bigint => BigInt(ms) * 1000n;
