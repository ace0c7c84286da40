/**
 * The real CLI against the emulator: the warehouse must equal the emulator's ground truth,
 * and a second run must add nothing and fetch no ended session's events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { skipWithoutDestination, warehouse, type TestWarehouse } from '../helpers/destinations.js';
import { compareWithTruth } from '../helpers/truth.js';

skipWithoutDestination();
/** The emulator's clock, pinned: the same account whichever destination a run writes to. */
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ preset: 'small', seed: 7, now: NOW });
  dir = tempDir();
});
afterAll(() => emulator.close());

const syncArgs = (db: TestWarehouse, ...extra: string[]) => [
  'sync',
  '--base-url',
  emulator.url,
  ...db.args,
  ...extra,
];

describe('sync against the emulator', () => {
  it('mirrors the whole account: every table equals the ground truth', async () => {
    const db = warehouse(dir, 'full');
    const raw = join(dir, 'raw');
    const result = await runCli(syncArgs(db, '--raw-dir', raw, '--json'), {
      APIVIDEO_API_KEY: emulator.apiKey,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', missingGenerations: [], rateLimited: 0 });
    expect(summary.rowsAdded.sessions).toBe(emulator.emulator.truth.sessionCount());
    const local = await db.local();
    expect(await compareWithTruth(local, emulator.emulator.truth)).toEqual([]);

    // The tutorial's files, and every other response as NDJSON, none of it holding the key.
    const files = readdirSync(raw).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'live-streams.json',
        'metrics.ndjson',
        'players.json',
        'session-events.ndjson',
        'sessions.ndjson',
        'videos.json',
      ]),
    );
    const videos = JSON.parse(readFileSync(join(raw, 'videos.json'), 'utf8'));
    expect(videos).toHaveLength(emulator.emulator.truth.videos().length);
    for (const file of [...files.map((f) => join(raw, f)), local]) {
      expect(readFileSync(file).includes(emulator.apiKey), file).toBe(false);
    }

    const wh = await Warehouse.open(local, { readOnly: true });
    try {
      const runs = await wh.rows<{ status: string; requests: bigint; rows_added: bigint }>(
        'SELECT status, requests, rows_added FROM sync_runs',
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('succeeded');
      expect(Number(runs[0]!.requests)).toBe(summary.requests);
      const metricDays = await wh.scalar<bigint>(
        `SELECT count(DISTINCT day) FROM metric_breakdowns`,
      );
      expect(Number(metricDays)).toBeGreaterThanOrEqual(29);
    } finally {
      wh.close();
    }
  });

  it('a second run adds nothing and asks no ended session for its events', async () => {
    const db = warehouse(dir, 'twice');
    const env = { APIVIDEO_API_KEY: emulator.apiKey };
    expect((await runCli(syncArgs(db), env)).code).toBe(0);
    emulator.emulator.stats.reset();
    const second = await runCli(syncArgs(db, '--json'), env);
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.rowsAddedTotal).toBe(0);
    const truth = emulator.emulator.truth;
    // Assets listed earlier today without a viewer since (by the Analytics API) are not asked again.
    const listings = emulator.emulator.stats.byRoute['GET /analytics/videos/{videoId}'] ?? 0;
    expect(listings).toBeLessThan(truth.videos().length / 2);
    for (const sessionId of emulator.emulator.stats.eventRequestsBySession.keys()) {
      expect(
        truth.session(sessionId)?.endedAtMs,
        `events of ended session ${sessionId} fetched again`,
      ).toBeNull();
    }
    expect(await compareWithTruth(await db.local(), truth)).toEqual([]);
  });
});

describe('sessions still open', () => {
  it('fetches their events again until they end, then never again', async () => {
    // A busy account (about 40 sessions an hour) observed a day ago, so some sessions are open.
    const busy = await startEmulator({
      seed: 11,
      videos: 12,
      liveStreams: 3,
      players: 2,
      sessions: 3000,
      historyDays: 3,
      now: Date.now() - 86_400_000,
    });
    try {
      const db = warehouse(dir, 'open');
      const env = { APIVIDEO_API_KEY: busy.apiKey };
      const truth = busy.emulator.truth;
      expect(
        (await runCli(['sync', '--base-url', busy.url, ...db.args, '--no-metrics'], env)).code,
      ).toBe(0);
      const before = [...truth.sessions()];
      const open = new Set(before.filter((s) => s.endedAtMs === null).map((s) => s.sessionId));
      const known = new Set(before.map((s) => s.sessionId));
      expect(open.size).toBeGreaterThan(0);
      expect(await compareWithTruth(await db.local(), truth)).toEqual([]);

      busy.emulator.clock.advance(2 * 3_600_000);
      busy.emulator.stats.reset();
      expect(
        (await runCli(['sync', '--base-url', busy.url, ...db.args, '--no-metrics'], env)).code,
      ).toBe(0);
      const asked = new Set(busy.emulator.stats.eventRequestsBySession.keys());
      // Every session open before was asked again…
      for (const id of open) expect(asked.has(id), `open session ${id} not refreshed`).toBe(true);
      // …and besides them only sessions that did not exist yet.
      for (const id of asked)
        expect(open.has(id) || !known.has(id), `ended session ${id} asked again`).toBe(true);
      expect(await compareWithTruth(await db.local(), truth)).toEqual([]);
    } finally {
      await busy.close();
    }
  });
});
