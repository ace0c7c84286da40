/** The dashboard's cards in page order, grouped in sections. */
import { apiBreakdown, categorical, cities, topAssets } from './charts/bars.js';
import type { Card, RenderContext } from './charts/context.js';
import { hourHeatmap } from './charts/heatmap.js';
import { histogram } from './charts/histogram.js';
import { apiOverTime, sessionsOverTime } from './charts/timeline.js';
import { worldMap } from './map.js';

const periodWord = (ctx: RenderContext) => ctx.grain;

export interface Section {
  title: string;
  cards: Card[];
}

export const SECTIONS: Section[] = [
  {
    title: 'Audience',
    cards: [
      {
        id: 'daily',
        title: 'Sessions over time',
        subtitle: (ctx) => `Sessions per ${periodWord(ctx)} (UTC), videos and live streams stacked`,
        wide: true,
        render: sessionsOverTime,
      },
      {
        id: 'countries',
        title: 'Where viewers watch from',
        subtitle: 'Sessions by country',
        wide: true,
        render: (ctx) => worldMap(ctx, 'countries'),
      },
      {
        id: 'countries_live',
        title: 'Where live-stream viewers watch from',
        subtitle: 'Sessions of live streams by country',
        wide: true,
        render: (ctx) => worldMap(ctx, 'countries_live'),
        empty: 'No live-stream sessions in this selection.',
      },
    ],
  },
  {
    title: 'Content',
    cards: [
      {
        id: 'top_sessions',
        title: 'Top by sessions',
        subtitle: 'Videos and live streams',
        render: (ctx) => topAssets(ctx, 'sessions'),
      },
      {
        id: 'top_watch',
        title: 'Top by watch time',
        subtitle: 'Videos and live streams',
        render: (ctx) => topAssets(ctx, 'watch'),
      },
    ],
  },
  {
    title: 'Cities, devices and traffic',
    cards: [
      { id: 'cities', title: 'Top cities', subtitle: 'Sessions', render: cities },
      {
        id: 'devices',
        title: 'Device type',
        subtitle: 'Sessions',
        render: (ctx) => categorical(ctx, 'devices', 'device_type'),
      },
      {
        id: 'os',
        title: 'Operating system',
        subtitle: 'Sessions',
        render: (ctx) => categorical(ctx, 'os', 'os_name'),
      },
      {
        id: 'browsers',
        title: 'Browser',
        subtitle: 'Sessions',
        render: (ctx) => categorical(ctx, 'browsers', 'client_name'),
      },
      {
        id: 'referrer_sources',
        title: 'Referrer source',
        subtitle: 'Sessions',
        render: (ctx) => categorical(ctx, 'referrer_sources', 'referrer_source'),
      },
      {
        id: 'referrer_mediums',
        title: 'Referrer medium',
        subtitle: 'Sessions',
        render: (ctx) => categorical(ctx, 'referrer_mediums', 'referrer_medium'),
      },
    ],
  },
  {
    title: 'Engagement',
    cards: [
      {
        id: 'hours',
        title: 'When people watch',
        subtitle: 'Sessions by weekday and hour, UTC',
        wide: true,
        render: hourHeatmap,
      },
      {
        id: 'watch_bins',
        title: 'Watch time per session',
        subtitle: 'Sessions by seconds actually played',
        render: (ctx) => histogram(ctx, 'watch_bins', '#3867d6'),
      },
      {
        id: 'position_bins',
        title: 'How far viewers get',
        subtitle: 'Sessions by the furthest position reached',
        render: (ctx) => histogram(ctx, 'position_bins', '#20bf6b'),
      },
    ],
  },
  {
    title: 'Analytics API (account-wide; asset filters do not apply)',
    cards: [
      {
        id: 'api_daily',
        title: 'Plays, views and impressions',
        subtitle: 'Per day, as the Analytics API counted them',
        wide: true,
        render: apiOverTime,
        empty:
          'No Analytics API metrics stored for these days. The API keeps 30 days: a daily sync builds the history.',
      },
      {
        id: 'api_countries',
        title: 'By country',
        subtitle: 'Analytics API, top 12',
        render: (ctx) => apiBreakdown(ctx, 'api_countries', true),
        empty: 'No Analytics API breakdown by country stored for these days.',
      },
      {
        id: 'api_devices',
        title: 'By device type',
        subtitle: 'Analytics API',
        render: (ctx) => apiBreakdown(ctx, 'api_devices', false),
        empty: 'No Analytics API breakdown by device type stored for these days.',
      },
    ],
  },
];
