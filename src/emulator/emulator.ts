/**
 * The emulator: the synthetic account behind an api.video-compatible request handler.
 *
 * Every request goes the same way: admin routes aside, it is counted, may meet an injected fault,
 * is rate limited (except `/auth`), routed (unknown routes and switched-off generations answer
 * 404 `unrecognized-request-url`), authenticated (bearer token or HTTP Basic), answered (varied
 * as `variance` says for this request: analytics-variance.ts, spellings.ts), and delayed by the
 * configured latency.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Auth } from './auth.js';
import { EmulatorClock, type Clock } from './clock.js';
import { admin, isLoopback } from './admin.js';
import { varyAnalytics } from './analytics-variance.js';
import { AnalyticsRoutes } from './data-routes.js';
import { FaultInjector } from './faults.js';
import { Lifetime } from './lifetime.js';
import { FactSource } from './metrics.js';
import { resolveOptions, type EmulatorConfig, type EmulatorOptions } from './options.js';
import {
  invalidBody,
  reply,
  serverError,
  tooManyRequests,
  unrecognizedUrl,
  type Reply,
} from './problems.js';
import { FixedWindowLimit } from './rate-limit.js';
import { findRoute, type Handlers, type Route } from './routes.js';
import { respell } from './spellings.js';
import { createStats, increment, type EmulatorStats } from './stats.js';
import { Truth, type GroundTruth } from './truth.js';
import { Variance } from './variance.js';
import { World } from './world.js';

export interface Emulator {
  readonly apiKey: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly clock: Clock;
  readonly truth: GroundTruth;
  readonly stats: EmulatorStats;
  /** The API stops listing the asset (its sessions stay in the truth). */
  removeAsset(assetId: string): void;
  /** The API lists a removed asset again: to a client that never saw it, a new asset. */
  restoreAsset(assetId: string): void;
  renameAsset(assetId: string, title: string): void;
  /** Cancels responses still waiting on latency or a slow fault (called by `close`). */
  dispose(): void;
}

const MAX_BODY_BYTES = 64 * 1024;

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  return new ApiVideoEmulator(resolveOptions(options));
}

