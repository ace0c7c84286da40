/**
 * One session's timeline: its play stretches, pauses and seeks drawn along the video's length,
 * and its events in order, each type as text.
 */
import * as Plot from '@observablehq/plot';
import { playStretches } from '../shared/retention.js';
import type { SessionDetail, SessionEvent } from '../shared/types.js';
import { h } from './dom.js';
import {
  assetKey,
  countryName,
  formatDuration,
  formatInt,
  formatPosition,
  formatTime,
  valueLabel,
} from './format.js';
import type { RenderContext } from './charts/context.js';
import type { TableModel } from './table.js';

const LANES = ['played', 'pause', 'seek', 'other'];
const LANE_LABELS: Record<string, string> = {
  played: 'played',
  pause: 'pauses',
  seek: 'seeks',
  other: 'other events',
};

const laneOf = (e: SessionEvent) =>
  e.type === 'pause' ? 'pause' : e.type.startsWith('seek.') ? 'seek' : 'other';

export function sessionFacts(ctx: RenderContext, d: SessionDetail): Node {
  const s = d.session;
  const label = ctx.labels.get(assetKey(s.asset_type, s.asset_id)) ?? s.asset_id;
  const place = [s.city, countryName(ctx.meta, s.country_code)].filter(Boolean).join(', ');
  return h(
    'p',
    { className: 'vw-facts' },
    h('strong', {}, label),
    ` · session ${s.session_id} · ${s.loaded_at ? `${formatTime(s.loaded_at)} UTC` : 'time unknown'} · ${place} · ${valueLabel(s.device_type)}, ${valueLabel(s.os_name)}, ${valueLabel(s.client_name)} · watched ${formatDuration(s.watch_seconds)}${s.ended ? ' · reached the end' : ''}`,
  );
}

export function timelineChart(ctx: RenderContext, d: SessionDetail): Node | null {
  const events = d.events;
  if (events.length === 0) return null;
  const stretches = playStretches(events);
  const positions = events.flatMap((e) => [e.at_position, e.from_position, e.to_position]);
  const length = Math.max(
    1,
    d.session.max_position ?? 0,
    ...positions.filter((p): p is number => p !== null),
  );
  const points = events
    .filter((e) => e.at_position !== null && !e.type.startsWith('seek.'))
    .map((e) => ({ ...e, lane: laneOf(e) }));
  const seeks = events.filter(
    (e) => e.type.startsWith('seek.') && e.from_position !== null && e.to_position !== null,
  );
  return Plot.plot({
    width: ctx.width,
    height: 190,
    marginLeft: 90,
    x: {
      domain: [0, length],
      label: 'position in the video',
      tickFormat: formatPosition,
      labelAnchor: 'right',
    },
    y: { domain: LANES, label: null, tickFormat: (l: string) => LANE_LABELS[l] ?? l },
    marks: [
      Plot.ruleY(LANES, { stroke: '#eef0f4' }),
      Plot.barX(stretches, {
        x1: 'start',
        x2: 'end',
        y: () => 'played',
        fill: '#3867d6',
        insetTop: 6,
        insetBottom: 6,
        title: (s: { start: number; end: number }) =>
          `played ${formatPosition(s.start)}–${formatPosition(s.end)} (${formatDuration(s.end - s.start)})`,
      }),
      Plot.arrow(seeks, {
        x1: (e: SessionEvent) => e.from_position,
        x2: (e: SessionEvent) => e.to_position,
        y: () => 'seek',
        stroke: '#a55eea',
        headLength: 6,
        title: (e: SessionEvent) =>
          `#${e.seq} ${e.type}: ${formatPosition(e.from_position)} → ${formatPosition(e.to_position)}`,
      }),
      Plot.dot(points, {
        x: 'at_position',
        y: 'lane',
        r: 4,
        fill: (e: { lane: string }) => (e.lane === 'pause' ? '#f0932b' : '#667085'),
        title: (e: SessionEvent) => `#${e.seq} ${e.type} at ${formatPosition(e.at_position)}`,
      }),
    ],
  });
}

export function eventsTable(d: SessionDetail): TableModel {
  const first = d.events.length > 0 ? Date.parse(d.events[0]!.emitted_at) : 0;
  const pos = (v: unknown) => (v === null || v === undefined ? '' : formatPosition(Number(v)));
  return {
    columns: [
      { label: '#', numeric: true },
      { label: 'Time (UTC)', format: (v) => formatTime(String(v ?? '')) },
      { label: 'After (s)', numeric: true, format: (v) => formatInt(Number(v)) },
      { label: 'Type' },
      { label: 'At', numeric: true, format: pos },
      { label: 'From', numeric: true, format: pos },
      { label: 'To', numeric: true, format: pos },
    ],
    rows: d.events.map((e) => [
      e.seq,
      e.emitted_at,
      Math.round((Date.parse(e.emitted_at) - first) / 1000),
      e.type,
      e.at_position,
      e.from_position,
      e.to_position,
    ]),
  };
}
