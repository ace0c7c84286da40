/**
 * `viewership collect` as a site owner runs it: the protocol's answers, CORS, every kind of bad
 * ping refused with nothing stored, the client's address nowhere on disk, and the other commands
 * working on the warehouse while it collects.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  health,
  iso,
  modulePing,
  post,
  startCollectorCli,
  untilPublished,
  type CollectorProcess,
} from '../helpers/collect.js';

const SITE = 'https://videos.example.com';
/** An address of the UK in the shipped database, and one of Sweden. */
const GB_IP = '81.2.69.142';
const SE_IP = '89.160.20.112';
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

async function query<T = Record<string, unknown>>(db: string, sql: string): Promise<T[]> {
  const r = await runCli(['query', '--db', db, '--format', 'json', sql]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T[];
}

/** Every file under a folder (the warehouse, its WAL, the journal), as bytes. */
function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

describe('viewership collect', () => {
  const dir = tempDir();
  const db = join(dir, 'w.duckdb');
  let collector: CollectorProcess;
  let vod: string;

  beforeAll(async () => {
    collector = await startCollectorCli([
      '--db',
      db,
      '--allow-origin',
      SITE,
      '--trust-proxy',
      '--publish-every',
      '0.3',
    ]);
    vod = `${collector.url}/vod`;
  });
  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.stop();
  });

  const headers = (ip = GB_IP) => ({ Origin: SITE, 'X-Forwarded-For': ip, 'User-Agent': CHROME });

  it('hands out a session id, takes it back, and stores the session with its place and platform', async () => {
    const loadedAt = Date.now() - 5000;
    const first = await post(
      vod,
      modulePing({
        loadedAt,
        videoId: 'viGood1',
        referrer: 'https://www.bing.com/search?q=keynote',
        events: [{ type: 'ready', emitted_at: iso(loadedAt + 100), at: 0 }],
      }),
      headers(),
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(first.headers.get('vary')).toBe('Origin');
    const { session } = (await first.json()) as { session: string };
    expect(session).toMatch(/^cs[A-Za-z0-9_-]{22}$/);

    const second = await post(
      vod,
      modulePing({
        loadedAt,
        videoId: 'viGood1',
        sessionId: session,
        events: [
          { type: 'play', emitted_at: iso(loadedAt + 200), at: 0 },
          { type: 'pause', emitted_at: iso(loadedAt + 3200), at: 3 },
        ],
      }),
      headers(),
    );
    expect(await second.json()).toEqual({ session });

    await untilPublished(collector.url);
    const [row] = await query(db, `SELECT * FROM master WHERE session_id = '${session}'`);
    expect(row).toMatchObject({
      source: 'collector',
      asset_type: 'video',
      asset_id: 'viGood1',
      country: 'United Kingdom',
      country_code: 'GB',
      device_type: 'desktop',
      os_name: 'GNU/Linux',
      client_name: 'Chrome',
      client_version: '124.0.0.0',
      referrer_medium: 'organic',
      referrer_source: 'https://bing.com',
      referrer_search_term: 'keynote',
      event_count: 3,
      play_count: 1,
      pause_count: 1,
      watch_seconds: 3,
      max_position: 3,
    });
  });

  it('answers CORS: the preflight, the allowed site, and refuses other sites', async () => {
    const preflight = await fetch(vod, {
      method: 'OPTIONS',
      headers: { Origin: SITE, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const other = await post(
      vod,
      modulePing({
        loadedAt: Date.now(),
        events: [{ type: 'ready', emitted_at: iso(Date.now()) }],
      }),
      { ...headers(), Origin: 'https://elsewhere.example' },
    );
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await fetch(vod, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example' },
    });
    expect(otherPreflight.status).toBe(403);

    const head = await fetch(vod, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${collector.url}/nowhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${collector.url}/health`, { method: 'HEAD' })).status).toBe(200);
  });

  it('refuses each kind of bad ping with a 4xx and stores nothing of it', async () => {
    const before = await query<{ n: number }>(
      db,
      'SELECT count(*)::INTEGER AS n FROM session_events',
    );
    const now = Date.now();
    const ok = {
      loadedAt: now - 1000,
      videoId: 'viBad',
      events: [{ type: 'play', emitted_at: iso(now - 500), at: 0 }],
    };
    const bad: Array<[string, string, number, string?]> = [
      ['not JSON', '{"emitted_at": ', 400],
      ['far future', modulePing({ ...ok, emittedAt: now + 3 * 3600_000 }), 400],
      [
        'far past',
        modulePing({
          ...ok,
          emittedAt: now - 3 * 86400_000,
          loadedAt: now - 3 * 86400_000 - 1000,
          events: [],
        }),
        400,
      ],
      [
        'event long before the load',
        modulePing({ ...ok, events: [{ type: 'play', emitted_at: iso(now - 3600_000), at: 0 }] }),
        400,
      ],
      [
        'unknown event type',
        modulePing({ ...ok, events: [{ type: 'buffer', emitted_at: iso(now), at: 0 }] }),
        400,
      ],
      [
        'a position as text',
        JSON.stringify({
          ...JSON.parse(modulePing(ok)),
          events: [{ type: 'play', emitted_at: iso(now), at: '1' }],
        }),
        400,
      ],
      ['a session id never handed out', modulePing({ ...ok, sessionId: 'not-ours' }), 400],
      [
        'a live stream on /vod',
        modulePing({ ...ok, videoId: undefined, liveStreamId: 'liX' }),
        400,
      ],
      ['too large', JSON.stringify({ pad: 'x'.repeat(70_000) }), 413],
    ];
    for (const [what, body, status] of bad) {
      const r = await post(vod, body, headers());
      expect(r.status, what).toBe(status);
      expect(((await r.json()) as { error: string }).error, what).toBeTruthy();
      expect(r.headers.get('access-control-allow-origin'), what).toBe(SITE);
    }
    const live = await post(`${collector.url}/live`, modulePing(ok), headers());
    expect(live.status).toBe(400);

    await untilPublished(collector.url);
    const after = await query<{ n: number; bad: number }>(
      db,
      `SELECT (SELECT count(*) FROM session_events)::INTEGER AS n,
              (SELECT count(*) FROM sessions WHERE asset_id IN ('viBad', 'liX'))::INTEGER AS bad`,
    );
    expect(after[0]).toEqual({ n: before[0]!.n, bad: 0 });
  });

  it('keeps the client’s address out of the journal, the warehouse and its output', async () => {
    const own = join(dir, 'ip');
    mkdirSync(own);
    const quiet = await startCollectorCli([
      '--db',
      join(own, 'w.duckdb'),
      '--trust-proxy',
      '--publish-every',
      '3600',
    ]);
    const loadedAt = Date.now() - 1000;
    const r = await post(
      `${quiet.url}/vod`,
      modulePing({
        loadedAt,
        videoId: 'viIp',
        events: [{ type: 'ready', emitted_at: iso(loadedAt), at: 0 }],
      }),
      headers(SE_IP),
    );
    expect(r.status).toBe(200);
    // Answered, so in the journal (not published yet: the next round is an hour away).
    const journal = filesUnder(join(own, 'w.duckdb.journal'));
    expect(journal.some((bytes) => bytes.includes('viIp'))).toBe(true);
    for (const bytes of journal) expect(bytes.includes(SE_IP)).toBe(false);
    const end = await quiet.stop(); // publishes on the way out
    expect(end.code).toBe(0);
    expect(end.stdout + end.stderr).not.toContain(SE_IP);

    const [row] = await query(
      own + '/w.duckdb',
      `SELECT country_code FROM sessions WHERE asset_id = 'viIp'`,
    );
    expect(row!.country_code).toBe('SE');
    for (const ip of [GB_IP, SE_IP]) {
      for (const where of [own, dir]) {
        for (const bytes of filesUnder(where)) expect(bytes.includes(ip)).toBe(false);
      }
      for (const table of ['sessions', 'session_events']) {
        const [hit] = await query<{ n: number }>(
          db,
          `SELECT count(*)::INTEGER AS n FROM ${table} t WHERE strpos(CAST(t AS VARCHAR), '${ip}') > 0`,
        );
        expect(hit!.n).toBe(0);
      }
      const { stdout, stderr } = collector.output();
      expect(stdout + stderr).not.toContain(ip);
    }
  });

  it('refuses, at the start, a --db that is not a viewership warehouse', async () => {
    const foreign = join(dir, 'foreign.duckdb');
    const instance = await duckdb.DuckDBInstance.create(foreign);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE theirs (x INTEGER)');
    connection.closeSync();
    instance.closeSync();
    const r = await runCli(['collect', '--db', foreign, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a viewership warehouse');
    expect(r.stdout).not.toContain('collector:');
  });

  it('rate-limits a flood from one address', async () => {
    const other = await startCollectorCli(['--db', join(dir, 'rl.duckdb'), '--rate-limit', '1']);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const now = Date.now();
        const r = await post(
          `${other.url}/vod`,
          modulePing({
            loadedAt: now - 10,
            events: [{ type: 'ready', emitted_at: iso(now), at: 0 }],
          }),
        );
        statuses.push(r.status);
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        await r.arrayBuffer();
      }
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses).toContain(429);
      const r = await post(`${other.url}/vod`, '{}');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      expect((await other.stop()).code).toBe(0);
    }
  });
});

describe('reading while collecting', () => {
  const dir = tempDir();
  const db = join(dir, 'w.duckdb');
  let emulator: PinnedEmulator;
  let collector: CollectorProcess;

  beforeAll(async () => {
    emulator = await pinnedEmulator({ preset: 'tiny', seed: 3 });
    // No per-client limit: these players ping as fast as they are answered, for as long as the
    // readers take, which a loaded machine makes longer than a bucket of 50/s lasts.
    collector = await startCollectorCli([
      '--db',
      db,
      '--publish-every',
      '0.2',
      '--rate-limit',
      '0',
    ]);
  });
  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.stop();
    await emulator.close();
  });

  it('query, report and sync work on the warehouse a collector writes, and lose no ping', async () => {
    const videoId = (emulator.emulator.truth.videos()[0] as { videoId: string }).videoId;
    let sent = 0;
    let stop = false;
    // Players keep pinging all along: one new session every few milliseconds.
    const players = (async () => {
      while (!stop) {
        const now = Date.now();
        const r = await post(
          `${collector.url}/vod`,
          modulePing({
            loadedAt: now - 2000,
            videoId,
            events: [
              { type: 'ready', emitted_at: iso(now - 1900), at: 0 },
              { type: 'play', emitted_at: iso(now - 1800), at: 0 },
              { type: 'pause', emitted_at: iso(now - 800), at: 1 },
            ],
          }),
        );
        expect(r.status).toBe(200);
        await r.json();
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await untilPublished(collector.url);
      const sync = await runCli(['sync', '--base-url', emulator.url, '--db', db, '--no-metrics'], {
        ...emulator.env,
      });
      expect(sync.stderr).toBe('');
      expect(sync.code).toBe(0);
      for (let i = 0; i < 3; i++) {
        const [row] = await query<{ n: number }>(
          db,
          `SELECT count(*)::INTEGER AS n FROM master WHERE source = 'collector'`,
        );
        expect(row!.n).toBeGreaterThan(0);
      }
      const report = await runCli(['report', '--db', db, '--out', join(dir, 'r.html')]);
      expect(report.code).toBe(0);
    } finally {
      stop = true;
      await players;
    }
    const h = await untilPublished(collector.url);
    expect(h.published).toBe(sent);
    const [counts] = await query<{ sessions: number; events: number; api: number; titled: number }>(
      db,
      `SELECT count(*) FILTER (WHERE source = 'collector')::INTEGER AS sessions,
              sum(event_count) FILTER (WHERE source = 'collector')::INTEGER AS events,
              count(*) FILTER (WHERE source = 'api')::INTEGER AS api,
              count(asset_title) FILTER (WHERE source = 'collector')::INTEGER AS titled
       FROM master`,
    );
    expect(counts).toMatchObject({ sessions: sent, events: 3 * sent });
    expect(counts!.api).toBe(emulator.emulator.truth.sessionCount());
    // Sessions published after the sync know their video's title from its catalog.
    expect(counts!.titled).toBeGreaterThan(0);

    const end = await collector.stop();
    expect(end.code).toBe(0);
    expect(end.stderr).toContain('collector stopped');
    expect((await health(collector.url).catch(() => null)) ?? null).toBeNull();
  });
});
