import { describe, expect, it } from 'vitest';
import { ApiVideoClient } from '../../src/api/client.js';
import {
  ApiUnavailableError,
  EndpointNotFoundError,
  RequestRejectedError,
  ResourceNotFoundError,
  ResponseShapeError,
} from '../../src/api/errors.js';
import { paginate } from '../../src/api/paginate.js';
import type { Page } from '../../src/api/schemas.js';
import { fakeTransport, listBody, type FakeReply } from '../helpers/fake-transport.js';

const basic = (handler: (url: URL) => FakeReply, extra: object = {}) => {
  const fake = fakeTransport((_req, url) => handler(url));
  const client = new ApiVideoClient({
    apiKey: 'k',
    baseUrl: 'http://api.test',
    auth: 'basic',
    transport: fake.transport,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });
  return { client, calls: fake.calls };
};

async function drain<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.entries.map((e) => e.value));
  return items;
}

const page = (n: number, total: number | undefined, next: boolean): Page<number> => ({
  entries: [{ value: n, raw: n, index: 0 }],
  rejects: [],
  size: 1,
  pagination: { pagesTotal: total, links: next ? [{ rel: 'next', uri: '' }] : [] },
  body: {},
  request: { endpoint: 'GET /x', path: '/x', query: {} },
});

describe('paginate', () => {
  it('yields every page once, in order, fetching at most `prefetch` ahead', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const fetched: number[] = [];
    const items = await drain(
      paginate(
        async (n) => {
          fetched.push(n);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, (n * 7) % 5));
          inFlight--;
          return page(n, 23, n < 23);
        },
        { prefetch: 4 },
      ),
    );
    expect(items).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(fetched.sort((a, b) => a - b)).toEqual(items);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('follows `next` links when pagesTotal is missing', async () => {
    const items = await drain(paginate(async (n) => page(n, undefined, n < 5)));
    expect(items).toEqual([1, 2, 3, 4, 5]);
  });

  it('asks for the expected pages with the first, and reads no page past the real total', async () => {
    const fetched: number[] = [];
    const items = await drain(
      paginate(async (n) => (fetched.push(n), page(n, 3, n < 3)), {
        expectedPages: 5,
        prefetch: 8,
      }),
    );
    expect(items).toEqual([1, 2, 3]);
    // 4 and 5 were asked for on a guess (once each), never read.
    expect(fetched.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops fetching when the consumer stops', async () => {
    const fetched: number[] = [];
    for await (const p of paginate(async (n) => (fetched.push(n), page(n, 100, true)), {
      prefetch: 3,
    })) {
      if (p.entries[0]?.value === 2) break;
    }
    expect(Math.max(...fetched)).toBeLessThanOrEqual(5);
  });
});

