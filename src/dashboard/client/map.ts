/**
 * The world map of sessions by country (a choropleth with d3-geo and world-atlas, both bundled:
 * nothing is fetched) and the table beside it, which also lists countries too small for the
 * 1:110m atlas (Singapore, Malta…).
 */
import { geoEqualEarth, geoPath, scaleSequentialSqrt, interpolateBlues } from 'd3';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { alpha2ToNumeric } from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import type { Row } from '../shared/types.js';
import { num, rowsOf, type RenderContext } from './charts/context.js';
import { h, svg } from './dom.js';
import { countryName, formatDuration, formatInt, formatPercent } from './format.js';

type Country = Feature<Geometry, { name: string }>;

const ANTARCTICA = '010';
let countries: Country[] | undefined;

function atlas(): Country[] {
  if (!countries) {
    const topology = world as unknown as Topology<{
      countries: GeometryCollection<{ name: string }>;
    }>;
    const all = feature(topology, topology.objects.countries) as FeatureCollection<
      Geometry,
      { name: string }
    >;
    countries = all.features.filter((f) => f.id !== ANTARCTICA);
  }
  return countries;
}

function table(ctx: RenderContext, rows: Row[], total: number): HTMLElement {
  const top = rows.slice(0, 15);
  return h(
    'table',
    { className: 'vw-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Country'),
        h('th', { className: 'vw-num' }, 'Sessions'),
        h('th', { className: 'vw-num' }, 'Share'),
      ),
    ),
    h(
      'tbody',
      {},
      ...top.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, countryName(ctx.meta, r.country_code as string | null)),
          h('td', { className: 'vw-num' }, formatInt(num(r.sessions))),
          h('td', { className: 'vw-num' }, formatPercent(num(r.sessions) / total)),
        ),
      ),
      rows.length > top.length
        ? h(
            'tr',
            {},
            h('td', { attrs: { colspan: '3' } }, `and ${rows.length - top.length} more countries`),
          )
        : null,
    ),
  );
}

export function worldMap(ctx: RenderContext, id: string): Node | null {
  const rows = rowsOf(ctx, id)
    .filter((r) => num(r.sessions) > 0)
    .sort((a, b) => num(b.sessions) - num(a.sessions));
  if (rows.length === 0) return null;
  const total = rows.reduce((n, r) => n + num(r.sessions), 0);
  const byNumeric = new Map<string, Row>();
  for (const r of rows) {
    const code = typeof r.country_code === 'string' ? alpha2ToNumeric(r.country_code) : undefined;
    if (code) byNumeric.set(code, r);
  }
  const max = Math.max(...rows.map((r) => num(r.sessions)));
  const color = scaleSequentialSqrt(interpolateBlues).domain([0, max]);
  const width = Math.max(280, Math.round(ctx.width * 0.72));
  const height = Math.round(width * 0.48);
  const features = atlas();
  const projection = geoEqualEarth().fitSize([width, height], {
    type: 'FeatureCollection',
    features,
  });
  const path = geoPath(projection);
  const paths = features.map((f) => {
    const row = f.id === undefined ? undefined : byNumeric.get(String(f.id));
    const sessions = row ? num(row.sessions) : 0;
    const name = row ? countryName(ctx.meta, row.country_code as string) : f.properties.name;
    const tip = row
      ? `${name}: ${formatInt(sessions)} sessions (${formatPercent(sessions / total)}) · ${formatDuration(num(row.watch))} watched`
      : `${name}: no sessions`;
    return svg(
      'path',
      {
        class: 'vw-country',
        d: path(f) ?? '',
        fill: sessions > 0 ? color(sessions) : '#e9ecf2',
        'data-sessions': sessions,
      },
      svg('title', {}, tip),
    );
  });
  const map = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': 'sessions by country',
    },
    svg('g', { 'aria-label': 'countries' }, ...paths),
  );
  const legend = h(
    'p',
    { className: 'vw-sub' },
    `Darker: more sessions (up to ${formatInt(max)} in one country).`,
  );
  return h('div', { className: 'vw-map' }, h('div', {}, map, legend), table(ctx, rows, total));
}
