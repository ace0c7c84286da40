/**
 * The one list of what the dashboard and the report show, in page order: sections and their
 * cards, with the words on them. A card draws one chart query of ./charts.ts (`data`), or has its
 * own question (retention, the session explorer, a session's timeline). The browser draws each
 * card with the renderer of the same id (client/cards.ts, checked by its type); a unit test holds
 * every query of ./charts.ts to a card that draws it.
 */
import type { Grain } from './types.js';

export type CardId =
  | 'retention'
  | 'daily'
  | 'countries'
  | 'countries_live'
  | 'top_sessions'
  | 'top_watch'
  | 'cities'
  | 'devices'
  | 'os'
  | 'browsers'
  | 'referrer_sources'
  | 'referrer_mediums'
  | 'hours'
  | 'watch_bins'
  | 'position_bins'
  | 'timeline'
  | 'sessions'
  | 'api_daily'
  | 'api_countries'
  | 'api_devices';

export interface CardSpec {
  id: CardId;
  /** Also the chart's accessible name. */
  title: string;
  subtitle?: string | ((grain: Grain) => string);
  /** The query of ./charts.ts whose rows the card draws; absent for cards with their own. */
  data?: string;
  /** Takes the whole row. */
  wide?: boolean;
  /** What the card says when there is nothing to draw. */
  empty?: string;
  /** Cards that need one asset (`asset`) or one open session (`session`) are shown only then. */
  needs?: 'asset' | 'session';
  /** Account-wide: drawn even when the filter selects no session. */
  accountWide?: boolean;
}

export interface SectionSpec {
  title: string;
  cards: CardSpec[];
}

const sessionsBy: Pick<CardSpec, 'subtitle'> = { subtitle: 'Sessions' };

export const PAGE: SectionSpec[] = [
  {
    title: 'This video',
    cards: [
      {
        id: 'retention',
        title: 'Audience retention',
        subtitle: 'Share of sessions that played, still watching at each position of the video',
        wide: true,
        needs: 'asset',
      },
    ],
  },
  {
    title: 'Audience',
    cards: [
      {
        id: 'daily',
        title: 'Sessions over time',
        subtitle: (grain) =>
          `Sessions per ${grain} (UTC), videos and live streams stacked; the line is the previous period`,
        data: 'daily',
        wide: true,
      },
      {
        id: 'countries',
        title: 'Where viewers watch from',
        subtitle: 'Sessions by country',
        data: 'countries',
        wide: true,
      },
      {
        id: 'countries_live',
        title: 'Where live-stream viewers watch from',
        subtitle: 'Sessions of live streams by country',
        data: 'countries_live',
        wide: true,
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
        subtitle: 'Videos and live streams; pick one to see its retention',
        data: 'assets',
      },
      {
        id: 'top_watch',
        title: 'Top by watch time',
        subtitle: 'Videos and live streams',
        data: 'assets',
      },
    ],
  },
  {
    title: 'Sessions',
    cards: [
      {
        id: 'timeline',
        title: 'Session timeline',
        subtitle: 'Its events in order; play stretches, pauses and seeks along the video',
        wide: true,
        needs: 'session',
      },
      {
        id: 'sessions',
        title: 'Session explorer',
        subtitle: 'The sessions of this view; pick one to read its timeline',
        wide: true,
      },
    ],
  },
  {
    title: 'Cities, devices and traffic',
    cards: [
      { id: 'cities', title: 'Top cities', ...sessionsBy, data: 'cities' },
      { id: 'devices', title: 'Device type', ...sessionsBy, data: 'devices' },
      { id: 'os', title: 'Operating system', ...sessionsBy, data: 'os' },
      { id: 'browsers', title: 'Browser', ...sessionsBy, data: 'browsers' },
      { id: 'referrer_sources', title: 'Referrer source', ...sessionsBy, data: 'referrer_sources' },
      { id: 'referrer_mediums', title: 'Referrer medium', ...sessionsBy, data: 'referrer_mediums' },
    ],
  },
  {
    title: 'Engagement',
    cards: [
      {
        id: 'hours',
        title: 'When people watch',
        subtitle: 'Sessions by weekday and hour, UTC',
        data: 'hours',
        wide: true,
      },
      {
        id: 'watch_bins',
        title: 'Watch time per session',
        subtitle: 'Sessions by seconds actually played',
        data: 'watch_bins',
      },
      {
        id: 'position_bins',
        title: 'How far viewers get',
        subtitle: 'Sessions by the furthest position reached',
        data: 'position_bins',
      },
    ],
  },
  {
    title:
      'Analytics API (account-wide; asset filters do not apply): the 30 days the API keeps, plus what earlier syncs stored',
    cards: [
      {
        id: 'api_daily',
        title: 'Plays, views and impressions',
        subtitle: 'Per day, as the Analytics API counted them',
        data: 'api_daily',
        wide: true,
        accountWide: true,
        empty:
          'No Analytics API metrics stored for these days. The API keeps 30 days: a daily sync builds the history.',
      },
      {
        id: 'api_countries',
        title: 'By country',
        subtitle: 'Analytics API, top 12',
        data: 'api_countries',
        accountWide: true,
        empty: 'No Analytics API breakdown by country stored for these days.',
      },
      {
        id: 'api_devices',
        title: 'By device type',
        subtitle: 'Analytics API',
        data: 'api_devices',
        accountWide: true,
        empty: 'No Analytics API breakdown by device type stored for these days.',
      },
    ],
  },
];

export const CARDS: CardSpec[] = PAGE.flatMap((s) => s.cards);
