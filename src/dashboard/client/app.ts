/**
 * The page: header, filter bar, headline figures and the cards of shared/page.ts. It loads the
 * metadata, then the charts for the view in the URL; each change the reader makes is a new URL
 * (back and forward step through them). In serve mode it polls the data version and reloads when
 * a sync has changed the warehouse.
 *
 * When a render completes, <html data-state="ready" data-renders="N" data-version="V"> tells
 * tests and the benchmark that the charts are on screen; a card with its own question (retention,
 * the explorer, a timeline) sets data-ready on itself when its answer is drawn.
 */
import { filterKey } from '../shared/filter.js';
import { PAGE, type CardSpec } from '../shared/page.js';
import type { DataAnswer, Filter, Meta, View } from '../shared/types.js';
import { comparedRanges, filterOf, sameView } from '../shared/view.js';
import { labelChart, RENDERERS } from './cards.js';
import type { RenderContext } from './charts/context.js';
import { clear, h } from './dom.js';
import { freshExplorer } from './explorer.js';
import { filterBar } from './filters.js';
import { assetLabels, formatInt } from './format.js';
import { headline } from './headline.js';
import type { DataSource } from './source.js';
import { dataDetails } from './table.js';
import { viewHref, viewLocation } from './url.js';

declare global {
  interface Window {
    /** performance.now() when the first complete render finished (for the benchmark). */
    __viewershipReadyAt?: number;
  }
}

