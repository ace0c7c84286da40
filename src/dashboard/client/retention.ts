/**
 * The retention card of the asset in view: for a video, the share of its sessions still watching
 * at each position (with average view duration and the drop-off points); for a live stream, its
 * concurrent viewers over time.
 */
import * as Plot from '@observablehq/plot';
import { dropOffs } from '../shared/retention.js';
import type { LiveViewers, Retention, VideoRetention } from '../shared/types.js';
import { h } from './dom.js';
import { formatDuration, formatInt, formatPercent, formatPosition, formatTime } from './format.js';
import type { RenderContext } from './charts/context.js';
import type { TableModel } from './table.js';

export interface Drawn {
  subtitle: string;
  chart: Node | null;
  summary: Node[];
  table: TableModel | null;
  title: string;
}

function video(ctx: RenderContext, r: VideoRetention): Drawn {
  const title = 'Audience retention';
  const subtitle =
    'Share of the sessions that played still watching at each position of the video (red: drop-offs)';
  if (r.played === 0) {
    return {
      title,
      subtitle,
      chart: null,
      table: null,
      summary: [
        h(
          'p',
          { className: 'vw-none' },
          `None of its ${formatInt(r.sessions)} sessions in this view played.`,
        ),
      ],
    };
  }
  const points = r.viewers.map((v, i) => ({
    position: i * r.step,
    viewers: v,
    share: v / r.played,
  }));
  const drops = dropOffs(r);
  const chart = Plot.plot({
    width: ctx.width,
    height: 260,
    marginLeft: 50,
    x: { label: 'position in the video', tickFormat: formatPosition, labelAnchor: 'right' },
    y: {
      label: 'still watching',
      grid: true,
      domain: [0, 1],
      tickFormat: (v: number) => formatPercent(v).replace('.0', ''),
    },
    marks: [
      Plot.areaY(points, {
        x: 'position',
        y: 'share',
        fill: '#3867d6',
        fillOpacity: 0.12,
        curve: 'linear',
      }),
      Plot.lineY(points, {
        x: 'position',
        y: 'share',
        stroke: '#3867d6',
        strokeWidth: 2,
        curve: 'linear',
      }),
      Plot.dot(points, {
        x: 'position',
        y: 'share',
        r: 1.5,
        fill: '#3867d6',
        title: (p: (typeof points)[number]) =>
          `${formatPosition(p.position)}: ${formatPercent(p.share)} still watching (${formatInt(p.viewers)} sessions)`,
      }),
      Plot.ruleX(drops, { x: 'position', stroke: '#eb3b5a', strokeDasharray: '4 3' }),
      Plot.dot(drops, {
        x: 'position',
        y: (d: (typeof drops)[number]) =>
          (r.viewers[Math.round(d.position / r.step)] ?? 0) / r.played,
        r: 4,
        fill: '#eb3b5a',
        title: (d: (typeof drops)[number]) =>
          `drop-off at ${formatPosition(d.position)}: −${formatPercent(d.share)} of the sessions that played`,
      }),
      Plot.ruleY([0]),
    ],
  });
  const summary = [
    h(
      'p',
      { className: 'vw-facts', data: { retention: 'summary' } },
      h('strong', {}, formatDuration(r.averageViewSeconds)),
      ' average view duration · ',
      h('strong', {}, formatInt(r.played)),
      ` of ${formatInt(r.sessions)} sessions played · `,
      drops.length > 0
        ? `biggest drop-offs at ${drops.map((d) => `${formatPosition(d.position)} (−${formatPercent(d.share)})`).join(', ')}`
        : 'no steep drop-off',
    ),
  ];
  return {
    title,
    subtitle,
    chart,
    summary,
    table: {
      columns: [
        { label: 'Position (s)', numeric: true },
        { label: 'Sessions still watching', numeric: true, format: (v) => formatInt(Number(v)) },
        {
          label: 'Share of sessions that played',
          numeric: true,
          format: (v) => formatPercent(Number(v)),
        },
      ],
      rows: points.map((p) => [p.position, p.viewers, p.share]),
    },
  };
}

function live(ctx: RenderContext, r: LiveViewers): Drawn {
  const title = 'Concurrent viewers';
  const subtitle = 'Live stream: sessions open (loaded, not yet ended) in each interval, UTC';
  if (r.viewers.length === 0) {
    return {
      title,
      subtitle,
      chart: null,
      table: null,
      summary: [h('p', { className: 'vw-none' }, 'No sessions in this view.')],
    };
  }
  const start = Date.parse(r.start);
  const points = r.viewers.map((v, i) => ({ t: new Date(start + i * r.step * 1000), viewers: v }));
  const peak = points.reduce((a, b) => (b.viewers > a.viewers ? b : a));
  const chart = Plot.plot({
    width: ctx.width,
    height: 240,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: 'viewers', grid: true, zero: true },
    marks: [
      Plot.rectY(points, {
        x1: (p: (typeof points)[number]) => p.t,
        x2: (p: (typeof points)[number]) => new Date(p.t.getTime() + r.step * 1000),
        y: 'viewers',
        fill: '#f0932b',
        title: (p: (typeof points)[number]) =>
          `${formatTime(p.t.toISOString())} UTC: ${formatInt(p.viewers)} viewers`,
      }),
      Plot.ruleY([0]),
    ],
  });
  return {
    title,
    subtitle,
    chart,
    summary: [
      h(
        'p',
        { className: 'vw-facts', data: { retention: 'summary' } },
        `Sessions open in each ${formatDuration(r.step)} (UTC) · peak `,
        h('strong', {}, formatInt(peak.viewers)),
        ` at ${formatTime(peak.t.toISOString())} UTC · ${formatInt(r.sessions)} sessions`,
      ),
    ],
    table: {
      columns: [
        { label: 'Interval start (UTC)' },
        { label: 'Viewers', numeric: true, format: (v) => formatInt(Number(v)) },
      ],
      rows: points.map((p) => [p.t.toISOString(), p.viewers]),
    },
  };
}

export function drawRetention(ctx: RenderContext, r: Retention): Drawn {
  if (r.kind === 'video') return video(ctx, r);
  return live(ctx, r);
}
