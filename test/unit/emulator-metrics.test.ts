import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregatedMetricSchema,
  breakdownItemSchema,
  metricPageSchema,
  timeseriesItemSchema,
} from '../../src/api/schemas.js';
import { parseApiTimestamp } from '../../src/api/timestamps.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

/**
 * The Analytics API must tell the same story as the raw sessions: every answer here is recounted
 * from `truth.sessions()` with the definitions documented in src/emulator/metrics.ts.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ms = (stamp: string) => Number(parseApiTimestamp(stamp) / 1000n);
const atom = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');

interface Fact {
  assetId: string;
  mediaType: string;
  country: string;
  deviceType: string;
  loaded: number;
  until: number;
  plays: number[];
  ends: number[];
  impressionMs: number | null;
  watch: number;
}

let run: RunningEmulator;
let now: number;
let facts: Fact[];

const DEVICE: Record<string, string> = {
  desktop: 'computer',
  mobile: 'phone',
  tablet: 'tablet',
  tv: 'tv',
};

beforeAll(async () => {
  run = await startEmulator({ preset: 'small', seed: 11, now: Date.UTC(2025, 4, 28, 19, 30) });
  // Stop the clock inside a long session, so open sessions and unseen events are part of the story.
  const long = [...run.emulator.truth.sessions()]
    .reverse()
    .find((s) => s.events().length > 40 && s.endedAtMs !== null)!;
  // A whole second, as the ATOM `from`/`to` of the queries are.
  now = Math.floor((long.loadedAtMs + long.endedAtMs!) / 2000) * 1000;
  run.emulator.clock.set(now);
  facts = [...run.emulator.truth.sessions()].map((s) => {
    const events = s.events() as Array<{ type: string; emittedAt: string }>;
    const times = (type: string) =>
      events.filter((e) => e.type === type).map((e) => ms(e.emittedAt));
    const ready = times('ready')[0];
    const api = s.api as { device: { type: string } };
    return {
      assetId: s.assetId,
      mediaType: s.assetType === 'video' ? 'video' : 'live-stream',
      country: s.countryCode!,
      deviceType: DEVICE[api.device.type]!,
      loaded: s.loadedAtMs,
      until: s.endedAtMs ?? now,
      plays: times('play'),
      ends: times('end'),
      impressionMs: ready === undefined ? null : ready - s.loadedAtMs,
      watch: s.stats().watchSeconds,
    };
  });
  expect(facts.some((f) => f.until === now)).toBe(true);
});
afterAll(() => run.close());

async function data(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(run.url + path, {
    headers: { authorization: `Basic ${Buffer.from(`${run.apiKey}:`).toString('base64')}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function metric(name: string, aggregation: string, query: string): Promise<number> {
  const { status, body } = await data(`/data/metrics/${name}/${aggregation}?${query}`);
  expect(status).toBe(200);
  return aggregatedMetricSchema.parse(body).data;
}

async function buckets(
  name: string,
  breakdown: string,
  query: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let page = 1; ; page++) {
    const { status, body } = await data(
      `/data/buckets/${name}/${breakdown}?${query}&pageSize=10&currentPage=${page}`,
    );
    expect(status).toBe(200);
    const parsed = metricPageSchema(breakdownItemSchema).parse(body);
    for (const item of parsed.data) out.set(item.dimensionValue!, item.metricValue!);
    if (page >= parsed.pagination.pagesTotal!) return out;
  }
}

function range(from: number, to: number) {
  return {
    query: `from=${encodeURIComponent(atom(from))}&to=${encodeURIComponent(atom(to))}`,
    loaded: facts.filter((f) => f.loaded >= from && f.loaded < to),
    count: (pick: (f: Fact) => number[]) =>
      facts.reduce((n, f) => n + pick(f).filter((t) => t >= from && t < to).length, 0),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const grouped = (items: Fact[], key: (f: Fact) => string, value: (f: Fact) => number) => {
  const out = new Map<string, number>();
  for (const f of items) out.set(key(f), (out.get(key(f)) ?? 0) + value(f));
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
};

describe('emulator metrics agree with the raw sessions', () => {
  it('counts impressions, plays, starts, ends and views', async () => {
    for (const [from, to] of [
      [now - 7 * DAY, now - DAY],
      [now - DAY, now],
    ] as const) {
      const r = range(from, to);
      expect(r.loaded.length).toBeGreaterThan(5);
      expect(await metric('impression', 'count', r.query)).toBe(r.loaded.length);
      expect(await metric('play', 'count', r.query)).toBe(r.count((f) => f.plays));
      expect(await metric('start', 'count', r.query)).toBe(r.count((f) => f.plays.slice(0, 1)));
      expect(await metric('end', 'count', r.query)).toBe(r.count((f) => f.ends));
      expect(await metric('view', 'count', r.query)).toBe(
        r.loaded.filter((f) => f.watch >= 5).length,
      );
      expect(await metric('view', 'count', `${r.query}&viewDuration=30s`)).toBe(
        r.loaded.filter((f) => f.watch >= 30).length,
      );
    }
  });

  it('computes rates, watch time and impression time', async () => {
    const r = range(now - 10 * DAY, now);
    const played = r.loaded.filter((f) => f.plays.length > 0);
    const ready = r.loaded.filter((f) => f.impressionMs !== null);
    expect(await metric('play', 'rate', r.query)).toBeCloseTo(played.length / r.loaded.length, 12);
    expect(await metric('watch-time', 'sum', r.query)).toBeCloseTo(
      sum(r.loaded.map((f) => f.watch)),
      6,
    );
    expect(await metric('watch-time', 'average', r.query)).toBeCloseTo(
      sum(r.loaded.map((f) => f.watch)) / played.length,
      6,
    );
    expect(await metric('impression-time', 'sum', r.query)).toBe(
      sum(ready.map((f) => f.impressionMs!)),
    );
    expect(await metric('impression-time', 'average', r.query)).toBeCloseTo(
      sum(ready.map((f) => f.impressionMs!)) / ready.length,
      6,
    );
  });

  it('defaults to the last day up to now', async () => {
    const { body } = await data('/data/metrics/impression/count');
    const parsed = aggregatedMetricSchema.parse(body);
    expect(Number(parsed.context.timeframe!.to! / 1000n)).toBe(now);
    expect(parsed.data).toBe(facts.filter((f) => f.loaded >= now - DAY && f.loaded < now).length);
  });

  it('breaks counts down by country, media, device type', async () => {
    const r = range(now - 14 * DAY, now);
    const plays = (f: Fact) => f.plays.filter((t) => t >= now - 14 * DAY && t < now).length;
    expect(await buckets('play', 'country', r.query)).toEqual(
      grouped(facts, (f) => f.country, plays),
    );
    expect(await buckets('impression', 'media-type', r.query)).toEqual(
      grouped(
        r.loaded,
        (f) => f.mediaType,
        () => 1,
      ),
    );
    expect(await buckets('impression', 'device-type', r.query)).toEqual(
      grouped(
        r.loaded,
        (f) => f.deviceType,
        () => 1,
      ),
    );
    expect(await buckets('view', 'media-id', r.query)).toEqual(
      grouped(
        r.loaded,
        (f) => f.assetId,
        (f) => (f.watch >= 5 ? 1 : 0),
      ),
    );
    const continents = await buckets('impression', 'continent', r.query);
    expect(sum([...continents.values()])).toBe(r.loaded.length);
    for (const k of continents.keys())
      expect(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']).toContain(k);
    for (const breakdown of ['operating-system', 'browser', 'referrer']) {
      expect(sum([...(await buckets('impression', breakdown, r.query)).values()])).toBe(
        r.loaded.length,
      );
    }
  });

  it('sorts breakdowns by value (desc by default) or by dimension', async () => {
    const r = range(now - 14 * DAY, now);
    const { body } = await data(`/data/buckets/play/country?${r.query}`);
    const values = (body.data as Array<{ metricValue: number }>).map((d) => d.metricValue);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const { body: byName } = await data(
      `/data/buckets/play/country?${r.query}&sortBy=dimensionValue&sortOrder=asc`,
    );
    const names = (byName.data as Array<{ dimensionValue: string }>).map((d) => d.dimensionValue);
    expect(names).toEqual([...names].sort());
  });

  it('filters by media, media type and country', async () => {
    const r = range(now - 20 * DAY, now);
    const top = [
      ...grouped(
        r.loaded,
        (f) => f.assetId,
        () => 1,
      ),
    ].sort((a, b) => b[1] - a[1])[0]![0];
    expect(await metric('impression', 'count', `${r.query}&filterBy[mediaId]=${top}`)).toBe(
      r.loaded.filter((f) => f.assetId === top).length,
    );
    expect(await metric('impression', 'count', `${r.query}&filterBy[mediaType]=live-stream`)).toBe(
      r.loaded.filter((f) => f.mediaType === 'live-stream').length,
    );
    expect(
      await metric(
        'impression',
        'count',
        `${r.query}&filterBy[country][]=FR&filterBy[country][]=US`,
      ),
    ).toBe(r.loaded.filter((f) => f.country === 'FR' || f.country === 'US').length);
    expect((await buckets('impression', 'country', `${r.query}&filterBy[country]=FR`)).size).toBe(
      1,
    );
  });

  it('gives time series per day and per hour, omitting empty buckets', async () => {
    const from = Math.floor(now / DAY) * DAY - 6 * DAY;
    const r = range(from, now);
    const { status, body } = await data(`/data/timeseries/impression?${r.query}&pageSize=100`);
    expect(status).toBe(200);
    const page = metricPageSchema(timeseriesItemSchema).parse(body);
    expect(page.context).toMatchObject({ metric: 'impression', interval: 'day' });
    const expected = grouped(
      r.loaded,
      (f) => atom(Math.floor(f.loaded / DAY) * DAY),
      () => 1,
    );
    const sentDays = (body as { data: Array<{ emittedAt: string; metricValue: number }> }).data;
    expect(page.data).toHaveLength(sentDays.length);
    expect(new Map(sentDays.map((d) => [d.emittedAt, d.metricValue]))).toEqual(expected);

    const day = range(now - DAY, now);
    const hourly = await data(`/data/timeseries/play?${day.query}&pageSize=100`);
    const hours = metricPageSchema(timeseriesItemSchema).parse(hourly.body);
    expect(hours.context.interval).toBe('hour');
    const sent = (hourly.body as { data: Array<{ emittedAt: string }> }).data;
    for (const item of sent)
      expect(item.emittedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}\+00:00:00:00$/);
    expect(sum(hours.data.map((d) => d.metricValue!))).toBe(day.count((f) => f.plays));
    const times = sent.map((d) => ms(d.emittedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('measures concurrent viewers from session intervals', async () => {
    const from = now - 3 * DAY;
    const r = range(from, now);
    const alive = (t: number) => facts.filter((f) => f.loaded <= t && t < f.until).length;
    const candidates = [from, ...facts.map((f) => f.loaded).filter((t) => t >= from && t < now)];
    expect(await metric('ccv', 'peak', r.query)).toBe(Math.max(...candidates.map(alive)));
    const overlap = sum(
      facts.map((f) => Math.max(0, Math.min(f.until, now) - Math.max(f.loaded, from))),
    );
    const average = await buckets('ccv-average', 'media-type', r.query);
    expect(sum([...average.values()])).toBeCloseTo(overlap / (now - from), 9);
    expect(await metric('ccv', 'live', '')).toBe(
      Math.max(
        ...[now - 20_000, ...facts.map((f) => f.loaded).filter((t) => t >= now - 20_000)].map(
          alive,
        ),
      ),
    );
  });

  it('counts every play ever for play totals, whatever the timeframe', async () => {
    const total = sum(facts.map((f) => f.plays.length));
    expect(await metric('play', 'total', '')).toBe(total);
    expect(await metric('play', 'total', 'from=2001-01-01')).toBe(total);
    const perAsset = await buckets('play-total', 'media-id', '');
    expect(perAsset).toEqual(
      grouped(
        facts,
        (f) => f.assetId,
        (f) => f.plays.length,
      ),
    );
  });

  it('answers the spec’s 400s', async () => {
    const cases: Array<[string, string]> = [
      ['/data/metrics/nope/count', 'metric'],
      ['/data/metrics/play/sum', 'aggregation'],
      ['/data/buckets/play/planet', 'breakdown'],
      ['/data/buckets/play-total/country', 'breakdown'],
      ['/data/timeseries/watch-time', 'metric'],
      [`/data/metrics/play/count?from=${encodeURIComponent(atom(now - 31 * DAY))}`, 'from'],
      ['/data/metrics/play/count?from=yesterday', 'from'],
      [
        `/data/timeseries/play?from=${encodeURIComponent(atom(now - 2 * HOUR))}&interval=minute`,
        'interval',
      ],
      ['/data/timeseries/play?interval=week', 'interval'],
      ['/data/metrics/view/count?viewDuration=7s', 'viewDuration'],
      ['/data/metrics/play/count?viewDuration=5s', 'viewDuration:5s'],
      ['/data/metrics/play/count?unique=true', 'unique:true'],
      ['/data/metrics/play/count?filterBy[planet]=mars', 'filterBy[planet]:mars'],
      ['/data/metrics/play/total?filterBy[country]=FR', 'filterBy[country]:FR'],
      // Parameters the route does not take, named with their value as in the spec's example.
      ['/data/metrics/play/count?foo=1', 'foo:1'],
      ['/data/metrics/play/count?currentPage=1', 'currentPage:1'],
      ['/data/buckets/play/country?interval=day', 'interval:day'],
      ['/data/timeseries/play?breakdown=country', 'breakdown:country'],
      ['/data/timeseries/play?pageSize=101', 'pageSize'],
      ['/data/buckets/play/country?currentPage=0', 'page'],
      ['/data/buckets/play/country?sortBy=size', 'sortBy'],
    ];
    for (const [path, name] of cases) {
      const { status, body } = await data(path);
      expect([path, status]).toEqual([path, 400]);
      expect(body).toMatchObject({ status: 400, name });
      // The spec's page-range 400 has no type; the Analytics API's own 400s have one.
      if (name === 'page' || name === 'pageSize') continue;
      expect(body.type).toMatch(
        /^https:\/\/docs\.api\.video\/reference\/(invalid-attribute|request-invalid-query-parameter)$/,
      );
    }
  });
});
