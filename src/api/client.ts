/**
 * The api.video client: every endpoint viewership reads, typed, validated where the response
 * enters, and sent through one scheduler (concurrency, rate limit, retries).
 *
 * It knows nothing of the CLI or the warehouse; list endpoints are async iterators of pages.
 */
import type { z } from 'zod';
import { Credentials, type AuthMode } from './auth.js';
import { resolveBaseUrl } from './environments.js';
import {
  ApiUnavailableError,
  AuthenticationError,
  EndpointNotFoundError,
  RequestRejectedError,
  ResourceNotFoundError,
  ResponseShapeError,
  UnreachableError,
} from './errors.js';
import { paginate } from './paginate.js';
import { formatPeriod, type Period } from './period.js';
import type { RetryPolicy } from './retry-policy.js';
import { Scheduler, type SchedulerStats } from './scheduler.js';
import {
  aggregatedMetricSchema,
  breakdownItemSchema,
  liveStreamSchema,
  metricPageSchema,
  pageSchema,
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
import { undiciTransport, type Transport } from './transport.js';
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
}

export interface ListOptions {
  /** Pages fetched ahead of the consumer (default: the client's `prefetchPages`). */
  prefetch?: number;
}

/** A page of an Analytics API breakdown or time series: the page plus the `context` it repeats. */
export interface MetricPage<T> extends Page<T> {
  context: MetricContext;
}

export interface MetricQuery {
  from: Date;
  to: Date;
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
      transport: options.transport ?? undiciTransport({ connections: options.concurrency ?? 32 }),
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
    );
  }

  private list<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    item: T,
    options: ListOptions = {},
  ): AsyncGenerator<Page<z.infer<T>>> {
    return this.pages(endpoint, path, query, pageSchema(item), options, (data) => ({
      items: data.data,
      pagination: data.pagination,
    }));
  }

  private metricList<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    item: T,
  ): AsyncGenerator<MetricPage<z.infer<T>>> {
    return this.pages(endpoint, path, query, metricPageSchema(item), {}, (data) => ({
      items: data.data,
      pagination: data.pagination,
      context: data.context,
    }));
  }

  /** Every page of a list endpoint: `shape` picks the page's parts out of the validated body. */
  private pages<S extends z.ZodType, P extends Omit<Page<unknown>, 'body' | 'request'>>(
    endpoint: string,
    path: string,
    query: Query,
    schema: S,
    options: ListOptions,
    shape: (data: z.infer<S>) => P,
  ): AsyncGenerator<P & Pick<Page<unknown>, 'body' | 'request'>> {
    return paginate(
      async (currentPage) => {
        const { data, body, request } = await this.get(
          endpoint,
          path,
          { ...query, currentPage, pageSize: this.pageSize },
          schema,
        );
        return { ...shape(data), body, request };
      },
      { prefetch: options.prefetch ?? this.prefetch },
    );
  }

  /** One GET through the scheduler, turned into typed data or the error that names the problem. */
  private async get<T extends z.ZodType>(
    endpoint: string,
    path: string,
    query: Query,
    schema: T,
  ): Promise<{ data: z.infer<T>; body: unknown; request: RequestInfo }> {
    const search = encodeQuery(query);
    const url = `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
    const final = await this.scheduler.run({
      endpoint,
      rateLimited: true,
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
      renewAuth: (rejected) => this.credentials.rejected(rejected),
    });
    const { outcome } = final;
    if (outcome.kind === 'unreachable' && final.gaveUp) {
      throw new UnreachableError(endpoint, this.baseUrl, outcome.code, outcome.error);
    }
    if (outcome.kind !== 'response' || final.gaveUp) {
      if (outcome.kind === 'response' && outcome.status === 401)
        throw new AuthenticationError(endpoint, 401);
      throw new ApiUnavailableError(
        endpoint,
        final.attempts,
        final.reason,
        'error' in outcome ? outcome.error : undefined,
      );
    }
    const body = parseJson(endpoint, outcome.text, outcome.status);
    if (outcome.status >= 400) throw problemError(endpoint, outcome.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ResponseShapeError(endpoint, describeIssues(parsed.error, body));
    // The schemas only check (no defaults, no transforms), so the checked body *is* the typed data.
    // Using it rather than zod's copy keeps each object exactly as sent — key order and fields
    // viewership does not know, for the raw columns — and halves the memory a page takes.
    return { data: body as z.infer<T>, body, request: { endpoint, path, query: flatQuery(query) } };
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

function parseJson(endpoint: string, text: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (status >= 400) return undefined;
    throw new ResponseShapeError(endpoint, `the body is not JSON (${text.length} bytes)`);
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
    const type = text(problem.type) ?? '';
    // The route itself is unknown (a generation the account lacks) vs. an unknown asset on a known route.
    if (
      type.includes('unrecognized-request-url') ||
      (!text(problem.name) && !type.includes('not_found'))
    ) {
      return new EndpointNotFoundError(endpoint);
    }
    return new ResourceNotFoundError(endpoint, text(problem.name));
  }
  if (status === 401) return new AuthenticationError(endpoint, status);
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

/** The first few validation issues, each with its field path and what was there. */
function describeIssues(error: z.ZodError, body: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      let value: unknown = body;
      for (const key of issue.path)
        value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
      const shown = typeof value === 'string' ? ` (got ${JSON.stringify(value.slice(0, 60))})` : '';
      return `${path || '(body)'}: ${issue.message}${shown}`;
    })
    .join('; ');
}
