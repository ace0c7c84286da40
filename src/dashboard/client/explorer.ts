/**
 * The session explorer: the sessions of the current view, searchable, sortable by time, country,
 * device, watch time and ended (click a column), paged; each opens its timeline. Its own state
 * (search, sort, page) lives here and starts over when the filter changes.
 */
import { PAGE_SIZE } from '../shared/explorer.js';
import type {
  Filter,
  SessionPage,
  SessionQuery,
  SessionRow,
  SessionSort,
} from '../shared/types.js';
import { clear, h } from './dom.js';
import {
  assetKey,
  countryName,
  formatDuration,
  formatInt,
  formatTime,
  valueLabel,
} from './format.js';
import type { RenderContext } from './charts/context.js';
import { csvButton, tableElement, type Column, type TableModel } from './table.js';

export interface ExplorerState {
  q: string;
  sort: SessionSort;
  dir: 'asc' | 'desc';
  page: number;
}

export const freshExplorer = (): ExplorerState => ({ q: '', sort: 'time', dir: 'desc', page: 0 });

const SORTABLE: Array<[SessionSort, string]> = [
  ['time', 'Time (UTC)'],
  ['country', 'Country'],
  ['device', 'Device'],
  ['watch', 'Watch time'],
  ['ended', 'Ended'],
];

const SORT_NAMES: Record<SessionSort, string> = {
  time: 'time',
  country: 'country',
  device: 'device',
  watch: 'watch time',
  ended: 'whether it ended',
};

function model(ctx: RenderContext, rows: SessionRow[]): TableModel {
  const title = (r: SessionRow) => ctx.labels.get(assetKey(r.asset_type, r.asset_id)) ?? r.asset_id;
  const columns: Column[] = [
    { label: 'Time (UTC)', format: (v) => (v ? formatTime(String(v)) : '–') },
    { label: 'Session' },
    { label: 'Video or live stream' },
    { label: 'Country', format: (v) => countryName(ctx.meta, (v as string | null) ?? null) },
    { label: 'City', format: valueLabel },
    { label: 'Device', format: valueLabel },
    { label: 'OS', format: valueLabel },
    { label: 'Browser', format: valueLabel },
    { label: 'Watch time (s)', numeric: true, format: (v) => formatDuration(Number(v)) },
    { label: 'Ended', format: (v) => (v ? 'yes' : 'no') },
  ];
  // The session id opens its timeline (a link: it can be opened in a new tab, or copied).
  columns[1]!.link = (row) => {
    const id = String(row[1]);
    return { href: ctx.href({ ...ctx.view, session: id }), onClick: () => ctx.openSession(id) };
  };
  return {
    columns,
    rows: rows.map((r) => [
      r.loaded_at,
      r.session_id,
      title(r),
      r.country_code,
      r.city,
      r.device_type,
      r.os_name,
      r.client_name,
      r.watch_seconds,
      r.ended,
    ]),
  };
}

/** Draws the explorer into `body`; resolves when its first page is on screen. */
export async function mountExplorer(
  body: HTMLElement,
  ctx: RenderContext,
  state: ExplorerState,
  filter: Filter,
): Promise<void> {
  const search = h('input', {
    attrs: {
      type: 'search',
      'aria-label': 'Search sessions',
      placeholder: 'Search: id, city, device, OS, browser, referrer…',
    },
  });
  search.value = state.q;
  const summary = h('p', { className: 'vw-sub', attrs: { role: 'status' } });
  const holder = h('div', { className: 'vw-scroll' });
  const prev = h('button', { className: 'vw-button', attrs: { type: 'button' } }, '← Newer page');
  const next = h('button', { className: 'vw-button', attrs: { type: 'button' } }, 'Older page →');
  let current: SessionPage | undefined;
  const csv = csvButton('sessions.csv', () => model(ctx, current?.rows ?? []));
  const note = ctx.source.sessionsNote
    ? h('p', { className: 'vw-note-box' }, ctx.source.sessionsNote)
    : null;
  clear(body);
  body.append(
    h('div', { className: 'vw-data-bar' }, search, csv),
    note ?? '',
    summary,
    holder,
    h('div', { className: 'vw-pager' }, prev, next),
  );

  let request = 0;
  const load = async () => {
    const mine = ++request;
    body.dataset.loading = 'true';
    const query: SessionQuery = {
      filter,
      sort: state.sort,
      dir: state.dir,
      page: state.page,
      ...(state.q && { q: state.q }),
    };
    const page = await ctx.source.sessions(query);
    if (mine !== request) return;
    current = page;
    const first = page.total === 0 ? 0 : page.page * PAGE_SIZE + 1;
    const last = page.page * PAGE_SIZE + page.rows.length;
    const direction = state.dir === 'desc' ? 'descending' : 'ascending';
    summary.textContent =
      page.total === 0
        ? 'No session matches.'
        : `${formatInt(first)}–${formatInt(last)} of ${formatInt(page.total)} sessions, by ${SORT_NAMES[state.sort]} (${direction})`;
    const table = tableElement(model(ctx, page.rows), 'Sessions');
    table.classList.add('vw-sessions');
    // Sortable headers are buttons; aria-sort says which one sorts, and how.
    table.querySelectorAll('th').forEach((th) => {
      const sort = SORTABLE.find(([, label]) => th.textContent?.startsWith(label))?.[0];
      if (!sort) return;
      const label = th.textContent ?? '';
      th.textContent = '';
      const active = state.sort === sort;
      th.setAttribute(
        'aria-sort',
        active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      );
      th.append(
        h(
          'button',
          {
            className: 'vw-sort',
            attrs: { type: 'button', 'data-sort': sort },
            on: {
              click: () => {
                state.dir = active
                  ? state.dir === 'desc'
                    ? 'asc'
                    : 'desc'
                  : sort === 'time' || sort === 'watch'
                    ? 'desc'
                    : 'asc';
                state.sort = sort;
                state.page = 0;
                void load();
              },
            },
          },
          label,
          active ? (state.dir === 'asc' ? ' ▲' : ' ▼') : '',
        ),
      );
    });
    clear(holder);
    holder.append(table);
    prev.disabled = page.page === 0;
    next.disabled = last >= page.total;
    delete body.dataset.loading;
    body.dataset.ready = 'true';
  };
  prev.addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    void load();
  });
  next.addEventListener('click', () => {
    state.page += 1;
    void load();
  });
  let typing: number | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = window.setTimeout(() => {
      state.q = search.value.trim();
      state.page = 0;
      void load();
    }, 250);
  });
  await load();
}
