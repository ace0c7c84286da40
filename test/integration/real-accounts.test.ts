/**
 * Answers the specs allow, or a real account may give, through the real CLI (issue 7): a stand-in
 * in front of the emulator sends each one, and the warehouse must hold what a sync of the plain
 * emulator holds, with what is different marked, warned about and kept in `rejects`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/connection.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { editJson, startProxy, type Proxy, type Rewrite } from '../helpers/proxy.js';

const dir = tempDir();
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(rewrite: Rewrite, preset: 'tiny' | 'small' = 'tiny') {
  const emulator = await pinnedEmulator({ preset, seed: 21 });
  const proxy = await startProxy(emulator.url, rewrite);
  open.push(emulator, proxy);
  return { emulator, proxy };
}

let n = 0;
async function sync(emulator: PinnedEmulator, url: string, ...extra: string[]) {
  const db = join(dir, `w${n++}.duckdb`);
  const result = await runCli(['sync', '--base-url', url, '--db', db, ...extra], emulator.env);
  return { db, result };
}

/** Rows with counts as plain numbers. */
async function rows<T>(db: string, sql: string): Promise<T[]> {
  const wh = await Warehouse.open(db, { readOnly: true });
  try {
    const result = await wh.rows<Record<string, unknown>>(sql);
    return result.map(
      (r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
        ) as T,
    );
  } finally {
    wh.close();
  }
}

const json = (proxy: Proxy, path: RegExp) => proxy.seen.filter((s) => path.test(s.path));

describe('the Analytics API as the specs allow it', () => {
  it('reads answers without timeframe, buckets without dimensionValue, numeric strings and date-only days', async () => {
    const { emulator, proxy } = await setup((x) => {
      if (!x.path.startsWith('/data/') || x.status !== 200) return undefined;
      return {
        body: editJson(x, (body) => {
          delete (body.context as Record<string, unknown> | undefined)?.timeframe;
          if (typeof body.data === 'number') body.data = String(body.data);
          if (!Array.isArray(body.data)) return;
          for (const item of body.data as Array<Record<string, unknown>>) {
            if (typeof item.metricValue === 'number') item.metricValue = String(item.metricValue);
            if (typeof item.emittedAt === 'string' && x.query.get('interval') === 'day') {
              item.emittedAt = item.emittedAt.slice(0, 10);
            }
          }
          if (x.path.startsWith('/data/buckets/') && body.data.length > 0) {
            delete (body.data[0] as Record<string, unknown>).dimensionValue;
          }
        }),
      };
    });
    const direct = await sync(emulator, emulator.url);
    const varied = await sync(emulator, proxy.url);
    expect(varied.result.code, varied.result.stderr).toBe(0);
    expect(varied.result.stdout).not.toMatch(/warning|could not be read/);
    const series = `SELECT metric, bucket_start::VARCHAR AS t, value FROM metric_timeseries ORDER BY 1, 2`;
    const expected = await rows(direct.db, series);
    expect(expected.length).toBeGreaterThan(20);
    expect(await rows(varied.db, series)).toEqual(expected);
    // Every breakdown's first bucket lost its dimension value: kept under ''.
    const values = `SELECT day::VARCHAR AS day, metric, breakdown, sum(value) AS total, count(*) AS n FROM metric_breakdowns GROUP BY ALL ORDER BY ALL`;
    expect(await rows(varied.db, values)).toEqual(await rows(direct.db, values));
    const blank = await rows<{ n: number }>(
      varied.db,
      `SELECT count(*)::INTEGER AS n FROM metric_breakdowns WHERE dimension_value = ''`,
    );
    expect(blank[0]!.n).toBeGreaterThan(0);
  });
});

describe('sessions as the specs allow them', () => {
  it('keeps a session sent without loadedAt, undated', async () => {
    const { emulator, proxy } = await setup((x) =>
      /^\/analytics\/videos\//.test(x.path) && x.status === 200
        ? {
            body: editJson(x, (body) => {
              for (const s of body.data as Array<{ session: Record<string, unknown> }>) {
                delete s.session.loadedAt;
              }
            }),
          }
        : undefined,
    );
    const direct = await sync(emulator, emulator.url, '--no-metrics');
    const varied = await sync(emulator, proxy.url, '--no-metrics');
    expect(varied.result.code, varied.result.stderr).toBe(0);
    const count = `SELECT asset_type, count(*) AS n, count(loaded_at) AS dated FROM sessions GROUP BY 1 ORDER BY 1`;
    const byType = async (db: string) =>
      Object.fromEntries(
        (await rows<{ asset_type: string; n: number; dated: number }>(db, count)).map((r) => [
          r.asset_type,
          r,
        ]),
      );
    const before = await byType(direct.db);
    const after = await byType(varied.db);
    expect(before.video!.n).toBeGreaterThan(0);
    expect(after.video).toEqual({ asset_type: 'video', n: before.video!.n, dated: 0 });
    expect(after.live_stream).toEqual(before.live_stream);
    const events = `SELECT count(*) AS n FROM session_events`;
    expect(await rows(varied.db, events)).toEqual(await rows(direct.db, events));
  });
});

