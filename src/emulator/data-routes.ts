/**
 * The Analytics API generation (2024-11): `/data/metrics/{metric}/{aggregation}`,
 * `/data/buckets/{metric}/{breakdown}` and `/data/timeseries/{metric}`, with the spec's
 * parameters, defaults and 400s. The numbers come from metrics.ts.
 */
import type { Lifetime } from './lifetime.js';
import {
  aggregatedValue,
  concurrency,
  countedValue,
  DIMENSION,
  FILTER_FIELDS,
  tallyBy,
  type FactSource,
  type Facts,
  type FilterField,
  type Filters,
} from './metrics.js';
import { isPageRequest, pageOf, parsePageRequest } from './pagination.js';
import { invalidAttribute, invalidQuery, reply, type Reply } from './problems.js';
import { atom, atomSpaced, DAY, HOUR, hourFirst, MINUTE, parseTimestamp } from './timestamps.js';
import {
  AGGREGATIONS,
  BREAKDOWNS,
  BREAKDOWN_METRICS,
  TIMESERIES_METRICS,
  VIEW_DURATIONS,
  type Breakdown,
} from './vocabulary.js';
import type { World } from './world.js';

/** How far back `from` may reach. */
const RETENTION_MS = 30 * DAY;
const INTERVALS: Record<string, number> = { minute: MINUTE, hour: HOUR, day: DAY };
const CCV_LIVE_MS = 20_000;

interface Timeframe {
  from: number;
  to: number;
}

interface Common {
  timeframe: Timeframe;
  filters: Filters;
  viewSeconds: number;
  unique: boolean;
}

const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

/**
 * A query parameter this route does not take. The spec's example names it with its value
 * (`"name": "from:2024-05-20T09:15:05+02:00"`), so the emulator does too.
 */
const notExpected = (key: string, value: string) =>
  invalidQuery(`${key}:${value}`, 'This field was not expected.');

const oneOf = (values: readonly string[]) =>
  `This value must be part of the following values: ${values.join(',')}`;

export class AnalyticsRoutes {
  constructor(
    private readonly world: World,
    private readonly facts: FactSource,
    private readonly lifetime: Lifetime,
  ) {}

  metrics(metric: string, aggregation: string, nowMs: number, query: URLSearchParams): Reply {
    const aggregations = Object.hasOwn(AGGREGATIONS, metric) ? AGGREGATIONS[metric] : undefined;
    if (!aggregations) return invalidAttribute('metric', oneOf(Object.keys(AGGREGATIONS)));
    if (!aggregations.includes(aggregation))
      return invalidAttribute('aggregation', oneOf(aggregations));
    const total = metric === 'play' && aggregation === 'total';
    const common = this.common(query, nowMs, {
      parameters: [],
      uniqueAllowed: metric === 'ccv' || metric === 'view',
      viewAllowed: metric === 'view',
      lenientTimeframe: total,
      filterFields: total ? ['mediaId', 'mediaType'] : undefined,
    });
    if (isReply(common)) return common;
    const { from, to } = common.timeframe;

    let data: number;
    if (total) {
      data = this.playTotals(nowMs, common.filters).reduce((sum, [, plays]) => sum + plays, 0);
    } else if (metric === 'ccv') {
      const window: [number, number] =
        aggregation === 'live' ? [nowMs - CCV_LIVE_MS, nowMs + 1] : [from, Math.min(to, nowMs + 1)];
      const facts = this.facts.inRange(window[0], window[1], nowMs, common.filters);
      data = window[1] > window[0] ? concurrency(facts, [window])[0]!.peak : 0;
    } else {
      const facts = this.facts.inRange(from, to, nowMs, common.filters);
      const tally = tallyBy(facts, from, to, common.viewSeconds, () => 0).get(0);
      data = tally ? aggregatedValue(metric, aggregation, tally) : 0;
    }
    return reply({
      context: {
        metric: contextMetric(metric, common),
        aggregation,
        timeframe: { from: atomSpaced(from), to: atomSpaced(to) },
      },
      data,
    });
  }

