/**
 * One HTTP exchange, reduced to an `Outcome` the retry policy can judge without exceptions:
 * a response (any status), a timeout, a connection dropped mid-flight, or a host that cannot be
 * reached at all. Nothing here retries or logs.
 */
import type { Agent, ClientRequest, request } from 'node:http';

/**
 * What the retry policy and the rate limiter read of a response's headers (a fetch `Headers`
 * fits). Not `Headers` itself: the first one built loads Node's own copy of undici, ~12 ms of a
 * re-sync's start-up.
 */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export type Outcome =
  | { kind: 'response'; status: number; headers: ResponseHeaders; text: string }
  | { kind: 'timeout' }
  | { kind: 'dropped'; code: string; error: unknown }
  | { kind: 'unreachable'; code: string; error: unknown };

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export type Transport = (request: HttpRequest) => Promise<Outcome>;

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The most specific code in the cause chain, else the innermost message. */
function errorCode(error: unknown): string {
  let innermost: unknown = error;
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    innermost = e;
  }
  return innermost instanceof Error ? innermost.message : 'unknown';
}

/** What the transport uses of `node:http`, which `node:https` offers alike. */
interface HttpModule {
  request: typeof request;
  Agent: typeof Agent;
}

/**
 * The default transport: Node's own `http`/`https` over one keep-alive connection pool per
 * client, at most `connections` sockets per host. A sync spends its time waiting on the API, not
 * in its HTTP client; what it does pay for is start-up, and `node:http` is already in Node, where
 * an HTTP library is ~40 ms of loading on every run (most of a re-sync with nothing new).
 * `https` is loaded the first time an https URL is asked for.
 */
export function httpTransport(options: { connections?: number } = {}): Transport {
  const sockets = options.connections ?? 128;
  const pools = new Map<string, { lib: HttpModule; agent: Agent }>();
  const pool = async (protocol: string) => {
    let found = pools.get(protocol);
    if (!found) {
      const lib: HttpModule =
        protocol === 'https:' ? await import('node:https') : await import('node:http');
      const agent = new lib.Agent({ keepAlive: true, maxSockets: sockets, scheduling: 'lifo' });
      pools.set(protocol, (found = { lib, agent }));
    }
    return found;
  };
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (error) {
      return { kind: 'unreachable', code: 'ERR_INVALID_URL', error };
    }
    const { lib, agent } = await pool(url.protocol);
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined)
        headers['content-length'] = String(Buffer.byteLength(request.body));
      const failed = (error: unknown, connected: boolean) => {
        const code = errorCode(error);
        settle(
          !connected && UNREACHABLE.has(code)
            ? { kind: 'unreachable', code, error }
            : { kind: 'dropped', code, error },
        );
      };
      let req: ClientRequest | undefined;
      // The whole exchange, body included: a server that stalls mid-body is a timeout too.
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        req?.destroy();
      }, request.timeoutMs);
      try {
        req = lib.request(url, { method: request.method, headers, agent });
      } catch (error) {
        // A header Node refuses to send, say: nothing was sent.
        return failed(error, false);
      }
      req.on('error', (error) => failed(error, false));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => failed(error, true));
        // A connection lost mid-body closes the response without ending it.
        res.on('close', () => {
          if (!res.complete)
            failed(Object.assign(new Error('body cut short'), { code: 'ECONNRESET' }), true);
        });
        res.on('end', () => {
          settle({
            kind: 'response',
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end(request.body);
    });
  };
}

/** Node's headers, whose names are lower case already, read as `Headers` would. */
function toHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
