/**
 * What every answer of serve carries, and the one check every request passes first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { SERVE_CSP } from '../html.js';

/** An answer as data: routes return these, and only `send` writes to the socket. */
export interface Reply {
  status: number;
  type: string;
  body: string;
  /** Cache-Control; answers depend on the data version, so by default nothing is cached. */
  cache?: string;
  headers?: Record<string, string>;
}

export const SECURITY_HEADERS = {
  'Content-Security-Policy': SERVE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export const text = (status: number, body: string, headers?: Record<string, string>): Reply => ({
  status,
  type: 'text/plain; charset=utf-8',
  body,
  ...(headers && { headers }),
});

export const json = (status: number, body: string): Reply => ({
  status,
  type: 'application/json; charset=utf-8',
  body,
});

export function send(res: ServerResponse, reply: Reply, head = false): void {
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    ...reply.headers,
    'Content-Type': reply.type,
    'Content-Length': Buffer.byteLength(reply.body),
    'Cache-Control': reply.cache ?? 'no-store',
  });
  res.end(head ? undefined : reply.body);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Hosts a page may reach serve by: loopback names, IP addresses, and the names the user allowed.
 * A page on a DNS-rebinding site reaches serve under that site's name, which is not admitted; an
 * address cannot be rebound, only a name can be made to point at this machine.
 */
export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK.has(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0 || allowed.has(name);
}
