/**
 * The report's data: one cube per chart, column by column, text through one shared dictionary,
 * periods delta-coded (cubes are sorted by period, so most deltas are 0 or 1). Encoding runs in
 * Node, decoding in the browser; this module imports nothing from either.
 */
import { measuresOf, SOURCES, type ChartDef } from './charts.js';
import type { Grain, Meta, Retention, Row, SessionEvent, SessionRow, Value } from './types.js';

/** Cube columns besides the chart's own; a leading underscore keeps them apart from dimensions. */
export const TYPE = '_type';
export const ASSET = '_asset';
export const PERIOD = '_period';

export interface EncodedCube {
  rows: number;
  /** Column name → values: dictionary indexes (-1 = null) for text, numbers otherwise. */
  columns: Record<string, Array<number | null>>;
}

export interface ReportData {
  generatedAt: string;
  meta: Meta;
  grain: Grain;
  /** `asset`: cubes keep one row per asset (the asset picker works); `type`: per asset type only. */
  by: 'asset' | 'type';
  strings: string[];
  cubes: Record<string, EncodedCube>;
  /** Retention (or a live stream's viewers) over the report's whole range, per asset it covers. */
  retention: Record<string, Retention>;
  /** The bounded set of sessions the report's explorer and timelines read (see report.ts). */
  sessions: ReportSessions;
}

/** Sessions a report carries, and their events (cut to `maxEvents` each). */
export interface ReportSessions {
  /** What the set is, in words the page shows. */
  note: string;
  rows: SessionRow[];
  events: Record<string, SessionEvent[]>;
  maxEvents: number;
}

/** Which cube columns hold text, for one chart. */
export function textColumns(chart: ChartDef, by: 'asset' | 'type'): Set<string> {
  const text = new Set(chart.dims.filter((d) => d.kind === 'text').map((d) => d.name));
  if (SOURCES[chart.source].asset) {
    text.add(TYPE);
    if (by === 'asset') text.add(ASSET);
  }
  return text;
}

export class Dictionary {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  code(value: Value): number {
    if (value === null) return -1;
    const text = String(value);
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(text);
      this.index.set(text, i);
    }
    return i;
  }
}

/** Rows of `cubeSql` → columns. */
export function encodeCube(
  chart: ChartDef,
  by: 'asset' | 'type',
  rows: Row[],
  dict: Dictionary,
): EncodedCube {
  const text = textColumns(chart, by);
  const names = rows.length > 0 ? Object.keys(rows[0]!) : [];
  const columns: EncodedCube['columns'] = {};
  for (const name of names) {
    if (name === PERIOD) {
      let previous = 0;
      columns[name] = rows.map((r) => {
        const p = Number(r[name]);
        const delta = p - previous;
        previous = p;
        return delta;
      });
    } else if (text.has(name)) {
      columns[name] = rows.map((r) => dict.code(r[name] ?? null));
    } else {
      columns[name] = rows.map((r) => {
        const v = r[name];
        return v === null || v === undefined ? null : Number(v);
      });
    }
  }
  return { rows: rows.length, columns };
}

/** Columns → rows with plain values (periods as day numbers, text as strings). */
export function decodeCube(
  chart: ChartDef,
  by: 'asset' | 'type',
  cube: EncodedCube,
  strings: string[],
): Row[] {
  const text = textColumns(chart, by);
  const rows: Row[] = Array.from({ length: cube.rows }, () => ({}));
  for (const [name, values] of Object.entries(cube.columns)) {
    if (name === PERIOD) {
      let p = 0;
      values.forEach((delta, i) => {
        p += delta ?? 0;
        rows[i]![name] = p;
      });
    } else if (text.has(name)) {
      values.forEach((code, i) => {
        rows[i]![name] = code === null || code < 0 ? null : (strings[code] ?? null);
      });
    } else {
      values.forEach((v, i) => {
        rows[i]![name] = v;
      });
    }
  }
  return rows;
}

/** The measure columns of a chart's cube. */
export function measureNames(chart: ChartDef): string[] {
  return measuresOf(chart).map((m) => m.name);
}
