/**
 * The shapes that travel between the server (or the report's embedded cubes) and the browser.
 * Bundled into the browser too: no Node imports.
 */

export type AssetType = 'video' | 'live_stream';
export type TypeFilter = AssetType | 'all';

/** A dashboard filter; an absent day bound means "from the first day" / "to the last day". */
export interface Filter {
  from?: string;
  to?: string;
  type: TypeFilter;
  asset?: string;
}

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export interface Asset {
  type: AssetType;
  id: string;
  title: string | null;
  sessions: number;
}

export interface Extent {
  from: string;
  to: string;
}

/** GET /api/meta, and the `meta` of a report. */
export interface Meta {
  version: number;
  /** `waiting`: serve has no snapshot yet because a sync holds the warehouse. */
  state: 'ready' | 'waiting';
  refreshedAt: string | null;
  /** UTC days with sessions or Analytics API data; null for an empty warehouse. */
  extent: Extent | null;
  assets: Asset[];
  /** ISO alpha-2 code → the country name the API gave. */
  countries: Record<string, string>;
  lastSync: { finishedAt: string; status: string } | null;
  sessions: number;
}

/** GET /api/data: every chart's rows for one filter, keyed by chart id. */
export interface DataAnswer {
  version: number;
  filter: Filter;
  charts: Record<string, Row[]>;
  /** The report's time grain: ranges widen to whole weeks or months when coarser than a day. */
  grain?: Grain;
  /** The period of equal length just before the filter's; null when the range is open. */
  previous?: Previous | null;
}

export type Grain = 'day' | 'week' | 'month';

/** The whole view a URL names: the filter, and the session whose timeline is open. */
export interface View extends Filter {
  session?: string;
}

/** The previous period of equal length, for the comparison beside each figure. */
export interface Previous {
  from: string;
  to: string;
  /** The same charts as the answer's, for the few the comparison draws (totals, daily, countries). */
  charts: Record<string, Row[]>;
}

/** How the session explorer sorts. */
export type SessionSort = 'time' | 'country' | 'device' | 'watch' | 'ended';
export type SortDir = 'asc' | 'desc';

export interface SessionQuery {
  filter: Filter;
  /** Free text: matched, case-insensitively, against id, place, device, OS, browser, referrer. */
  q?: string;
  sort: SessionSort;
  dir: SortDir;
  /** 0-based. */
  page: number;
}

/** One row of the session explorer. */
export interface SessionRow {
  session_id: string;
  asset_type: AssetType;
  asset_id: string;
  /** ISO 8601, UTC, to the microsecond; null when the API gave none. */
  loaded_at: string | null;
  country_code: string | null;
  city: string | null;
  device_type: string | null;
  os_name: string | null;
  client_name: string | null;
  referrer_source: string | null;
  watch_seconds: number;
  ended: boolean;
  max_position: number | null;
  event_count: number;
}

export interface SessionPage {
  total: number;
  page: number;
  pageSize: number;
  rows: SessionRow[];
}

export interface SessionEvent {
  seq: number;
  type: string;
  /** ISO 8601, UTC, to the millisecond. */
  emitted_at: string;
  at_position: number | null;
  from_position: number | null;
  to_position: number | null;
}

export interface SessionDetail {
  session: SessionRow;
  events: SessionEvent[];
  /** How many events the session has; more than `events.length` when they were cut short. */
  eventCount: number;
}

/** Audience retention of a video: viewers still watching at each position. */
export interface VideoRetention {
  kind: 'video';
  asset: string;
  /** Sessions of the asset in the filter's days; `played` of them played at least one stretch. */
  sessions: number;
  played: number;
  /** Seconds played per session that played (the watch_seconds rule), on average. */
  averageViewSeconds: number;
  /** Seconds between two points; point i is at position i × step. */
  step: number;
  /** Sessions whose play stretches cover the position, per point. */
  viewers: number[];
}

/** A live stream's concurrent viewers over its time. */
export interface LiveViewers {
  kind: 'live';
  asset: string;
  sessions: number;
  /** ISO 8601 of the first point; point i is at start + i × step seconds. */
  start: string;
  step: number;
  /** Sessions open (loaded, not yet ended) during each interval of `step` seconds. */
  viewers: number[];
}

export type Retention = VideoRetention | LiveViewers;
