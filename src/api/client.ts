/**
 * The api.video client: every endpoint viewership reads, typed, validated where the response
 * enters, and sent through one scheduler (concurrency, rate limit, retries).
 *
 * It knows nothing of the CLI or the warehouse; list endpoints are async iterators of pages.
 */
import { z } from 'zod';
import { Credentials, type AuthMode } from './auth.js';
import { resolveBaseUrl } from './environments.js';
import {
  ApiUnavailableError,
  EndpointNotFoundError,
  RequestRejectedError,
  ResourceNotFoundError,
  ResponseShapeError,
  UnauthorizedError,
  UnreachableError,
} from './errors.js';
import { paginate } from './paginate.js';
import { formatPeriod, type Period } from './period.js';
import type { RetryPolicy } from './retry-policy.js';
import { Scheduler, type SchedulerStats } from './scheduler.js';
import { describeIssues, readItems } from './read.js';
import {
  aggregatedMetricSchema,
  breakdownItemSchema,
  listEnvelopeSchema,
  liveStreamSchema,
  metricListEnvelopeSchema,
  playerSchema,
  sessionEventSchema,
  sessionSchema,
  timeseriesItemSchema,
  videoSchema,
  type AggregatedMetric,
  type BreakdownItem,
  type Interval,
  type LiveStream,
  type MetricContext,
  type Page,
  type Player,
  type RequestInfo,
  type Session,
  type SessionEvent,
  type TimeseriesItem,
  type Video,
} from './schemas.js';
import { Secret } from './secret.js';
import { httpTransport, type Transport } from './transport.js';
import { VERSION } from '../version.js';

export interface ClientOptions {
  apiKey: string | Secret;
  /** `production` (default) or `sandbox`; ignored when `baseUrl` is given. */
  env?: string;
  baseUrl?: string;
  auth?: AuthMode;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Per attempt, body included. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Items per page on list endpoints (the API allows up to 100). */
  pageSize?: number;
  /** Pages fetched ahead of the consumer on long listings. */
  prefetchPages?: number;
  transport?: Transport;
  onRetry?: (endpoint: string, reason: string, delayMs: number) => void;
  /** Stops every request of this client: each then fails with an InterruptedError. */
  signal?: AbortSignal | undefined;
  /** How long requests may keep being refused (401) after good logins before the run fails. */
  unauthorizedWindowMs?: number;
}

export interface ListOptions {
  /** Pages fetched ahead of the consumer (default: the client's `prefetchPages`). */
  prefetch?: number;
  /**
   * How many pages the listing had last time: that many are asked for at once, without waiting
   * for the first page to say how many there are (one round trip less on a catalog).
   */
  expectedPages?: number;
}

/** A page of an Analytics API breakdown or time series: the page plus the `context` it repeats. */
export interface MetricPage<T> extends Page<T> {
  context: MetricContext | null | undefined;
}

export interface MetricQuery {
  from: Date;
  to: Date;
  /** Waits behind every other request for a slot: for work nothing else waits on. */
  background?: boolean;
  /** `filterBy[...]`, e.g. `{ mediaType: 'video' }`. */
  filterBy?: Record<string, string | string[]>;
}

type Query = Record<string, string | number | string[] | undefined>;

