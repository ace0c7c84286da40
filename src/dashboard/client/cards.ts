/**
 * How each card of the page (listed once, with its words, in shared/page.ts) is drawn: a chart
 * from the answer's rows and the same rows as a table, or — for cards with a question of their
 * own — a `mount` that asks it and fills the card. The Record type makes a card without a
 * renderer, or a renderer without a card, a compile error.
 */
import { filterOf } from '../shared/view.js';
import type { CardId } from '../shared/page.js';
import type { Row } from '../shared/types.js';
import { apiBreakdown, categorical, cities, topAssets } from './charts/bars.js';
import { num, rowsOf, type RenderContext } from './charts/context.js';
import { hourHeatmap } from './charts/heatmap.js';
import { histogram } from './charts/histogram.js';
import { apiOverTime, sessionsOverTime } from './charts/timeline.js';
import { clear, h } from './dom.js';
import { mountExplorer } from './explorer.js';
import { assetKey, binLabel, countryName, formatDuration, formatInt, WEEKDAYS } from './format.js';
import { worldMap } from './map.js';
import { drawRetention } from './retention.js';
import { eventsTable, sessionFacts, timelineChart } from './session.js';
import { dataDetails, csvButton, tableElement, type Column, type TableModel } from './table.js';

export interface DataRenderer {
  /** The chart, or null when there is nothing to draw (the card then says so). */
  chart(ctx: RenderContext): Node | null;
  /** The chart's data as a table. */
  table(ctx: RenderContext): TableModel;
}

export interface OwnRenderer {
  /** Asks the card's own question and fills `body`; the card's `data-ready` says when done. */
  mount(body: HTMLElement, ctx: RenderContext): Promise<void>;
}

export type Renderer = DataRenderer | OwnRenderer;

const int = (v: unknown) => formatInt(num(v));
const seconds = (v: unknown) => formatDuration(num(v));

/** Column headers for the answer's columns. */
const LABELS: Record<string, Column> = {
  day: { label: 'Day (UTC)' },
  asset_type: { label: 'Type' },
  asset_id: { label: 'Asset id' },
  country_code: { label: 'Country code' },
  city: { label: 'City' },
  device_type: { label: 'Device type' },
  os_name: { label: 'OS' },
  client_name: { label: 'Browser' },
  referrer_source: { label: 'Referrer source' },
  referrer_medium: { label: 'Referrer medium' },
  weekday: { label: 'Weekday', format: (v) => WEEKDAYS[num(v) - 1] ?? String(v) },
  hour: { label: 'Hour (UTC)', numeric: true },
  bin: { label: 'Range', format: (v) => binLabel(v === null ? null : num(v)) },
  metric: { label: 'Metric' },
  dimension_value: { label: 'Value' },
  sessions: { label: 'Sessions', numeric: true, format: int },
  watch: { label: 'Watch time (s)', numeric: true, format: seconds },
  ended: { label: 'Ended', numeric: true, format: int },
  played: { label: 'Played', numeric: true, format: int },
  value: { label: 'Value', numeric: true, format: int },
};

/** The rows of a chart as a table, every column the answer has; "other" rows say so. */
function rowsTable(rows: Row[], extra: Array<[Column, (r: Row) => string | number | null]> = []) {
  const keys =
    rows.length > 0 ? Object.keys(rows[0]!).filter((k) => k !== 'other' && k !== 'otherCount') : [];
  const columns = [...keys.map((k) => LABELS[k] ?? { label: k }), ...extra.map(([c]) => c)];
  return {
    columns,
    rows: rows.map((r) => [
      ...keys.map((k, i) => (i === 0 && r.other ? `other (${num(r.otherCount)})` : (r[k] ?? null))),
      ...extra.map(([, value]) => value(r)),
    ]),
  };
}

const plain =
  (id: string): ((ctx: RenderContext) => TableModel) =>
  (ctx) =>
    rowsTable(rowsOf(ctx, id));

const countryTable = (id: string) => (ctx: RenderContext) =>
  rowsTable(rowsOf(ctx, id), [
    [{ label: 'Country' }, (r) => countryName(ctx.meta, (r.country_code as string | null) ?? null)],
  ]);

/** Top assets with their titles; each title links to that asset's view. */
function assetsTable(ctx: RenderContext): TableModel {
  const model = rowsTable(rowsOf(ctx, 'assets'), [
    [
      { label: 'Title' },
      (r) => ctx.labels.get(assetKey(String(r.asset_type), String(r.asset_id))) ?? null,
    ],
  ]);
  const idAt = 1;
  model.columns[model.columns.length - 1] = {
    label: 'Title',
    link: (row) => {
      const id = String(row[idAt]);
      return {
        href: ctx.href({ ...filterOf(ctx.view), asset: id }),
        onClick: () => ctx.openAsset(id),
      };
    },
  };
  return model;
}

function dailyTable(ctx: RenderContext): TableModel {
  const current = rowsTable(rowsOf(ctx, 'daily'));
  const before = ctx.answer.previous?.charts.daily ?? [];
  return {
    columns: [{ label: 'Period' }, ...current.columns],
    rows: [
      ...current.rows.map((r) => ['current', ...r]),
      ...rowsTable(before).rows.map((r) => ['previous', ...r]),
    ],
  };
}