  buckets(
    metric: string,
    breakdown: string,
    nowMs: number,
    path: string,
    query: URLSearchParams,
  ): Reply {
    if (!(BREAKDOWN_METRICS as readonly string[]).includes(metric)) {
      return invalidAttribute('metric', oneOf(BREAKDOWN_METRICS));
    }
    if (!(BREAKDOWNS as readonly string[]).includes(breakdown))
      return invalidAttribute('breakdown', oneOf(BREAKDOWNS));
    const total = metric === 'play-total';
    if (total && breakdown !== 'media-id')
      return invalidAttribute('breakdown', oneOf(['media-id']));
    const common = this.common(query, nowMs, {
      parameters: ['sortBy', 'sortOrder', 'currentPage', 'pageSize'],
      uniqueAllowed: metric.startsWith('ccv') || metric === 'view',
      viewAllowed: metric === 'view',
      lenientTimeframe: total,
      filterFields: total ? ['mediaId', 'mediaType'] : undefined,
    });
    if (isReply(common)) return common;
    const sort = parseSort(query, ['metricValue', 'dimensionValue'], 'metricValue', 'desc');
    if (isReply(sort)) return sort;
    const page = parsePageRequest(query);
    if (!isPageRequest(page)) return page;

    const { from, to } = common.timeframe;
    const dimension = DIMENSION[breakdown as Breakdown];
    let rows: Array<[string, number]>;
    if (total) {
      rows = this.playTotals(nowMs, common.filters);
    } else if (metric.startsWith('ccv')) {
      const end = Math.min(to, nowMs + 1);
      const groups = new Map<string, Facts[]>();
      for (const f of this.facts.inRange(from, end, nowMs, common.filters)) {
        const key = dimension(f);
        const group = groups.get(key);
        if (group) group.push(f);
        else groups.set(key, [f]);
      }
      rows = [...groups].map(([key, facts]) => {
        const c = end > from ? concurrency(facts, [[from, end]])[0]! : { peak: 0, average: 0 };
        return [key, metric === 'ccv-peak' ? c.peak : c.average];
      });
    } else {
      const facts = this.facts.inRange(from, to, nowMs, common.filters);
      const tallies = tallyBy(facts, from, to, common.viewSeconds, (f) => dimension(f));
      rows = [...tallies].map(([key, tally]) => [key, countedValue(metric, tally)]);
    }
    const data = rows
      .filter(([, value]) => value !== 0)
      .sort(compareRows(sort))
      .map(([dimensionValue, metricValue]) => ({ metricValue, dimensionValue }));
    return reply({
      context: {
        metric: contextMetric(metric, common),
        breakdown,
        timeframe: { from: atom(from), to: atom(to) },
      },
      ...pageOf(data, path, query, page),
    });
  }

