import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMillionWarehouse } from '../helpers/million-warehouse.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import { SnapshotStore } from '../../src/dashboard/server/snapshot.js';
import type { DataAnswer, Meta } from '../../src/dashboard/shared/types.js';
import { allCharts } from '../../src/dashboard/queries.js';
import { UsageError } from '../../src/errors.js';
import { Warehouse } from '../../src/warehouse/connection.js';

/**
 * DuckDB's file lock is per process, so the writer must be another process: it opens the file
 * read-write (as a sync does), adds 10 sessions, says "locked", and holds the lock until its
 * stdin closes.
 */
const WRITER = `
import duckdb from '@duckdb/node-api';
const instance = await duckdb.DuckDBInstance.create(process.argv[1]);
const c = await instance.connect();
await c.run("INSERT INTO sessions SELECT * REPLACE ('new-' || session_id AS session_id) FROM sessions ORDER BY session_id LIMIT 10");
console.log('locked');
process.stdin.resume();
process.stdin.on('end', () => { c.closeSync(); instance.closeSync(); console.log('released'); });
`;

function startWriter(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, path], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(child);
    });
  });
}

describe('serve reads a private snapshot of the warehouse', () => {
  let dir: string;
  let source: string;
  let snapshots: string;
  let store: SnapshotStore;
  const sessions = async () =>
    store.use(async (s) =>
      Number((await allCharts(s.db, { type: 'all' }, true)).totals![0]!.sessions),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-snapshot-'));
    source = join(dir, 'w.duckdb');
    snapshots = join(dir, 'snapshots');
    await buildMillionWarehouse(source, { sessions: 500, videos: 5, liveStreams: 1, days: 10 });
    store = new SnapshotStore(source, { dir: snapshots });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the source at first and answers from the copy', async () => {
    // The store made its folder; nothing is in it before the first refresh.
    expect(await store.refresh()).toBe('updated');
    expect(store.version).toBe(1);
    expect(store.snapshot!.db.path).toBe(join(snapshots, 'snapshot-1.duckdb'));
    expect(store.snapshot!.facts.sessions).toBe(500);
    expect(await sessions()).toBe(500);
    expect(await store.refresh()).toBe('unchanged');
  });

  it('does not copy a source a writer holds, keeps serving the old copy, and never blocks the writer', async () => {
    // Serve's snapshot is open: a writer still gets the file at once.
    const writer = await startWriter(source);
    try {
      expect(await store.refresh()).toBe('locked');
      expect(store.version).toBe(1);
      expect(await sessions()).toBe(500);
      expect(readdirSync(snapshots).filter((f) => f.endsWith('.duckdb'))).toEqual([
        'snapshot-1.duckdb',
      ]);
    } finally {
      writer.stdin!.end();
      await once(writer, 'exit');
    }
    expect(await store.refresh()).toBe('updated');
    expect(store.version).toBe(2);
    expect(await sessions()).toBe(510);
    expect(store.snapshot!.facts.sessions).toBe(510);
    // The old copy is gone once swapped out.
    expect(readdirSync(snapshots).filter((f) => f.endsWith('.duckdb'))).toEqual([
      'snapshot-2.duckdb',
    ]);
  });

  it('refreshes while another reader (a `viewership query`) has the source open', async () => {
    const reader = await Warehouse.open(source, { readOnly: true });
    try {
      const later = new Date(Date.now() + 5000);
      utimesSync(source, later, later);
      expect(await store.refresh()).toBe('updated');
      expect(store.version).toBe(3);
      expect(await sessions()).toBe(510);
    } finally {
      reader.close();
    }
  });

  it('reports a missing source and refuses a file that is not a warehouse', async () => {
    const missing = new SnapshotStore(join(dir, 'nope.duckdb'), { dir: join(dir, 's2') });
    expect(await missing.refresh()).toBe('missing');
    await missing.close();
    const other = join(dir, 'other.duckdb');
    const db = await Warehouse.open(other);
    await db.run('CREATE TABLE t (x INTEGER)');
    db.close();
    const foreign = new SnapshotStore(other, { dir: join(dir, 's3') });
    await expect(foreign.refresh()).rejects.toBeInstanceOf(UsageError);
    await foreign.close();
  });
});

describe('serve started while a sync holds the warehouse', () => {
  it('starts anyway, says it is waiting, and fills in when the sync lets go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewership-waiting-'));
    const source = join(dir, 'w.duckdb');
    await buildMillionWarehouse(source, { sessions: 200, videos: 3, liveStreams: 1, days: 5 });
    const writer = await startWriter(source);
    let dashboard: RunningDashboard | undefined;
    try {
      dashboard = await startDashboard({
        db: source,
        port: 0,
        watchMs: 100,
        snapshotDir: join(dir, 's'),
      });
      const meta = (await (await fetch(`${dashboard.url}/api/meta`)).json()) as Meta;
      expect(meta).toMatchObject({ state: 'waiting', version: 0, extent: null, sessions: 0 });
      const data = (await (await fetch(`${dashboard.url}/api/data`)).json()) as DataAnswer;
      expect(Object.values(data.charts).every((rows) => rows.length === 0)).toBe(true);
      writer.stdin!.end();
      await once(writer, 'exit');
      const deadline = Date.now() + 10_000;
      let version = 0;
      while (version === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        version = ((await (await fetch(`${dashboard.url}/api/version`)).json()) as Meta).version;
      }
      expect(version).toBe(1);
      const after = (await (await fetch(`${dashboard.url}/api/meta`)).json()) as Meta;
      expect(after).toMatchObject({ state: 'ready', sessions: 210 });
    } finally {
      if (writer.exitCode === null) writer.kill();
      await dashboard?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
