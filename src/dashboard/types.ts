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
}

export type Grain = 'day' | 'week' | 'month';