describe('what a 404 means', () => {
  const firstVideo = async (emulator: PinnedEmulator) =>
    (emulator.emulator.truth.videos()[0] as { videoId: string }).videoId;

  it.each([
    [
      'the 2024-11 spelling, without name',
      {
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'https://docs.api.video/reference/resource-not-found',
          title: 'The requested resource was not found.',
          status: 404,
        }),
      },
    ],
    [
      'an HTML body',
      { headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' },
    ],
  ])(
    'on one asset that the catalog still lists (%s): warned about, the rest synced',
    async (_, answer) => {
      let target = '';
      const { emulator, proxy } = await setup((x) =>
        target && x.path === `/analytics/videos/${target}` ? { status: 404, ...answer } : undefined,
      );
      target = await firstVideo(emulator);
      const { db, result } = await sync(emulator, proxy.url, '--no-metrics');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/not available on this account/);
      expect(result.stdout).toMatch(
        new RegExp(
          `warning: the sessions of video ${target} were not listed: the API answered 404`,
        ),
      );
      const [counts] = await rows<{
        sessions: number;
        other: number;
        events: number;
        listed: number;
      }>(
        db,
        `SELECT (SELECT count(*) FROM sessions WHERE asset_id = '${target}') AS sessions,
              (SELECT count(*) FROM sessions) AS other,
              (SELECT count(*) FROM session_events) AS events,
              (SELECT count(*) FROM viewership.asset_checkpoints WHERE asset_id = '${target}') AS listed`,
      );
      expect(counts).toMatchObject({ sessions: 0, listed: 0 });
      expect(counts!.other).toBeGreaterThan(0);
      expect(counts!.events).toBeGreaterThan(0);
      const [run] = await rows<{ warnings: string[] }>(db, `SELECT warnings FROM sync_runs`);
      expect(run!.warnings).toHaveLength(1);
    },
  );

  it('marks an asset that vanishes between two pages of its listing, and leaves its days open', async () => {
    let target = '';
    const { emulator, proxy } = await setup((x) => {
      if (!target) return undefined;
      const gone = {
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'https://docs.api.video/docs/resourcenot_found',
          title: 'Not found',
          name: 'videoId',
          status: 404,
        }),
      };
      if (x.path === `/analytics/videos/${target}` && x.query.get('currentPage') !== '1')
        return gone;
      if (x.path === `/videos/${target}`) return gone;
      return undefined;
    }, 'small');
    // The video with the most sessions: its listing takes several pages.
    const counts = new Map<string, number>();
    for (const s of emulator.emulator.truth.sessions())
      if (s.assetType === 'video') counts.set(s.assetId, (counts.get(s.assetId) ?? 0) + 1);
    target = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    expect(counts.get(target)).toBeGreaterThan(100);
    const { db, result } = await sync(emulator, proxy.url, '--no-metrics');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`warning: video ${target} was deleted during the sync`),
    );
    const [state] = await rows<{ gone: boolean; sessions: number; listed: number }>(
      db,
      `SELECT (SELECT gone_at IS NOT NULL FROM videos WHERE video_id = '${target}') AS gone,
              (SELECT count(*) FROM sessions WHERE asset_id = '${target}') AS sessions,
              (SELECT count(*) FROM viewership.asset_checkpoints WHERE asset_id = '${target}') AS listed`,
    );
    // Its first page is kept; no checkpoint vouches for days it did not list.
    expect(state).toEqual({ gone: true, sessions: 100, listed: 0 });
  });
});

