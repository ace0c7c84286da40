/**
 * Every failure ends cleanly (issue 8): Ctrl-C and SIGTERM stop a sync with what is whole kept and
 * a way to resume; a full disk is a message, not an abort; serve faces the network only when told
 * and then admits only the names it was given; demo never hangs on a busy port; text from the API
 * cannot drive the terminal.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/connection.js';
import { finished, runCli, startCli, tempDir } from '../helpers/cli.js';
import { NOW, pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { compareWithTruth } from '../helpers/truth.js';

/** `demo`'s emulated account starts from the tests' pinned now. */
const PINNED = { VIEWERSHIP_NOW: new Date(NOW).toISOString() };

const dir = tempDir();
let emulator: PinnedEmulator;
// A fresh account for each test: under variance, assets vanish once per emulator.
beforeEach(async () => {
  // Slow answers, so a signal arrives mid-run whatever the machine's speed.
  emulator = await pinnedEmulator({ preset: 'small', seed: 31, latencyMs: 20, variance: true });
});
afterEach(() => emulator.close());

async function runs(db: string) {
  const wh = await Warehouse.open(db, { readOnly: true });
  try {
    return await wh.rows<{ status: string; requests: bigint; rows_added: bigint }>(
      'SELECT status, requests, rows_added FROM sync_runs ORDER BY run_id',
    );
  } finally {
    wh.close();
  }
}

describe('a sync stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'on %s commits what is whole, records the run interrupted, says how to resume, exits %i',
    async (signal, code) => {
      const db = join(dir, `${signal}.duckdb`);
      const args = ['sync', '--base-url', emulator.url, '--db', db];
      const child = startCli(args, emulator.env);
      const done = finished(child);
      const start = emulator.emulator.stats.requests;
      // Well into the events stage.
      while (emulator.emulator.stats.requests - start < 400)
        await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      const result = await done;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toMatch(/stopping: no new request/);
      expect(result.stderr).toMatch(/Run the same command again to resume where it stopped/);
      expect(result.stdout).toMatch(/^interrupted after syncing/);
      const [run] = await runs(db);
      expect(run!.status).toBe('interrupted');
      expect(Number(run!.requests)).toBeGreaterThan(0);
      expect(Number(run!.rows_added)).toBeGreaterThan(0);

      const again = await runCli(args, emulator.env);
      expect(again.code, again.stderr).toBe(0);
      expect(await compareWithTruth(db, emulator.emulator.truth)).toEqual([]);
    },
  );
});

/** A small file system of its own, where this machine allows mounting one (root). */
function smallDisk(path: string, size: string): boolean {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  const disk = join(dir, 'disk');
  const mounted = smallDisk(disk, '1500k');
  afterAll(() => {
    if (mounted) execFileSync('umount', [disk], { stdio: 'ignore' });
    rmSync(disk, { recursive: true, force: true });
  });

  it.skipIf(!mounted)(
    'ends with the cause and the fix, records the run failed, and the next sync resumes',
    async () => {
      const db = join(disk, 'w.duckdb');
      const args = ['sync', '--base-url', emulator.url, '--db', db, '--no-metrics'];
      const full = await runCli(args, emulator.env);
      expect(full.code, full.stderr).toBe(1);
      expect(full.stderr).toMatch(
        /^viewership: the disk holding .*w\.duckdb is full\n {2}Free some space and run the same command again: sync resumes where it stopped\.\n$/,
      );
      expect((await runs(db)).at(-1)!.status).toBe('failed');

      execFileSync('mount', ['-o', 'remount,size=64m', disk], { stdio: 'ignore' });
      const again = await runCli(args, emulator.env);
      expect(again.code, again.stderr).toBe(0);
      expect(await compareWithTruth(db, emulator.emulator.truth)).toEqual([]);
    },
  );
});

describe('serve on a network', () => {
  it('warns, and admits only loopback names, addresses and the names given with --allow-host', async () => {
    const db = join(dir, 'serve.duckdb');
    expect(
      (await runCli(['sync', '--base-url', emulator.url, '--db', db, '--no-metrics'], emulator.env))
        .code,
    ).toBe(0);
    const child = startCli([
      'serve',
      '--db',
      db,
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--allow-host',
      'stats.example.com',
      '--json',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    while (!stdout.includes('\n')) await new Promise((r) => setTimeout(r, 20));
    try {
      const { port } = JSON.parse(stdout) as { port: number };
      expect(stderr).toMatch(
        /warning: serve listens on 0\.0\.0\.0: anyone who can reach this machine can read your analytics/,
      );
      // node:http sends the Host header it is given (fetch does not let one set it).
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: '/api/version', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
            .on('error', reject)
            .end();
        });
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`localhost:${port}`)).toBe(200);
      expect(await status(`192.168.1.20:${port}`)).toBe(200);
      expect(await status(`stats.example.com:${port}`)).toBe(200);
      // A DNS-rebinding page reaches the server under its own name.
      expect(await status(`evil.example.net:${port}`)).toBe(403);
    } finally {
      child.kill('SIGTERM');
      await finished(child);
    }
  });
});

describe('demo on a busy port', () => {
  it('takes a free port and says so; a port asked for that is taken is a usage error', async () => {
    // Hold 8080 if it is free; if something else holds it, the case is the same.
    const blocker: Server = createServer();
    await new Promise<void>((resolve) =>
      blocker.once('error', () => resolve()).listen(8080, '127.0.0.1', resolve),
    );
    try {
      const db = join(dir, 'demo.duckdb');
      const child = startCli(['demo', '--preset', 'tiny', '--db', db, '--every', '0'], PINNED);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      const done = finished(child);
      while (!stdout.includes('dashboard:') && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toMatch(/port 8080 is taken: the dashboard listens on port \d+ instead/);
      expect(stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:(?!8080)\d+/);
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);

      const asked = await runCli(
        ['demo', '--preset', 'tiny', '--db', join(dir, 'demo2.duckdb'), '--port', '8080'],
        PINNED,
      );
      expect(asked.code).toBe(2);
      expect(asked.stderr).toMatch(/port 8080 on 127\.0\.0\.1 is already in use/);
    } finally {
      blocker.close();
    }
  });
});

describe('text from the API on a terminal', () => {
  it('spells out control characters instead of sending them to the terminal', async () => {
    const db = join(dir, 'control.duckdb');
    expect(
      (await runCli(['sync', '--base-url', emulator.url, '--db', db, '--no-metrics'], emulator.env))
        .code,
    ).toBe(0);
    const wh = await Warehouse.open(db);
    await wh.run(
      `UPDATE videos SET title = 'red' || chr(27) || '[31m text' WHERE video_id = (SELECT min(video_id) FROM videos)`,
    );
    wh.close();
    const r = await runCli([
      'query',
      `SELECT title FROM videos WHERE title LIKE 'red%'`,
      '--db',
      db,
    ]);
    expect(r.stdout).toContain('red\\x1b[31m text');
    expect(r.stdout).not.toContain('\x1b');
    const bad = await runCli(['query', `SELECT * FROM "no${'\x1b'}[2Jtable"`, '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('\x1b');
  });
});