class ApiVideoEmulator implements Emulator {
  readonly apiKey: string;
  readonly clock: EmulatorClock;
  readonly truth: GroundTruth;
  readonly stats = createStats();
  private readonly world: World;
  private readonly handlers: Handlers;
  private readonly faults: FaultInjector;
  private readonly limit: FixedWindowLimit;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly config: EmulatorConfig) {
    this.apiKey = config.apiKey;
    this.clock = new EmulatorClock(config.now, config.clock === 'live');
    this.world = new World(config);
    const lifetime = new Lifetime(this.world);
    this.truth = new Truth(this.world, this.clock, lifetime, (url) => this.peekAnalytics(url));
    this.handlers = {
      world: this.world,
      auth: new Auth(config.seed, config.apiKey, config.tokenTtlSeconds, () =>
        this.clock.tokenTime(),
      ),
      analytics: new AnalyticsRoutes(this.world, new FactSource(this.world), lifetime),
      maxPeriodDays: config.maxPeriodDays,
    };
    this.faults = new FaultInjector(config.faults);
    this.limit = new FixedWindowLimit(config.rateLimit.perMinute, config.rateLimit.windowMs);
  }

  removeAsset(assetId: string): void {
    if (!this.world.catalog.remove(assetId))
      throw new RangeError(`no asset ${assetId} in this emulator`);
  }

  restoreAsset(assetId: string): void {
    if (!this.world.catalog.restore(assetId))
      throw new RangeError(`no asset ${assetId} in this emulator`);
  }

  renameAsset(assetId: string, title: string): void {
    if (!this.world.catalog.rename(assetId, title, this.clock.now())) {
      throw new RangeError(`no video or live stream ${assetId} in this emulator`);
    }
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        this.send(
          res,
          reply({ title: 'Internal Server Error', status: 500, detail: String(error) }, 500),
        );
      }
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readJson(req) : (req.resume(), undefined);

    if (path.startsWith('/__emulator/')) {
      // Unauthenticated: only for this machine.
      const answer = isLoopback(req.socket.remoteAddress)
        ? admin(this, method, path, query, body)
        : unrecognizedUrl();
      return this.send(res, answer);
    }

    this.stats.requests++;
    const segments = decodeSegments(path);
    const route = segments && findRoute(method, segments, this.handlers);
    increment(this.stats.byRoute, route?.name ?? 'unknown');
    if (route?.sessionId !== undefined) {
      const counts = this.stats.eventRequestsBySession;
      counts.set(route.sessionId, (counts.get(route.sessionId) ?? 0) + 1);
    }
    const isAuth = route?.generation === 'auth';

    let delay = this.config.latencyMs;
    const fault = this.faults.next(isAuth);
    if (fault) this.stats.faults++;
    if (fault?.kind === 'drop') {
      await this.wait(delay);
      increment(this.stats.byStatus, 'dropped');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') delay += fault.ms;

    let rateHeaders: Record<string, string> = {};
    let answer: Reply | undefined;
    if (fault?.kind === 'error') answer = serverError(fault.status);
    else if (fault?.kind === 'burst429') {
      answer = tooManyRequests(1);
      rateHeaders = {
        ...this.limit.headers(),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-retry-after': '1',
      };
    } else if (!isAuth) {
      const decision = this.limit.take();
      rateHeaders = decision.headers;
      if (!decision.allowed) {
        this.stats.rateLimited++;
        answer = tooManyRequests(Number(decision.headers['x-ratelimit-retry-after']));
      }
    }
    answer ??= this.answer(route, req, path, query, body);
    answer = respell(answer, this.world.variance, Variance.requestId(method, url));
    await this.wait(delay);
    if (res.destroyed) return;
    this.send(res, { ...answer, headers: { ...rateHeaders, ...answer.headers } });
  }

  private answer(
    route: Route | undefined | false | null,
    req: IncomingMessage,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): Reply {
    if (
      !route ||
      (route.generation !== 'auth' &&
        route.generation !== 'catalog' &&
        !this.config.generations[route.generation])
    ) {
      return unrecognizedUrl();
    }
    if (route.generation === 'auth') {
      if (body instanceof BodyError) return invalidBody(body.message);
    } else {
      const denied = this.handlers.auth.check(req.headers.authorization);
      if (denied) return denied;
    }
    return this.run(route, req.method ?? 'GET', req.url ?? path, path, query, body);
  }

  /** What an Analytics API request answers now, without counting it (for the ground truth). */
  private peekAnalytics(url: string): Reply {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const segments = decodeSegments(path);
    const route = segments && findRoute('GET', segments, this.handlers);
    if (!route || route.generation !== 'analytics') {
      throw new RangeError(`not an Analytics API request: ${url}`);
    }
    const answer = this.run(route, 'GET', url, path, query, undefined);
    return respell(answer, this.world.variance, Variance.requestId('GET', url));
  }

  /** A route's answer, varied as `variance` says for this request. */
  private run(
    route: Route,
    method: string,
    url: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): Reply {
    const answer = route.run({ url, path, query, nowMs: this.clock.now(), body });
    if (route.generation !== 'analytics' || answer.status !== 200) return answer;
    const requestId = Variance.requestId(method, url);
    return {
      ...answer,
      body: varyAnalytics(answer.body as Record<string, unknown>, this.world.variance, requestId),
    };
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private send(res: ServerResponse, answer: Reply): void {
    const json = JSON.stringify(answer.body);
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      // Errors are RFC 9457 problem details. The official clients compare the type exactly, so no
      // charset parameter on either.
      'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json',
      'content-length': Buffer.byteLength(json),
      ...answer.headers,
    });
    res.end(json);
    increment(this.stats.byStatus, String(answer.status));
  }
}

class BodyError extends Error {}

/** The request's JSON body; a BodyError when it is not JSON or too large. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return new BodyError('The request body is too large.');
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return new BodyError('The request body is not valid JSON.');
  }
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
