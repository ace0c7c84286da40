/**
 * A stand-in for the API: forwards every request to an emulator and lets a test rewrite what
 * comes back (or answer instead of it), to send exactly an answer the specs allow or a real
 * account might give.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Returns the answer to send: the exchange changed, or undefined to pass it through. */
export type Rewrite = (exchange: Exchange) => Partial<Exchange> | undefined;

export interface Proxy {
  url: string;
  /** Requests seen, by path template-less path. */
  seen: Array<{ method: string; path: string; query: string; status: number }>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startProxy(target: string, rewrite: Rewrite): Promise<Proxy> {
  const seen: Proxy['seen'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', target);
      const sent = await body(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      }
      const upstream = await fetch(new URL(url.pathname + url.search, target), {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'POST' ? { body: sent } : {}),
      });
      const exchange: Exchange = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        status: upstream.status,
        headers: Object.fromEntries(
          [...upstream.headers].filter(
            ([k]) => k !== 'content-length' && k !== 'transfer-encoding',
          ),
        ),
        body: await upstream.text(),
      };
      const answer = { ...exchange, ...rewrite(exchange) };
      seen.push({
        method: exchange.method,
        path: exchange.path,
        query: url.search,
        status: answer.status,
      });
      res.writeHead(answer.status, {
        ...answer.headers,
        'content-length': Buffer.byteLength(answer.body),
      });
      res.end(answer.body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The JSON body of an exchange, changed by `edit`, as the new body. */
export function editJson(
  exchange: Exchange,
  edit: (body: Record<string, unknown>) => void,
): string {
  const parsed = JSON.parse(exchange.body) as Record<string, unknown>;
  edit(parsed);
  return JSON.stringify(parsed);
}
