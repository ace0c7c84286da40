import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/connection.js';
import {
  hasChromium,
  headlineSessions,
  launchChromium,
  NO_CHROMIUM,
  outputPath,
  syncedWarehouse,
  waitForRender,
} from '../helpers/browser.js';

const ROOT = join(import.meta.dirname, '../..');

async function sessionsIn(db: string): Promise<number> {
  const wh = await Warehouse.open(db, { readOnly: true, lockWaitMs: 5000 });
  try {
    return Number(await wh.scalar<bigint>('SELECT count(*) FROM master'));
  } finally {
    wh.close();
  }
}

/** `viewership serve` as a user runs it, on any free port; resolves with its URL. */
function startServe(db: string, log: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/viewership.js', 'serve', '--db', db, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log.join('')}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
  });
}

if (!hasChromium) console.warn(NO_CHROMIUM);

describe.skipIf(!hasChromium)('serve and sync side by side on one warehouse file', () => {
  let dir: string;
  let db: string;
  let serve: { child: ChildProcess; url: string } | undefined;
  const serveLog: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-serve-sync-'));
    db = join(dir, 'warehouse.duckdb');
    await syncedWarehouse(db, { preset: 'tiny', seed: 11 });
    serve = await startServe(db, serveLog);
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await once(serve.child, 'exit');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a sync into the file serve shows succeeds, and the page then shows the new data', async () => {
    const before = await sessionsIn(db);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(serve!.url);
      await waitForRender(page);
      expect(await headlineSessions(page)).toBe(before);
      expect(await page.evaluate(() => document.documentElement.dataset.version)).toBe('1');

      // While the sync runs, serve keeps answering from its snapshot, quickly.
      let answering = true;
      const latencies: number[] = [];
      const versions = new Set<number>();
      const probe = (async () => {
        while (answering) {
          const t = performance.now();
          const res = await fetch(`${serve!.url}/api/data?type=video`);
          expect(res.status).toBe(200);
          await res.json();
          latencies.push(performance.now() - t);
          versions.add(
            ((await (await fetch(`${serve!.url}/api/version`)).json()) as { version: number })
              .version,
          );
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      // Another account into the same file: its sessions add to the first's. It is big enough
      // (seconds) for serve's watcher to find the file locked while it runs.
      const summary = await syncedWarehouse(db, { preset: 'small', seed: 12 }).finally(() => {
        answering = false;
      });
      await probe;
      expect(summary.status).toBe('succeeded');
      expect(summary.rowsAdded.sessions).toBeGreaterThan(0);
      expect(Math.max(...latencies)).toBeLessThan(2000);
      const after = await sessionsIn(db);
      expect(after).toBe(before + summary.rowsAdded.sessions!);

      // The page polls the data version and redraws with the sync's sessions.
      await page.waitForFunction(
        () => Number(document.documentElement.dataset.version) >= 2,
        null,
        { timeout: 20_000 },
      );
      await waitForRender(page);
      await page.waitForFunction(
        (n) =>
          document
            .querySelector('[data-stat="sessions"] .vw-value')
            ?.textContent?.replace(/\D/g, '') === String(n),
        after,
        { timeout: 10_000 },
      );
      expect(await headlineSessions(page)).toBe(after);
      await page.screenshot({ path: outputPath('dashboard-after-sync.png') });
      // serve saw the sync's lock and waited it out instead of copying a file mid-write.
      expect(serveLog.join('')).toContain('a sync is writing the warehouse');
      expect([...versions].every((v) => v === 1 || v === 2)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('stops on SIGTERM', async () => {
    serve!.child.kill('SIGTERM');
    const [code] = await once(serve!.child, 'exit');
    expect(code).toBe(0);
  });
});
