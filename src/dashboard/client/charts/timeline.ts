/** Charts over time: sessions per day (video / live stream stacked), the Analytics API's counts. */
import * as Plot from '@observablehq/plot';
import { API_METRICS } from '../../charts.js';
import type { AssetType } from '../../types.js';
import { formatCompact, formatInt, TYPE_COLORS, TYPE_LABELS } from '../format.js';
import { dateOf, num, plotInterval, rowsOf, type RenderContext } from './context.js';

const METRIC_COLORS = ['#3867d6', '#20bf6b', '#a55eea'];
const METRIC_LABELS: Record<string, string> = {
  play: 'plays',
  view: 'views',
  impression: 'impressions',
};

export function sessionsOverTime(ctx: RenderContext): Node | null {
  const rows = rowsOf(ctx, 'daily').filter((r) => num(r.sessions) > 0);
  if (rows.length === 0) return null;
  const types: AssetType[] = ['video', 'live_stream'];
  return Plot.plot({
    width: ctx.width,
    height: 260,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: 'sessions', grid: true, tickFormat: formatCompact },
    color: {
      domain: types,
      range: types.map((t) => TYPE_COLORS[t]),
      legend: true,
      tickFormat: (t: AssetType) => TYPE_LABELS[t],
    },
    marks: [
      Plot.rectY(rows, {
        x: (r) => dateOf(r.day),
        y: (r) => num(r.sessions),
        fill: 'asset_type',
        interval: plotInterval(ctx.grain),
        insetLeft: 0.5,
        insetRight: 0.5,
        title: (r) =>
          `${String(r.day)} · ${TYPE_LABELS[r.asset_type as AssetType] ?? String(r.asset_type)}: ${formatInt(num(r.sessions))} sessions`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

export function apiOverTime(ctx: RenderContext): Node | null {
  const rows = rowsOf(ctx, 'api_daily');
  if (rows.length === 0) return null;
  const metrics = [...API_METRICS];
  const line = {
    x: (r: Record<string, unknown>) => dateOf(r.day),
    y: (r: Record<string, unknown>) => num(r.value),
    stroke: 'metric',
    fill: 'metric',
  };
  return Plot.plot({
    width: ctx.width,
    height: 240,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: null, grid: true, tickFormat: formatCompact, zero: true },
    color: {
      domain: metrics,
      range: METRIC_COLORS,
      legend: true,
      tickFormat: (m: string) => METRIC_LABELS[m] ?? m,
    },
    marks: [
      Plot.lineY(rows, { ...line, fill: null, curve: 'monotone-x' }),
      Plot.dot(rows, {
        ...line,
        r: 2.5,
        title: (r) =>
          `${String(r.day)} · ${METRIC_LABELS[String(r.metric)] ?? String(r.metric)}: ${formatInt(num(r.value))}`,
      }),
    ],
  });
}

export { METRIC_COLORS, METRIC_LABELS };
