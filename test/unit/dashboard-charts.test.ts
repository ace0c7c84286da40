import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../src/dashboard/shared/charts.js';
import { allCharts, buildAggregates, readFacts } from '../../src/dashboard/queries.js';
import type { Filter, Row } from '../../src/dashboard/shared/types.js';
import type { Row as LoadRow } from '../../src/warehouse/schema.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { TableLoader } from '../../src/warehouse/load.js';
import { ensureSchema } from '../../src/warehouse/migrate.js';
import { recomputeFigures, refreshAssetTitles } from '../../src/warehouse/model.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

interface Ev {
  type: string;
  /** seconds after the session loaded */
  t: number;
  at?: number;
}

const SESSIONS: Array<{
  id: string;
  type: 'video' | 'live_stream';
  asset: string;
  at: string;
  country: [string, string] | null;
  device: string;
  os: string;
  browser: string;
  source: string;
  medium: string;
  events: Ev[];
}> = [
  // Monday 2025-03-03
  {
    id: 's1',
    type: 'video',
    asset: 'v1',
    at: '2025-03-03T10:15:00Z',
    country: ['US', 'United States'],
    device: 'desktop',
    os: 'Windows',
    browser: 'Chrome',
    source: 'https://google.com',
    medium: 'organic',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'pause', t: 30, at: 30 },
    ],
  },
  {
    id: 's2',
    type: 'video',
    asset: 'v1',
    at: '2025-03-03T10:45:00Z',
    country: ['FR', 'France'],
    device: 'mobile',
    os: 'Android',
    browser: 'Chrome Mobile',
    source: 'newsletter',
    medium: 'email',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'end', t: 100, at: 100 },
    ],
  },
  // Tuesday 2025-03-04
  {
    id: 's3',
    type: 'video',
    asset: 'v2',
    at: '2025-03-04T23:59:00Z',
    country: ['US', 'United States'],
    device: 'desktop',
    os: 'Windows',
    browser: 'Firefox',
    source: 'https://google.com',
    medium: 'organic',
    events: [{ type: 'ready', t: 0 }],
  },
  {
    id: 's4',
    type: 'live_stream',
    asset: 'l1',
    at: '2025-03-04T00:00:00Z',
    country: ['DE', 'Germany'],
    device: 'tv',
    os: 'Tizen',
    browser: 'Samsung Browser',
    source: 'unknown',
    medium: 'unknown',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'pause', t: 700, at: 700 },
    ],
  },
  {
    id: 's5',
    type: 'video',
    asset: 'v2',
    at: '2025-03-04T12:00:00Z',
    country: null,
    device: 'mobile',
    os: 'iOS',
    browser: 'Mobile Safari',
    source: 'unknown',
    medium: 'unknown',
    events: [],
  },
];

