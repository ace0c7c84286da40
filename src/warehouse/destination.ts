/**
 * What a sync needs from the store it loads into, and nothing more: the destination owns its
 * tables, its SQL and its bookkeeping (runs, checkpoints, gone-marks), as dlt's destinations own
 * their load and state tables. The pipeline (src/sync) asks questions and hands over batches; it
 * never writes SQL, so DuckDB and PostgreSQL stores are interchangeable behind this interface.
 */
import type { Day } from '../calendar.js';
import type { AssetType, Row, TableName } from './schema.js';

/** Tables and checkpoints a sync loads, in the order a commit loads them. */
export const LOAD_ORDER = [
  'videos',
  'live_streams',
  'players',
  'sessions',
  'collected_sessions',
  'session_events',
  'collected_events',
  'session_stats',
  'watch_spans',
  'metric_timeseries',
  'metric_breakdowns',
  'rejects',
  'asset_checkpoints',
  'session_checkpoints',
  'metric_checkpoints',
] as const;

export type LoadedTable = (typeof LOAD_ORDER)[number];

/**
 * What `viewership collect` loads, into the contract's tables, merged its own way (so that any
 * number of publishes of the same pings, in any order, from any number of collectors, converge):
 * - `collected_sessions` → `sessions`: inserted if absent; an existing row keeps every column but
 *   `ended_at`, which becomes the later of the stored and the loaded value.
 * - `collected_events` → `session_events`: each session's stored events and the loaded ones are
 *   united, an event equal to a stored one in every typed column (a retried or re-published ping)
 *   counted once, then ordered by `emitted_at` (stored before loaded, then by `seq`, on a tie) and
 *   numbered again from 0. A loaded row's `seq` only orders the batch's own rows.
 * Concurrent commits touching the same session must serialize (PostgreSQL: lock per session_id).
 */
export const COLLECTED_INTO = {
  collected_sessions: 'sessions',
  collected_events: 'session_events',
} as const satisfies Partial<Record<LoadedTable, TableName>>;

export type CatalogTable = 'videos' | 'live_streams' | 'players';

/**
 * Bookkeeping applied after a batch's rows, in the same transaction. Times are ms since the epoch.
 * - `listing-complete`: a catalog listing, whose rows carry `last_seen_at = at`, was read to its
 *   end: whatever it did not list is gone (never deleted: its history stays).
 * - `asset-gone` / `session-gone`: the API answered 404 on its own route.
 * - `refresh-titles`: sessions carry their asset's current title (only those of `sessionIds`
 *   when given).
 * - `refigure-sessions`: these sessions' `session_stats` and `watch_spans` are computed again from
 *   all their stored events in `seq` order (SessionFigures), after the batch's rows are loaded: the
 *   collector's sessions grow over many batches.
 */
export type Mark =
  | { kind: 'listing-complete'; table: CatalogTable; at: number }
  | { kind: 'asset-gone'; assetType: AssetType; assetId: string; at: number }
  | { kind: 'session-gone'; sessionId: string; at: number }
  | { kind: 'refresh-titles'; sessionIds?: readonly string[] }
  | { kind: 'refigure-sessions'; sessionIds: readonly string[] };

export interface LoadBatch {
  rows: ReadonlyMap<LoadedTable, Row[]>;
  marks: readonly Mark[];
}

/** Rows new to each table (keys it did not have before). */
export type RowsAdded = Partial<Record<TableName, number>>;

export interface RunStart {
  startedAt: number;
  /** Where the data comes from, without credentials. */
  baseUrl: string;
  from: Day | undefined;
  to: Day | undefined;
}

export type RunStatus = 'succeeded' | 'failed' | 'interrupted';

export interface RunEnd {
  status: RunStatus;
  /** ms since the epoch, on the run's clock. */
  finishedAt: number;
  requests: number;
  retries: number;
  rateLimited: number;
  rowsAdded: RowsAdded;
  missingGenerations: string[];
  warnings: string[];
  rejected: number;
  /** Work a run did not do because its checkpoints said it was done, by kind. */
  skipped: Record<string, number>;
  error?: string;
}

/** One video or live stream and how far its sessions have been listed. */
export interface AssetState {
  type: AssetType;
  id: string;
  title: string | null;
  created: Day | null;
  syncedFrom: Day | null;
  syncedThrough: Day | null;
  /** The day of its oldest session still open (no end yet), if any. */
  openSince: Day | null;
}

/** The row a store's `assets()` query gives, in the same names in every dialect. */
export interface AssetStateRow {
  type: AssetType;
  id: string;
  title: string | null;
  created: string | null;
  synced_from: string | null;
  synced_through: string | null;
  open_since: string | null;
}

export const toAssetState = (r: AssetStateRow): AssetState => ({
  type: r.type,
  id: r.id,
  title: r.title,
  created: r.created,
  syncedFrom: r.synced_from,
  syncedThrough: r.synced_through,
  openSince: r.open_since,
});

export interface PendingSession {
  sessionId: string;
  /**
   * The session is over: it had ended when listed, or it loaded before the `openUntil` cutoff
   * without an end (or without a known load time). Its events, once stored, are final.
   */
  ended: boolean;
}

export interface Destination {
  readonly kind: 'duckdb' | 'postgres';
  /** How messages name it: a file path, or a URL without its password. */
  readonly label: string;

  /**
   * Creates the tables, or migrates them (returning the steps taken); refuses a store that is
   * someone else's or written by a newer viewership, before changing anything.
   */
  prepare(): Promise<string[]>;

  /** Records a run as started (and any run left `running` by a dead process as interrupted). */
  beginRun(start: RunStart): Promise<number>;
  endRun(runId: number, end: RunEnd): Promise<void>;

  /**
   * Every video and live stream not gone, with its listing checkpoint. `openSince` counts only
   * sessions loaded at or after `openCutoff` (ms): older ones without an end are over.
   */
  assets(openCutoff: number): Promise<AssetState[]>;
  /** How many of each catalog listing's items are not gone: how long the listing was last time. */
  catalogSizes(): Promise<Record<CatalogTable, number>>;
  /** The earliest creation day in the catalog: where an asset without one starts. */
  historyStart(): Promise<Day | null>;
  /**
   * Sessions whose events are not stored for good, by id, after `after` (keyset paging);
   * `ended` is judged with `openCutoff` (ms), see PendingSession.
   */
  pendingSessions(after: string, limit: number, openCutoff: number): Promise<PendingSession[]>;
  /** Sessions whose events are still to fetch, and those stored for good (ended when fetched). */
  sessionCounts(): Promise<{ pending: number; final: number }>;
  /** Days of Analytics API data stored for good between `first` and `last`. */
  finalMetricDays(first: Day, last: Day): Promise<Set<Day>>;
  /** When assets were first listed today (ms) and the newest session stored (ms), if any. */
  todaysListing(today: Day): Promise<{ listedAt: number | null; newestSession: number | null }>;

  /** Loads a batch atomically: its rows, then its marks; returns the rows new to each table. */
  commit(batch: LoadBatch): Promise<RowsAdded>;

  close(): Promise<void>;
}
