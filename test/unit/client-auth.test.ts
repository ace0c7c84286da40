import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiVideoClient } from '../../src/api/client.js';
import { AuthenticationError, UnauthorizedError } from '../../src/api/errors.js';
import { fakeTransport, listBody, tokenBody } from '../helpers/fake-transport.js';

const KEY = 'secret-key-DO-NOT-LEAK-1234567890';

/** A tiny api.video: tokens numbered in issue order, /videos needing the current one. */
function api(options: { ttl?: number; rejectRefresh?: boolean } = {}) {
  let issued = 0;
  let valid = new Set<string>();
  let refuseAll = false;
  const videos = Array.from({ length: 7 }, (_, i) => ({ videoId: `vi${i}`, title: `v${i}` }));
  const fake = fakeTransport((req, url) => {
    if (url.pathname === '/auth/api-key') {
      const body = JSON.parse(req.body!);
      if (body.apiKey !== KEY) {
        return {
          status: 400,
          body: { type: 'x', title: 'The user credentials were incorrect.', status: 400 },
        };
      }
      issued++;
      valid = new Set([`Bearer access-${issued}`]);
      return { body: tokenBody(issued, options.ttl) };
    }
    if (url.pathname === '/auth/refresh') {
      if (options.rejectRefresh) return { status: 400, body: { title: 'bad refresh token' } };
      issued++;
      valid = new Set([`Bearer access-${issued}`]);
      return { body: tokenBody(issued, options.ttl) };
    }
    if (refuseAll || !valid.has(req.headers.authorization!))
      return { status: 401, body: { title: 'Unauthorized' } };
    const page = Number(url.searchParams.get('currentPage'));
    return { body: listBody(videos, page, Number(url.searchParams.get('pageSize')), '/videos') };
  });
  return {
    ...fake,
    expireAll: () => (valid = new Set()),
    /** Tokens still issued, none of them accepted. */
    refuseEverything: () => (refuseAll = true),
    count: (path: string) => fake.calls.filter((c) => new URL(c.url).pathname === path).length,
  };
}

async function collect<T>(pages: AsyncIterable<{ entries: Array<{ value: T }> }>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page.entries.map((e) => e.value));
  return out;
}

describe('client authentication', () => {
  afterEach(() => vi.useRealTimers());

  it('logs in once and reuses the token', async () => {
    const fake = api();
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
      pageSize: 2,
    });
    expect(await collect(client.videos())).toHaveLength(7);
    expect(fake.count('/auth/api-key')).toBe(1);
    expect(fake.count('/videos')).toBe(4);
  });

  it('shares one refresh among every request that hit the expired token', async () => {
    const fake = api();
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
      pageSize: 100,
    });
    await client.authenticate();
    fake.expireAll();
    const results = await Promise.all(Array.from({ length: 20 }, () => collect(client.videos())));
    expect(results.every((r) => r.length === 7)).toBe(true);
    expect(fake.count('/auth/refresh')).toBe(1);
    expect(fake.count('/auth/api-key')).toBe(1);
  });

  it('renews shortly before expires_in runs out, without a 401', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const fake = api({ ttl: 100 });
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
    });
    await client.authenticate();
    vi.setSystemTime(89_000); // 10% of a 100 s token is 10 s: still fine at 89 s
    await collect(client.videos());
    expect(fake.count('/auth/refresh')).toBe(0);
    vi.setSystemTime(91_000);
    await collect(client.videos());
    expect(fake.count('/auth/refresh')).toBe(1);
    expect(
      fake.calls
        .filter((c) => c.url.includes('/videos'))
        .every((c) => c.headers.authorization !== undefined),
    ).toBe(true);
  });

  it('logs in again when the refresh token is refused', async () => {
    const fake = api({ rejectRefresh: true });
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
    });
    await client.authenticate();
    fake.expireAll();
    expect(await collect(client.videos())).toHaveLength(7);
    expect(fake.count('/auth/api-key')).toBe(2);
  });

  it('renews for a bounded time when requests keep being refused after good logins, then fails at run time', async () => {
    const fake = api();
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
      unauthorizedWindowMs: 400,
    });
    await client.authenticate();
    fake.refuseEverything();
    const started = Date.now();
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => collect(client.videos()).catch((e: unknown) => e)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).kind).toBe('runtime');
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // One renewal at a time for every request in flight, spaced out: not one per refused request.
    const logins = fake.count('/auth/api-key') + fake.count('/auth/refresh');
    expect(logins).toBeGreaterThan(1);
    expect(logins).toBeLessThanOrEqual(12);
  });

  it('reports a wrong key as an AuthenticationError (a usage error) without the key', async () => {
    const fake = api();
    const client = new ApiVideoClient({
      apiKey: 'wrong-key-123',
      baseUrl: 'http://api.test',
      transport: fake.transport,
    });
    const error = await client.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).kind).toBe('usage');
    expect(inspect(error)).not.toContain('wrong-key-123');
  });

  it('sends HTTP Basic with the key as user name when asked', async () => {
    const fake = fakeTransport(() => ({ body: listBody([{ videoId: 'vi1' }], 1, 100, '/videos') }));
    const client = new ApiVideoClient({
      apiKey: KEY,
      baseUrl: 'http://api.test',
      transport: fake.transport,
      auth: 'basic',
    });
    await collect(client.videos());
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
    );
  });

  it('never shows the key when the client is printed or serialised', () => {
    const client = new ApiVideoClient({ apiKey: KEY, baseUrl: 'http://api.test' });
    expect(inspect(client, { depth: 10 })).not.toContain(KEY);
    expect(JSON.stringify(client)).not.toContain(KEY);
  });
});
