/** Horizontal bar charts: top assets, devices, OS, browsers, referrers; the API's breakdowns. */
import * as Plot from '@observablehq/plot';
import { API_METRICS } from '../../shared/charts.js';
import type { AssetType, Row } from '../../shared/types.js';
import {
  assetKey,
  countryName,
  formatCompact,
  formatDuration,
  formatInt,
  formatPercent,
  truncate,
  truncateLabel,
  TYPE_COLORS,
  TYPE_LABELS,
  valueLabel,
} from '../format.js';
import { h } from '../dom.js';
import { num, rowsOf, type RenderContext } from './context.js';
import { METRIC_COLORS, METRIC_LABELS } from './timeline.js';

interface Bar {
  key: string;
  label: string;
  value: number;
  tip: string;
  color: string;
  /** An asset's id: its label is never cut short of it. */
  id?: string;
  /** Picking the bar (click, or Enter on it) opens this. */
  open?: () => void;
}

/** Bars that open something are links for the pointer and the keyboard alike. */
function linkBars(chart: Element, bars: Bar[]): void {
  const rects = chart.querySelectorAll('g[aria-label="bar"] > rect');
  rects.forEach((rect, i) => {
    const open = bars[i]?.open;
    if (!open) return;
    rect.setAttribute('tabindex', '0');
    rect.setAttribute('role', 'link');
    rect.setAttribute('aria-label', bars[i]!.label);
    rect.classList.add('vw-link');
    rect.addEventListener('click', open);
    rect.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') open();
    });
  });
}

/** Width of an average character of the axis font, with a margin: a label must never be cut. */
const CHAR_PX = 7;

function barChart(
  ctx: RenderContext,
  bars: Bar[],
  format: (n: number) => string,
  axis: { label: string | null; tick: (n: number) => string } = {
    label: null,
    tick: formatCompact,
  },
): Node | null {
  if (bars.length === 0) return null;
  // A label that carries an id (a duplicate title) gets room for the id and some of the title,
  // as much as a left margin of up to 55% of the chart holds.
  const room = Math.max(240, ctx.width * 0.55);
  const fits = Math.floor((room - 12) / CHAR_PX);
  const labels = new Map(
    bars.map((b) => {
      const wanted = b.id && b.label.endsWith(b.id) ? 34 + Math.min(b.id.length, 26) : 34;
      return [b.key, truncateLabel(b.label, Math.min(wanted, fits), b.id)];
    }),
  );
  const longest = Math.max(...[...labels.values()].map((l) => l.length));
  const chart = Plot.plot({
    width: ctx.width,
    height: 24 * bars.length + 30,
    marginLeft: Math.min(room, Math.max(60, Math.round(longest * CHAR_PX) + 12)),
    marginRight: 64,
    x: { label: axis.label, grid: true, tickFormat: axis.tick, axis: 'top' },
    y: {
      label: null,
      domain: bars.map((b) => b.key),
      tickFormat: (k: string) => labels.get(k) ?? k,
    },
    marks: [
      Plot.barX(bars, {
        x: 'value',
        y: 'key',
        fill: (b: Bar) => b.color,
        title: 'tip',
        insetTop: 3,
        insetBottom: 3,
      }),
      Plot.text(bars, {
        x: 'value',
        y: 'key',
        text: (b: Bar) => format(b.value),
        dx: 4,
        textAnchor: 'start',
        fill: '#475467',
      }),
      Plot.ruleX([0]),
    ],
  });
  linkBars(chart, bars);
  return chart;
}

/** Top videos and live streams by `measure` (sessions, or watch time shown in hours). */
export function topAssets(ctx: RenderContext, measure: 'sessions' | 'watch'): Node | null {
  const rows = rowsOf(ctx, 'assets')
    .filter((r) => num(r[measure]) > 0)
    .sort((a, b) => num(b[measure]) - num(a[measure]))
    .slice(0, 10);
  const scale = measure === 'watch' ? 3600 : 1;
  return barChart(
    ctx,
    rows.map((r) => {
      const key = assetKey(String(r.asset_type), String(r.asset_id));
      const label = ctx.labels.get(key) ?? String(r.asset_id);
      const type = r.asset_type as AssetType;
      return {
        key,
        label,
        value: num(r[measure]) / scale,
        color: TYPE_COLORS[type] ?? '#888',
        id: String(r.asset_id),
        open: () => ctx.openAsset(String(r.asset_id)),
        tip: `${label} (${TYPE_LABELS[type] ?? String(type)})\n${formatInt(num(r.sessions))} sessions · ${formatDuration(num(r.watch))} watched`,
      };
    }),
    measure === 'watch' ? (hours) => formatDuration(hours * 3600) : formatInt,
    { label: measure === 'watch' ? 'hours watched' : null, tick: formatCompact },
  );
}

