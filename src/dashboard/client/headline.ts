/**
 * The headline figures, each beside the same figure for the previous period of equal length
 * (its change and %). Rates and averages are divided out here, from the sums.
 */
import type { Row } from '../shared/types.js';
import { h } from './dom.js';
import { formatChange, formatDuration, formatInt, formatPercent } from './format.js';
import { num, type RenderContext } from './charts/context.js';

interface Figure {
  id: string;
  label: string;
  value: number | null;
  show: (n: number) => string;
  /** Rates compare in percentage points, not as a % of a %. */
  rate?: boolean;
}

function figures(totals: Row, countries: Row[]): Figure[] {
  const sessions = num(totals.sessions);
  const watch = num(totals.watch);
  const per = (n: number) => (sessions ? n / sessions : null);
  return [
    { id: 'sessions', label: 'sessions', value: sessions, show: formatInt },
    {
      id: 'countries',
      label: 'countries',
      value: countries.filter((r) => r.country_code !== null && num(r.sessions) > 0).length,
      show: formatInt,
    },
    { id: 'watch', label: 'watched in all', value: watch, show: formatDuration },
    {
      id: 'average',
      label: 'average watch per session',
      value: per(watch),
      show: formatDuration,
    },
    {
      id: 'completion',
      label: 'completion rate (sessions that reached the end)',
      value: per(num(totals.ended)),
      show: formatPercent,
      rate: true,
    },
    {
      id: 'play',
      label: 'play rate (sessions with a play)',
      value: per(num(totals.played)),
      show: formatPercent,
      rate: true,
    },
  ];
}

function change(now: Figure, before: Figure): string {
  if (now.value === null || before.value === null) return '';
  if (now.rate) {
    const points = (now.value - before.value) * 100;
    const sign = points > 0 ? '+' : points < 0 ? '−' : '±';
    return `${sign}${Math.abs(points).toFixed(1)} pts`;
  }
  return formatChange(now.value, before.value);
}

export function headline(ctx: RenderContext): HTMLElement {
  const now = figures(ctx.answer.charts.totals?.[0] ?? {}, ctx.answer.charts.countries ?? []);
  const previous = ctx.answer.previous;
  const then = previous
    ? figures(previous.charts.totals?.[0] ?? {}, previous.charts.countries ?? [])
    : undefined;
  const compared = then !== undefined && num(then[0]!.value) > 0;
  const period = previous ? `${previous.from} to ${previous.to}` : '';
  const stats = now.map((f, i) => {
    const before = then?.[i];
    const delta = compared && before ? change(f, before) : '';
    const direction = delta.startsWith('+') ? 'up' : delta.startsWith('−') ? 'down' : 'flat';
    return h(
      'div',
      { className: 'vw-stat', data: { stat: f.id } },
      h('div', { className: 'vw-value' }, f.value === null ? '–' : f.show(f.value)),
      h('div', { className: 'vw-label' }, f.label),
      compared && before
        ? h(
            'div',
            {
              className: `vw-compare vw-${direction}`,
              data: { previous: before.value === null ? '' : String(before.value) },
              attrs: { title: `previous period: ${period}` },
            },
            h('span', { className: 'vw-delta' }, delta),
            ` vs ${before.value === null ? '–' : before.show(before.value)} before`,
          )
        : null,
    );
  });
  return h(
    'section',
    {
      className: 'vw-headline',
      data: { chart: 'totals' },
      attrs: { 'aria-label': 'Headline figures' },
    },
    h('div', { className: 'vw-stats' }, ...stats),
    previous
      ? h(
          'p',
          { className: 'vw-sub vw-period' },
          compared
            ? `Compared with the previous period of equal length, ${period} (UTC).`
            : `No sessions in the previous period of equal length (${period}) to compare with.`,
        )
      : null,
  );
}
