/**
 * Collectors behind a load balancer, writing one PostgreSQL schema (the team warehouse): a
 * session's pings reaching different collectors make one session, and a sync writes the same
 * schema meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  iso,
  modulePing,
  post,
  startCollectorCli,
  untilPublished,
  type CollectorProcess,
} from '../helpers/collect.js';
import { PG_URL } from '../helpers/destinations.js';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';

const schema = `t_collect_${randomBytes(4).toString('hex')}`;

/** `viewership query` on this test's schema, its rows as JSON. */
async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const result = await runCli([
    'query',
    '--db',
    PG_URL,
    '--schema',
    schema,
    '--format',
    'json',
    sql,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T[];
}

describe.skipIf(!PG_URL)('collectors into PostgreSQL', () => {
  let a: CollectorProcess;
  let b: CollectorProcess;
  let emulator: PinnedEmulator;

  beforeAll(async () => {
    emulator = await pinnedEmulator({ preset: 'tiny', seed: 41 });
    const args = ['--db', PG_URL, '--schema', schema, '--publish-every', '0.3'];
    // Each collector has its own journal: they share only the database.
    a = await startCollectorCli([...args, '--journal', `/tmp/${schema}-a.journal`]);
    b = await startCollectorCli([...args, '--journal', `/tmp/${schema}-b.journal`]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), emulator?.close()]);
  });

  it('makes one session of pings that reached different collectors, beside a running sync', async () => {
    // The collector judges times by its own clock: a session that loaded two minutes ago.
    const loaded = Date.now() - 120_000;
    const at = (s: number) => iso(loaded + s * 1000);
    const first = await post(
      `${a.url}/vod`,
      modulePing({
        loadedAt: loaded,
        emittedAt: loaded + 1000,
        events: [{ type: 'ready', emitted_at: at(1), at: 0 }],
      }),
    );
    const { session } = (await first.json()) as { session: string };
    const sync = runCli(
      ['sync', '--base-url', emulator.url, '--db', PG_URL, '--schema', schema],
      emulator.env,
    );
    const later = (events: Parameters<typeof modulePing>[0]['events'], to: CollectorProcess) =>
      post(`${to.url}/vod`, modulePing({ loadedAt: loaded, sessionId: session, events }));
    expect((await later([{ type: 'play', emitted_at: at(2), at: 0 }], b)).status).toBe(200);
    expect((await later([{ type: 'pause', emitted_at: at(32), at: 30 }], a)).status).toBe(200);
    expect(
      (
        await later(
          [
            { type: 'resume', emitted_at: at(40), at: 30 },
            { type: 'end', emitted_at: at(70), at: 60 },
          ],
          b,
        )
      ).status,
    ).toBe(200);
    const synced = await sync;
    expect(synced.code, synced.stderr).toBe(0);
    await Promise.all([untilPublished(a.url), untilPublished(b.url)]);

    expect(
      await query(
        `SELECT source, event_count, play_count, pause_count, ended, watch_seconds FROM master WHERE session_id = '${session}'`,
      ),
    ).toEqual([
      {
        source: 'collector',
        event_count: 5,
        play_count: 1,
        pause_count: 1,
        ended: true,
        watch_seconds: 60,
      },
    ]);
    expect(
      await query(
        `SELECT seq, type FROM session_events WHERE session_id = '${session}' ORDER BY seq`,
      ),
    ).toEqual([
      { seq: 0, type: 'ready' },
      { seq: 1, type: 'play' },
      { seq: 2, type: 'pause' },
      { seq: 3, type: 'resume' },
      { seq: 4, type: 'end' },
    ]);
    // The sync's sessions are there too, beside the collector's.
    const bySource = Object.fromEntries(
      (
        await query<{ source: string; n: number }>(
          `SELECT source, count(*) AS n FROM sessions GROUP BY 1 ORDER BY 1`,
        )
      ).map((r) => [r.source, r.n]),
    );
    expect(bySource.collector).toBe(1);
    expect(bySource.api).toBe(emulator.emulator.truth.sessionCount());
  });
});
