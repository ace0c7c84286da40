/**
 * Where the page's data comes from: serve's JSON API, or the cubes embedded in a report.
 * Both answer the same questions with the same shapes, so the rest of the page never knows.
 */
import { CHARTS } from '../charts.js';
import { decodeCube, type ReportData } from '../cube.js';
import { filterQuery } from '../filter.js';
import { rollup } from '../rollup.js';
import type { DataAnswer, Filter, Grain, Meta, Row } from '../types.js';

export interface DataSource {
  readonly kind: 'serve' | 'report';
  readonly grain: Grain;
  /** False when a report keeps no per-asset rows. */
  readonly perAsset: boolean;
  meta(): Promise<Meta>;
  data(filter: Filter): Promise<DataAnswer>;
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

  async meta(): Promise<Meta> {
    return this.report.meta;
  }

  async data(filter: Filter): Promise<DataAnswer> {
    const charts: Record<string, Row[]> = {};
    for (const chart of CHARTS) {
      let rows = this.rows.get(chart.id);
      if (!rows) {
        const cube = this.report.cubes[chart.id];
        rows = cube ? decodeCube(chart, this.report.by, cube, this.report.strings) : [];
        this.rows.set(chart.id, rows);
      }
      charts[chart.id] = rollup(chart, rows, filter, this.report.grain, this.report.by);
    }
    return { version: this.report.meta.version, filter, charts, grain: this.report.grain };
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