async function buildWarehouse(): Promise<Warehouse> {
  const db = await Warehouse.open(':memory:');
  await ensureSchema(db);
  const seen = {
    first_seen_at: us('2025-03-01T00:00:00Z'),
    last_seen_at: us('2025-03-05T00:00:00Z'),
  };
  await db.transaction(async () => {
    await new TableLoader(db, 'videos').load([
      { video_id: 'v1', title: 'Intro', ...seen, raw: '{}' },
      { video_id: 'v2', title: HOSTILE, ...seen, raw: '{}' },
    ]);
    await new TableLoader(db, 'live_streams').load([
      { live_stream_id: 'l1', name: 'Morning show', ...seen, raw: '{}' },
    ]);
    await new TableLoader(db, 'sessions').load(
      SESSIONS.map((s): LoadRow => ({
        session_id: s.id,
        asset_type: s.type,
        asset_id: s.asset,
        loaded_at: us(s.at),
        country: s.country?.[1] ?? null,
        country_code: s.country?.[0] ?? null,
        device_type: s.device,
        os_name: s.os,
        client_name: s.browser,
        referrer_source: s.source,
        referrer_medium: s.medium,
        raw: '{}',
      })),
    );
    await new TableLoader(db, 'session_events').load(
      SESSIONS.flatMap((s) =>
        s.events.map((e, seq): LoadRow => ({
          session_id: s.id,
          seq,
          type: e.type,
          emitted_at: us(s.at) + BigInt(e.t) * 1_000_000n,
          at_position: e.at ?? null,
          raw: '{}',
        })),
      ),
    );
    const fetched = us('2025-03-05T00:00:00Z');
    await new TableLoader(db, 'metric_timeseries').load([
      {
        metric: 'play',
        interval: 'day',
        bucket_start: us('2025-03-03T00:00:00Z'),
        value: 5,
        fetched_at: fetched,
        raw: '{}',
      },
      {
        metric: 'view',
        interval: 'day',
        bucket_start: us('2025-03-03T00:00:00Z'),
        value: 3,
        fetched_at: fetched,
        raw: '{}',
      },
      {
        metric: 'play',
        interval: 'day',
        bucket_start: us('2025-03-04T00:00:00Z'),
        value: 2,
        fetched_at: fetched,
        raw: '{}',
      },
      // A rate is not a count: it never reaches the charts.
      {
        metric: 'play-rate',
        interval: 'day',
        bucket_start: us('2025-03-03T00:00:00Z'),
        value: 0.5,
        fetched_at: fetched,
        raw: '{}',
      },
    ]);
    await new TableLoader(db, 'metric_breakdowns').load([
      {
        day: '2025-03-03',
        metric: 'play',
        breakdown: 'country',
        dimension_value: 'US',
        value: 4,
        fetched_at: fetched,
        raw: '{}',
      },
      {
        day: '2025-03-04',
        metric: 'play',
        breakdown: 'country',
        dimension_value: 'US',
        value: 1,
        fetched_at: fetched,
        raw: '{}',
      },
      {
        day: '2025-03-04',
        metric: 'play',
        breakdown: 'country',
        dimension_value: 'FR',
        value: 2,
        fetched_at: fetched,
        raw: '{}',
      },
      {
        day: '2025-03-03',
        metric: 'view',
        breakdown: 'device-type',
        dimension_value: 'computer',
        value: 3,
        fetched_at: fetched,
        raw: '{}',
      },
    ]);
    await recomputeFigures(db);
    await refreshAssetTitles(db);
  });
  return db;
}

