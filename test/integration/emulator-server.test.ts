import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkDays, formatPeriod, rangePeriod } from '../../src/api/period.js';
import { dayOf } from '../../src/calendar.js';
import {
  accessTokenSchema,
  breakdownItemSchema,
  liveStreamSchema,
  metricPageSchema,
  pageSchema,
  sessionEventSchema,
  sessionSchema,
  videoSchema,
} from '../../src/api/schemas.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { z } from 'zod';

const NOW = Date.UTC(2025, 4, 28, 19, 30);

describe('emulator over real sockets', () => {
  let run: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    run = await startEmulator({ preset: 'tiny', seed: 2, now: NOW, port: 0, maxPeriodDays: 10 });
    const res = await fetch(`${run.url}/auth/api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: run.apiKey }),
    });
    token = accessTokenSchema.parse(await res.json()).access_token;
  });
  afterAll(() => run.close());

  async function pages<T extends z.ZodType>(path: string, item: T): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    let next: string | undefined = `${path}${path.includes('?') ? '&' : '?'}pageSize=20`;
    while (next) {
      const res = await fetch(run.url + next, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = await res.json();
      const page = pageSchema(item).parse(body);
      out.push(...(body as { data: Array<z.infer<T>> }).data);
      next = page.pagination.links.find((l) => l.rel === 'next')?.uri;
    }
    return out;
  }

  it('binds 127.0.0.1 on a free port', () => {
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('hands a client walking every listing exactly the ground truth', async () => {
    const truth = run.emulator.truth;
    const videos = await pages('/videos', videoSchema);
    const live = await pages('/live-streams', liveStreamSchema);
    expect(videos).toEqual(truth.videos());
    expect(live).toEqual(truth.liveStreams());

    // The history is 30 days and periods are capped at 10: the client must chunk, as a sync does.
    const from = dayOf(NOW - 31 * 86_400_000);
    const chunks = chunkDays(from, dayOf(NOW), 10);
    const sessions = [];
    for (const [kind, ids] of [
      ['videos', videos.map((v) => v.videoId)],
      ['live-streams', live.map((l) => l.liveStreamId)],
    ] as const) {
      for (const id of ids) {
        for (const c of chunks) {
          sessions.push(
            ...(await pages(
              `/analytics/${kind}/${id}?period=${formatPeriod(rangePeriod(c.from, c.to))}`,
              sessionSchema,
            )),
          );
        }
      }
    }
    expect(sessions.length).toBe(truth.sessionCount());
    let events = 0;
    for (const s of sessions) {
      const expected = truth.session(s.session.sessionId)!;
      expect(s).toEqual(expected.api);
      const got = await pages(
        `/analytics/sessions/${s.session.sessionId}/events`,
        sessionEventSchema,
      );
      expect(got).toEqual(expected.events());
      events += got.length;
    }
    expect(events).toBe(truth.eventCount());
    expect(run.emulator.stats.eventRequestsBySession.size).toBe(truth.sessionCount());
  });

  it('stops listening when closed', async () => {
    const other = await startEmulator({ preset: 'tiny', now: NOW });
    await other.close();
    await expect(fetch(`${other.url}/videos`)).rejects.toThrow();
  });
});

describe('emulator at a million events', () => {
  it('starts and answers without generating everything', async () => {
    const run = await startEmulator({ preset: 'million', now: NOW });
    try {
      const auth = { authorization: `Basic ${Buffer.from(`${run.apiKey}:`).toString('base64')}` };
      const top = run.emulator.truth.videos()[0] as { videoId: string };
      const sessions = await fetch(
        `${run.url}/analytics/videos/${top.videoId}?period=2025-05&pageSize=100`,
        { headers: auth },
      );
      expect(
        pageSchema(sessionSchema).parse(await sessions.json()).pagination.itemsTotal,
      ).toBeGreaterThan(0);
      const from = encodeURIComponent(new Date(NOW - 30 * 86_400_000).toISOString());
      const breakdown = await fetch(
        `${run.url}/data/buckets/play/media-id?from=${from}&pageSize=100`,
        { headers: auth },
      );
      const page = metricPageSchema(breakdownItemSchema).parse(await breakdown.json());
      expect(page.pagination.itemsTotal).toBeGreaterThan(100);
      expect(run.emulator.truth.sessionCount()).toBe(100_000);
    } finally {
      await run.close();
    }
  });
});
