/**
 * The report's answer to a filter: add up the cube rows the filter selects, by the chart's
 * dimensions, then the same `finalize` as serve. Runs in the browser; the unit tests hold it
 * equal to serve's SQL on a real warehouse.
 */
import { assetFiltered, type ChartDef } from './charts.js';
import { ASSET, measureNames, PERIOD, TYPE } from './cube.js';
import { dayNumber, monthStart, weekStart } from '../../calendar.js';
import { finalize } from './finalize.js';
import type { Filter, Grain, Row, Value } from './types.js';

/** The period a day falls in: a range starting mid-week starts at that week. */
export function periodOf(day: number, grain: Grain): number {
  if (grain === 'week') return weekStart(day);
  if (grain === 'month') return monthStart(day);
  return day;
}

export function rollup(
  chart: ChartDef,
  rows: Row[],
  filter: Filter,
  grain: Grain,
  by: 'asset' | 'type',
): Row[] {
  const from = filter.from === undefined ? -Infinity : periodOf(dayNumber(filter.from)!, grain);
  const to = filter.to === undefined ? Infinity : dayNumber(filter.to)!;
  const byType = assetFiltered(chart) && filter.type !== 'all';
  // A report without per-asset rows cannot narrow to one asset; the page says so.
  const byAsset = assetFiltered(chart) && filter.asset !== undefined && by === 'asset';
  const measures = measureNames(chart);
  const groups = new Map<string, Row>();
  for (const row of rows) {
    const period = row[PERIOD] as number;
    if (period < from || period > to) continue;
    if (byType && row[TYPE] !== filter.type) continue;
    if (byAsset && row[ASSET] !== filter.asset) continue;
    const key: Value[] = chart.dims.map((d) => (d.kind === 'day' ? period : (row[d.name] ?? null)));
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) {
      group = {};
      chart.dims.forEach((d, i) => (group![d.name] = key[i]!));
      for (const m of measures) group[m] = 0;
      groups.set(id, group);
    }
    for (const m of measures) group[m] = (group[m] as number) + Number(row[m] ?? 0);
  }
  return finalize(chart, [...groups.values()]);
}
