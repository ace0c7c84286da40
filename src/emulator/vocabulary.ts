/**
 * The Analytics API's names, as the 2024-11 spec's path parameters enumerate them: which metrics
 * each route takes, which aggregations each metric allows, and the breakdown dimensions.
 */
export const TIMESERIES_METRICS = [
  'play',
  'play-rate',
  'start',
  'end',
  'impression',
  'ccv-peak',
  'ccv-average',
  'view',
] as const;

/** `play-total` is allowed only with the `media-id` breakdown. */
export const BREAKDOWN_METRICS = [...TIMESERIES_METRICS, 'play-total'] as const;

export const BREAKDOWNS = [
  'media-id',
  'media-type',
  'continent',
  'country',
  'device-type',
  'operating-system',
  'browser',
  'referrer',
] as const;

/** `/data/metrics/{metric}/{aggregation}`: the aggregations the spec describes for each metric. */
export const AGGREGATIONS: Readonly<Record<string, readonly string[]>> = {
  play: ['count', 'rate', 'total'],
  start: ['count'],
  end: ['count'],
  impression: ['count'],
  'impression-time': ['average', 'sum'],
  'watch-time': ['average', 'sum'],
  ccv: ['peak', 'live'],
  view: ['count'],
};

export type Breakdown = (typeof BREAKDOWNS)[number];

export const INTERVALS = ['minute', 'hour', 'day'] as const;
export const VIEW_DURATIONS = ['3s', '5s', '10s', '30s'] as const;