  timeseries(metric: string, nowMs: number, path: string, query: URLSearchParams): Reply {
    if (!(TIMESERIES_METRICS as readonly string[]).includes(metric)) {
      return invalidAttribute('metric', oneOf(TIMESERIES_METRICS));
    }
    const common = this.common(query, nowMs, {
      parameters: ['interval', 'sortBy', 'sortOrder', 'currentPage', 'pageSize'],
      uniqueAllowed: metric.startsWith('ccv') || metric === 'view',
      viewAllowed: metric === 'view',
    });
    if (isReply(common)) return common;
    const { from, to } = common.timeframe;
    const rawInterval = query.get('interval');
    const interval = rawInterval ?? (to - from <= 2 * DAY ? 'hour' : 'day');
    const step = INTERVALS[interval];
    if (step === undefined) {
      return invalidQuery(
        'interval',
        'This interval is invalid. Use one of "minute", "hour", "day".',
      );
    }
    if (interval === 'minute' && to - from > HOUR) {
      return invalidQuery(
        'interval',
        'This interval cannot be used with a timeframe over 60 minutes.',
      );
    }
    const sort = parseSort(query, ['metricValue', 'emittedAt'], 'emittedAt', 'asc');
    if (isReply(sort)) return sort;
    const page = parsePageRequest(query);
    if (!isPageRequest(page)) return page;

    const bucketOf = (t: number) => Math.floor(t / step) * step;
    let rows: Array<[number, number]>;
    if (metric.startsWith('ccv')) {
      const end = Math.min(to, nowMs + 1);
      const windows: Array<[number, number]> = [];
      for (let b = bucketOf(from); b < end; b += step)
        windows.push([Math.max(b, from), Math.min(b + step, end)]);
      const facts = this.facts.inRange(from, end, nowMs, common.filters);
      rows = concurrency(facts, windows).map((c, i) => [
        bucketOf(windows[i]![0]),
        metric === 'ccv-peak' ? c.peak : c.average,
      ]);
    } else {
      const facts = this.facts.inRange(from, to, nowMs, common.filters);
      const tallies = tallyBy(facts, from, to, common.viewSeconds, (_, t) => bucketOf(t));
      rows = [...tallies].map(([bucket, tally]) => [bucket, countedValue(metric, tally)]);
    }
    const stamp = interval === 'hour' ? hourFirst : atom;
    const data = rows
      .filter(([, value]) => value !== 0)
      .sort(compareRows({ by: sort.by === 'emittedAt' ? 'key' : 'value', order: sort.order }))
      .map(([bucket, metricValue]) => ({ emittedAt: stamp(bucket), metricValue }));
    return reply({
      context: {
        metric: contextMetric(metric, common),
        interval,
        timeframe: { from: atom(from), to: atom(to) },
      },
      ...pageOf(data, path, query, page),
    });
  }

  /** All-time plays per asset, as [mediaId, plays] for assets with any and passing the filters. */
  private playTotals(nowMs: number, filters: Filters): Array<[string, number]> {
    const { videos, liveStreams } = this.world.catalog;
    const { plays } = this.lifetime.totals(nowMs);
    const ids = filters.values.get('mediaId');
    const type = filters.values.get('mediaType');
    const rows: Array<[string, number]> = [];
    const add = (id: string, mediaType: string, value: number) => {
      if (value > 0 && (!ids || ids.has(id)) && (!type || type.has(mediaType)))
        rows.push([id, value]);
    };
    videos.forEach((v, i) => add(v.id, 'video', plays[i]!));
    liveStreams.forEach((l, i) => add(l.id, 'live-stream', plays[videos.length + i]!));
    return rows;
  }

  private common(
    query: URLSearchParams,
    nowMs: number,
    rules: {
      /** Query parameters of this route besides from, to, unique, viewDuration and filterBy. */
      parameters: readonly string[];
      uniqueAllowed: boolean;
      viewAllowed: boolean;
      lenientTimeframe?: boolean;
      filterFields?: readonly FilterField[] | undefined;
    },
  ): Common | Reply {
    const allowed = ['from', 'to', 'unique', 'viewDuration', ...rules.parameters];
    for (const [key, value] of query) {
      if (!allowed.includes(key) && !key.startsWith('filterBy')) return notExpected(key, value);
    }
    const timeframe = parseTimeframe(query, nowMs, rules.lenientTimeframe ?? false);
    if (isReply(timeframe)) return timeframe;
    const filters = parseFilters(query, rules.filterFields);
    if (isReply(filters)) return filters;

    const unique = query.get('unique');
    if (unique !== null) {
      if (!rules.uniqueAllowed) return notExpected('unique', unique);
      if (unique !== 'true' && unique !== 'false')
        return invalidQuery('unique', 'This value must be a boolean.');
    }
    const view = query.get('viewDuration');
    if (view !== null) {
      if (!rules.viewAllowed) return notExpected('viewDuration', view);
      if (!(VIEW_DURATIONS as readonly string[]).includes(view)) {
        return invalidQuery(
          'viewDuration',
          'This view duration is invalid. Use one of "3s", "5s", "10s", "30s".',
        );
      }
    }
    return {
      timeframe,
      filters,
      viewSeconds: parseInt(view ?? '5s', 10),
      unique: unique === 'true',
    };
  }
}