const retention: OwnRenderer = {
  async mount(body, ctx) {
    const asset = ctx.view.asset;
    if (!asset) return;
    const answer = await ctx.source.retention({ ...filterOf(ctx.view), asset });
    clear(body);
    if (!answer) {
      body.append(h('p', { className: 'vw-none' }, 'No retention for this asset in this report.'));
      return;
    }
    const drawn = drawRetention(ctx, answer);
    const card = body.closest('section');
    card?.querySelector('h2')?.replaceChildren(drawn.title);
    card?.querySelector('.vw-sub')?.replaceChildren(drawn.subtitle);
    card?.setAttribute('aria-label', drawn.title);
    if (drawn.chart instanceof Element) labelChart(drawn.chart, drawn.title);
    const note =
      ctx.source.retentionNote && (ctx.view.from || ctx.view.to)
        ? h('p', { className: 'vw-note-box' }, ctx.source.retentionNote)
        : null;
    body.append(...drawn.summary, note ?? '', drawn.chart ?? '');
    if (drawn.table)
      body.append(
        dataDetails(
          drawn.title,
          `${drawn.title.toLowerCase().replace(/ /g, '-')}.csv`,
          drawn.table,
        ),
      );
  },
};

const timeline: OwnRenderer = {
  async mount(body, ctx) {
    const id = ctx.view.session;
    if (!id) return;
    const detail = await ctx.source.session(id);
    clear(body);
    const close = h(
      'a',
      {
        className: 'vw-button',
        attrs: { href: ctx.href({ ...ctx.view, session: undefined }) },
        on: {
          click: (e) => {
            e.preventDefault();
            const { session: _s, ...rest } = ctx.view;
            ctx.go(rest);
          },
        },
      },
      'Close timeline',
    );
    if (!detail) {
      body.append(
        h(
          'p',
          { className: 'vw-none' },
          ctx.source.kind === 'report'
            ? `Session ${id} is not among the sessions this report carries.`
            : `There is no session ${id} in this warehouse.`,
        ),
        close,
      );
      return;
    }
    const chart = timelineChart(ctx, detail);
    if (chart instanceof Element) labelChart(chart, 'Session timeline');
    const table = eventsTable(detail);
    const stored = detail.events.length;
    const cut =
      stored < detail.eventCount
        ? h(
            'p',
            { className: 'vw-note-box' },
            stored === 0
              ? `None of its ${formatInt(detail.eventCount)} events is stored here.`
              : `Showing its first ${formatInt(stored)} of ${formatInt(detail.eventCount)} events.`,
          )
        : null;
    body.append(
      h('div', { className: 'vw-data-bar' }, sessionFacts(ctx, detail), close),
      chart ?? h('p', { className: 'vw-none' }, 'No events to draw.'),
      cut ?? '',
    );
    if (stored > 0) {
      body.append(
        h('h3', {}, 'Events in order'),
        h(
          'div',
          { className: 'vw-data-bar' },
          csvButton(`session-${id}.csv`, () => table),
        ),
        h('div', { className: 'vw-scroll' }, tableElement(table, 'Events in order')),
      );
    }
  },
};

export const RENDERERS: Record<CardId, Renderer> = {
  retention,
  daily: { chart: sessionsOverTime, table: dailyTable },
  countries: { chart: (ctx) => worldMap(ctx, 'countries'), table: countryTable('countries') },
  countries_live: {
    chart: (ctx) => worldMap(ctx, 'countries_live'),
    table: countryTable('countries_live'),
  },
  top_sessions: { chart: (ctx) => topAssets(ctx, 'sessions'), table: assetsTable },
  top_watch: { chart: (ctx) => topAssets(ctx, 'watch'), table: assetsTable },
  cities: { chart: cities, table: plain('cities') },
  devices: { chart: (ctx) => categorical(ctx, 'devices', 'device_type'), table: plain('devices') },
  os: { chart: (ctx) => categorical(ctx, 'os', 'os_name'), table: plain('os') },
  browsers: {
    chart: (ctx) => categorical(ctx, 'browsers', 'client_name'),
    table: plain('browsers'),
  },
  referrer_sources: {
    chart: (ctx) => categorical(ctx, 'referrer_sources', 'referrer_source'),
    table: plain('referrer_sources'),
  },
  referrer_mediums: {
    chart: (ctx) => categorical(ctx, 'referrer_mediums', 'referrer_medium'),
    table: plain('referrer_mediums'),
  },
  hours: { chart: hourHeatmap, table: plain('hours') },
  watch_bins: {
    chart: (ctx) => histogram(ctx, 'watch_bins', '#3867d6'),
    table: plain('watch_bins'),
  },
  position_bins: {
    chart: (ctx) => histogram(ctx, 'position_bins', '#20bf6b'),
    table: plain('position_bins'),
  },
  timeline,
  sessions: { mount: (body, ctx) => mountExplorer(body, ctx, ctx.explorer, filterOf(ctx.view)) },
  api_daily: { chart: apiOverTime, table: plain('api_daily') },
  api_countries: {
    chart: (ctx) => apiBreakdown(ctx, 'api_countries', true),
    table: plain('api_countries'),
  },
  api_devices: {
    chart: (ctx) => apiBreakdown(ctx, 'api_devices', false),
    table: plain('api_devices'),
  },
};

/** Gives a chart its accessible name: what it shows, e.g. "Audience retention". */
export function labelChart(node: Element, title: string): void {
  node.setAttribute('role', 'figure');
  node.setAttribute('aria-label', title);
}