/** One of the session's categorical columns, top N and "other". */
export function categorical(ctx: RenderContext, id: string, dim: string): Node | null {
  const rows = rowsOf(ctx, id).filter((r) => num(r.sessions) > 0);
  const total = rows.reduce((n, r) => n + num(r.sessions), 0);
  return barChart(
    ctx,
    rows.map((r, i) => {
      const label = r.other ? `Other (${num(r.otherCount)})` : valueLabel(r[dim]);
      return {
        key: r.other ? '\u0000other' : `${i}\u0000${label}`,
        label,
        value: num(r.sessions),
        color: r.other ? '#b8c2d6' : '#3867d6',
        tip: `${label}: ${formatInt(num(r.sessions))} sessions (${formatPercent(num(r.sessions) / total)}) · ${formatDuration(num(r.watch))} watched`,
      };
    }),
    formatInt,
  );
}

/**
 * The cities sessions come from, with their country (the same name exists in several). The long
 * tail is a line under the chart: as a bar it would dwarf every city.
 */
export function cities(ctx: RenderContext): Node | null {
  const all = rowsOf(ctx, 'cities').filter((r) => num(r.sessions) > 0);
  const rows = all.filter((r) => !r.other);
  const other = all.find((r) => r.other);
  const total = all.reduce((n, r) => n + num(r.sessions), 0);
  const chart = barChart(
    ctx,
    rows.map((r, i) => {
      const place = r.city === null ? 'Unknown city' : String(r.city);
      const label = r.country_code === null ? place : `${place}, ${String(r.country_code)}`;
      return {
        key: `${i}`,
        label,
        value: num(r.sessions),
        color: '#3867d6',
        tip: `${place}, ${countryName(ctx.meta, r.country_code as string | null)}: ${formatInt(num(r.sessions))} sessions (${formatPercent(num(r.sessions) / total)})`,
      };
    }),
    formatInt,
  );
  if (!chart || !other) return chart;
  const rest = `and ${formatInt(num(other.otherCount))} more cities: ${formatInt(num(other.sessions))} sessions (${formatPercent(num(other.sessions) / total)})`;
  return h('div', {}, chart, h('p', { className: 'vw-sub' }, rest));
}

/** An Analytics API breakdown (country or device type): each metric as a dot, top 12 values. */
export function apiBreakdown(ctx: RenderContext, id: string, countries: boolean): Node | null {
  const rows = rowsOf(ctx, id).filter((r) => num(r.value) > 0);
  if (rows.length === 0) return null;
  const totals = new Map<string, number>();
  for (const r of rows)
    totals.set(
      String(r.dimension_value),
      (totals.get(String(r.dimension_value)) ?? 0) + num(r.value),
    );
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 12)
    .map(([k]) => k);
  const shown = rows.filter((r: Row) => top.includes(String(r.dimension_value)));
  const label = (v: string) => truncate(countries ? countryName(ctx.meta, v) : valueLabel(v), 28);
  const longest = Math.max(...top.map((v) => label(v).length));
  return Plot.plot({
    width: ctx.width,
    height: 26 * top.length + 60,
    marginLeft: Math.min(220, Math.max(60, Math.round(longest * CHAR_PX) + 12)),
    x: { label: null, grid: true, tickFormat: formatCompact, axis: 'top', zero: true },
    y: { label: null, domain: top, tickFormat: label },
    color: {
      domain: [...API_METRICS],
      range: METRIC_COLORS,
      legend: true,
      tickFormat: (m: string) => METRIC_LABELS[m] ?? m,
    },
    marks: [
      Plot.ruleY(top, { stroke: '#eef0f4' }),
      Plot.dot(shown, {
        x: (r: Row) => num(r.value),
        y: (r: Row) => String(r.dimension_value),
        fill: 'metric',
        r: 4.5,
        title: (r: Row) =>
          `${label(String(r.dimension_value))} · ${METRIC_LABELS[String(r.metric)] ?? String(r.metric)}: ${formatInt(num(r.value))}`,
      }),
    ],
  });
}
