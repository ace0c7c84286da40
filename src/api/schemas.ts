/**
 * The shapes api.video answers with, from the official OpenAPI specs (2021-03, 2023-09, 2024-11).
 *
 * Objects are "loose": fields the API adds later pass through untouched, so the warehouse's `raw`
 * column keeps them. Only the fields viewership reads are declared, and fields that the specs mark
 * nullable, or that some generations omit, are optional. Timestamps stay strings (the raw form) but
 * are checked here, at the edge, so a spelling we cannot read fails with the endpoint and field.
 */
import { z } from 'zod';
import { isApiTimestamp } from './timestamps.js';

const timestamp = z.string().refine(isApiTimestamp, { message: 'not a timestamp api.video uses' });
const optionalText = z.string().nullish();
const optionalFlag = z.boolean().nullish();
const position = z.number().nullish();

export const paginationSchema = z.looseObject({
  currentPage: z.number().int().optional(),
  pageSize: z.number().int().optional(),
  pagesTotal: z.number().int().optional(),
  itemsTotal: z.number().int().optional(),
  currentPageItems: z.number().int().optional(),
  links: z.array(z.looseObject({ rel: z.string(), uri: z.string() })),
});

export const accessTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.number().positive(),
});

export const videoSchema = z.looseObject({
  videoId: z.string().min(1),
  title: optionalText,
  description: optionalText,
  public: optionalFlag,
  panoramic: optionalFlag,
  mp4Support: optionalFlag,
  playerId: optionalText,
  tags: z.array(z.string()).nullish(),
  metadata: z.array(z.looseObject({ key: z.string(), value: z.string().nullish() })).nullish(),
  publishedAt: timestamp.nullish(),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
  /** The 2021-03 spec's examples spell `updatedAt` this way. */
  updateddAt: timestamp.nullish(),
});

export const liveStreamSchema = z.looseObject({
  liveStreamId: z.string().min(1),
  name: optionalText,
  public: optionalFlag,
  broadcasting: optionalFlag,
  playerId: optionalText,
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
});

export const playerSchema = z.looseObject({
  playerId: z.string().min(1),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
});

/** One player session of a video or live stream (`GET /analytics/videos/{id}`, `/analytics/live-streams/{id}`). */
export const sessionSchema = z.looseObject({
  session: z.looseObject({
    sessionId: z.string().min(1),
    loadedAt: timestamp,
    endedAt: timestamp.nullish(),
  }),
  location: z.looseObject({ country: optionalText, city: optionalText }).nullish(),
  referrer: z
    .looseObject({
      url: optionalText,
      medium: optionalText,
      source: optionalText,
      searchTerm: optionalText,
    })
    .nullish(),
  device: z
    .looseObject({ type: optionalText, vendor: optionalText, model: optionalText })
    .nullish(),
  os: z
    .looseObject({ name: optionalText, shortname: optionalText, version: optionalText })
    .nullish(),
  client: z
    .looseObject({ type: optionalText, name: optionalText, version: optionalText })
    .nullish(),
});

/** One player event (`GET /analytics/sessions/{id}/events`). */
export const sessionEventSchema = z.looseObject({
  type: z.string().min(1),
  emittedAt: timestamp,
  at: position,
  from: position,
  to: position,
});

const timeframeSchema = z.looseObject({ from: timestamp, to: timestamp });

export const aggregatedMetricSchema = z.looseObject({
  context: z.looseObject({
    metric: z.string(),
    aggregation: z.string().optional(),
    timeframe: timeframeSchema,
  }),
  data: z.number(),
});

export const breakdownItemSchema = z.looseObject({
  dimensionValue: z.string().nullable(),
  metricValue: z.number(),
});

export const timeseriesItemSchema = z.looseObject({
  emittedAt: timestamp,
  metricValue: z.number(),
});

/** The `context` the Analytics API repeats on every page of a breakdown or time series. */
export const metricContextSchema = z.looseObject({
  metric: z.string(),
  breakdown: z.string().optional(),
  interval: z.string().optional(),
  timeframe: timeframeSchema,
});

function buildPageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: z.array(item), pagination: paginationSchema });
}

function buildMetricPageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    context: metricContextSchema,
    data: z.array(item),
    pagination: paginationSchema,
  });
}

// Built once per item schema: building a zod schema costs more than validating a page with it.
const pageSchemas = new WeakMap<z.ZodType, unknown>();
const metricPageSchemas = new WeakMap<z.ZodType, unknown>();

export function pageSchema<T extends z.ZodType>(item: T): ReturnType<typeof buildPageSchema<T>> {
  let schema = pageSchemas.get(item);
  if (!schema) pageSchemas.set(item, (schema = buildPageSchema(item)));
  return schema as ReturnType<typeof buildPageSchema<T>>;
}

export function metricPageSchema<T extends z.ZodType>(
  item: T,
): ReturnType<typeof buildMetricPageSchema<T>> {
  let schema = metricPageSchemas.get(item);
  if (!schema) metricPageSchemas.set(item, (schema = buildMetricPageSchema(item)));
  return schema as ReturnType<typeof buildMetricPageSchema<T>>;
}

export type Pagination = z.infer<typeof paginationSchema>;
export type AccessToken = z.infer<typeof accessTokenSchema>;
export type Video = z.infer<typeof videoSchema>;
export type LiveStream = z.infer<typeof liveStreamSchema>;
export type Player = z.infer<typeof playerSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type SessionEvent = z.infer<typeof sessionEventSchema>;
export type AggregatedMetric = z.infer<typeof aggregatedMetricSchema>;
export type BreakdownItem = z.infer<typeof breakdownItemSchema>;
export type TimeseriesItem = z.infer<typeof timeseriesItemSchema>;
export type MetricContext = z.infer<typeof metricContextSchema>;

/** Where a response came from, for `--raw-dir` and error messages. */
export interface RequestInfo {
  /** Route template, e.g. `GET /analytics/videos/{videoId}`. */
  endpoint: string;
  path: string;
  query: Record<string, string>;
}

/** A page as the client yields it: the items plus the page's own envelope, kept for `--raw-dir`. */
export interface Page<T> {
  /** The items, validated, and exactly as the API sent them (unknown fields and key order kept). */
  items: T[];
  pagination: Pagination;
  /** The whole body exactly as the API sent it, for `--raw-dir`. */
  body: unknown;
  request: RequestInfo;
}

/** The metrics and dimensions of the Analytics API (2024-11 spec). */
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
export const AGGREGATE_METRICS = {
  play: ['count', 'rate', 'total'],
  start: ['count'],
  end: ['count'],
  impression: ['count'],
  'impression-time': ['average', 'sum'],
  'watch-time': ['average', 'sum'],
  ccv: ['peak', 'live'],
  view: ['count'],
} as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];
export type BreakdownMetric = (typeof BREAKDOWN_METRICS)[number];
export type Breakdown = (typeof BREAKDOWNS)[number];
export type AggregateMetric = keyof typeof AGGREGATE_METRICS;
export type Interval = 'minute' | 'hour' | 'day';
