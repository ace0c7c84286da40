/**
 * Nothing acknowledged is lost: players ping a collector that is killed with SIGKILL mid-way; a
 * new collector on the same warehouse and journal takes over, the players send again what was
 * not answered (and some of what was): every event of every answered ping is stored exactly once,
 * in the session it was answered for.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  iso,
  modulePing,
  post,
  startCollectorCli,
  untilPublished,
  type CollectorProcess,
  type PingEvent,
} from '../helpers/collect.js';

const PLAYERS = 24;
const KILL_AFTER = 400;

interface Sent {
  player: number;
  body: string;
  events: PingEvent[];
  /** The session it was answered for; undefined while unanswered. */
  sid?: string;
}

describe('kill -9 under load', () => {
  it('stores every acknowledged ping exactly once', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.duckdb');
    const args = ['--db', db, '--publish-every', '0.2', '--rate-limit', '0'];
    let collector: CollectorProcess = await startCollectorCli(args);
    const start = Date.now();
    const sent: Sent[] = [];
    let acked = 0;
    let killed = false;

    const ping = async (s: Sent, url: string): Promise<boolean> => {
      try {
        const r = await post(`${url}/vod`, s.body);
        const body = (await r.json()) as { session?: string };
        expect(r.status).toBe(200);
        s.sid = body.session;
        return true;
      } catch {
        return false; // the collector died with the ping in flight: not acknowledged
      }
    };

    const player = async (p: number) => {
      const loadedAt = start - 5000 + p; // one page load per player, told apart by its load time
      let sid: string | undefined;
      for (let k = 0; !killed; k++) {
        const t = loadedAt + 10 + k;
        const events: PingEvent[] =
          k === 0
            ? [{ type: 'ready', emitted_at: iso(t), at: p * 10_000 }]
            : [{ type: k % 2 ? 'play' : 'pause', emitted_at: iso(t), at: p * 10_000 + k }];
        const s: Sent = {
          player: p,
          events,
          body: modulePing({ loadedAt, videoId: `viPlayer${p}`, sessionId: sid, events }),
        };
        sent.push(s);
        if (!(await ping(s, collector.url))) return;
        sid ??= s.sid;
        if (++acked >= KILL_AFTER && !killed) {
          killed = true;
          collector.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: PLAYERS }, (_, p) => player(p)));
    const died = await collector.exited;
    expect(died.signal).toBe('SIGKILL');

    const answered = sent.filter((s) => s.sid !== undefined);
    const unanswered = sent.filter((s) => s.sid === undefined);
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);

    // A new collector takes over the journal; what was not answered is sent again, and some of
    // what was (an answer lost on the way), possibly twice.
    collector = await startCollectorCli(args);
    for (const s of [...unanswered, ...answered.slice(0, 50), ...answered.slice(0, 10)]) {
      const before = s.sid;
      expect(await ping(s, collector.url)).toBe(true);
      if (before) expect(s.sid).toBe(before);
    }
    await untilPublished(collector.url);
    const stopped = await collector.stop();
    expect(stopped.code).toBe(0);

    const r = await runCli([
      'query',
      '--db',
      db,
      '--format',
      'json',
      `SELECT session_id, type, epoch_ms(emitted_at)::BIGINT AS ms, at_position AS at FROM session_events`,
    ]);
    expect(r.code).toBe(0);
    const stored = JSON.parse(r.stdout) as Array<{
      session_id: string;
      type: string;
      ms: number;
      at: number;
    }>;
    const key = (sid: string, type: string, ms: number, at: number | undefined) =>
      `${sid}|${type}|${ms}|${at}`;
    const counts = new Map<string, number>();
    for (const e of stored) {
      const k = key(e.session_id, e.type, Number(e.ms), e.at);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    // Every ping was answered in the end: each of its events once, in its session; nothing else.
    let expected = 0;
    for (const s of sent) {
      for (const e of s.events) {
        expected++;
        expect(counts.get(key(s.sid!, e.type, Date.parse(e.emitted_at), e.at))).toBe(1);
      }
    }
    expect(stored.length).toBe(expected);
    // One session per player.
    expect(new Set(stored.map((e) => e.session_id)).size).toBe(PLAYERS);
  });

  it('SIGTERM drains: pings in flight answered, every answered one published, exit 0', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.duckdb');
    // No publish round during the test: the last one, on the way out, stores everything.
    const collector = await startCollectorCli([
      '--db',
      db,
      '--publish-every',
      '3600',
      '--rate-limit',
      '0',
    ]);
    const start = Date.now();
    let answered = 0;
    let stopping: Promise<unknown> | undefined;
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const loadedAt = start - 5000 + i;
        try {
          const r = await post(
            `${collector.url}/live`,
            modulePing({
              loadedAt,
              liveStreamId: `liDrain${i}`,
              events: [{ type: 'ready', emitted_at: iso(loadedAt + 1), at: 0 }],
            }),
          );
          const body = (await r.json()) as { session?: string };
          if (r.status === 200 && ++answered === 20) stopping = collector.stop();
          return { i, status: r.status, sid: body.session };
        } catch {
          return { i, status: 0, sid: undefined }; // refused: the collector had stopped listening
        }
      }),
    );
    await stopping;
    const end = await collector.exited;
    expect(end.code).toBe(0);
    expect(end.stderr).toContain('collector stopped');
    for (const o of outcomes) expect([0, 200, 503]).toContain(o.status);
    const acked = outcomes.filter((o) => o.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(20);

    const r = await runCli([
      'query',
      '--db',
      db,
      '--format',
      'json',
      'SELECT session_id, asset_id FROM master',
    ]);
    expect(r.code).toBe(0);
    const stored = JSON.parse(r.stdout) as Array<{ session_id: string; asset_id: string }>;
    expect(stored.map((s) => s.asset_id).sort()).toEqual(acked.map((o) => `liDrain${o.i}`).sort());
    expect(new Set(stored.map((s) => s.session_id))).toEqual(new Set(acked.map((o) => o.sid)));
  });
});