describe('what a 401 means', () => {
  it('renews the token when requests are refused after a login that succeeded, and finishes', async () => {
    let refusals = 0;
    const { emulator, proxy } = await setup((x) =>
      x.path.startsWith('/analytics/') && refusals < 6 && ++refusals
        ? {
            status: 401,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({
              type: 'https://docs.api.video/reference/authentication-invalid-access-token',
              title: 'Unauthorized',
              status: 401,
            }),
          }
        : undefined,
    );
    const direct = await sync(emulator, emulator.url, '--no-metrics');
    const { db, result } = await sync(emulator, proxy.url, '--no-metrics');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/rejected the API key/);
    expect(json(proxy, /^\/auth\//).length).toBeGreaterThan(1);
    const count = `SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM session_events) AS e`;
    expect(await rows(db, count)).toEqual(await rows(direct.db, count));
  });

  it('says the key was rejected (exit 2) only when /auth/api-key refuses it', async () => {
    const { emulator } = await setup(() => undefined);
    const { result } = await sync(
      { ...emulator, env: { ...emulator.env, APIVIDEO_API_KEY: 'wrong' } },
      emulator.url,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rejected the API key \(POST \/auth\/api-key/);
  });
});

describe('what cannot be read is kept, never a reason to lose the rest', () => {
  it('keeps an event without the field it cannot read, sets aside one it cannot read at all', async () => {
    let target = '';
    const { emulator, proxy } = await setup((x) =>
      target && x.path === `/analytics/sessions/${target}/events`
        ? {
            body: editJson(x, (body) => {
              (body.data as unknown[])[1] = { type: 'pause', emittedAt: 'yesterday', at: 3 };
              (body.data as unknown[])[2] = 'garbage';
            }),
          }
        : undefined,
    );
    const long = [...emulator.emulator.truth.sessions()].find((s) => s.eventCount > 3)!;
    target = long.sessionId;
    const { db, result } = await sync(emulator, proxy.url, '--no-metrics');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /2 item\(s\) the API sent could not be read \(GET \/analytics\/sessions\/\{sessionId\}\/events ×2\): kept in the rejects table/,
    );
    const rejects = await rows<{ endpoint: string; reason: string; raw: string; request: string }>(
      db,
      `SELECT endpoint, reason, raw, request::VARCHAR AS request FROM rejects ORDER BY seq`,
    );
    expect(rejects.map((r) => [r.endpoint, r.reason])).toEqual([
      [
        'GET /analytics/sessions/{sessionId}/events',
        'data[1]: emittedAt: not a timestamp api.video uses (got "yesterday"); the item is kept without it',
      ],
      [
        'GET /analytics/sessions/{sessionId}/events',
        'data[2]: (item): Invalid input: expected object, received string (got "garbage")',
      ],
    ]);
    expect(JSON.parse(rejects[0]!.raw)).toEqual({ type: 'pause', emittedAt: 'yesterday', at: 3 });
    expect(JSON.parse(rejects[0]!.request).path).toBe(`/analytics/sessions/${target}/events`);
    const events = await rows<{ seq: number; type: string; emitted: boolean }>(
      db,
      `SELECT seq, type, emitted_at IS NOT NULL AS emitted FROM session_events WHERE session_id = '${target}' ORDER BY seq`,
    );
    // The undated pause is kept; the unreadable one leaves its place empty, so the events after
    // it keep the API's order.
    expect(events.map((r) => r.seq)).toEqual(
      Array.from({ length: long.eventCount }, (_, i) => i).filter((i) => i !== 2),
    );
    expect(events[1]).toEqual({ seq: 1, type: 'pause', emitted: false });
  });

  it('keeps an answer that is not JSON, and fetches that session again on the next run', async () => {
    let target = '';
    let broken = true;
    const { emulator, proxy } = await setup((x) =>
      broken && target && x.path === `/analytics/sessions/${target}/events`
        ? { headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' }
        : undefined,
    );
    target = [...emulator.emulator.truth.sessions()].find((s) => s.eventCount > 0)!.sessionId;
    const { db, result } = await sync(emulator, proxy.url, '--no-metrics');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`warning: the events of session ${target} is incomplete`),
    );
    const [reject] = await rows<{ raw: string }>(db, `SELECT raw FROM rejects`);
    expect(reject!.raw).toBe('<html>maintenance</html>');
    broken = false;
    const again = await runCli(
      ['sync', '--base-url', proxy.url, '--db', db, '--no-metrics'],
      emulator.env,
    );
    expect(again.code).toBe(0);
    const [events] = await rows<{ n: number }>(
      db,
      `SELECT count(*)::INTEGER AS n FROM session_events WHERE session_id = '${target}'`,
    );
    expect(events!.n).toBe(emulator.emulator.truth.session(target)!.eventCount);
  });

  it('fails only when the API answers nothing usable', async () => {
    const { emulator, proxy } = await setup((x) =>
      ['/videos', '/live-streams', '/players'].includes(x.path)
        ? { headers: { 'content-type': 'text/html' }, body: '<html>a login page</html>' }
        : undefined,
    );
    const { result } = await sync(emulator, proxy.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no page of \/videos, \/live-streams or \/players could be read/);
  });
});
