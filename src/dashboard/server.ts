/**
 * `serve`: the dashboard over node:http, on 127.0.0.1 unless told otherwise.
 *
 *   GET /              the HTML shell
 *   GET /app.js        the browser bundle
 *   GET /api/version   { version, state, refreshedAt }         (the page polls it)
 *   GET /api/meta      Meta: date extent, assets for the picker, country names, last sync
 *   GET /api/data?from=YYYY-MM-DD&to=YYYY-MM-DD&type=all|video|live_stream&asset=ID
 *                      DataAnswer: every chart's rows for that filter
 *
 * Answers come from the snapshot store (snapshot.ts), never from the user's file directly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { listen } from '../listen.js';
import { redactUrl } from '../warehouse/postgres/target.js';
import { CHARTS } from './charts.js';
import { readBundle } from './bundle.js';
import { filterKey, FilterError, parseFilter } from './filter.js';
import { SERVE_CSP, servePage } from './html.js';
import { allCharts } from './queries.js';
import { assertSourceExists, SnapshotStore, type RefreshResult } from './snapshot.js';
import type { DataAnswer, Filter, Meta } from './types.js';

export interface ServeOptions {
  /** A DuckDB file, or a PostgreSQL URL (read through local snapshots). */
  db: string;
  schema?: string;
  port?: number;
  host?: string;
  /**
   * Host names the page may be reached by besides loopback names and IP addresses: a page on a
   * DNS-rebinding site reaches serve under that site's name, which must not be admitted.
   */
  allowedHosts?: string[];
  /** How often serve looks for a changed warehouse file (ms). */
  watchMs?: number;
  /** How often the page asks for /api/version (ms). */
  pollMs?: number;
  /** Where snapshots are copied (default: a temp folder). */
  snapshotDir?: string;
  log?: (line: string) => void;
}

export interface RunningDashboard {
  url: string;
  port: number;
  store: SnapshotStore;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const CACHE_ENTRIES = 64;

const SECURITY_HEADERS = {
  'Content-Security-Policy': SERVE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  cache = 'no-store',
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': cache,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: string) =>
  send(res, status, 'application/json; charset=utf-8', body);

/** Hosts a page may be reached by on loopback: a DNS-rebinding site sends its own name. */
function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  // An address cannot be rebound: only names can be made to point at this machine.
  return LOOPBACK.has(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0 || allowed.has(name);
}

export async function startDashboard(options: ServeOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const log = options.log ?? (() => undefined);
  assertSourceExists(options.db);
  const bundle = readBundle();
  const page = servePage({ pollMs: options.pollMs ?? 5000 });
  let lastResult: RefreshResult | undefined;
  let lastError: string | undefined;
  // Logs name a PostgreSQL URL without its password.
  const source = redactUrl(options.db);
  const store = new SnapshotStore(options.db, {
    ...(options.schema !== undefined && { schema: options.schema }),
    ...(options.snapshotDir !== undefined && { dir: options.snapshotDir }),
    // Said once per change of state: the watcher asks every second.
    onRefresh: (result, error) => {
      const message = error ? `could not read ${source}: ${(error as Error).message}` : undefined;
      if (message && message !== lastError) log(message);
      lastError = message;
      if (error) return;
      if (result === 'updated') {
        log(`warehouse changed: now showing data version ${store.version}`);
        prefetch();
      } else if (result !== lastResult && result === 'locked') {
        log('a sync is writing the warehouse; showing the last data until it finishes');
      } else if (result !== lastResult && result === 'missing') {
        log(`${source} is gone; showing the last data`);
      }
      lastResult = result;
    },
  });
  // A first attempt that finds a sync running still starts the dashboard: it fills in later.
  lastResult = await store.refresh().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (lastResult === 'locked') {
    log('a sync is writing the warehouse; the dashboard will show it when the sync finishes');
  }
  store.watch(options.watchMs ?? 1000);

  // Answers by data version and filter; a request for an answer being computed shares it.
  const cache = new Map<string, Promise<string>>();
  const compute = async (filter: Filter): Promise<string> => {
    const result = await store.use(async (s) => {
      const body: DataAnswer = {
        version: s.version,
        filter,
        charts: await allCharts(s.db, filter, true),
      };
      return JSON.stringify(body);
    });
    if (result !== undefined) return result;
    const empty: DataAnswer = {
      version: 0,
      filter,
      charts: Object.fromEntries(CHARTS.map((c) => [c.id, []])),
    };
    return JSON.stringify(empty);
  };
  const answer = (filter: Filter): Promise<string> => {
    if (!store.snapshot) return compute(filter);
    const key = `${store.version}|${filterKey(filter)}`;
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      hit = compute(filter);
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };

  // The page's first question on every new snapshot; asked ahead, it is answered from cache.
  function prefetch(): void {
    answer({ type: 'all' }).catch((error: unknown) =>
      log(`could not read ${source}: ${(error as Error).message}`),
    );
  }

  const meta = (): Meta => {
    const s = store.snapshot;
    if (!s) {
      return {
        version: 0,
        state: 'waiting',
        refreshedAt: null,
        extent: null,
        assets: [],
        countries: {},
        lastSync: null,
        sessions: 0,
      };
    }
    return { version: s.version, state: 'ready', refreshedAt: s.refreshedAt, ...s.facts };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, allowedHosts))
      return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', page, 'no-cache');
      case '/app.js':
        return send(res, 200, 'text/javascript; charset=utf-8', bundle, 'no-cache');
      case '/favicon.ico':
        res.writeHead(204, SECURITY_HEADERS);
        return void res.end();
      case '/api/version': {
        const m = meta();
        return sendJson(
          res,
          200,
          JSON.stringify({ version: m.version, state: m.state, refreshedAt: m.refreshedAt }),
        );
      }
      case '/api/meta':
        return sendJson(res, 200, JSON.stringify(meta()));
      case '/api/data': {
        let filter: Filter;
        try {
          filter = parseFilter(url.searchParams);
        } catch (error) {
          if (error instanceof FilterError) {
            return sendJson(res, 400, JSON.stringify({ error: error.message }));
          }
          throw error;
        }
        return sendJson(res, 200, await answer(filter));
      }
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  };

  prefetch();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.url ?? ''} failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  });
  let address: { url: string; port: number };
  try {
    address = await listen(server, options.port ?? 8080, host);
  } catch (error) {
    await store.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: address.url,
    port: address.port,
    store,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.close();
      })();
      return closing;
    },
  };
}