describe('client requests', () => {
  it('asks every list for pages of 100 and passes the period', async () => {
    const { client, calls } = basic((url) => ({ body: listBody([], 1, 100, url.pathname) }));
    await drain(
      client.videoSessions('vi1', { kind: 'range', from: '2024-01-01', to: '2024-01-31' }),
    );
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe('/analytics/videos/vi1');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      period: '2024-01-01/2024-01-31',
      currentPage: '1',
      pageSize: '100',
    });
  });

  it('sends Analytics API times in ATOM form and filterBy as a deep object', async () => {
    const { client, calls } = basic(() => ({
      body: {
        context: {
          metric: 'play',
          breakdown: 'country',
          timeframe: { from: '2024-05-01T00:00:00+00:00', to: '2024-05-02T00:00:00+00:00' },
        },
        data: [{ dimensionValue: 'FR', metricValue: 7 }],
        pagination: { currentPage: 1, pagesTotal: 1, links: [] },
      },
    }));
    const items = await drain(
      client.metricBreakdown('play', 'country', {
        from: new Date('2024-05-01T00:00:00Z'),
        to: new Date('2024-05-02T00:00:00Z'),
        filterBy: { mediaType: 'video' },
      }),
    );
    expect(items).toEqual([{ dimensionValue: 'FR', metricValue: 7 }]);
    const url = new URL(calls[0]!.url);
    expect(url.searchParams.get('from')).toBe('2024-05-01T00:00:00+00:00');
    expect(url.searchParams.get('filterBy[mediaType]')).toBe('video');
  });

  it('tells a missing route (a generation the account lacks) from a missing asset', async () => {
    const route = basic(() => ({
      status: 404,
      body: {
        type: 'https://docs.api.video/reference/unrecognized-request-url',
        title: 'Unrecognized request URL.',
        status: 404,
      },
    }));
    await expect(drain(route.client.videoSessions('vi1', '2024-01-01'))).rejects.toBeInstanceOf(
      EndpointNotFoundError,
    );

    const asset = basic(() => ({
      status: 404,
      body: {
        type: 'https://docs.api.video/docs/resourcenot_found',
        title: 'The requested resource was not found.',
        name: 'videoId',
        status: 404,
      },
    }));
    const error = await drain(asset.client.videoSessions('vi1', '2024-01-01')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe('videoId');
  });

  it('does not retry a 400 and names the problem', async () => {
    const { client, calls } = basic(() => ({
      status: 400,
      body: {
        title: 'A query parameter is invalid.',
        detail: 'bad period',
        name: 'period',
        status: 400,
      },
    }));
    const error = await drain(client.videoSessions('vi1', 'x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestRejectedError);
    expect(String((error as Error).message)).toContain(
      'A query parameter is invalid. bad period (period)',
    );
    expect(calls).toHaveLength(1);
  });

  it('retries 5xx and dropped connections until an answer comes', async () => {
    let n = 0;
    const { client } = basic(() => {
      n++;
      if (n === 1) return { status: 503, body: {} };
      if (n === 2) return { fail: 'dropped' };
      if (n === 3) return { fail: 'timeout' };
      return { body: listBody([{ videoId: 'vi1' }], 1, 100, '/videos') };
    });
    expect(await drain(client.videos())).toEqual([{ videoId: 'vi1' }]);
    expect(client.stats).toMatchObject({
      requests: 4,
      retries: 3,
      serverErrors: 1,
      networkFailures: 2,
    });
  });

  it('gives up after the policy’s attempts with an error naming the endpoint', async () => {
    const { client } = basic(() => ({ status: 500, body: {} }), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const error = await drain(client.videos()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnavailableError);
    expect((error as Error).message).toBe('GET /videos kept failing (HTTP 500) after 3 attempts');
  });

  it('keeps an item without a field it cannot read, sets aside one it cannot key, keeps its page', async () => {
    const { client } = basic(() => ({
      body: listBody(
        [{ videoId: 'vi1', publishedAt: 'last tuesday' }, { videoId: 'vi2' }, { title: 'no id' }],
        1,
        100,
        '/videos',
      ),
    }));
    const pages = [];
    for await (const page of client.videos()) pages.push(page);
    expect(pages[0]!.entries.map((e) => [e.value.videoId, e.value.publishedAt])).toEqual([
      ['vi1', undefined],
      ['vi2', undefined],
    ]);
    expect(pages[0]!.entries[0]!.raw).toEqual({ videoId: 'vi1', publishedAt: 'last tuesday' });
    expect(pages[0]!.rejects).toEqual([
      {
        index: 0,
        reason:
          'publishedAt: not a timestamp api.video uses (got "last tuesday"); the item is kept without it',
        raw: { videoId: 'vi1', publishedAt: 'last tuesday' },
        kept: true,
      },
      {
        index: 2,
        reason: 'videoId: Invalid input: expected string, received undefined (absent)',
        raw: { title: 'no id' },
        kept: false,
      },
    ]);
  });

  it('fails an answer whose envelope is off the spec with the endpoint, the field and the value', async () => {
    const { client } = basic(() => ({ body: { data: 'none', pagination: {} } }));
    const error = await drain(client.videos()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toBe(
      'GET /videos answered a body viewership does not understand: data: Invalid input: expected array, received string (got "none")',
    );
  });

  it('keeps fields the API adds later', async () => {
    const { client } = basic(() => ({
      body: listBody([{ videoId: 'vi1', brandNewField: { a: 1 } }], 1, 100, '/videos'),
    }));
    expect(await drain(client.videos())).toEqual([{ videoId: 'vi1', brandNewField: { a: 1 } }]);
  });
});
