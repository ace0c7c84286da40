/** The headline figures; rates and averages are divided out here, from the sums. */
import { h } from './dom.js';
import { formatDuration, formatInt, formatPercent } from './format.js';
import { num, rowsOf, type RenderContext } from './charts/context.js';

export function headline(ctx: RenderContext): HTMLElement {
  const totals = rowsOf(ctx, 'totals')[0] ?? {};
  const sessions = num(totals.sessions);
  const watch = num(totals.watch);
  const countries = rowsOf(ctx, 'countries').filter(
    (r) => r.country_code !== null && num(r.sessions) > 0,
  ).length;
  const stat = (id: string, value: string, label: string) =>
    h(
      'div',
      { className: 'vw-stat', data: { stat: id } },
      h('div', { className: 'vw-value' }, value),
      h('div', { className: 'vw-label' }, label),
    );
  return h(
    'section',
    {
      className: 'vw-stats',
      data: { chart: 'totals' },
      attrs: { 'aria-label': 'Headline figures' },
    },
    stat('sessions', formatInt(sessions), 'sessions'),
    stat('countries', formatInt(countries), 'countries'),
    stat('watch', formatDuration(watch), 'watched in all'),
    stat('average', sessions ? formatDuration(watch / sessions) : '–', 'average watch per session'),
    stat(
      'completion',
      sessions ? formatPercent(num(totals.ended) / sessions) : '–',
      'completion rate (sessions that reached the end)',
    ),
    stat(
      'play',
      sessions ? formatPercent(num(totals.played) / sessions) : '–',
      'play rate (sessions with a play)',
    ),
  );
}