/** A view the metadata can answer: days in order, an asset that exists. */
function fitView(view: View, meta: Meta): View {
  const f: View = { ...view };
  const extent = meta.extent;
  if (!extent) return { type: f.type };
  // Days outside the data stay: a link for an empty range shows that it is empty.
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

const subtitleOf = (card: CardSpec, ctx: RenderContext) =>
  typeof card.subtitle === 'function' ? card.subtitle(ctx.grain) : card.subtitle;

export function startApp(root: HTMLElement, source: DataSource): void {
  const where = viewLocation(source.kind);
  let meta: Meta | undefined;
  let answer: DataAnswer | undefined;
  let view: View = where.read();
  let explorer = freshExplorer();
  /** The card to bring into sight after the next draw (the one the reader just opened). */
  let focus: string | undefined;
  let request = 0;
  let renders = 0;
  let lastWidth = 0;

  const status = h('span', { className: 'vw-status' });
  const banner = h('div');
  const content = h('div', { className: 'vw-content' });

  /** Goes to `next`: a new history entry unless `replace`; reloads data if the filter changed. */
  const go = (next: View, replace = false) => {
    const fitted = meta ? fitView(next, meta) : next;
    const reload = filterKey(filterOf(fitted)) !== filterKey(filterOf(view));
    view = fitted;
    where.write(view, replace);
    if (meta) bar.update(meta, filterOf(view));
    if (reload) {
      explorer = freshExplorer();
      void loadData();
    } else draw();
  };

  const bar = filterBar(
    // A new filter closes the open session: it may not be in the new view.
    (filter: Filter) => go({ ...filter }),
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

  // Back and forward (or an edited #): show the view the URL now names, without a new entry.
  where.onChange(() => {
    const next = where.read();
    // Our own writes come back here too (a report's #): nothing changed, nothing to do.
    if (sameView(next, view)) return;
    const reload = filterKey(filterOf(next)) !== filterKey(filterOf(view));
    view = meta ? fitView(next, meta) : next;
    if (meta) bar.update(meta, filterOf(view));
    if (reload) {
      explorer = freshExplorer();
      void loadData();
    } else draw();
  });

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

  const context = (m: Meta, a: DataAnswer): RenderContext => {
    const ctx: RenderContext = {
      meta: m,
      answer: a,
      source,
      view,
      width: 0,
      grain: a.grain ?? 'day',
      labels: assetLabels(m.assets),
      explorer,
      href: (v) => viewHref(source.kind, v),
      go: (v) => go(v),
      openAsset(id) {
        const asset = m.assets.find((x) => x.id === id);
        const type = !asset || view.type === 'all' || view.type === asset.type ? view.type : 'all';
        focus = 'retention';
        go({ ...filterOf(view), type, asset: id });
      },
      openSession(id) {
        focus = 'timeline';
        go({ ...view, session: id });
      },
    };
    return ctx;
  };

  /** The cards of one section that this view shows. */
  const shown = (cards: CardSpec[], sessions: number) =>
    cards.filter((c) => {
      if (c.needs === 'asset' && !view.asset) return false;
      if (c.needs === 'session' && !view.session) return false;
      return sessions > 0 || c.accountWide || c.needs === 'session';
    });

  const drawCards = (ctx: RenderContext, sessions: number) => {
    // Shells first, charts second: a card's width is known only once its row is complete.
    const pending: Array<{ card: CardSpec; element: HTMLElement; body: HTMLElement }> = [];
    for (const section of PAGE) {
      const cards = shown(section.cards, sessions);
      if (cards.length === 0) continue;
      const grid = h('div', { className: 'vw-grid' });
      content.append(h('h2', { className: 'vw-section' }, section.title), grid);
      for (const card of cards) {
        const body = h('div', { className: 'vw-plot' });
        const subtitle = subtitleOf(card, ctx);
        const element = h(
          'section',
          {
            className: card.wide ? 'vw-card vw-wide' : 'vw-card',
            data: { chart: card.id },
            attrs: { 'aria-label': card.title },
          },
          h('h2', {}, card.title),
          subtitle ? h('p', { className: 'vw-sub' }, subtitle) : null,
          body,
        );
        grid.append(element);
        pending.push({ card, element, body });
      }
    }
    for (const { card, element, body } of pending) {
      const renderer = RENDERERS[card.id];
      const cardCtx = { ...ctx, width: Math.max(240, body.clientWidth) };
      if ('mount' in renderer) {
        body.append(h('p', { className: 'vw-loading' }, 'Loading…'));
        renderer.mount(body, cardCtx).then(
          () => (element.dataset.ready = 'true'),
          (error: unknown) => {
            clear(body);
            body.append(
              h('p', { className: 'vw-none' }, `Could not load: ${(error as Error).message}`),
            );
            element.dataset.ready = 'error';
          },
        );
        continue;
      }
      const node = renderer.chart(cardCtx);
      if (node instanceof Element) {
        // The map's own table sits beside it: only its drawing is the figure.
        labelChart(node.querySelector('svg[aria-label]') ?? node, card.title);
      }
      body.append(
        node ?? h('p', { className: 'vw-none' }, card.empty ?? 'No data for this selection.'),
      );
      if (node) body.append(dataDetails(card.title, `${card.id}.csv`, renderer.table(cardCtx)));
      element.dataset.ready = 'true';
    }
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
      const ctx = context(meta, answer);
      const sessions = Number(answer.charts.totals?.[0]?.sessions ?? 0);
      if (sessions === 0) {
        const range = comparedRanges(filterOf(view), meta.extent)?.current;
        const narrowed = view.type !== 'all' || view.asset !== undefined;
        content.append(
          emptyState(
            range ? `No sessions between ${range.from} and ${range.to}` : 'No sessions',
            narrowed
              ? 'Not for this type or asset, at least. Pick a wider date range, another type, or all assets.'
              : 'Pick a wider date range.',
          ),
        );
      } else {
        content.append(headline(ctx));
      }
      drawCards(ctx, sessions);
    }
    renders += 1;
    const html = document.documentElement;
    html.dataset.state = 'ready';
    html.dataset.renders = String(renders);
    html.dataset.version = String(meta.version);
    window.__viewershipReadyAt ??= performance.now();
    if (focus) {
      content.querySelector(`[data-chart="${focus}"]`)?.scrollIntoView({ block: 'start' });
      focus = undefined;
    }
  };

  const loadData = async () => {
    if (!meta) return;
    const mine = ++request;
    document.documentElement.dataset.state = 'loading';
    try {
      const next = await source.data(filterOf(view));
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
    const fitted = fitView(view, meta);
    if (filterKey(filterOf(fitted)) !== filterKey(filterOf(view))) explorer = freshExplorer();
    view = fitted;
    // What the page shows is what the URL says (a link may name days this data lacks).
    where.write(view, true);
    bar.update(meta, filterOf(view));
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
