/**
 * `variance`: answers vary within what the specs allow, always alike for the same seed and
 * request, and the ground truth says exactly what each variation did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
  type TruthSession,
} from '../../src/emulator/index.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const DAY = 86_400_000;
type Obj = Record<string, unknown>;

interface Answer {
  status: number;
  type: string | null;
  body: Obj;
  text: string;
}

async function get(run: RunningEmulator, path: string): Promise<Answer> {
  const res = await fetch(run.url + path, {
    headers: { authorization: `Basic ${Buffer.from(`${run.apiKey}:`).toString('base64')}` },
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: JSON.parse(text),
    text,
  };
}

/** Every page of a listing, up to the first answer that is not a 200. */
async function walk(run: RunningEmulator, path: string, pageSize = 25) {
  const items: Obj[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const answer = await get(run, `${path}${sep}currentPage=${page}&pageSize=${pageSize}`);
    if (answer.status !== 200) return { items, stoppedBy: answer, page };
    items.push(...(answer.body.data as Obj[]));
    const pagination = answer.body.pagination as { pagesTotal: number };
    if (page >= pagination.pagesTotal) return { items, stoppedBy: undefined, page };
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const history = (days: number) => `period=${day(NOW - days * DAY)}/${day(NOW)}`;

const running: RunningEmulator[] = [];
async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  const run = await startEmulator({ now: NOW, ...options });
  running.push(run);
  return run;
}
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

describe('emulator variance: off by default', () => {
  it('varies nothing and plans no deletion', async () => {
    const run = await start({ preset: 'tiny', seed: 3 });
    const report = run.emulator.truth.variance();
    expect(report.enabled).toBe(false);
    expect(report.catalog).toEqual([]);
    expect(report.sessions).toEqual({ byVariation: {}, eventsGone: [], unknownEvents: [] });
    expect(report.vanishingAssets).toEqual([]);
    for (const s of run.emulator.truth.sessions()) {
      expect([s.listed, s.readable, s.eventsGone, s.variations]).toEqual([true, true, false, []]);
    }
  });
});

describe('emulator variance: on', () => {
  let run: RunningEmulator;
  let sessions: TruthSession[];
  beforeAll(async () => {
    run = await start({ preset: 'small', seed: 11, variance: true });
    sessions = [...run.emulator.truth.sessions()];
  });

  it('varies every kind of thing the README lists, on a small account', () => {
    const report = run.emulator.truth.variance();
    const kinds = Object.keys(report.sessions.byVariation);
    for (const kind of [
      'absent:session.loadedAt',
      'empty-referrer',
      'null:referrer.url',
      'null:location.city',
      'extra-fields',
      'session.metadata',
      'unreadable',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(kinds.some((k) => /^absent:(location|referrer|device|os|client)$/.test(k))).toBe(true);
    expect(report.sessions.eventsGone.length).toBeGreaterThan(0);
    expect(report.sessions.unknownEvents.length).toBeGreaterThan(0);
    const applied = report.catalog.flatMap((c) => c.applied);
    expect(applied.some((a) => a.startsWith('absent:'))).toBe(true);
    expect(applied).toContain('extra-fields');
    expect(report.vanishingAssets.map((v) => v.assetType)).toEqual(['video', 'live_stream']);
  });

  it('never leaves out a field a spec requires', async () => {
    for (const v of (await walk(run, '/videos', 100)).items) expect(v.videoId).toBeTypeOf('string');
    for (const l of (await walk(run, '/live-streams', 100)).items) {
      expect(l.liveStreamId).toBeTypeOf('string');
      expect(l.restreams).toBeInstanceOf(Array);
    }
    for (const p of (await walk(run, '/players', 100)).items)
      expect(p.playerId).toBeTypeOf('string');
  });

  it('lists each session exactly as the truth says, flags and all', async () => {
    const report = run.emulator.truth.variance();
    const vanishing = new Set(report.vanishingAssets.map((v) => v.assetId));
    const byId = new Map(sessions.map((s) => [s.sessionId, s]));
    const assets = new Set(sessions.map((s) => `${s.assetType}:${s.assetId}`));
    for (const key of assets) {
      const [type, id] = key.split(':') as [string, string];
      if (vanishing.has(id)) continue;
      const route = type === 'video' ? 'videos' : 'live-streams';
      const { items, stoppedBy } = await walk(run, `/analytics/${route}/${id}?${history(60)}`, 100);
      expect(stoppedBy).toBeUndefined();
      const expected = sessions.filter((s) => s.assetId === id).map((s) => s.api);
      expect(items).toEqual(expected);
    }
    for (const s of sessions.filter((x) => !x.readable)) {
      expect((s.api as { session: Obj }).session.sessionId).toBeUndefined();
      expect(s.variations).toContain('unreadable');
    }
    // A session whose events are gone answers 404; the others answer the truth's events.
    const gone = byId.get(report.sessions.eventsGone[0]!)!;
    const answer = await get(run, `/analytics/sessions/${gone.sessionId}/events`);
    expect([answer.status, answer.body.status]).toEqual([404, 404]);
    expect(gone.events()).toEqual([]);
    expect(gone.stats().eventCount).toBe(0);
    const unknown = byId.get(
      report.sessions.unknownEvents.find((id) => !byId.get(id)!.eventsGone)!,
    )!;
    const events = (await walk(run, `/analytics/sessions/${unknown.sessionId}/events`, 100)).items;
    expect(events).toEqual(unknown.events());
    expect(events.some((e) => report.unknownEventTypes.includes(e.type as string))).toBe(true);
    expect(unknown.stats().eventCount).toBe(events.length);
  });

  it('makes the most popular video vanish between two pages of its sessions', async () => {
    const plan = run.emulator.truth.variance().vanishingAssets[0]!;
    expect(plan.vanished).toBe(false);
    const path = `/analytics/videos/${plan.assetId}?${history(60)}`;
    const { items, stoppedBy, page } = await walk(run, path, 5);
    expect(items).toHaveLength(5);
    expect(page).toBe(2);
    expect(stoppedBy!.status).toBe(404);
    expect(stoppedBy!.type).toBe('application/problem+json');
    expect((await get(run, `/videos/${plan.assetId}`)).status).toBe(404);
    const listed = (await walk(run, '/videos', 100)).items.map((v) => v.videoId);
    expect(listed).not.toContain(plan.assetId);
    expect(run.emulator.truth.videos().map((v) => (v as Obj).videoId)).not.toContain(plan.assetId);

    const after = run.emulator.truth.variance().vanishingAssets[0]!;
    expect(after).toMatchObject({
      vanished: true,
      afterRequest: `GET ${path}&currentPage=1&pageSize=5`,
    });
    const served = items.map((s) => (s.session as Obj).sessionId ?? null);
    const ofAsset = [...run.emulator.truth.sessions()].filter((s) => s.assetId === plan.assetId);
    expect(after.servedSessionIds).toEqual(ofAsset.slice(0, 5).map((s) => s.sessionId));
    expect(served.filter(Boolean)).toEqual(
      ofAsset
        .slice(0, 5)
        .filter((s) => s.readable)
        .map((s) => s.sessionId),
    );
    expect(ofAsset.map((s) => s.listed)).toEqual(ofAsset.map((_, i) => i < 5));
  });

  it('answers /data as the truth says, with the spec’s looser spellings', async () => {
    const from = encodeURIComponent(new Date(NOW - 20 * DAY).toISOString());
    const seen = new Set<string>();
    for (let k = 0; k < 40; k++) {
      for (const url of [
        `/data/timeseries/impression?interval=day&from=${from}&pageSize=${10 + k}`,
        `/data/timeseries/play?interval=hour&pageSize=${10 + k}`,
        `/data/buckets/impression/referrer?pageSize=${10 + k}`,
        `/data/metrics/play/count?from=${from}&to=${encodeURIComponent(new Date(NOW - k * 60_000).toISOString())}`,
      ]) {
        const answer = await get(run, url);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(run.emulator.truth.analytics(url).body);
        const body = answer.body as { context: Obj; data: unknown };
        if (!('timeframe' in body.context)) seen.add('no-timeframe');
        if (typeof body.data === 'string') seen.add('numeric-string');
        if (Array.isArray(body.data)) {
          for (const item of body.data as Obj[]) {
            if (typeof item.metricValue === 'string') seen.add('numeric-string');
            if (/^\d{4}-\d{2}-\d{2}$/.test(String(item.emittedAt))) seen.add('date-only');
            if (/T\d{2}:00:00\+00:00$/.test(String(item.emittedAt)) && url.includes('hour'))
              seen.add('atom-hour');
            if ('metricValue' in item && !('emittedAt' in item) && !('dimensionValue' in item))
              seen.add('no-dimension');
          }
        }
        if ('futureField' in body || 'futureField' in body.context) seen.add('extra-fields');
      }
    }
    expect([...seen].sort()).toEqual(
      [
        'atom-hour',
        'date-only',
        'extra-fields',
        'no-dimension',
        'no-timeframe',
        'numeric-string',
      ].sort(),
    );
  });

  it('spells 404s both ways, always alike for the same request', async () => {
    const types = new Set<string>();
    const names = new Set<boolean>();
    for (let k = 0; k < 30; k++) {
      const path = `/videos/vi-missing-${k}`;
      const first = await get(run, path);
      expect((await get(run, path)).text).toBe(first.text);
      expect(first.status).toBe(404);
      types.add(first.body.type as string);
      names.add('name' in first.body);
    }
    expect([...types].sort()).toEqual([
      'https://docs.api.video/docs/resourcenot_found',
      'https://docs.api.video/reference/resource-not-found',
    ]);
    expect([...names].sort()).toEqual([false, true]);
  });

  it('gives the same answers for the same seed and now, request by request', async () => {
    const [one, other] = [
      await start({ preset: 'small', seed: 11, variance: true }),
      await start({ preset: 'small', seed: 11, variance: true }),
    ];
    const paths = [
      '/videos?pageSize=7',
      '/live-streams',
      '/players',
      `/analytics/videos/${sessions[3]!.assetId}?${history(10)}`,
      `/analytics/sessions/${sessions[5]!.sessionId}/events`,
      '/data/buckets/play/country',
      '/data/timeseries/start?interval=hour',
      '/videos/nope',
    ];
    for (const path of paths) {
      const [a, b] = [await get(one, path), await get(other, path)];
      expect([path, b.text]).toEqual([path, a.text]);
    }
  });
});
