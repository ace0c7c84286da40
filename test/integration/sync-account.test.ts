/**
 * Accounts that change or lack parts of the API: a generation missing is named, not a crash;
 * an asset gone from the API is marked gone and keeps its history; a renamed asset is renamed
 * in every session row.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NOW, pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { compareWithTruth } from '../helpers/truth.js';
import { skipWithoutDestination, warehouse, type TestWarehouse } from '../helpers/destinations.js';

skipWithoutDestination();

const dir = tempDir();
const running: PinnedEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.close()));
});

async function sync(e: PinnedEmulator, db: TestWarehouse, ...extra: string[]) {
  return runCli(['sync', '--base-url', e.url, ...db.args, ...extra], e.env);
}

async function read<T>(db: TestWarehouse, sql: string): Promise<T[]> {
  const wh = await Warehouse.open(await db.local(), { readOnly: true });
  try {
    return await wh.rows<T>(sql);
  } finally {
    wh.close();
  }
}

describe('accounts without every API generation', () => {
  it('names a missing raw-statistics API, syncs the rest and exits 0', async () => {
    const e = await pinnedEmulator({
      preset: 'tiny',
      seed: 8,
      generations: { raw: false },
      variance: true,
    });
    running.push(e);
    const db = warehouse(dir, 'no-raw');
    const r = await sync(e, db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not available on this account: raw statistics API/);
    const [counts] = await read<{ videos: bigint; sessions: bigint; metrics: bigint }>(
      db,
      `SELECT (SELECT count(*) FROM videos) AS videos, (SELECT count(*) FROM sessions) AS sessions,
              (SELECT count(*) FROM metric_timeseries) AS metrics`,
    );
    expect(Number(counts!.videos)).toBe(e.emulator.truth.videos().length);
    expect(Number(counts!.sessions)).toBe(0);
    expect(Number(counts!.metrics)).toBeGreaterThan(0);
    const [run] = await read<{ missing_generations: string[] }>(
      db,
      'SELECT missing_generations FROM sync_runs',
    );
    expect(run!.missing_generations).toEqual(['raw statistics']);
  });

  it('names a missing Analytics API and still mirrors every session', async () => {
    const e = await pinnedEmulator({
      preset: 'tiny',
      seed: 8,
      generations: { analytics: false },
      variance: true,
    });
    running.push(e);
    const db = warehouse(dir, 'no-analytics');
    const r = await sync(e, db, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).missingGenerations).toEqual(['analytics']);
    expect(await compareWithTruth(await db.local(), e.emulator.truth)).toEqual([]);
  });
});

describe('an account that changes between syncs', () => {
  it('marks a deleted video gone, keeps its sessions, and renames a renamed one everywhere', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 9 });
    running.push(e);
    const db = warehouse(dir, 'changes');
    expect((await sync(e, db)).code).toBe(0);
    const [gone, renamed] = await read<{ video_id: string; n: bigint }>(
      db,
      `SELECT asset_id AS video_id, count(*) AS n FROM sessions WHERE asset_type = 'video'
       GROUP BY 1 ORDER BY n DESC, 1 LIMIT 2`,
    );
    e.emulator.removeAsset(gone!.video_id);
    e.emulator.renameAsset(renamed!.video_id, 'A brand new <title>');
    // An hour later, for the account and for the sync.
    e.emulator.clock.advance(3_600_000);
    e.env.VIEWERSHIP_NOW = new Date(NOW + 3_600_000).toISOString();
    expect((await sync(e, db)).code).toBe(0);

    const videos = await read<{ video_id: string; title: string; gone: boolean }>(
      db,
      `SELECT video_id, title, gone_at IS NOT NULL AS gone FROM videos WHERE video_id IN ('${gone!.video_id}', '${renamed!.video_id}')`,
    );
    expect(videos.find((v) => v.video_id === gone!.video_id)!.gone).toBe(true);
    expect(videos.find((v) => v.video_id === renamed!.video_id)).toMatchObject({
      gone: false,
      title: 'A brand new <title>',
    });
    const [kept] = await read<{ n: bigint }>(
      db,
      `SELECT count(*) AS n FROM sessions WHERE asset_id = '${gone!.video_id}'`,
    );
    expect(kept!.n).toBe(gone!.n);
    const titles = await read<{ t: string }>(
      db,
      `SELECT DISTINCT asset_title AS t FROM sessions WHERE asset_id = '${renamed!.video_id}'
       UNION SELECT DISTINCT asset_title FROM master WHERE asset_id = '${renamed!.video_id}'`,
    );
    expect(titles.map((t) => t.t)).toEqual(['A brand new <title>']);
  });

  it('lists an asset that appeared since, whole, while it lists the known ones beside the catalog', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 10 });
    running.push(e);
    const byAsset = new Map<string, number>();
    for (const s of e.emulator.truth.sessions()) {
      if (s.assetType === 'video') byAsset.set(s.assetId, (byAsset.get(s.assetId) ?? 0) + 1);
    }
    const [appearing] = [...byAsset].sort((a, b) => b[1] - a[1])[0]!;
    e.emulator.removeAsset(appearing);
    const db = warehouse(dir, 'appearing');
    expect((await sync(e, db)).code).toBe(0);
    e.emulator.restoreAsset(appearing);
    e.emulator.clock.advance(3_600_000);
    e.env.VIEWERSHIP_NOW = new Date(NOW + 3_600_000).toISOString();
    e.emulator.stats.reset();
    const again = await sync(e, db, '--json');
    expect(again.code, again.stderr).toBe(0);
    // The second run is the same day's: it skipped the assets without new viewers.
    expect(JSON.parse(again.stdout).skipped['assets without new viewers']).toBeGreaterThan(0);
    const [listed] = await read<{ n: bigint }>(
      db,
      `SELECT count(*) AS n FROM sessions WHERE asset_id = '${appearing}'`,
    );
    expect(Number(listed!.n)).toBe(byAsset.get(appearing));
    expect(await compareWithTruth(await db.local(), e.emulator.truth)).toEqual([]);
  });

  it('a video deleted since the last run is marked gone by the catalog, without a warning, though its sessions were asked for beside it', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 11 });
    running.push(e);
    const db = warehouse(dir, 'deleted-since');
    expect((await sync(e, db)).code).toBe(0);
    const [gone] = await read<{ video_id: string }>(
      db,
      `SELECT asset_id AS video_id FROM sessions WHERE asset_type = 'video' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    e.emulator.removeAsset(gone!.video_id);
    // The next day: every known asset is listed again, beside the catalog.
    e.emulator.clock.advance(86_400_000);
    e.env.VIEWERSHIP_NOW = new Date(NOW + 86_400_000).toISOString();
    e.emulator.stats.reset();
    const again = await sync(e, db, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).warnings).toEqual([]);
    expect(e.emulator.stats.byRoute['GET /analytics/videos/{videoId}']).toBeGreaterThan(0);
    // Its own route was not asked whether it still exists: the whole catalog said so.
    expect(e.emulator.stats.byRoute['GET /videos/{videoId}'] ?? 0).toBe(0);
    const [video] = await read<{ gone: boolean }>(
      db,
      `SELECT gone_at IS NOT NULL AS gone FROM videos WHERE video_id = '${gone!.video_id}'`,
    );
    expect(video!.gone).toBe(true);
  });
});