/** ATOM date-time in UTC, the form the Analytics API documents for `from` and `to`. */
export function atom(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export class ApiVideoClient {
  readonly baseUrl: string;
  private readonly scheduler: Scheduler;
  private readonly credentials: Credentials;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly prefetch: number;
  private readonly userAgent = `viewership/${VERSION}`;

  constructor(options: ClientOptions) {
    this.baseUrl = resolveBaseUrl(options);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
    this.prefetch = options.prefetchPages ?? 2;
    this.scheduler = new Scheduler({
      concurrency: options.concurrency ?? 32,
      transport: options.transport ?? httpTransport({ connections: options.concurrency ?? 32 }),
      ...(options.retry ? { policy: options.retry } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const apiKey = options.apiKey instanceof Secret ? options.apiKey : new Secret(options.apiKey);
    this.credentials = new Credentials({
      mode: options.auth ?? 'bearer',
      apiKey,
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
      run: (request) => this.scheduler.run(request),
      userAgent: this.userAgent,
      ...(options.unauthorizedWindowMs !== undefined && {
        unauthorizedWindowMs: options.unauthorizedWindowMs,
      }),
    });
  }

  /** Requests, retries and 429s so far. */
  get stats(): Readonly<SchedulerStats> {
    return this.scheduler.stats;
  }

  /** Checks the key now, so a wrong one fails before any work starts. */
  async authenticate(): Promise<void> {
    await this.credentials.header();
  }

  /** `prefetch`: pages fetched ahead; a catalog is small, so a sync asks for all of it at once. */
  videos(options: ListOptions = {}): AsyncGenerator<Page<Video>> {
    return this.list('GET /videos', '/videos', {}, videoSchema, options);
  }

  liveStreams(options: ListOptions = {}): AsyncGenerator<Page<LiveStream>> {
    return this.list('GET /live-streams', '/live-streams', {}, liveStreamSchema, options);
  }

  players(options: ListOptions = {}): AsyncGenerator<Page<Player>> {
    return this.list('GET /players', '/players', {}, playerSchema, options);
  }

  /**
   * Whether the catalog still has this video or live stream (`GET /videos/{videoId}` or
   * `/live-streams/{liveStreamId}`): what tells a vanished asset from a route that does not know it.
   */
  async assetExists(type: 'video' | 'live_stream', id: string): Promise<boolean> {
    const [endpoint, path] =
      type === 'video'
        ? ['GET /videos/{videoId}', `/videos/${encodeURIComponent(id)}`]
        : ['GET /live-streams/{liveStreamId}', `/live-streams/${encodeURIComponent(id)}`];
    try {
      await this.get(endpoint, path, {}, z.unknown());
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundError) return false;
      throw error;
    }
  }

  videoSessions(videoId: string, period: Period | string): AsyncGenerator<Page<Session>> {
    return this.list(
      'GET /analytics/videos/{videoId}',
      `/analytics/videos/${encodeURIComponent(videoId)}`,
      { period: typeof period === 'string' ? period : formatPeriod(period) },
      sessionSchema,
    );
  }

  liveStreamSessions(liveStreamId: string, period: Period | string): AsyncGenerator<Page<Session>> {
    return this.list(
      'GET /analytics/live-streams/{liveStreamId}',
      `/analytics/live-streams/${encodeURIComponent(liveStreamId)}`,
      { period: typeof period === 'string' ? period : formatPeriod(period) },
      sessionSchema,
    );
  }

  sessionEvents(sessionId: string): AsyncGenerator<Page<SessionEvent>> {
    return this.list(
      'GET /analytics/sessions/{sessionId}/events',
      `/analytics/sessions/${encodeURIComponent(sessionId)}/events`,
      {},
      sessionEventSchema,
    );
  }

  async aggregatedMetric(
    metric: string,
    aggregation: string,
    query: MetricQuery,
  ): Promise<{ value: number; data: AggregatedMetric; body: unknown; request: RequestInfo }> {
    const endpoint = 'GET /data/metrics/{metric}/{aggregation}';
    const path = `/data/metrics/${encodeURIComponent(metric)}/${encodeURIComponent(aggregation)}`;
    const { data, body, request } = await this.get(
      endpoint,
      path,
      metricQuery(query),
      aggregatedMetricSchema,
      query.background,
    );
    return { value: data.data, data, body, request };
  }

  metricBreakdown(
    metric: string,
    breakdown: string,
    query: MetricQuery,
  ): AsyncGenerator<MetricPage<BreakdownItem>> {
    return this.metricList(
      'GET /data/buckets/{metric}/{breakdown}',
      `/data/buckets/${encodeURIComponent(metric)}/${encodeURIComponent(breakdown)}`,
      metricQuery(query),
      breakdownItemSchema,
      query.background,
    );
  }

  metricTimeseries(
    metric: string,
    query: MetricQuery & { interval: Interval },
  ): AsyncGenerator<MetricPage<TimeseriesItem>> {
    return this.metricList(
      'GET /data/timeseries/{metric}',
      `/data/timeseries/${encodeURIComponent(metric)}`,
      { ...metricQuery(query), interval: query.interval },
      timeseriesItemSchema,
      query.background,
    );
  }

  private list<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    item: T,
    options: ListOptions = {},
  ): AsyncGenerator<Page<z.infer<T>>> {
    return this.pages(endpoint, path, query, listEnvelopeSchema, item, options, () => ({}));
  }

  private metricList<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    item: T,
    background = false,
  ): AsyncGenerator<MetricPage<z.infer<T>>> {
    return this.pages(
      endpoint,
      path,
      query,
      metricListEnvelopeSchema,
      item,
      { background },
      (envelope) => ({ context: envelope.context }),
    );
  }

  /**
   * Every page of a list endpoint: the envelope is validated whole, its items one by one (an item
   * that does not fit becomes a reject of its page); `extra` picks more parts out of the envelope.
   */
  private pages<T extends z.ZodType, X extends object>(
    endpoint: string,
    path: string,
    query: Query,
    envelope: typeof listEnvelopeSchema | typeof metricListEnvelopeSchema,
    item: T,
    options: ListOptions & { background?: boolean },
    extra: (envelope: z.infer<typeof metricListEnvelopeSchema>) => X,
  ): AsyncGenerator<Page<z.infer<T>> & X> {
    return paginate(
      async (currentPage) => {
        const { data, body, request } = await this.get<typeof metricListEnvelopeSchema>(
          endpoint,
          path,
          { ...query, currentPage, pageSize: this.pageSize },
          envelope as typeof metricListEnvelopeSchema,
          options.background,
        );
        const items = data.data ?? [];
        const { entries, rejects } = readItems(item, items);
        return {
          entries,
          rejects,
          size: items.length,
          pagination: data.pagination ?? {},
          body,
          request,
          ...extra(data),
        };
      },
      {
        prefetch: options.prefetch ?? this.prefetch,
        ...(options.expectedPages !== undefined && { expectedPages: options.expectedPages }),
      },
    );
  }

  /** One GET through the scheduler, turned into typed data or the error that names the problem. */
  private async get<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    schema: T,
    background = false,
  ): Promise<{ data: z.infer<T>; body: unknown; request: RequestInfo }> {
    const search = encodeQuery(query);
    const url = `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
    const final = await this.scheduler.run({
      endpoint,
      rateLimited: true,
      ...(background && { priority: 'background' as const }),
      build: async () => ({
        method: 'GET',
        url,
        headers: {
          authorization: await this.credentials.header(),
          accept: 'application/json',
          'user-agent': this.userAgent,
        },
        timeoutMs: this.timeoutMs,
      }),
      renewAuth: (rejected) => this.credentials.rejected(rejected, endpoint),
    });
    const { outcome } = final;
    if (outcome.kind === 'response' && outcome.status !== 401) this.credentials.accepted();
    if (outcome.kind === 'unreachable' && final.gaveUp) {
      throw new UnreachableError(endpoint, this.baseUrl, outcome.code, outcome.error);
    }
    if (outcome.kind !== 'response' || final.gaveUp) {
      if (outcome.kind === 'response' && outcome.status === 401)
        throw new UnauthorizedError(endpoint, 0);
      throw new ApiUnavailableError(
        endpoint,
        final.attempts,
        final.reason,
        'error' in outcome ? outcome.error : undefined,
      );
    }
    const request: RequestInfo = { endpoint, path, query: flatQuery(query) };
    const body = parseJson(outcome.text);
    if (outcome.status >= 400) throw problemError(endpoint, outcome.status, body);
    if (body === undefined) {
      throw new ResponseShapeError(
        endpoint,
        `the body is not JSON (${outcome.text.length} bytes)`,
        {
          request,
          text: outcome.text,
        },
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ResponseShapeError(endpoint, describeIssues(parsed.error, body), {
        request,
        text: outcome.text,
      });
    }
    return { data: parsed.data, body, request };
  }
}

function metricQuery(query: MetricQuery): Query {
  const out: Query = { from: atom(query.from), to: atom(query.to) };
  for (const [key, value] of Object.entries(query.filterBy ?? {})) out[`filterBy[${key}]`] = value;
  return out;
}

function encodeQuery(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(`${key}[]`, v);
    else params.append(key, String(value));
  }
  return params.toString();
}

function flatQuery(query: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

/** The body as JSON, or undefined when it is not JSON (an HTML error page, say). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Maps an error status and its problem body (the specs' `type`/`title`/`name`) to an error type. */
function problemError(endpoint: string, status: number, body: unknown): Error {
  const problem = (body ?? {}) as {
    type?: unknown;
    title?: unknown;
    name?: unknown;
    detail?: unknown;
  };
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (status === 404) {
    // Only a route the API does not recognise means a generation the account lacks; any other
    // 404 (either spec's resource-not-found, a bare or an HTML body) is about what the route names.
    if ((text(problem.type) ?? '').includes('unrecognized-request-url')) {
      return new EndpointNotFoundError(endpoint);
    }
    return new ResourceNotFoundError(endpoint, text(problem.name));
  }
  if (status === 401) return new UnauthorizedError(endpoint, 0);
  const parts = [
    text(problem.title),
    text(problem.detail),
    text(problem.name) && `(${text(problem.name)})`,
  ];
  return new RequestRejectedError(
    endpoint,
    status,
    parts.filter(Boolean).join(' ') || `HTTP ${status}`,
  );
}
