/**
 * The page: header, filter bar, headline figures and the chart cards. It loads metadata, then the
 * charts for the current filter; in serve mode it polls the data version and reloads when a sync
 * has changed the warehouse.
 *
 * When a render completes, <html data-state="ready" data-renders="N" data-version="V"> tells
 * tests and the benchmark that the charts are on screen.
 */
import { FilterError, filterQuery, parseFilter } from '../filter.js';
import type { DataAnswer, Filter, Meta } from '../types.js';
import { SECTIONS } from './cards.js';
import type { RenderContext } from './charts/context.js';
import { clear, h } from './dom.js';
import { filterBar } from './filters.js';
import { assetLabels, formatInt } from './format.js';
import { headline } from './headline.js';
import type { DataSource } from './source.js';

declare global {
  interface Window {
    /** performance.now() when the first complete render finished (for the benchmark). */
    __viewershipReadyAt?: number;
  }
}

function filterFromHash(): Filter {
  try {
    return parseFilter(new URLSearchParams(location.hash.slice(1)));
  } catch (error) {
    if (error instanceof FilterError) return { type: 'all' };
    throw error;
  }
}

/** A filter the metadata can answer: days inside the extent, an asset that exists. */
function fitFilter(filter: Filter, meta: Meta): Filter {
  const f: Filter = { ...filter };
  const extent = meta.extent;
  if (!extent) return { type: f.type };
  if (f.from && (f.from < extent.from || f.from > extent.to)) delete f.from;
  if (f.to && (f.to > extent.to || f.to < extent.from)) delete f.to;
  if (f.from && f.to && f.from > f.to) delete f.from;
  if (f.asset && !meta.assets.some((a) => a.id === f.asset)) delete f.asset;
  return f;
}

function emptyState(title: string, ...lines: Array<string | Node>): HTMLElement {
  return h(
    'section',
    { className: 'vw-empty', data: { empty: 'true' } },
    h('h2', {}, title),
    ...lines.map((l) => h('p', {}, l)),
  );
}

