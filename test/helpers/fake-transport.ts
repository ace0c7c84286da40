import type { HttpRequest, Outcome, Transport } from '../../src/api/transport.js';

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Fail the exchange instead of answering. */
  fail?: 'timeout' | 'dropped' | 'unreachable';
  delayMs?: number;
}

/** An in-memory transport: each request goes to `handler`, every call is recorded. */
export function fakeTransport(
  handler: (request: HttpRequest, url: URL) => FakeReply | Promise<FakeReply>,
) {
  const calls: HttpRequest[] = [];
  const transport: Transport = async (request): Promise<Outcome> => {
    calls.push(request);
    const reply = await handler(request, new URL(request.url));
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.fail === 'timeout') return { kind: 'timeout' };
    if (reply.fail === 'dropped')
      return { kind: 'dropped', code: 'ECONNRESET', error: new Error('socket hang up') };
    if (reply.fail === 'unreachable')
      return { kind: 'unreachable', code: 'ECONNREFUSED', error: new Error('refused') };
    return {
      kind: 'response',
      status: reply.status ?? 200,
      headers: new Headers(reply.headers ?? {}),
      text: JSON.stringify(reply.body ?? {}),
    };
  };
  return { transport, calls };
}

export const tokenBody = (n: number, expiresIn = 3600) => ({
  token_type: 'Bearer',
  expires_in: expiresIn,
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
});

export function listBody<T>(items: T[], page: number, pageSize: number, path: string) {
  const pagesTotal = Math.max(1, Math.ceil(items.length / pageSize));
  const data = items.slice((page - 1) * pageSize, page * pageSize);
  const link = (rel: string, p: number) => ({
    rel,
    uri: `${path}?currentPage=${p}&pageSize=${pageSize}`,
  });
  const links = [link('self', page), link('first', 1)];
  if (page > 1) links.push(link('previous', page - 1));
  if (page < pagesTotal) links.push(link('next', page + 1));
  links.push(link('last', pagesTotal));
  return {
    data,
    pagination: {
      currentPage: page,
      pageSize,
      pagesTotal,
      itemsTotal: items.length,
      currentPageItems: data.length,
      links,
    },
  };
}
