/**
 * The client against the emulator, straight (no warehouse): with latency, 5xx, dropped
 * connections, 429 bursts, a tight rate limit and tokens that expire every second, every list
 * still delivers every item exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW } from '../helpers/pinned.js';
import { ApiVideoClient } from '../../src/api/client.js';
import type { Page } from '../../src/api/schemas.js';
import {
  startEmulator,
  type RunningEmulator,
  type TruthSession,
} from '../../src/emulator/index.js';

let emulator: RunningEmulator;
let client: ApiVideoClient;

beforeAll(async () => {
  emulator = await startEmulator({
    preset: 'small',
    seed: 21,
    now: NOW,
    latencyMs: 5,
    tokenTtlSeconds: 1,
    rateLimit: { perMinute: 300, windowMs: 1000 },
    faults: { serverErrorRate: 0.05, dropRate: 0.02, burst429Rate: 0.01, seed: 4 },
  });
  client = new ApiVideoClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    concurrency: 16,
    pageSize: 10, // many pages per list
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
});
afterAll(() => emulator.close());

async function all<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  // As sent: the truth holds the API's objects, not the client's readings of them.
  for await (const page of pages) items.push(...page.entries.map((e) => e.raw as T));
  return items;
}

function expectExactlyOnce(got: string[], expected: string[]): void {
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort()).toEqual([...expected].sort());
}

describe('ApiVideoClient against a faulty, rate-limited emulator', () => {
  it('lists the whole catalog exactly once', async () => {
    const truth = emulator.emulator.truth;
    const [videos, live, players] = await Promise.all([
      all(client.videos()),
      all(client.liveStreams()),
      all(client.players()),
    ]);
    expectExactlyOnce(
      videos.map((v) => v.videoId),
      truth.videos().map((v) => (v as { videoId: string }).videoId),
    );
    expectExactlyOnce(
      live.map((l) => l.liveStreamId),
      truth.liveStreams().map((l) => (l as { liveStreamId: string }).liveStreamId),
    );
    expectExactlyOnce(
      players.map((p) => p.playerId),
      truth.players().map((p) => (p as { playerId: string }).playerId),
    );
  });

  it('lists every session of an asset and every event of its sessions exactly once, in order', async () => {
    const byAsset = new Map<string, TruthSession[]>();
    for (const s of emulator.emulator.truth.sessions()) {
      if (s.assetType === 'video') byAsset.set(s.assetId, [...(byAsset.get(s.assetId) ?? []), s]);
    }
    const [assetId, sessions] = [...byAsset].sort((a, b) => b[1].length - a[1].length)[0]!;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const period = {
      kind: 'range',
      from: day(sessions[0]!.loadedAtMs),
      to: day(sessions.at(-1)!.loadedAtMs),
    } as const;
    const listed = await all(client.videoSessions(assetId, period));
    expectExactlyOnce(
      listed.map((s) => s.session.sessionId),
      sessions.map((s) => s.sessionId),
    );

    // Enough requests to cross several token lifetimes and rate-limit windows.
    const sample = [...byAsset.values()].flat().slice(0, 300);
    const events = await Promise.all(sample.map((s) => all(client.sessionEvents(s.sessionId))));
    sample.forEach((s, i) => expect(events[i]).toEqual(s.events()));
  });

  it('got there through the faults: retries, 429s and token renewals all happened', () => {
    const stats = emulator.emulator.stats;
    expect(client.stats.retries).toBeGreaterThan(0);
    expect(client.stats.rateLimited).toBeGreaterThan(0);
    expect(stats.faults).toBeGreaterThan(0);
    expect(stats.byRoute['POST /auth/refresh'] ?? 0).toBeGreaterThan(0);
  });
});
