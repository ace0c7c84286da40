/**
 * Charts over time: sessions per day (video / live stream stacked, the previous period of equal
 * length as a faint line over the same days), and the Analytics API's counts. Lines are straight
 * between points: a smoothing curve would draw values nobody measured.
 */
import * as Plot from '@observablehq/plot';
import { addDays, epochDays } from '../../../calendar.js';
import { API_METRICS } from '../../shared/charts.js';
import type { AssetType, Row } from '../../shared/types.js';
import { formatCompact, formatInt, TYPE_COLORS, TYPE_LABELS } from '../format.js';
import { dateOf, num, plotInterval, rowsOf, type RenderContext } from './context.js';

export const METRIC_COLORS = ['#3867d6', '#20bf6b', '#a55eea'];
export const METRIC_LABELS: Record<string, string> = {
  play: 'plays',
  view: 'views',
  impression: 'impressions',
};

export interface PreviousPoint {
  /** The day of the current period it is drawn over. */
  day: string;
  /** The day it counts. */
  was: string;
  sessions: number;
}

/**
 * The previous period's sessions per period, shifted forward by the period's length so each
 * lies over the day it is compared with. Days with no session are 0, not missing: the line must
 * not leap over them.
 */
export function previousLine(ctx: RenderContext): PreviousPoint[] {
  const previous = ctx.answer.previous;
  if (!previous) return [];
  const shift = epochDays(previous.to) - epochDays(previous.from) + 1;
  const byDay = new Map<string, number>();
  for (const r of previous.charts.daily ?? []) {
    byDay.set(String(r.day), (byDay.get(String(r.day)) ?? 0) + num(r.sessions));
  }
  if (ctx.grain !== 'day') {
    return [...byDay.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([was, sessions]) => ({ day: addDays(was, shift), was, sessions }));
  }
  const out: PreviousPoint[] = [];
  for (let day = previous.from; day <= previous.to; day = addDays(day, 1)) {
    out.push({ day: addDays(day, shift), was: day, sessions: byDay.get(day) ?? 0 });
  }
  return out;
}

export function sessionsOverTime(ctx: RenderContext): Node | null {
  const rows = rowsOf(ctx, 'daily').filter((r) => num(r.sessions) > 0);
  if (rows.length === 0) return null;
  const types: AssetType[] = ['video', 'live_stream'];
  const before = previousLine(ctx).filter((p) => p.sessions > 0 || ctx.grain === 'day');
  const hasBefore = before.some((p) => p.sessions > 0);
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
        x: (r: Row) => dateOf(r.day),
        y: (r: Row) => num(r.sessions),
        fill: 'asset_type',
        interval: plotInterval(ctx.grain),
        insetLeft: 0.5,
        insetRight: 0.5,
        title: (r: Row) =>
          `${String(r.day)} · ${TYPE_LABELS[r.asset_type as AssetType] ?? String(r.asset_type)}: ${formatInt(num(r.sessions))} sessions`,
      }),
      hasBefore
        ? Plot.lineY(before, {
            // Through the middle of each period, where its bar stands.
            x: (p: PreviousPoint) => new Date(dateOf(p.day).getTime() + 43_200_000),
            y: 'sessions',
            stroke: '#1d2330',
            strokeOpacity: 0.35,
            strokeWidth: 1.5,
            curve: 'linear',
          })
        : null,
      hasBefore
        ? Plot.dot(before, {
            x: (p: PreviousPoint) => new Date(dateOf(p.day).getTime() + 43_200_000),
            y: 'sessions',
            r: 1.5,
            fill: '#1d2330',
            fillOpacity: 0.35,
            title: (p: PreviousPoint) =>
              `previous period, ${p.was}: ${formatInt(p.sessions)} sessions`,
          })
        : null,
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
      Plot.lineY(rows, { ...line, fill: null, curve: 'linear' }),
      Plot.dot(rows, {
        ...line,
        r: 2.5,
        title: (r) =>
          `${String(r.day)} · ${METRIC_LABELS[String(r.metric)] ?? String(r.metric)}: ${formatInt(num(r.value))}`,
      }),
    ],
  });
}
