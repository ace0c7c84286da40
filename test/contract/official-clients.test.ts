/**
 * Judges nobody here wrote (issue 7, point 6): api.video's official Node clients, pointed at the
 * emulator, over every endpoint viewership uses that each offers, with and without variance.
 * Their deserialisers must take every answer, and what they read must be the ground truth.
 *
 *   2.2.9  the last with raw statistics: videos, live streams, players, a video's and a live
 *          stream's sessions, a session's events (Bearer tokens, renewed on a 401)
 *   2.6.8  the newest: the catalog again (HTTP Basic), and the Analytics API
 */
import ApiVideoClient229 from 'apivideo-client-2-2-9';
import ApiVideoClient268 from 'apivideo-client-2-6-8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEmulator,
  type RunningEmulator,
  type TruthSession,
} from '../../src/emulator/index.js';
import { parseTimestamp } from '../../src/emulator/timestamps.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const DAY = 86_400_000;
const HISTORY_DAYS = 60;
type Obj = Record<string, unknown>;

/** What an official client's call gave: its value, or the HTTP status it threw. */
async function outcome<T>(call: Promise<T>): Promise<{ value: T } | { status: number }> {
  try {
    return { value: await call };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return { status: code };
    throw error;
  }
}

/** Every page through an official client's list call. */
async function allPages<T>(
  list: (page: { currentPage: number; pageSize: number }) => Promise<{
    data: T[];
    pagination: { pagesTotal?: number; itemsTotal?: number; currentPage?: number };
  }>,
  pageSize: number,
): Promise<{ items: T[]; itemsTotal: number | undefined; stoppedBy?: number }> {
  const items: T[] = [];
  let itemsTotal: number | undefined;
  for (let currentPage = 1; ; currentPage++) {
    const page = await outcome(list({ currentPage, pageSize }));
    if ('status' in page) return { items, itemsTotal, stoppedBy: page.status };
    expect(page.value.pagination.currentPage).toBe(currentPage);
    itemsTotal = page.value.pagination.itemsTotal;
    items.push(...page.value.data);
    if (currentPage >= (page.value.pagination.pagesTotal ?? 1)) return { items, itemsTotal };
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const PERIOD = `${day(NOW - HISTORY_DAYS * DAY)}/${day(NOW)}`;
const ids = (objects: object[], key: string) => objects.map((o) => (o as Obj)[key]);

/** A Date the client made of a timestamp: the same instant, unless the client cannot read it. */
function sameInstant(date: unknown, sent: unknown): boolean {
  if (typeof sent !== 'string') return date === undefined || date === null;
  if (!(date instanceof Date)) return false;
  // The official clients hand `new Date()` the string: V8 cannot read 2021-03's `+00` offset.
  if (Number.isNaN(date.getTime())) return /[+-]\d{2}$/.test(sent);
  return date.getTime() === parseTimestamp(sent);
}

for (const variance of [false, true]) {
  describe(`official client 2.2.9 (raw statistics)${variance ? ', with variance' : ''}`, () => {
    let run: RunningEmulator;
    let client: ApiVideoClient229;
    let sessions: TruthSession[];
    beforeAll(async () => {
      run = await startEmulator({ preset: 'small', seed: 11, now: NOW, variance });
      client = new ApiVideoClient229({ apiKey: run.apiKey, baseUri: run.url });
      sessions = [...run.emulator.truth.sessions()];
    });
    afterAll(() => run.close());

    it('lists the catalog exactly as the truth, with its pagination', async () => {
      const truth = run.emulator.truth;
      const videos = await allPages((p) => client.videos.list(p), 25);
      expect(ids(videos.items, 'videoId')).toEqual(ids(truth.videos(), 'videoId'));
      expect(videos.itemsTotal).toBe(truth.videos().length);
      videos.items.forEach((v, i) => {
        const sent = truth.videos()[i] as Obj;
        expect(v.title).toBe(sent.title);
        expect(v.tags).toEqual(sent.tags);
        expect(sameInstant(v.createdAt, sent.createdAt)).toBe(true);
      });
      const live = await allPages((p) => client.liveStreams.list(p), 2);
      expect(ids(live.items, 'liveStreamId')).toEqual(ids(truth.liveStreams(), 'liveStreamId'));
      const players = await allPages((p) => client.playerThemes.list(p), 2);
      expect(ids(players.items, 'playerId')).toEqual(ids(truth.players(), 'playerId'));
      const missing = await outcome(client.videos.get('viNotAVideo'));
      expect(missing).toEqual({ status: 404 });
    });

    it('lists every asset’s sessions and every session’s events as the truth says', async () => {
      const truth = run.emulator.truth;
      const assets = [
        ...(truth.videos() as Obj[]).map((v) => ['video', v.videoId as string] as const),
        ...(truth.liveStreams() as Obj[]).map(
          (l) => ['live_stream', l.liveStreamId as string] as const,
        ),
      ];
      let unreadableDates = 0;
      let eventsRead = 0;
      const met = { vanished: 0, eventsGone: 0, unreadable: 0 };
      for (const [type, id] of assets) {
        const listing = await allPages(
          (p) =>
            type === 'video'
              ? client.rawStatistics.listVideoSessions({ videoId: id, period: PERIOD, ...p })
              : client.rawStatistics.listLiveStreamSessions({
                  liveStreamId: id,
                  period: PERIOD,
                  ...p,
                }),
          100,
        );
        const ofAsset = sessions.filter((s) => s.assetId === id);
        const vanishing = truth.variance().vanishingAssets.find((v) => v.assetId === id);
        const vanished = vanishing?.vanished === true && listing.stoppedBy !== undefined;
        // Deleted mid-run: the pages before answered, the next one is a 404.
        if (vanished) met.vanished++;
        if (vanished) expect(listing.stoppedBy).toBe(404);
        else expect(listing.stoppedBy).toBeUndefined();
        const expected = vanished
          ? ofAsset.filter((s) => vanishing.servedSessionIds.includes(s.sessionId))
          : ofAsset;
        if (!vanished) expect(listing.itemsTotal).toBe(expected.length);
        expect(listing.items.map((s) => s.session?.sessionId ?? null)).toEqual(
          expected.map((s) => (s.readable ? s.sessionId : null)),
        );
        listing.items.forEach((item, i) => {
          const sent = (expected[i]!.api as { session: Obj }).session;
          expect(sameInstant(item.session?.loadedAt, sent.loadedAt)).toBe(true);
          if (item.session?.loadedAt && Number.isNaN(item.session.loadedAt.getTime()))
            unreadableDates++;
        });
        met.unreadable += expected.filter((x) => !x.readable).length;
        for (const s of expected.filter((x) => x.readable)) {
          const events = await allPages(
            (p) => client.rawStatistics.listSessionEvents({ sessionId: s.sessionId, ...p }),
            100,
          );
          if (s.eventsGone) {
            met.eventsGone++;
            expect(events).toMatchObject({ items: [], stoppedBy: 404 });
            continue;
          }
          const sent = s.events() as Obj[];
          expect(events.itemsTotal ?? 0).toBe(sent.length);
          expect(events.items.map((e) => [e.type, e.at, e.from, e.to])).toEqual(
            sent.map((e) => [e.type, e.at, e.from, e.to]),
          );
          events.items.forEach((e, i) =>
            expect(sameInstant(e.emittedAt, sent[i]!.emittedAt)).toBe(true),
          );
          eventsRead += events.items.length;
        }
      }
      expect(eventsRead).toBe(truth.eventCount());
      // With variance the client met assets deleted mid-run, gone sessions and unreadable ones.
      if (variance) expect(Object.values(met).every((n) => n > 0)).toBe(true);
      else expect(met).toEqual({ vanished: 0, eventsGone: 0, unreadable: 0 });
      // The spec's own 2021-03 spelling defeats the official client's Date; say how often.
      expect(unreadableDates).toBeGreaterThan(0);
    });

    it('renews its token on a 401 once the old one has expired', async () => {
      const before = await client.videos.list({ pageSize: 1 });
      run.emulator.clock.advance(2 * 3_600_000);
      const after = await client.videos.list({ pageSize: 1 });
      expect(after.pagination.itemsTotal).toBe(before.pagination.itemsTotal);
      expect(run.emulator.stats.byStatus['401']).toBeGreaterThanOrEqual(1);
      run.emulator.clock.advance(-2 * 3_600_000);
    });
  });

  describe(`official client 2.6.8 (Analytics API)${variance ? ', with variance' : ''}`, () => {
    let run: RunningEmulator;
    let client: ApiVideoClient268;
    let sessions: TruthSession[];
    const from = new Date(NOW - 7 * DAY);
    const to = new Date(NOW);
    beforeAll(async () => {
      run = await startEmulator({ preset: 'small', seed: 11, now: NOW, variance });
      client = new ApiVideoClient268({ apiKey: run.apiKey, baseUri: run.url });
      sessions = [...run.emulator.truth.sessions()];
    });
    afterAll(() => run.close());

    /** The URL the client sends for these parameters, in the order it appends them. */
    const url = (path: string, params: Array<[string, string | number | undefined]>) => {
      const query = new URLSearchParams();
      for (const [k, v] of params) if (v !== undefined) query.append(k, String(v));
      return `${path}?${query.toString()}`;
    };
    /** How 2.6.8 writes a Date into a query: ISO 8601 without milliseconds. */
    const iso = (d: Date) => `${d.toISOString().split('.')[0]}Z`;
    const loadedInRange = () =>
      sessions.filter((s) => s.loadedAtMs >= from.getTime() && s.loadedAtMs < to.getTime());

    it('lists the catalog with HTTP Basic, as the truth', async () => {
      const truth = run.emulator.truth;
      const videos = await allPages((p) => client.videos.list(p), 30);
      expect(ids(videos.items, 'videoId')).toEqual(ids(truth.videos(), 'videoId'));
      const live = await allPages((p) => client.liveStreams.list(p), 3);
      expect(ids(live.items, 'liveStreamId')).toEqual(ids(truth.liveStreams(), 'liveStreamId'));
      const players = await allPages((p) => client.playerThemes.list(p), 3);
      expect(ids(players.items, 'playerId')).toEqual(ids(truth.players(), 'playerId'));
    });

    it('reads impressions that agree with the sessions of the truth', async () => {
      const total = await client.analytics.getAggregatedMetrics({
        metric: 'impression',
        aggregation: 'count',
        from,
        to,
      });
      expect(Number(total.data)).toBe(loadedInRange().length);

      const byMedia = await allPages(
        (p) =>
          client.analytics.getMetricsBreakdown({
            metric: 'impression',
            breakdown: 'media-id',
            from,
            to,
            ...p,
          }),
        5,
      );
      const expected = new Map<string, number>();
      for (const s of loadedInRange()) expected.set(s.assetId, (expected.get(s.assetId) ?? 0) + 1);
      expect(byMedia.itemsTotal).toBe(expected.size);
      for (const item of byMedia.items) {
        // Variance may leave a bucket's dimension out; its count still belongs to some asset.
        if (item.dimensionValue !== undefined)
          expect(Number(item.metricValue)).toBe(expected.get(item.dimensionValue));
      }
      expect(byMedia.items.reduce((n, item) => n + Number(item.metricValue), 0)).toBe(
        loadedInRange().length,
      );

      const byDay = await allPages(
        (p) =>
          client.analytics.getMetricsOverTime({
            metric: 'impression',
            interval: 'day',
            from,
            to,
            ...p,
          }),
        3,
      );
      const perDay = new Map<number, number>();
      for (const s of loadedInRange()) {
        const d = Math.floor(s.loadedAtMs / DAY) * DAY;
        perDay.set(d, (perDay.get(d) ?? 0) + 1);
      }
      expect(
        byDay.items.map((b) => [parseTimestamp(b.emittedAt ?? ''), Number(b.metricValue)]),
      ).toEqual([...perDay].sort((a, b) => a[0] - b[0]));
    });

    it('reads every metric, breakdown and interval as the emulator answered it', async () => {
      const truth = run.emulator.truth;
      const aggregations: Array<[string, string]> = [
        ['play', 'count'],
        ['play', 'rate'],
        ['play', 'total'],
        ['start', 'count'],
        ['end', 'count'],
        ['impression', 'count'],
        ['impression-time', 'average'],
        ['watch-time', 'sum'],
        ['ccv', 'peak'],
        ['view', 'count'],
      ];
      for (const [metric, aggregation] of aggregations) {
        const got = await client.analytics.getAggregatedMetrics({
          metric: metric as 'play',
          aggregation: aggregation as 'count',
          from,
          to,
        });
        const path = url(`/data/metrics/${metric}/${aggregation}`, [
          ['from', iso(from)],
          ['to', iso(to)],
        ]);
        const sent = truth.analytics(path).body as { data: unknown; context: Obj };
        expect(Number(got.data)).toBe(Number(sent.data));
        expect(got.context.metric).toBe(sent.context.metric);
      }
      for (const breakdown of ['country', 'device-type', 'browser', 'referrer'] as const) {
        const got = await client.analytics.getMetricsBreakdown({
          metric: 'play',
          breakdown,
          from,
          to,
          currentPage: 1,
          pageSize: 100,
        });
        const path = url(`/data/buckets/play/${breakdown}`, [
          ['from', iso(from)],
          ['to', iso(to)],
          ['currentPage', 1],
          ['pageSize', 100],
        ]);
        expect(got.data.map((d) => [d.dimensionValue, Number(d.metricValue)])).toEqual(
          (truth.analytics(path).body as { data: Obj[] }).data.map((d) => [
            d.dimensionValue,
            Number(d.metricValue),
          ]),
        );
        expect(got.pagination.itemsTotal).toBe(got.data.length);
      }
      const withHeaders = await client.analytics.getMetricsOverTimeWithResponseHeaders({
        metric: 'play',
        from: new Date(NOW - DAY),
        interval: 'hour',
      });
      expect(Number(withHeaders.headers['x-ratelimit-limit'])).toBeGreaterThan(0);
      const sent = truth.analytics(
        url('/data/timeseries/play', [
          ['from', iso(new Date(NOW - DAY))],
          ['interval', 'hour'],
        ]),
      ).body as { context: Obj; data: Obj[]; pagination: Obj };
      const got = withHeaders.body;
      expect(got.data.map((b) => [b.emittedAt, Number(b.metricValue)])).toEqual(
        sent.data.map((b) => [b.emittedAt, Number(b.metricValue)]),
      );
      expect(got.pagination.links.map((l) => l.uri)).toEqual(
        (sent.pagination.links as Obj[]).map((l) => l.uri),
      );
      const timeframe = sent.context.timeframe as Obj | undefined;
      if (timeframe) expect(sameInstant(got.context.timeframe?.from, timeframe.from)).toBe(true);
      else expect(got.context.timeframe).toBeUndefined();
      const refused = await outcome(
        client.analytics.getAggregatedMetrics({ metric: 'play', aggregation: 'sum' as 'count' }),
      );
      expect(refused).toEqual({ status: 400 });
    });
  });
}
