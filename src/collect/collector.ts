/**
 * `viewership collect`: a first-party collector for api.video's player analytics module.
 *
 * The path of a ping: HTTP (`POST /vod`, `POST /live`) → CORS, rate and size limits → the ping
 * checked whole (protocol.ts) → a session id (given, or handed out) → enrichment from the request
 * (country and city from the IP, device/OS/browser from the User-Agent; the IP goes no further)
 * → the journal, fsync'd in groups → only then `200 {"session": id}`. A publisher in a process
 * of its own, at a lower priority, merges sealed journal segments into the warehouse every few
 * seconds (publisher.ts, publish-process.ts).
 *
 * Stopping (SIGTERM, Ctrl-C, `close()`): stop accepting, answer what is in flight, write the
 * journal out, publish it one last time if the warehouse is free (else at the next start).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { listen } from '../listen.js';
import { Enricher, describeReferrer } from './enrich.js';
import { BirthIds } from './ids.js';
import { Journal } from './journal.js';
import { RateLimiter } from './limits.js';
import { parsePing, PingError, type AssetKind, type Ping } from './protocol.js';
import { Publisher, type PublishResult } from './publisher.js';
import { PublisherProcess } from './publish-process.js';
import type { SessionInfo } from './record.js';

export interface CollectorOptions {
  /** Warehouse: a DuckDB file or a PostgreSQL URL. */
  db: string;
  /** PostgreSQL: the schema of the contract's tables. */
  schema?: string;
  /** Journal folder; default `<db>.journal` for a file, `viewership-collect.journal` for a URL. */
  journal?: string;
  host?: string;
  port?: number;
  /** Sites whose pages may post pings (exact origins), or `*` for any. Default `*`. */
  allowOrigins?: readonly string[] | '*';
  /** Read the client's address from X-Forwarded-For (last entry: the one our proxy added). */
  trustProxy?: boolean;
  /** A MaxMind-format database with cities; default the shipped DB-IP Lite country database. */
  geoDb?: string;
  /** Merge the journal into the warehouse this often. */
  publishEveryMs?: number;
  /** Pings per second per client address (0: no limit), and the burst allowed. */
  rateLimit?: number;
  rateBurst?: number;
  maxBodyBytes?: number;
  /** Publish on this thread (tests) instead of a worker. */
  inlinePublisher?: boolean;
  log?: (line: string) => void;
}

export interface CollectorStats {
  state: 'collecting' | 'draining' | 'stopped';
  /** Pings answered 2xx (stored, or nothing new to store). */
  accepted: number;
  refused: number;
  /** Pings made durable in the journal. */
  journaled: number;
  /** Pings merged into the warehouse. */
  published: number;
  /** Journal segments waiting for the warehouse. */
  backlog: number;
  lastPublishAt: string | null;
  warehouseBusy: boolean;
  /** Time from a ping's arrival to its answer, over the pings answered 2xx so far (ms). */
  latency: { p50: number; p99: number; max: number };
}

/** Answer times in 0.1 ms steps up to 10 s: percentiles in constant memory. */
class Histogram {
  private readonly counts = new Uint32Array(100_001);
  private n = 0;
  private top = 0;
  add(ms: number): void {
    this.counts[Math.min(100_000, Math.round(ms * 10))]!++;
    this.n++;
    if (ms > this.top) this.top = ms;
  }
  summary(): { p50: number; p99: number; max: number } {
    const at = (q: number) => {
      const target = Math.ceil(this.n * q);
      let seen = 0;
      for (let i = 0; i < this.counts.length; i++) {
        seen += this.counts[i]!;
        if (seen >= target && target > 0) return i / 10;
      }
      return 0;
    };
    return { p50: at(0.5), p99: at(0.99), max: Math.round(this.top * 10) / 10 };
  }
}

