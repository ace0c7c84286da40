import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMillionWarehouse } from '../helpers/million-warehouse.js';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The built CLI, as a user runs it: exit code, stdout, stderr. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/viewership.js', ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('viewership report and serve on the command line', () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-cli-'));
    db = join(dir, 'w.duckdb');
    await buildMillionWarehouse(db, { sessions: 300, videos: 4, liveStreams: 1, days: 14 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a report and says where, how big, and how many sessions', async () => {
    const out = join(dir, 'r.html');
    const { code, stderr } = await cli('report', '--db', db, '--out', out, '--from', '2025-12-20');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^wrote .*r\.html: [\d.]+ MB, \d+ sessions\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>viewership report, 2025-12-20 to 2025-12-31</title>');
  });

  it('exits 2 with a plain message on bad usage', async () => {
    const bad = await cli(
      'report',
      '--db',
      db,
      '--out',
      join(dir, 'x.html'),
      '--from',
      '2025-02-30',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from "2025-02-30" is not a day');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
    const missing = await cli('serve', '--db', join(dir, 'none.duckdb'), '--port', '0');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no warehouse at');
    const port = await cli('serve', '--db', db, '--port', '99999');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "99999" is not a whole number from 0 to 65535');
  });
});
