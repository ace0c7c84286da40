/**
 * The last step every chart's rows go through, on the server and in the report's browser code
 * alike: measures made plain numbers, days made ISO dates, a stable order, and the top-N cut.
 * Running the same function on both sides is what lets the report's roll-up match `serve`.
 */
import { measuresOf, type ChartDef } from './charts.js';
import { isoDay } from '../../calendar.js';
import type { Row, Value } from './types.js';

/** Code-unit order with nulls last: the same in Node and every browser (no locale). */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function byDims(chart: ChartDef) {
  return (a: Row, b: Row) => {
    for (const d of chart.dims) {
      const c = compareValues(a[d.name] ?? null, b[d.name] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function byMeasure(chart: ChartDef, measure: string) {
  const dims = byDims(chart);
  return (a: Row, b: Row) => Number(b[measure]) - Number(a[measure]) || dims(a, b);
}

/** Rows whose day dimensions are day numbers (from SQL or a cube) → the answer's rows. */
export function finalize(chart: ChartDef, input: Row[]): Row[] {
  const measures = measuresOf(chart).map((m) => m.name);
  // SQL's grand total over nothing is one row of nothing; a roll-up of nothing has no row at all.
  const grand = chart.dims.length === 0 && input.length === 0 ? [{}] : input;
  let rows = grand.map((row: Row) => {
    const out: Row = {};
    for (const d of chart.dims) {
      const v = row[d.name] ?? null;
      out[d.name] = d.kind === 'day' && typeof v === 'number' ? isoDay(v) : v;
    }
    // SUM over nothing but NULLs is NULL in SQL and 0 in a roll-up: both mean "none".
    for (const m of measures) out[m] = Number(row[m] ?? 0);
    return out;
  });
  const top = chart.top;
  if (!top) return rows.sort(byDims(chart));
  rows.sort(byMeasure(chart, top.by[0]!));
  // One row past the cut is shown as itself: an "other" of one says less than its name.
  if (rows.length <= top.n + 1) return rows;
  const keep = new Set<Row>();
  for (const measure of top.by) {
    for (const row of [...rows].sort(byMeasure(chart, measure)).slice(0, top.n)) keep.add(row);
  }
  const rest = rows.filter((r) => !keep.has(r));
  rows = rows.filter((r) => keep.has(r));
  if (top.other && rest.length > 0) {
    const other: Row = {};
    for (const d of chart.dims) other[d.name] = null;
    for (const m of measures) other[m] = rest.reduce((sum, r) => sum + Number(r[m]), 0);
    other.other = true;
    other.otherCount = rest.length;
    rows.push(other);
  }
  return rows;
}