/** The metric as the response's context names it: views carry their duration, unique counts say so. */
function contextMetric(metric: string, common: Common): string {
  const prefix = common.unique ? 'unique-' : '';
  if (metric === 'view') return `${prefix}view-${common.viewSeconds}`;
  return metric.startsWith('ccv') ? `${prefix}${metric}` : metric;
}

function parseTimeframe(
  query: URLSearchParams,
  nowMs: number,
  lenient: boolean,
): Timeframe | Reply {
  const detail = 'This value must be an ATOM date-time, e.g. 2024-02-05T00:00:00+01:00.';
  const rawTo = query.get('to');
  const rawFrom = query.get('from');
  let to = rawTo === null ? nowMs : parseTimestamp(rawTo);
  let from = rawFrom === null ? (to ?? nowMs) - DAY : parseTimestamp(rawFrom);
  if (lenient) {
    // The spec: play totals ignore `from` and `to`; they are only echoed.
    to ??= nowMs;
    from ??= to - DAY;
    return { from, to };
  }
  if (to === undefined) return invalidQuery('to', detail);
  if (from === undefined) return invalidQuery('from', detail);
  if (from < nowMs - RETENTION_MS)
    return invalidQuery('from', 'This value must be within the last 30 days.');
  if (from >= to) return invalidQuery('to', 'This value must be after from.');
  return { from, to };
}

/** `filterBy[field]=v`, `filterBy[field][]=v` (repeatable); only `tag` is single-valued. */
function parseFilters(
  query: URLSearchParams,
  allowed: readonly FilterField[] | undefined,
): Filters | Reply {
  const filters: Filters = { values: new Map(), tag: undefined };
  for (const [key, value] of query) {
    if (!key.startsWith('filterBy')) continue;
    const m = /^filterBy\[([A-Za-z]+)\](?:\[\d*\])?$/.exec(key);
    const field = m?.[1] as FilterField | undefined;
    const known = field !== undefined && (field === 'tag' || Object.hasOwn(FILTER_FIELDS, field));
    if (!known || (allowed && !allowed.includes(field))) return notExpected(key, value);
    if (field === 'tag') {
      filters.tag = value;
      continue;
    }
    if (field === 'mediaType' && value !== 'video' && value !== 'live-stream') {
      return invalidQuery(key, oneOf(['video', 'live-stream']));
    }
    if (field === 'referrer' && value.length > 2048) {
      return invalidQuery(
        'filterBy[referrer]',
        'This value should not contain more than 2048 characters.',
      );
    }
    let set = filters.values.get(field);
    if (!set) filters.values.set(field, (set = new Set()));
    set.add(value);
    // The spec asks for URL-encoded referrers: accept them encoded once more, too.
    if (field === 'referrer' && value.includes('%')) {
      try {
        set.add(decodeURIComponent(value));
      } catch {
        // Not an encoding after all: the value stands as given.
      }
    }
  }
  return filters;
}

interface Sort {
  by: string;
  order: 'asc' | 'desc';
}

function parseSort(
  query: URLSearchParams,
  fields: readonly string[],
  by: string,
  order: 'asc' | 'desc',
): Sort | Reply {
  const sortBy = query.get('sortBy') ?? by;
  const sortOrder = query.get('sortOrder') ?? order;
  if (!fields.includes(sortBy)) return invalidQuery('sortBy', oneOf(fields));
  if (sortOrder !== 'asc' && sortOrder !== 'desc')
    return invalidQuery('sortOrder', oneOf(['asc', 'desc']));
  return { by: sortBy, order: sortOrder };
}

/** Orders [key, value] rows by value or key; ties fall back to the key, ascending. */
function compareRows(sort: { by: string; order: 'asc' | 'desc' }) {
  const sign = sort.order === 'asc' ? 1 : -1;
  const byValue = sort.by === 'metricValue' || sort.by === 'value';
  return <K extends string | number>(a: [K, number], b: [K, number]): number => {
    const keyOrder = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    if (!byValue) return sign * keyOrder;
    return a[1] !== b[1] ? sign * (a[1] - b[1]) : keyOrder;
  };
}
