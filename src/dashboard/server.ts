/**
 * `serve`: the dashboard over node:http, on 127.0.0.1 unless told otherwise. Its parts, each in
 * server/: the snapshot store (a private copy of the warehouse, refreshed when a sync changed it),
 * the questions the page asks answered from it and cached by data version, the routes (as data),
 * and what every reply carries. This module only puts them together and listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import { isPostgresUrl, redactUrl } from '../warehouse/postgres/target.js';
import { readBundle } from './bundle.js';
import { servePage } from './html.js';
import { hostAllowed, json, send, text } from './server/http.js';
import { snapshotAnswers } from './server/questions.js';
import { refreshLog } from './server/refresh-log.js';
import { notFoundReply, routes } from './server/routes.js';
import { assertSourceExists, SnapshotStore } from './server/snapshot.js';

export interface ServeOptions {
  /** A DuckDB file, or a PostgreSQL URL (pulled into local snapshots). */
  db: string;
  /** PostgreSQL: the warehouse's schema (default viewership). */
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

export async function startDashboard(options: ServeOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const log = options.log ?? (() => undefined);
  assertSourceExists(options.db);
  const shell = { page: servePage({ pollMs: options.pollMs ?? 5000 }), bundle: readBundle() };

  // A PostgreSQL warehouse is pulled into the local snapshots; messages name it without password.
  const name = redactUrl(options.db);
  const source = isPostgresUrl(options.db)
    ? (await import('../warehouse/postgres/snapshot.js')).postgresSource(options.db, options.schema)
    : options.db;

  // The page's first question on every new snapshot; asked ahead, it is answered from cache.
  const prefetch = () => {
    answers
      .data({ type: 'all' })
      .catch((error: unknown) => log(`could not read ${name}: ${(error as Error).message}`));
  };
  const store: SnapshotStore = new SnapshotStore(source, {
    ...(options.snapshotDir !== undefined && { dir: options.snapshotDir }),
    onRefresh: refreshLog(name, log, (): number => store.version, prefetch),
  });
  const answers = snapshotAnswers(store);

  // A first attempt that finds a sync running still starts the dashboard: it fills in later.
  const first = await store.refresh().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (first === 'locked') {
    log('a sync is writing the warehouse; the dashboard will show it when the sync finishes');
  }
  store.watch(options.watchMs ?? 1000);

  const table = new Map(routes(shell, answers).map((r) => [r.path, r]));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, allowedHosts)) return send(res, text(403, 'forbidden host\n'));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, text(405, 'method not allowed\n', { Allow: 'GET, HEAD' }));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = table.get(url.pathname);
    const reply = route ? await route.handle(url.searchParams) : notFoundReply();
    send(res, reply, req.method === 'HEAD');
  };

  prefetch();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.url ?? ''} failed: ${(error as Error).message}`);
      if (!res.headersSent) send(res, json(500, JSON.stringify({ error: 'internal error' })));
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
