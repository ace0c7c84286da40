/**
 * The shapes api.video answers with, read as tolerantly as the official specs (2021-03, 2023-09,
 * 2024-11) allow, because a real account may send anything they allow:
 * - only what the spec requires, and what viewership needs to key a row, is required; every other
 *   field may be absent or `null`;
 * - numbers may come as numeric strings (the 2024-11 spec's own example is `'356.2'`);
 * - timestamps in every spelling the specs show (timestamps.ts), read to microseconds here at the
 *   edge; a day bucket's start may be a date alone;
 * - objects are "loose": fields viewership does not know pass through (the warehouse's `raw`
 *   column keeps each object exactly as sent, from the body, not from these parsed copies).
 *
 * Envelopes (a page's `data` and `pagination`) and items are read separately (see read.ts): an
 * item that still does not fit is set aside as a reject, never failing its page.
 */
import { z } from 'zod';
import { parseApiTimestamp } from './timestamps.js';

function timestampOf(options: { dateOnly?: boolean }) {
  return z.string().transform((value, ctx) => {
    // An empty string is how some answers say "no date": read as none.
    if (value.trim() === '') return null;
    try {
      return parseApiTimestamp(value, options);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a timestamp api.video uses' });
      return z.NEVER;
    }
  });
}

/** Microseconds since the epoch, UTC. */
const timestamp = timestampOf({});
/** A bucket's start: any timestamp, or a day alone. */
const bucketTime = timestampOf({ dateOnly: true });

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
/** A finite number, or a string spelling one. */
const number = z.union([
  z.number().refine(Number.isFinite, 'not a finite number'),
  z.string().regex(NUMERIC, 'not a number').transform(Number),
]);
const text = z.string().nullish();
const flag = z.boolean().nullish();

const linkSchema = z.looseObject({ rel: z.string().nullish(), uri: z.string().nullish() });

/** `links` is an array in the specs' schemas and an object keyed by rel in one example: both. */
export const paginationSchema = z.looseObject({
  currentPage: number.nullish(),
  pageSize: number.nullish(),
  pagesTotal: number.nullish(),
  itemsTotal: number.nullish(),
  currentPageItems: number.nullish(),
  links: z.union([z.array(linkSchema), z.record(z.string(), linkSchema)]).nullish(),
});

export const accessTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  refresh_token: z.string().nullish(),
  expires_in: number.refine((n) => n > 0, 'not a positive number'),
});

export const videoSchema = z.looseObject({
  videoId: z.string().min(1),
  title: text,
  description: text,
  public: flag,
  panoramic: flag,
  mp4Support: flag,
  playerId: text,
  tags: z.array(z.string()).nullish(),
  metadata: z.array(z.looseObject({ key: text, value: text })).nullish(),
  publishedAt: timestamp.nullish(),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
  /** The 2021-03 spec's examples spell `updatedAt` this way. */
  updateddAt: timestamp.nullish(),
});

export const liveStreamSchema = z.looseObject({
  liveStreamId: z.string().min(1),
  name: text,
  public: flag,
  broadcasting: flag,
  playerId: text,
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
});

export const playerSchema = z.looseObject({
  playerId: z.string().min(1),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
});

const part = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).nullish();

/** One player session of a video or live stream: only its id is needed (it keys the row). */
export const sessionSchema = z.looseObject({
  session: z.looseObject({
    sessionId: z.string().min(1),
    loadedAt: timestamp.nullish(),
    endedAt: timestamp.nullish(),
  }),
  location: part({ country: text, city: text }),
  referrer: part({ url: text, medium: text, source: text, searchTerm: text }),
  device: part({ type: text, vendor: text, model: text }),
  os: part({ name: text, shortname: text, version: text }),
  client: part({ type: text, name: text, version: text }),
});

/** One player event: nothing is required (its key is its session and its place in the list). */
export const sessionEventSchema = z.looseObject({
  type: text,
  emittedAt: timestamp.nullish(),
  at: number.nullish(),
  from: number.nullish(),
  to: number.nullish(),
});

const timeframeSchema = part({ from: timestamp.nullish(), to: timestamp.nullish() });

/** The `context` the Analytics API sends with every answer; none of its fields is required. */
export const metricContextSchema = z.looseObject({
  metric: text,
  aggregation: text,
  breakdown: text,
  interval: text,
  timeframe: timeframeSchema,
});

export const aggregatedMetricSchema = z.looseObject({
  context: metricContextSchema,
  data: number,
});

/** A breakdown's bucket; a value-less bucket is kept under the dimension value ''. */
export const breakdownItemSchema = z.looseObject({
  dimensionValue: text,
  metricValue: number.nullish(),
});

/** A time series' bucket: its start keys the row, so it is required. */
export const timeseriesItemSchema = z.looseObject({
  emittedAt: bucketTime.refine((t) => t !== null, 'a bucket needs its time'),
  metricValue: number.nullish(),
});

/**
 * A list's envelope: the items are read one by one afterwards. The 2021-03 spec requires neither
 * part: an answer without `data` has no items, one without `pagination` is the only page.
 */
export const listEnvelopeSchema = z.looseObject({
  data: z.array(z.unknown()).nullish(),
  pagination: paginationSchema.nullish(),
});

export const metricListEnvelopeSchema = z.looseObject({
  context: metricContextSchema.nullish(),
  data: z.array(z.unknown()).nullish(),
  pagination: paginationSchema.nullish(),
});

/** The fullest pagination the specs show: links as an array of {rel, uri}. */
const fullPaginationSchema = paginationSchema.extend({
  links: z.array(z.looseObject({ rel: z.string(), uri: z.string() })),
});

/** A whole page whose every item must fit `item`: how tools and tests check an answer at once. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: z.array(item), pagination: fullPaginationSchema });
}

export function metricPageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    context: metricContextSchema,
    data: z.array(item),
    pagination: fullPaginationSchema,
  });
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

/** Where a response came from, for `--raw-dir`, rejects and error messages. */
export interface RequestInfo {
  /** Route template, e.g. `GET /analytics/videos/{videoId}`. */
  endpoint: string;
  path: string;
  query: Record<string, string>;
}

/** One item of a page: what was read, what was sent, and where it sat in the page. */
export interface Entry<T> {
  value: T;
  /** The item exactly as the API sent it (unknown fields and key order kept). */
  raw: unknown;
  /** Its place in the page's `data`. */
  index: number;
}

/** An item, or a field of one, that could not be read: kept as sent with the reason. */
export interface ItemReject {
  index: number;
  reason: string;
  raw: unknown;
  /** True when only a field was left out and the item itself was read (it is in `entries`). */
  kept: boolean;
}

/** A page as the client yields it. */
export interface Page<T> {
  entries: Entry<T>[];
  rejects: ItemReject[];
  /** How many items the page's `data` held, read or not. */
  size: number;
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