describe('chart SQL on a small hand-made warehouse', () => {
  let db: Warehouse;
  const answers = new Map<string, Record<string, Row[]>>();
  const answer = async (filter: Filter, fast = false) => {
    const key = JSON.stringify([filter, fast]);
    if (!answers.has(key)) answers.set(key, await allCharts(db, filter, fast));
    return answers.get(key)!;
  };

  beforeAll(async () => {
    db = await buildWarehouse();
    await buildAggregates(db);
  });
  afterAll(() => db.close());

  it('adds up the headline figures from sums', async () => {
    const { totals } = await answer({ type: 'all' });
    // watch: s1 30 s + s2 100 s + s4 700 s; ended: s2; played: s1, s2, s4.
    expect(totals).toEqual([{ sessions: 5, watch: 830, ended: 1, played: 3 }]);
  });

  it('splits sessions per UTC day and asset type', async () => {
    const { daily } = await answer({ type: 'all' });
    expect(daily).toEqual([
      { day: '2025-03-03', asset_type: 'video', sessions: 2, watch: 130 },
      { day: '2025-03-04', asset_type: 'live_stream', sessions: 1, watch: 700 },
      { day: '2025-03-04', asset_type: 'video', sessions: 2, watch: 0 },
    ]);
  });

  it('counts countries, unknown last, and live streams apart', async () => {
    const { countries, countries_live } = await answer({ type: 'all' });
    expect(countries).toEqual([
      { country_code: 'DE', sessions: 1, watch: 700 },
      { country_code: 'FR', sessions: 1, watch: 100 },
      { country_code: 'US', sessions: 2, watch: 30 },
      { country_code: null, sessions: 1, watch: 0 },
    ]);
    expect(countries_live).toEqual([{ country_code: 'DE', sessions: 1, watch: 700 }]);
  });

  it('places sessions on the UTC weekday × hour grid', async () => {
    const { hours } = await answer({ type: 'all' });
    expect(hours).toEqual([
      { weekday: 1, hour: 10, sessions: 2 },
      { weekday: 2, hour: 0, sessions: 1 },
      { weekday: 2, hour: 12, sessions: 1 },
      { weekday: 2, hour: 23, sessions: 1 },
    ]);
  });

  it('bins watch time and the furthest position', async () => {
    const { watch_bins, position_bins } = await answer({ type: 'all' });
    // Bins: 0 [0,10) 1 [10,30) 2 [30,60) 3 [60,120) … 6 [600,1200).
    expect(watch_bins).toEqual([
      { bin: 0, sessions: 2 },
      { bin: 2, sessions: 1 },
      { bin: 3, sessions: 1 },
      { bin: 6, sessions: 1 },
    ]);
    // s3 (only `ready`, no position) and s5 (no events) have none.
    expect(position_bins).toEqual([
      { bin: 2, sessions: 1 },
      { bin: 3, sessions: 1 },
      { bin: 6, sessions: 1 },
      { bin: null, sessions: 2 },
    ]);
  });

  it('ranks assets by sessions with their ids (titles come from meta)', async () => {
    const { assets } = await answer({ type: 'all' });
    expect(assets).toEqual([
      { asset_type: 'video', asset_id: 'v1', sessions: 2, watch: 130 },
      { asset_type: 'video', asset_id: 'v2', sessions: 2, watch: 0 },
      { asset_type: 'live_stream', asset_id: 'l1', sessions: 1, watch: 700 },
    ]);
  });

  it('applies the date range, the asset type and one asset', async () => {
    expect((await answer({ type: 'all', from: '2025-03-04' })).totals).toEqual([
      { sessions: 3, watch: 700, ended: 0, played: 1 },
    ]);
    expect((await answer({ type: 'all', to: '2025-03-03' })).totals).toEqual([
      { sessions: 2, watch: 130, ended: 1, played: 2 },
    ]);
    expect((await answer({ type: 'live_stream' })).totals).toEqual([
      { sessions: 1, watch: 700, ended: 0, played: 1 },
    ]);
    expect((await answer({ type: 'all', asset: 'v1' })).devices).toEqual([
      { device_type: 'desktop', sessions: 1, watch: 30 },
      { device_type: 'mobile', sessions: 1, watch: 100 },
    ]);
    // An asset of another type than the filter's selects nothing.
    expect((await answer({ type: 'live_stream', asset: 'v1' })).totals).toEqual([
      { sessions: 0, watch: 0, ended: 0, played: 0 },
    ]);
  });

  it("keeps only the Analytics API's counts, by day, country and device type", async () => {
    const all = await answer({ type: 'all' });
    expect(all.api_daily).toEqual([
      { day: '2025-03-03', metric: 'play', value: 5 },
      { day: '2025-03-03', metric: 'view', value: 3 },
      { day: '2025-03-04', metric: 'play', value: 2 },
    ]);
    expect(all.api_countries).toEqual([
      { metric: 'play', dimension_value: 'FR', value: 2 },
      { metric: 'play', dimension_value: 'US', value: 5 },
    ]);
    expect(all.api_devices).toEqual([{ metric: 'view', dimension_value: 'computer', value: 3 }]);
    // Account-wide: an asset filter leaves them alone; the date range does not.
    const oneAsset = await answer({ type: 'video', asset: 'v2', from: '2025-03-04' });
    expect(oneAsset.api_daily).toEqual([{ day: '2025-03-04', metric: 'play', value: 2 }]);
  });

  it('answers the same from the aggregates and the by-asset copy as from the tables', async () => {
    for (const filter of [
      { type: 'all' },
      { type: 'video', from: '2025-03-04' },
      { type: 'all', asset: 'v1' },
      { type: 'live_stream', asset: 'l1', to: '2025-03-04' },
    ] satisfies Filter[]) {
      expect(await answer(filter, true), JSON.stringify(filter)).toEqual(await answer(filter));
    }
  });

  it('gives every chart an answer, empty when the range has nothing', async () => {
    const none = await answer({ type: 'all', from: '2030-01-01' });
    expect(Object.keys(none).sort()).toEqual(CHARTS.map((c) => c.id).sort());
    expect(none.totals).toEqual([{ sessions: 0, watch: 0, ended: 0, played: 0 }]);
    for (const chart of CHARTS.filter((c) => c.id !== 'totals')) expect(none[chart.id]).toEqual([]);
  });

  it('lists assets with current titles, the extent and country names', async () => {
    const facts = await readFacts(db);
    expect(facts.extent).toEqual({ from: '2025-03-03', to: '2025-03-04' });
    expect(facts.sessions).toBe(5);
    expect(facts.assets).toEqual([
      { type: 'video', id: 'v1', title: 'Intro', sessions: 2 },
      { type: 'video', id: 'v2', title: HOSTILE, sessions: 2 },
      { type: 'live_stream', id: 'l1', title: 'Morning show', sessions: 1 },
    ]);
    expect(facts.countries).toEqual({ DE: 'Germany', FR: 'France', US: 'United States' });
    expect((await readFacts(db, { from: '2025-03-04' })).assets.map((a) => a.id)).toEqual([
      'v2',
      'l1',
    ]);
  });
});
