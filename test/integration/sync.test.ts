/**
 * The real CLI against the emulator: the warehouse must equal the emulator's ground truth,
 * and a second run must add nothing and fetch no ended session's events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { compareWithTruth } from '../helpers/truth.js';
import { skipWithoutDestination, warehouse, type TestWarehouse } from '../helpers/destinations.js';

skipWithoutDestination();

let emulator: PinnedEmulator;
let dir: string;

// A fresh emulator for each test: under variance, assets vanish once per emulator.
beforeEach(async () => {
  // Variance on: the emulator answers anything the specs allow, as a real account may.
  emulator = await pinnedEmulator({ preset: 'small', seed: 7, variance: true });
  dir = tempDir();
});
afterEach(() => emulator.close());

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
    const result = await runCli(syncArgs(db, '--raw-dir', raw, '--json'), emulator.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', missingGenerations: [], rateLimited: 0 });
    const learnable = [...emulator.emulator.truth.sessions()].filter((s) => s.listed && s.readable);
    expect(summary.rowsAdded.sessions).toBe(learnable.length);
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
    // The listing as read, before a video vanished mid-run.
    const vanished = emulator.emulator.truth
      .variance()
      .vanishingAssets.filter((v) => v.vanished && v.assetType === 'video').length;
    expect(videos).toHaveLength(emulator.emulator.truth.videos().length + vanished);
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
    const env = emulator.env;
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
    const busy = await pinnedEmulator({
      seed: 11,
      videos: 12,
      liveStreams: 3,
      players: 2,
      sessions: 3000,
      historyDays: 3,
      variance: true,
    });
    try {
      const db = warehouse(dir, 'open');
      const env = busy.env;
      const truth = busy.emulator.truth;
      expect(
        (await runCli(['sync', '--base-url', busy.url, ...db.args, '--no-metrics'], env)).code,
      ).toBe(0);
      const before = [...truth.sessions()];
      // Open as the client sees it: sent without an end, loaded in the last two days (older
      // sessions without an end are over: see SESSION_OPEN_AT_MOST_MS).
      const seenOpen = (s: (typeof before)[number]) => {
        const session = (s.api as { session: { endedAt?: string; loadedAt?: string } }).session;
        return (
          s.listed &&
          s.readable &&
          !s.eventsGone &&
          !session.endedAt &&
          session.loadedAt !== undefined &&
          s.loadedAtMs >= NOW - 2 * 86_400_000
        );
      };
      const open = new Set(before.filter(seenOpen).map((s) => s.sessionId));
      const known = new Set(before.map((s) => s.sessionId));
      expect(open.size).toBeGreaterThan(0);
      expect(await compareWithTruth(await db.local(), truth)).toEqual([]);

      busy.emulator.clock.advance(2 * 3_600_000);
      busy.emulator.stats.reset();
      const later = { ...env, VIEWERSHIP_NOW: new Date(NOW + 2 * 3_600_000).toISOString() };
      expect(
        (await runCli(['sync', '--base-url', busy.url, ...db.args, '--no-metrics'], later)).code,
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
