/**
 * Where the page's data comes from: serve's JSON API, or what a report embeds. Both answer the
 * same questions with the same shapes, so the rest of the page never knows which it has.
 */
import { CHARTS, chartById } from '../shared/charts.js';
import { decodeCube, type ReportData } from '../shared/cube.js';
import { pageOf, sessionQueryString } from '../shared/explorer.js';
import { filterQuery } from '../shared/filter.js';
import { rollup } from '../shared/rollup.js';
import type {
  DataAnswer,
  Filter,
  Grain,
  Meta,
  Retention,
  Row,
  SessionDetail,
  SessionPage,
  SessionQuery,
} from '../shared/types.js';
import { comparedRanges } from '../shared/view.js';

export interface DataSource {
  readonly kind: 'serve' | 'report';
  readonly grain: Grain;
  /** False when a report keeps no per-asset rows. */
  readonly perAsset: boolean;
  /** What the explorer and the retention card should say about a report's bounded data. */
  readonly sessionsNote?: string;
  readonly retentionNote?: string;
  meta(): Promise<Meta>;
  data(filter: Filter): Promise<DataAnswer>;
  sessions(query: SessionQuery): Promise<SessionPage>;
  /** Undefined: no such session (or, in a report, not one of those it carries). */
  session(id: string): Promise<SessionDetail | undefined>;
  retention(filter: Filter & { asset: string }): Promise<Retention | undefined>;
  /** The data version; a change means the warehouse changed (serve only). */
  version(): Promise<number>;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  return (await res.json()) as T;
}

async function getOptional<T>(path: string): Promise<T | undefined> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 404) return undefined;
  if (!res.ok) return getJson<T>(path);
  return (await res.json()) as T;
}

export class ServeSource implements DataSource {
  readonly kind = 'serve';
  readonly grain = 'day';
  readonly perAsset = true;

  meta(): Promise<Meta> {
    return getJson<Meta>('/api/meta');
  }

  data(filter: Filter): Promise<DataAnswer> {
    return getJson<DataAnswer>(`/api/data?${filterQuery(filter)}`);
  }

  sessions(query: SessionQuery): Promise<SessionPage> {
    return getJson<SessionPage>(`/api/sessions?${sessionQueryString(query)}`);
  }

  session(id: string): Promise<SessionDetail | undefined> {
    return getOptional<SessionDetail>(`/api/session?${new URLSearchParams({ id }).toString()}`);
  }

  retention(filter: Filter & { asset: string }): Promise<Retention | undefined> {
    return getOptional<Retention>(`/api/retention?${filterQuery(filter)}`);
  }

  async version(): Promise<number> {
    return (await getJson<{ version: number }>('/api/version')).version;
  }
}

export class ReportSource implements DataSource {
  readonly kind = 'report';
  private readonly rows = new Map<string, Row[]>();

  constructor(private readonly report: ReportData) {}

  get grain(): Grain {
    return this.report.grain;
  }

  get perAsset(): boolean {
    return this.report.by === 'asset';
  }

  get sessionsNote(): string {
    return this.report.sessions.note;
  }

  get retentionNote(): string {
    const extent = this.report.meta.extent;
    return extent
      ? `In this report, retention covers the report's whole range (${extent.from} to ${extent.to}); the date filter does not apply to it.`
      : '';
  }

  async meta(): Promise<Meta> {
    return this.report.meta;
  }

  private chartRows(id: string): Row[] {
    let rows = this.rows.get(id);
    if (!rows) {
      const cube = this.report.cubes[id];
      rows = cube ? decodeCube(chartById(id), this.report.by, cube, this.report.strings) : [];
      this.rows.set(id, rows);
    }
    return rows;
  }

  async data(filter: Filter): Promise<DataAnswer> {
    const { grain, by } = this.report;
    const charts: Record<string, Row[]> = {};
    for (const chart of CHARTS) {
      charts[chart.id] = rollup(chart, this.chartRows(chart.id), filter, grain, by);
    }
    const ranges = comparedRanges(filter, this.report.meta.extent);
    let previous: DataAnswer['previous'] = null;
    if (ranges) {
      const before: Filter = { ...filter, ...ranges.previous };
      const rows: Record<string, Row[]> = {};
      for (const id of ['totals', 'daily', 'countries']) {
        rows[id] = rollup(chartById(id), this.chartRows(id), before, grain, by);
      }
      previous = { ...ranges.previous, charts: rows };
    }
    return { version: this.report.meta.version, filter, charts, grain, previous };
  }

  async sessions(query: SessionQuery): Promise<SessionPage> {
    return pageOf(this.report.sessions.rows, query);
  }

  async session(id: string): Promise<SessionDetail | undefined> {
    const row = this.report.sessions.rows.find((r) => r.session_id === id);
    if (!row) return undefined;
    return {
      session: row,
      events: this.report.sessions.events[id] ?? [],
      eventCount: row.event_count,
    };
  }

  async retention(filter: Filter & { asset: string }): Promise<Retention | undefined> {
    return this.report.retention[filter.asset];
  }

  async version(): Promise<number> {
    return this.report.meta.version;
  }
}

/** The report embeds its data; serve's page has none and asks the API. */
export function pickSource(): DataSource {
  const embedded = document.getElementById('viewership-data');
  if (embedded?.textContent) {
    return new ReportSource(JSON.parse(embedded.textContent) as ReportData);
  }
  return new ServeSource();
}
