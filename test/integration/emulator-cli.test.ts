import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTokenSchema, pageSchema, videoSchema } from '../../src/api/schemas.js';
import { finished, runCli, startCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '../..');

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` of this file builds if the bundle lacks the command.
  const cli = join(ROOT, 'dist/cli.js');
  if (!existsSync(cli) || !readFileSync(cli, 'utf8').includes('api.video emulator listening on')) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  }
});

/** Starts `viewership emulator`, waits for its two lines, and returns them with the process. */
async function serve(args: string[]) {
  const child = startCli(['emulator', '--port', '0', ...args]);
  const done = finished(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > 2) resolve();
    });
    child.on('close', () => reject(new Error(`the emulator exited early: ${out}`)));
  });
  const [listening, key] = out.trimEnd().split('\n');
  return {
    child,
    done,
    listening: listening!,
    key: key!,
    url: listening!.split(' ').pop()!,
    apiKey: key!.replace('API key: ', ''),
  };
}

describe('viewership emulator', () => {
  it('prints its URL and key, serves the API, and stops cleanly on SIGTERM', async () => {
    const { child, done, listening, key, url, apiKey } = await serve([
      '--preset',
      'tiny',
      '--seed',
      '3',
    ]);
    expect(listening).toMatch(/^api\.video emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(key).toMatch(/^API key: \S+$/);

    const auth = await fetch(`${url}/auth/api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
    const token = accessTokenSchema.parse(await auth.json());
    const videos = await fetch(`${url}/videos`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(pageSchema(videoSchema).parse(await videos.json()).data).toHaveLength(5);

    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(result.stderr).toBe('');
  });

  it('takes its API key, generations and rate limit from flags', async () => {
    const { child, done, url, apiKey } = await serve([
      '--preset',
      'tiny',
      '--api-key',
      'k-123',
      '--generations',
      'raw',
      '--rate-limit',
      '50',
    ]);
    expect(apiKey).toBe('k-123');
    const headers = { authorization: `Basic ${Buffer.from('k-123:').toString('base64')}` };
    const data = await fetch(`${url}/data/metrics/play/count`, { headers });
    expect(data.status).toBe(404);
    expect(data.headers.get('x-ratelimit-limit')).toBe('50');
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('exits 2 with a plain message on a bad flag', async () => {
    const result = await runCli(['emulator', '--preset', 'huge']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^viewership: --preset "huge" is not a preset\n {2}use one of tiny, small/,
    );
  });
});
