import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dayStartMs } from '../../src/calendar.js';
import {
  liveStreamSchema,
  pageSchema,
  playerSchema,
  sessionEventSchema,
  sessionSchema,
  videoSchema,
} from '../../src/api/schemas.js';
import { parseApiTimestamp } from '../../src/api/timestamps.js';
import {
  startEmulator,
  type RunningEmulator,
  type TruthSession,
} from '../../src/emulator/index.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const DAY = 86_400_000;
const ms = (stamp: string) => Number(parseApiTimestamp(stamp) / 1000n);

let run: RunningEmulator;
let sessions: TruthSession[];

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function get(
  path: string,
  headers: Record<string, string> = { authorization: basic() },
): Promise<Answer> {
  const res = await fetch(run.url + path, { headers });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

function basic(key = run.apiKey): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** Every page of a list, checked against the client's schema on the way. */
async function all<T extends z.ZodType>(
  path: string,
  item: T,
  pageSize = 10,
): Promise<Array<z.input<T>>> {
  const out: Array<z.input<T>> = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const { status, body } = await get(`${path}${sep}currentPage=${page}&pageSize=${pageSize}`);
    expect(status).toBe(200);
    const parsed = pageSchema(item).parse(body);
    // Checked by the schema, kept as sent (the schema reads timestamps to microseconds).
    out.push(...(body as { data: Array<z.input<T>> }).data);
    expect(parsed.pagination.currentPage).toBe(page);
    if (page >= parsed.pagination.pagesTotal!) return out;
  }
}

beforeAll(async () => {
  run = await startEmulator({ preset: 'small', seed: 5, now: NOW, maxPeriodDays: 62 });
  sessions = [...run.emulator.truth.sessions()];
});
afterAll(() => run.close());

