/**
 * `longSession`: one session of 500,000 events (issue 11's memory bar), computed page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { LongEvents } from '../../src/emulator/long-session.js';
import { parseTimestamp } from '../../src/emulator/timestamps.js';
import { watchStats } from '../../src/emulator/watch-stats.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const EVENTS = 500_000;
let run: RunningEmulator;

beforeAll(async () => {
  run = await startEmulator({ preset: 'tiny', seed: 4, now: NOW, longSession: { events: EVENTS } });
});
afterAll(() => run.close());

async function events(id: string, page: number) {
  const res = await fetch(
    `${run.url}/analytics/sessions/${id}/events?currentPage=${page}&pageSize=100`,
    {
      headers: { authorization: `Basic ${Buffer.from(`${run.apiKey}:`).toString('base64')}` },
    },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as {
    data: Array<{ type: string; emittedAt: string }>;
    pagination: { itemsTotal: number; pagesTotal: number; currentPageItems: number };
  };
}

describe('emulator: the long session', () => {
  it('is an ended session of the asked number of events, listed with its asset', async () => {
    const id = run.emulator.truth.longSessionId()!;
    const session = run.emulator.truth.session(id)!;
    expect(session.eventCount).toBe(EVENTS);
    expect(session.endedAtMs).not.toBeNull();
    expect(session.endedAtMs! - session.loadedAtMs).toBeLessThan(8 * 3_600_000);
    const stats = session.stats();
    expect(stats.eventCount).toBe(EVENTS);
    expect(stats.playCount).toBe(1);
    const day = new Date(session.loadedAtMs).toISOString().slice(0, 10);
    const route = session.assetType === 'video' ? 'videos' : 'live-streams';
    const listing = await fetch(
      `${run.url}/analytics/${route}/${session.assetId}?period=${day}&pageSize=100`,
      { headers: { authorization: `Basic ${Buffer.from(`${run.apiKey}:`).toString('base64')}` } },
    );
    const listed = ((await listing.json()) as { data: Array<{ session: { sessionId: string } }> })
      .data;
    expect(listed.map((s) => s.session.sessionId)).toContain(id);
    const others = [...run.emulator.truth.sessions()].filter((s) => s.sessionId !== id);
    expect(Math.max(...others.map((s) => s.eventCount))).toBeLessThan(1000);
  });

  it('serves any page without the pages before it, in order, as the truth says', async () => {
    const id = run.emulator.truth.longSessionId()!;
    const session = run.emulator.truth.session(id)!;
    for (const page of [1, 2500, 5000]) {
      const answer = await events(id, page);
      expect(answer.pagination).toMatchObject({
        itemsTotal: EVENTS,
        pagesTotal: 5000,
        currentPageItems: 100,
      });
      expect(answer.data).toEqual(session.events((page - 1) * 100, page * 100));
      const times = answer.data.map((e) => parseTimestamp(e.emittedAt)!);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect((await events(id, 1)).data.slice(0, 2).map((e) => e.type)).toEqual(['ready', 'play']);
  });

  it('computes each event from its index alone', () => {
    const long = new LongEvents(NOW, EVENTS, NOW + 8 * 3_600_000);
    expect(Array.isArray(long)).toBe(false);
    expect(long.at(EVENTS)).toBeUndefined();
    expect(long.at(-1)).toBeUndefined();
    expect(long.at(EVENTS - 1)!.t).toBe(NOW + 7 * 3_600_000);
    let previous = -Infinity;
    for (let i = 0; i < EVENTS; i += 997) {
      const e = long.at(i)!;
      expect(e.t).toBeGreaterThanOrEqual(previous);
      previous = e.t;
    }
    const stats = watchStats({
      *[Symbol.iterator]() {
        for (let i = 0; i < long.length; i++) yield { ...long.at(i)!, emittedAtMs: long.at(i)!.t };
      },
    });
    expect(stats).toMatchObject({ eventCount: EVENTS, playCount: 1, ended: false });
    expect(stats.pauseCount).toBe(stats.resumeCount);
  });
});
