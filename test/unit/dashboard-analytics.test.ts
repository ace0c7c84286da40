/**
 * Retention, the session explorer and a session's timeline on a small hand-made warehouse whose
 * answers can be worked out by hand; and the report's in-browser explorer held equal to serve's SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECENT_TABLE,
  recentSessionsSql,
  sessionDetail,
  sessionPage,
} from '../../src/dashboard/explorer.js';
import { BY_ASSET_TABLE } from '../../src/dashboard/sql.js';
import { dataAnswer, prepareSnapshot } from '../../src/dashboard/queries.js';
import { liveStep, niceStep, retention } from '../../src/dashboard/retention.js';
import { pageOf, PAGE_SIZE } from '../../src/dashboard/shared/explorer.js';
import { dropOffs, playStretches } from '../../src/dashboard/shared/retention.js';
import type {
  SessionQuery,
  SessionRow,
  VideoRetention,
  LiveViewers,
} from '../../src/dashboard/shared/types.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { TableLoader } from '../../src/warehouse/load.js';
import { ensureSchema } from '../../src/warehouse/migrate.js';
import { recomputeFigures } from '../../src/warehouse/model.js';
import type { Row as LoadRow } from '../../src/warehouse/schema.js';

const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

interface Ev {
  type: string;
  t: number;
  at?: number;
  from?: number;
  to?: number;
}

const SESSIONS: Array<{
  id: string;
  type: 'video' | 'live_stream';
  asset: string;
  at: string;
  end?: string;
  country: string | null;
  city: string | null;
  device: string;
  events: Ev[];
}> = [
  // a: plays 0–60.
  {
    id: 'a',
    type: 'video',
    asset: 'v1',
    at: '2025-03-03T10:00:00Z',
    country: 'US',
    city: 'Boston',
    device: 'desktop',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'pause', t: 60, at: 60 },
    ],
  },
  // b: plays 0–20, seeks to 40 and plays to 50: a gap at 20–40.
  {
    id: 'b',
    type: 'video',
    asset: 'v1',
    at: '2025-03-03T11:00:00Z',
    country: 'FR',
    city: 'Paris',
    device: 'mobile',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'seek.forward', t: 20, from: 20, to: 40 },
      { type: 'pause', t: 30, at: 50 },
    ],
  },
  // c: plays 0–30, seeks back to 10 and plays to 40: the rewatch of 10–30 counts once.
  {
    id: 'c',
    type: 'video',
    asset: 'v1',
    at: '2025-03-04T09:00:00Z',
    country: 'US',
    city: '=HYPERLINK("x")',
    device: 'tv',
    events: [
      { type: 'play', t: 0, at: 0 },
      { type: 'seek.backward', t: 30, from: 30, to: 10 },
      { type: 'end', t: 60, at: 40 },
    ],
  },
  // d: loads and never plays.
  {
    id: 'd',
    type: 'video',
    asset: 'v1',
    at: '2025-03-05T09:00:00Z',
    country: null,
    city: null,
    device: 'mobile',
    events: [{ type: 'ready', t: 0 }],
  },
  // Live: three viewers, two of them at once.
  {
    id: 'l-1',
    type: 'live_stream',
    asset: 'l1',
    at: '2025-03-03T20:00:00Z',
    end: '2025-03-03T20:30:00Z',
    country: 'DE',
    city: 'Berlin',
    device: 'desktop',
    events: [],
  },
  {
    id: 'l-2',
    type: 'live_stream',
    asset: 'l1',
    at: '2025-03-03T20:10:00Z',
    end: '2025-03-03T20:20:00Z',
    country: 'DE',
    city: 'Berlin',
    device: 'mobile',
    events: [],
  },
  {
    id: 'l-3',
    type: 'live_stream',
    asset: 'l1',
    at: '2025-03-03T21:00:00Z',
    end: '2025-03-03T21:05:00Z',
    country: 'DE',
    city: 'Munich',
    device: 'mobile',
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
        ended_at: s.end ? us(s.end) : null,
        country_code: s.country,
        city: s.city,
        device_type: s.device,
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
          from_position: e.from ?? null,
          to_position: e.to ?? null,
          raw: '{}',
        })),
      ),
    );
    await recomputeFigures(db);
  });
  return db;
}

describe('retention, the explorer and timelines on a hand-made warehouse', () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await buildWarehouse();
    await prepareSnapshot(db);
  });
  afterAll(() => db?.close());

  it('counts a position for the sessions whose stretches hold it, a rewatch once', async () => {
    const r = (await retention(db, { type: 'all', asset: 'v1' }, 'video')) as VideoRetention;
    expect(r.kind).toBe('video');
    expect(r.sessions).toBe(4);
    // d never played: it is not in the denominator.
    expect(r.played).toBe(3);
    expect(r.step).toBe(1);
    expect(r.viewers).toHaveLength(61);
    // At 0 all three; b's gap 20–40 leaves a and c; c stops at 40, b plays 40–50.
    expect(r.viewers[0]).toBe(3);
    expect(r.viewers[15]).toBe(3);
    expect(r.viewers[20]).toBe(2);
    expect(r.viewers[39]).toBe(2);
    expect(r.viewers[40]).toBe(2);
    expect(r.viewers[50]).toBe(1);
    expect(r.viewers[60]).toBe(0);
    // c rewatched 10–30: still one viewer there, never two.
    expect(Math.max(...r.viewers)).toBe(3);
    // Watch seconds: a 60, b 20 + 10, c 30 + 30.
    expect(r.averageViewSeconds).toBeCloseTo(150 / 3);
  });

  it('limits retention to the filter’s days', async () => {
    const r = (await retention(
      db,
      { type: 'all', asset: 'v1', from: '2025-03-04' },
      'video',
    )) as VideoRetention;
    expect(r.sessions).toBe(2);
    expect(r.played).toBe(1);
    expect(r.viewers[0]).toBe(1);
  });

  it('counts a live stream’s concurrent viewers per interval', async () => {
    const r = (await retention(db, { type: 'all', asset: 'l1' }, 'live_stream')) as LiveViewers;
    expect(r.kind).toBe('live');
    expect(r.sessions).toBe(3);
    // 20:00 to 21:05: 65 minutes in intervals of a minute.
    expect(r.step).toBe(60);
    expect(r.start).toBe('2025-03-03T20:00:00.000Z');
    expect(r.viewers).toHaveLength(65);
    // l-1 20:00–20:30, l-2 20:10–20:20 beside it, then nobody until l-3 at 21:00–21:05.
    expect([0, 9, 10, 19, 20, 29, 30, 59, 60, 64].map((i) => r.viewers[i])).toEqual([
      1, 1, 2, 2, 1, 1, 0, 0, 1, 1,
    ]);
  });

  it('picks nice steps', () => {
    expect(niceStep(60, 100)).toBe(1);
    expect(niceStep(372, 100)).toBe(5);
    expect(niceStep(7200, 100)).toBe(100);
    expect(liveStep(65 * 60)).toBe(60);
    expect(liveStep(10 * 3600)).toBe(300);
    expect(liveStep(365 * 86_400)).toBe(7 * 86_400);
  });

  it('finds drop-offs apart from each other, not the video ending', () => {
    const r: VideoRetention = {
      kind: 'video',
      asset: 'x',
      sessions: 100,
      played: 100,
      averageViewSeconds: 0,
      step: 10,
      viewers: [100, 90, 88, 87, 60, 59, 58, 57, 56, 55, 54, 53, 0],
    };
    // The last fall (53 → 0) is the end; 88 → 87 is under 2%.
    expect(dropOffs(r)).toEqual([
      { position: 30, share: 0.27 },
      { position: 0, share: 0.1 },
      { position: 10, share: 0.02 },
    ]);
    // Neighbours of a bigger fall are the same drop-off when points are dense.
    const dense = { ...r, viewers: [100, 80, 60, ...Array<number>(30).fill(60), 0] };
    expect(dropOffs(dense)).toEqual([{ position: 0, share: 0.2 }]);
  });

  it('draws a session’s stretches as the watch_seconds rule counts them', async () => {
    const b = await sessionDetail(db, 'b');
    expect(b!.events.map((e) => e.type)).toEqual(['play', 'seek.forward', 'pause']);
    expect(playStretches(b!.events)).toEqual([
      { start: 0, end: 20 },
      { start: 40, end: 50 },
    ]);
    const c = await sessionDetail(db, 'c');
    expect(playStretches(c!.events)).toEqual([
      { start: 0, end: 30 },
      { start: 10, end: 40 },
    ]);
    expect(c!.session).toMatchObject({
      session_id: 'c',
      ended: true,
      watch_seconds: 60,
      event_count: 3,
    });
    expect(await sessionDetail(db, 'nope')).toBeUndefined();
  });

  it('pages, sorts and searches sessions, and the report’s explorer agrees', async () => {
    const all = (
      await db.jsonRows<SessionRow>(
        `SELECT ${(await import('../../src/dashboard/explorer.js')).SESSION_ROW_SQL} FROM main.master`,
      )
    ).map((r) => ({ ...r }));
    const queries: SessionQuery[] = [
      { filter: { type: 'all' }, sort: 'time', dir: 'desc', page: 0 },
      { filter: { type: 'video' }, sort: 'watch', dir: 'desc', page: 0 },
      { filter: { type: 'all' }, sort: 'country', dir: 'asc', page: 0 },
      { filter: { type: 'all' }, sort: 'device', dir: 'desc', page: 0 },
      { filter: { type: 'all' }, sort: 'ended', dir: 'desc', page: 0 },
      { filter: { type: 'all', from: '2025-03-04' }, sort: 'time', dir: 'asc', page: 0 },
      { filter: { type: 'all', asset: 'l1' }, sort: 'time', dir: 'desc', page: 0 },
      { filter: { type: 'all' }, q: 'BERLIN', sort: 'time', dir: 'desc', page: 0 },
      { filter: { type: 'all' }, q: 'mobile', sort: 'time', dir: 'desc', page: 1 },
    ];
    for (const query of queries) {
      const served = await sessionPage(db, query);
      expect(pageOf(all, query), JSON.stringify(query)).toEqual(served);
    }
    const first = await sessionPage(db, queries[0]!);
    expect(first.total).toBe(7);
    expect(first.pageSize).toBe(PAGE_SIZE);
    expect(first.rows.map((r) => r.session_id)).toEqual(['d', 'c', 'l-3', 'l-2', 'l-1', 'b', 'a']);
    expect((await sessionPage(db, queries[7]!)).rows.map((r) => r.session_id)).toEqual([
      'l-2',
      'l-1',
    ]);
    const byWatch = await sessionPage(db, queries[1]!);
    // a and c both watched 60 s: the newer first.
    expect(byWatch.rows.map((r) => r.session_id)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('finds the newest sessions among the newest alone only when that is exact', async () => {
    // Keep only the 4 newest apart: pages of 25 never fill from them, so every answer falls back.
    await db.run(recentSessionsSql(4));
    const full = { sessions: BY_ASSET_TABLE };
    const both = { sessions: BY_ASSET_TABLE, recent: RECENT_TABLE };
    for (const filter of [
      { type: 'all' },
      { type: 'video' },
      { type: 'all', asset: 'l1' },
    ] as const) {
      const query: SessionQuery = { filter, sort: 'time', dir: 'desc', page: 0 };
      expect(await sessionPage(db, query, both)).toEqual(await sessionPage(db, query, full));
    }
    await db.run(recentSessionsSql());
  });

  it('answers the previous period of equal length beside the current one', async () => {
    const answer = await dataAnswer(
      db,
      { type: 'all', from: '2025-03-04', to: '2025-03-05' },
      {
        from: '2025-03-03',
        to: '2025-03-05',
      },
    );
    expect(answer.previous).toMatchObject({ from: '2025-03-02', to: '2025-03-03' });
    expect(answer.previous!.charts.totals).toEqual([
      { sessions: 5, watch: expect.any(Number), ended: 0, played: 2 },
    ]);
    expect(answer.charts.totals![0]).toMatchObject({ sessions: 2, ended: 1, played: 1 });
    // "All days" is compared with as many days before the first: nothing there.
    const open = await dataAnswer(db, { type: 'all' }, { from: '2025-03-03', to: '2025-03-05' });
    expect(open.previous).toMatchObject({ from: '2025-02-28', to: '2025-03-02' });
    expect(open.previous!.charts.totals![0]!.sessions).toBe(0);
  });
});