export interface RunningCollector {
  url: string;
  port: number;
  journal: string;
  stats(): CollectorStats;
  /** Seals the journal and merges it now (tests, and the end). */
  publishNow(): Promise<PublishResult>;
  /** Drains and stops; resolves with the last publish (or undefined if there was nothing). */
  close(): Promise<PublishResult | undefined>;
}

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function defaultJournal(db: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(db) ? 'viewership-collect.journal' : `${db}.journal`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

interface Publishing {
  publish(before: number): Promise<PublishResult>;
  close(): Promise<void>;
}

export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const allow = options.allowOrigins ?? '*';
  const allowed = allow === '*' ? undefined : new Set(allow);
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const everyMs = options.publishEveryMs ?? 2000;
  const journalDir = options.journal ?? defaultJournal(options.db);

  const enricher = await Enricher.open(options.geoDb);
  const journal = await Journal.open(journalDir);
  const publisherOptions = {
    db: options.db,
    journal: journalDir,
    ...(options.schema !== undefined && { schema: options.schema }),
  };
  let publisher: Publishing;
  try {
    publisher = options.inlinePublisher
      ? new Publisher(publisherOptions)
      : new PublisherProcess(publisherOptions);
  } catch (error) {
    await journal.close();
    throw error;
  }
  const limiter = new RateLimiter(options.rateLimit ?? 50, options.rateBurst ?? 200);
  const births = new BirthIds(journalDir);

  const stats: CollectorStats = {
    state: 'collecting',
    accepted: 0,
    refused: 0,
    journaled: 0,
    published: 0,
    backlog: 0,
    lastPublishAt: null,
    warehouseBusy: false,
    latency: { p50: 0, p99: 0, max: 0 },
  };
  const latency = new Histogram();

  // --- publishing ---------------------------------------------------------------------------
  let publishing: Promise<PublishResult> | undefined;
  const publishNow = (): Promise<PublishResult> => {
    publishing ??= (async () => {
      try {
        const before = await journal.seal();
        const result = await publisher.publish(before);
        stats.backlog = result.backlog;
        for (const step of result.migrated) log(`warehouse upgraded: ${step}`);
        if (result.status === 'busy') {
          if (!stats.warehouseBusy) {
            log(
              `the warehouse ${options.db} is busy (another process is writing it): pings wait in the journal`,
            );
          }
          stats.warehouseBusy = true;
        } else if (result.status === 'published') {
          if (stats.warehouseBusy) log('the warehouse is free again: publishing the journal');
          stats.warehouseBusy = false;
          stats.published += result.pings;
          stats.lastPublishAt = new Date().toISOString();
          if (result.skippedLines > 0) {
            log(
              `skipped ${result.skippedLines} journal line(s) cut short by a crash (never answered)`,
            );
          }
        }
        return result;
      } finally {
        publishing = undefined;
      }
    })();
    return publishing;
  };
  let failures = 0;
  const timer = setInterval(() => {
    if (publishing) return;
    publishNow().then(
      () => (failures = 0),
      (error: unknown) => {
        // Pings stay in the journal; the next round tries again. Said once, then every minute.
        if (failures++ % Math.max(1, Math.round(60_000 / everyMs)) === 0) {
          log(`publishing failed (pings stay in the journal): ${(error as Error).message}`);
        }
      },
    );
  }, everyMs);
  const sweeper = setInterval(() => {
    const now = Date.now();
    limiter.sweep(now);
  }, 10_000);
  sweeper.unref();

  // --- HTTP -------------------------------------------------------------------------------
  const clientIp = (req: IncomingMessage): string => {
    if (options.trustProxy) {
      const header = req.headers['x-forwarded-for'];
      const value = Array.isArray(header) ? header.join(',') : header;
      const last = value?.split(',').at(-1)?.trim();
      if (last && isIP(last)) return last;
    }
    return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> | undefined => {
    const origin = req.headers.origin;
    if (!allowed) return { 'Access-Control-Allow-Origin': '*' };
    if (origin === undefined) return {};
    return allowed.has(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
      : undefined;
  };

  const answer = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string | number> = {},
  ) => {
    if (status >= 400) stats.refused++;
    const text = body === undefined ? '' : JSON.stringify(body);
    // While stopping, a connection ends with the answer it was waiting for.
    const closing = stats.state === 'collecting' ? {} : { Connection: 'close' };
    res.writeHead(status, {
      ...JSON_HEADERS,
      'Content-Length': Buffer.byteLength(text),
      ...headers,
      ...closing,
    });
    res.end(text);
  };

  const readBody = (req: IncomingMessage): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          resolve(undefined);
          req.removeAllListeners('data');
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const sessionInfo = (ping: Ping, req: IncomingMessage, ip: string): (() => SessionInfo) => {
    const userAgent = req.headers['user-agent'];
    return () => ({
      asset_type: ping.assetType,
      asset_id: ping.assetId,
      loaded_at: ping.loadedAt,
      ...enricher.place(ip),
      ...enricher.platform(userAgent),
      ...describeReferrer(ping.referrer),
      raw: { ...ping.session, user_agent: userAgent ?? null },
    });
  };

  const handlePing = async (
    req: IncomingMessage,
    res: ServerResponse,
    kind: AssetKind,
    cors: Record<string, string>,
  ) => {
    const arrived = performance.now();
    const now = Date.now();
    const ip = clientIp(req);
    const wait = limiter.take(ip, now);
    if (wait > 0) {
      return answer(
        res,
        429,
        { error: 'too many pings from this address' },
        { ...cors, 'Retry-After': wait },
      );
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      return answer(
        res,
        413,
        { error: `a ping is at most ${maxBody} bytes` },
        { ...cors, Connection: 'close' },
      );
    }
    const body = await readBody(req);
    if (body === undefined) {
      return answer(
        res,
        413,
        { error: `a ping is at most ${maxBody} bytes` },
        { ...cors, Connection: 'close' },
      );
    }
    let ping: Ping;
    try {
      ping = parsePing(body, kind, now);
    } catch (error) {
      if (error instanceof PingError)
        return answer(res, error.status, { error: error.message }, cors);
      throw error;
    }
    const sid =
      ping.sessionId ??
      births.sessionFor(
        [
          String(ping.loadedAt),
          ping.assetType,
          ping.assetId,
          ping.referrer,
          req.headers['user-agent'] ?? '',
          ip,
        ],
        now,
      );
    if (ping.events.length > 0 || !journal.knows(sid)) {
      try {
        await journal.append({
          sid,
          receivedAt: now,
          session: sessionInfo(ping, req, ip),
          events: ping.events.map((e) => e.raw),
        });
      } catch (error) {
        log(`the journal cannot be written: ${(error as Error).message}`);
        return answer(
          res,
          503,
          { error: 'the collector cannot store pings right now' },
          { ...cors, 'Retry-After': 5 },
        );
      }
    }
    stats.accepted++;
    answer(res, 200, { session: sid }, cors);
    latency.add(performance.now() - arrived);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (path === '/health' || path === '/') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return answer(res, 405, { error: 'use GET' }, { Allow: 'GET, HEAD' });
      }
      const s = { ...stats, journaled: journal.durable, latency: latency.summary() };
      const text = JSON.stringify(s);
      res.writeHead(stats.state === 'collecting' ? 200 : 503, {
        ...JSON_HEADERS,
        'Content-Length': Buffer.byteLength(text),
      });
      return res.end(req.method === 'HEAD' ? undefined : text);
    }
    const kind: AssetKind | undefined =
      path === '/vod' ? 'vod' : path === '/live' ? 'live' : undefined;
    if (!kind) return answer(res, 404, { error: 'pings go to POST /vod or POST /live' });
    const cors = corsHeaders(req);
    if (req.method === 'OPTIONS') {
      // A page that adds a content type to its ping asks first: say POST with it may come.
      if (!cors) return answer(res, 403, undefined);
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '86400',
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    if (req.method !== 'POST') {
      return answer(
        res,
        405,
        { error: 'pings are POSTed' },
        { ...(cors ?? {}), Allow: 'POST, OPTIONS' },
      );
    }
    if (!cors) {
      return answer(res, 403, { error: 'this site may not send pings here' }, { Vary: 'Origin' });
    }
    if (stats.state !== 'collecting') {
      return answer(
        res,
        503,
        { error: 'the collector is stopping' },
        { ...cors, 'Retry-After': 5, Connection: 'close' },
      );
    }
    await handlePing(req, res, kind, cors);
  };

  // The warehouse is checked (or created) before any ping is taken, and whatever a previous run
  // left in the journal goes in first; a warehouse busy now is fine: pings wait for it.
  /** What a collector that fails to start gives back before the error goes up. */
  const abandon = async (error: unknown): Promise<never> => {
    clearInterval(timer);
    clearInterval(sweeper);
    await journal.close();
    await publisher.close();
    throw error;
  };
  await publishNow().catch(abandon);

  const server: Server = createServer(
    { keepAliveTimeout: 65_000, headersTimeout: 20_000, requestTimeout: 30_000 },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        log(`a ping failed: ${(error as Error).message}`);
        if (!res.headersSent) answer(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    },
  );
  const address = await listen(server, options.port ?? 8090, host).catch(abandon);
  if (!isLoopback(host)) {
    log(
      `warning: listening on ${host}, reachable from other machines; put it behind TLS (a proxy) for the internet`,
    );
  }

  let closing: Promise<PublishResult | undefined> | undefined;
  const close = () => {
    closing ??= (async () => {
      stats.state = 'draining';
      clearInterval(timer);
      clearInterval(sweeper);
      // No new connection; idle keep-alive ones closed; requests in flight are answered.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Connections busy at the stop go idle once answered: close those too.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const forced = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearInterval(idle);
      clearTimeout(forced);
      await publishing?.catch(() => undefined);
      let last: PublishResult | undefined;
      try {
        last = await publishNow();
      } catch (error) {
        log(`the last publish failed (pings stay in the journal): ${(error as Error).message}`);
      }
      await journal.close();
      if (last?.status === 'busy') {
        log(`the warehouse is busy: ${last.backlog} journal segment(s) wait for the next start`);
      }
      await publisher.close();
      stats.state = 'stopped';
      return last;
    })();
    return closing;
  };

  return {
    url: address.url,
    port: address.port,
    journal: journalDir,
    stats: () => ({ ...stats, journaled: journal.durable, latency: latency.summary() }),
    publishNow,
    close,
  };
}