export function startApp(root: HTMLElement, source: DataSource): void {
  let meta: Meta | undefined;
  let answer: DataAnswer | undefined;
  let filter: Filter = filterFromHash();
  let request = 0;
  let renders = 0;
  let lastWidth = 0;

  const status = h('span', { className: 'vw-status' });
  const banner = h('div');
  const content = h('div', { className: 'vw-content' });
  const bar = filterBar(
    (next) => {
      filter = next;
      try {
        history.replaceState(null, '', `#${filterQuery(filter)}`);
      } catch {
        // some file:// contexts refuse history changes; the filter still applies
      }
      void loadData();
    },
    { perAsset: source.perAsset, grain: source.grain },
  );
  clear(root);
  root.removeAttribute('aria-busy');
  root.append(
    h(
      'header',
      { className: 'vw-top' },
      h('h1', {}, source.kind === 'report' ? 'viewership report' : 'viewership'),
      status,
    ),
    banner,
    bar.element,
    content,
  );

  const showBanner = (text: string | null) => {
    clear(banner);
    if (text) banner.append(h('div', { className: 'vw-banner', attrs: { role: 'status' } }, text));
  };

  const describe = (m: Meta) => {
    const parts: string[] = [];
    if (m.extent) parts.push(`${m.extent.from} to ${m.extent.to} (UTC)`);
    parts.push(`${formatInt(m.sessions)} sessions`);
    if (source.kind === 'report') {
      parts.push(`report made ${m.refreshedAt?.slice(0, 16).replace('T', ' ') ?? ''} UTC`);
    } else if (m.lastSync) {
      const outcome = m.lastSync.status === 'succeeded' ? '' : ` (${m.lastSync.status})`;
      parts.push(`last sync ${m.lastSync.finishedAt.slice(0, 16).replace('T', ' ')} UTC${outcome}`);
    }
    status.textContent = parts.join(' · ');
  };

  const draw = () => {
    if (!meta || !answer) return;
    clear(content);
    lastWidth = content.clientWidth;
    if (meta.state === 'waiting') {
      content.append(
        emptyState(
          'Waiting for the warehouse',
          'A sync is writing the warehouse right now. The dashboard fills in as soon as it finishes.',
        ),
      );
    } else if (!meta.extent) {
      content.append(
        emptyState(
          'No data yet',
          'This warehouse has no sessions and no Analytics API metrics.',
          h(
            'span',
            {},
            'Fill it with ',
            h('code', {}, 'viewership sync --db FILE'),
            source.kind === 'report'
              ? ', then make the report again.'
              : ' and this page updates on its own.',
          ),
        ),
      );
    } else {
      const ctx: RenderContext = {
        meta,
        answer,
        width: 0,
        grain: answer.grain ?? 'day',
        labels: assetLabels(meta.assets),
      };
      const sessions = Number(answer.charts.totals?.[0]?.sessions ?? 0);
      if (sessions === 0) {
        content.append(
          emptyState(
            'No sessions in this selection',
            'Pick a wider date range, another type, or all assets.',
          ),
        );
      } else {
        content.append(headline(ctx));
      }
      for (const section of SECTIONS) {
        // With no sessions, only the account-wide Analytics API cards can have anything to show.
        const cards =
          sessions === 0 ? section.cards.filter((c) => c.id.startsWith('api_')) : section.cards;
        if (cards.length === 0) continue;
        const grid = h('div', { className: 'vw-grid' });
        content.append(h('h2', { className: 'vw-section' }, section.title), grid);
        for (const card of cards) {
          const plot = h('div', { className: 'vw-plot' });
          const subtitle = typeof card.subtitle === 'function' ? card.subtitle(ctx) : card.subtitle;
          grid.append(
            h(
              'section',
              { className: card.wide ? 'vw-card vw-wide' : 'vw-card', data: { chart: card.id } },
              h('h2', {}, card.title),
              subtitle ? h('p', { className: 'vw-sub' }, subtitle) : null,
              plot,
            ),
          );
          const node = card.render({ ...ctx, width: Math.max(240, plot.clientWidth) });
          plot.append(
            node ?? h('p', { className: 'vw-none' }, card.empty ?? 'No data for this selection.'),
          );
        }
      }
    }
    renders += 1;
    const html = document.documentElement;
    html.dataset.state = 'ready';
    html.dataset.renders = String(renders);
    html.dataset.version = String(meta.version);
    window.__viewershipReadyAt ??= performance.now();
  };

  const loadData = async () => {
    if (!meta) return;
    const mine = ++request;
    document.documentElement.dataset.state = 'loading';
    try {
      const next = await source.data(filter);
      if (mine !== request) return;
      answer = next;
      showBanner(null);
      draw();
    } catch (error) {
      if (mine !== request) return;
      document.documentElement.dataset.state = 'error';
      showBanner(`Could not load the charts: ${(error as Error).message}`);
    }
  };

  const loadAll = async () => {
    meta = await source.meta();
    filter = fitFilter(filter, meta);
    bar.update(meta, filter);
    describe(meta);
    await loadData();
  };

  loadAll().catch((error: unknown) => {
    document.documentElement.dataset.state = 'error';
    showBanner(`Could not load the dashboard: ${(error as Error).message}`);
  });

  if (source.kind === 'serve') {
    const pollMs = Number(document.body.dataset.pollMs) || 5000;
    let polling = false;
    setInterval(() => {
      if (polling) return;
      polling = true;
      source
        .version()
        .then(async (version) => {
          if (!meta || version !== meta.version) await loadAll();
          else if (document.documentElement.dataset.state === 'error') await loadData();
        })
        .catch(() => showBanner('Lost contact with the dashboard server; retrying…'))
        .finally(() => (polling = false));
    }, pollMs);
  }

  let resizeTimer: number | undefined;
  new ResizeObserver(() => {
    if (Math.abs(content.clientWidth - lastWidth) < 40) return;
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(draw, 150);
  }).observe(content);
}