describe('emulator API: catalog', () => {
  it('lists every video, live stream and player in the spec shape, as the truth has them', async () => {
    expect(await all('/videos', videoSchema)).toEqual(run.emulator.truth.videos());
    expect(await all('/live-streams', liveStreamSchema, 2)).toEqual(
      run.emulator.truth.liveStreams(),
    );
    expect(await all('/players', playerSchema, 1)).toEqual(run.emulator.truth.players());
    const video = run.emulator.truth.videos()[0] as Record<string, unknown>;
    for (const field of [
      'videoId',
      'title',
      'description',
      'public',
      'panoramic',
      'mp4Support',
      'tags',
      'metadata',
      'publishedAt',
      'updatedAt',
      'createdAt',
      'source',
      'assets',
    ]) {
      expect(video).toHaveProperty(field);
    }
    const live = run.emulator.truth.liveStreams()[0] as Record<string, unknown>;
    for (const field of [
      'liveStreamId',
      'name',
      'streamKey',
      'public',
      'broadcasting',
      'createdAt',
      'updatedAt',
      'restreams',
      'assets',
    ]) {
      expect(live).toHaveProperty(field);
    }
  });

  it('links pages: self, first, previous, next and last, with the query kept', async () => {
    const { body } = await get('/videos?sortBy=title&currentPage=2&pageSize=7');
    const pagination = body.pagination as {
      links: Array<{ rel: string; uri: string }>;
      pagesTotal: number;
      itemsTotal: number;
      currentPageItems: number;
    };
    expect(pagination).toMatchObject({ pagesTotal: 6, itemsTotal: 40, currentPageItems: 7 });
    expect(pagination.links).toEqual([
      { rel: 'self', uri: '/videos?sortBy=title&currentPage=2&pageSize=7' },
      { rel: 'first', uri: '/videos?sortBy=title&currentPage=1&pageSize=7' },
      { rel: 'previous', uri: '/videos?sortBy=title&currentPage=1&pageSize=7' },
      { rel: 'next', uri: '/videos?sortBy=title&currentPage=3&pageSize=7' },
      { rel: 'last', uri: '/videos?sortBy=title&currentPage=6&pageSize=7' },
    ]);
    const titles = (body.data as Array<{ title: string }>).map((v) => v.title);
    expect([...titles].sort()).toEqual(titles);
    const defaults = (await get('/videos')).body.pagination;
    expect(defaults).toMatchObject({ currentPage: 1, pageSize: 25 });
  });

  it('answers the spec’s 400 with problems for pages out of range', async () => {
    for (const query of ['pageSize=0', 'pageSize=101', 'pageSize=abc', 'currentPage=0']) {
      const { status, body } = await get(`/videos?${query}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({
        title: 'This parameter is out of the allowed range of values.',
        status: 400,
      });
      expect(body.problems).toHaveLength(1);
    }
    // Every list route refuses them alike, before anything else.
    const s = sessions.find((x) => x.assetType === 'live_stream')!;
    for (const list of [
      '/live-streams?',
      `/analytics/videos/${sessions[0]!.assetId}?period=2025-05-01&`,
      `/analytics/live-streams/${s.assetId}?period=2025-05-01&`,
      `/analytics/sessions/${sessions[0]!.sessionId}/events?`,
      '/data/buckets/play/country?',
      '/data/timeseries/play?',
    ]) {
      const { status, body } = await get(`${list}pageSize=101`);
      expect([list, status]).toEqual([list, 400]);
      expect(body).toEqual({
        title: 'This parameter is out of the allowed range of values.',
        name: 'pageSize',
        status: 400,
        range: { min: 1, max: 100 },
        problems: [
          {
            title: 'This parameter is out of the allowed range of values.',
            name: 'pageSize',
            range: { min: 1, max: 100 },
          },
        ],
      });
    }
    const both = await get('/players?currentPage=-1&pageSize=500');
    expect((both.body.problems as Array<{ name: string }>).map((p) => p.name)).toEqual([
      'page',
      'pageSize',
    ]);
  });
});

describe('emulator API: raw statistics', () => {
  const popular = () => {
    const counts = new Map<string, number>();
    for (const s of sessions)
      if (s.assetType === 'video') counts.set(s.assetId, (counts.get(s.assetId) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  };

  it('lists an asset’s sessions loaded within the period’s UTC days, in load order', async () => {
    const videoId = popular();
    const expected = (first: string, last: string) =>
      sessions
        .filter(
          (s) =>
            s.assetId === videoId &&
            s.loadedAtMs >= dayStartMs(first) &&
            s.loadedAtMs < dayStartMs(last) + DAY,
        )
        .map((s) => s.api);
    const month = await all(`/analytics/videos/${videoId}?period=2025-05`, sessionSchema, 25);
    expect(month).toEqual(expected('2025-05-01', '2025-05-31'));
    expect(month.length).toBeGreaterThan(25);
    expect(await all(`/analytics/videos/${videoId}?period=2025-05-12`, sessionSchema)).toEqual(
      expected('2025-05-12', '2025-05-12'),
    );
    expect(await all(`/analytics/videos/${videoId}?period=2025-W20`, sessionSchema)).toEqual(
      expected('2025-05-12', '2025-05-18'),
    );
    expect(
      await all(`/analytics/videos/${videoId}?period=2025-04-20/2025-05-03`, sessionSchema),
    ).toEqual(expected('2025-04-20', '2025-05-03'));
    expect(await all(`/analytics/videos/${videoId}?period=2030-01`, sessionSchema)).toEqual([]);
  });

  it('lists live-stream sessions and every page of a session’s events', async () => {
    const live = sessions.find((s) => s.assetType === 'live_stream')!;
    const day = new Date(live.loadedAtMs).toISOString().slice(0, 10);
    const listed = await all(
      `/analytics/live-streams/${live.assetId}?period=${day}`,
      sessionSchema,
    );
    expect(listed).toContainEqual(live.api);

    const long = sessions.find((s) => s.events().length > 100)!;
    const events = await all(
      `/analytics/sessions/${long.sessionId}/events`,
      sessionEventSchema,
      25,
    );
    expect(events).toEqual(long.events());
    const first = await get(`/analytics/sessions/${long.sessionId}/events`);
    expect(first.body.pagination).toMatchObject({
      pageSize: 25,
      currentPageItems: 25,
      itemsTotal: long.events().length,
    });
    for (const e of events) expect(Number.isNaN(ms(e.emittedAt!))).toBe(false);
  });

  it('counts event requests per session', async () => {
    const s = sessions[3]!;
    const before = run.emulator.stats.eventRequestsBySession.get(s.sessionId) ?? 0;
    await get(`/analytics/sessions/${s.sessionId}/events`);
    await get(`/analytics/sessions/${s.sessionId}/events?currentPage=2`);
    expect(run.emulator.stats.eventRequestsBySession.get(s.sessionId)).toBe(before + 2);
  });

  it('answers 404 for unknown assets and sessions, naming the parameter', async () => {
    const video = await get('/analytics/videos/vi0000000000000000000000?period=2025-05');
    expect(video.status).toBe(404);
    expect(video.body).toEqual({
      type: 'https://docs.api.video/docs/resourcenot_found',
      title: 'The requested resource was not found.',
      name: 'videoId',
      status: 404,
    });
    expect((await get('/analytics/live-streams/linope?period=2025-05')).body).toMatchObject({
      status: 404,
      name: 'liveStreamId',
    });
    expect((await get('/analytics/sessions/ps000000000000000000000/events')).body).toMatchObject({
      status: 404,
      name: 'sessionId',
    });
  });

  it('answers 400 naming period when it is missing, malformed or too long', async () => {
    const videoId = popular();
    for (const period of [
      '',
      '?period=',
      '?period=2025-13',
      '?period=2025-W54',
      '?period=2025-05-10/2025-05-01',
      '?period=yesterday',
      '?period=2025-01-01/2025-03-31',
    ]) {
      const { status, body } = await get(`/analytics/videos/${videoId}${period}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ status: 400, name: 'period' });
    }
    expect((await get(`/analytics/videos/${videoId}?period=2025-01-01/2025-03-03`)).status).toBe(
      200,
    );
  });
});

describe('emulator API: routing', () => {
  it('answers 404 unrecognized-request-url for unknown routes', async () => {
    for (const path of ['/nope', '/analytics/videos', '/data/metrics/play', '/videos/x/y']) {
      const { status, body } = await get(path);
      expect(status).toBe(404);
      expect(body).toEqual({
        type: 'https://docs.api.video/reference/unrecognized-request-url',
        title: 'Unrecognized request URL.',
        status: 404,
      });
    }
  });

  it('serves single objects too', async () => {
    const video = run.emulator.truth.videos()[2] as { videoId: string };
    expect((await get(`/videos/${video.videoId}`)).body).toEqual(video);
    expect((await get('/videos/vinope')).body).toMatchObject({ status: 404, name: 'videoId' });
  });
});
