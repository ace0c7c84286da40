import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTokenSchema, pageSchema, videoSchema } from '../../src/api/schemas.js';
import { finished, runCli, startCli } from '../helpers/cli.js';
import { NOW } from '../helpers/pinned.js';

const ROOT = join(import.meta.dirname, '../..');

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` of this file builds if the bundle lacks the command.
  const cli = join(ROOT, 'dist/cli.js');
  if (!existsSync(cli) || !readFileSync(cli, 'utf8').includes('api.video emulator listening on')) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  }
});

/**
 * Starts `viewership emulator` with its clock pinned (unless the flags pin it), waits for its two
 * lines, and returns them with the process.
 */
async function serve(args: string[]) {
  const pin = args.includes('--now') ? [] : ['--now', new Date(NOW).toISOString()];
  const child = startCli(['emulator', '--port', '0', ...pin, ...args]);
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

  it('gives byte-identical answers in two processes with the same seed, --now and --variance', async () => {
    const flags = [
      '--preset',
      'small',
      '--seed',
      '9',
      '--now',
      '2025-05-28T19:30:00Z',
      '--variance',
    ];
    const [a, b] = await Promise.all([serve(flags), serve(flags)]);
    try {
      expect(b.apiKey).toBe(a.apiKey);
      const request = async (url: string, path: string, init: RequestInit = {}) => {
        const res = await fetch(url + path, init);
        return `${res.status} ${res.headers.get('content-type')}\n${await res.text()}`;
      };
      /** The same requests, in the same order, to one emulator: every answer as text. */
      const session = async (url: string) => {
        const answers: string[] = [];
        const login = await request(url, '/auth/api-key', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiKey: a.apiKey }),
        });
        answers.push(login);
        const token = JSON.parse(login.slice(login.indexOf('\n') + 1)).access_token as string;
        const headers = { authorization: `Bearer ${token}` };
        const get = async (path: string) => {
          const answer = await request(url, path, { headers });
          answers.push(`${path}\n${answer}`);
          return JSON.parse(answer.slice(answer.indexOf('\n') + 1)) as Record<string, unknown>;
        };
        const truth = (await get('/__emulator/truth')) as {
          variance: { vanishingAssets: Array<{ assetId: string }> };
        };
        const videos = (await get('/videos?pageSize=100')).data as Array<{ videoId: string }>;
        await get('/live-streams');
        await get('/players?pageSize=2&currentPage=2');
        const period = 'period=2025-03-29/2025-05-28';
        for (const v of videos.slice(0, 6)) {
          const list = await get(`/analytics/videos/${v.videoId}?${period}&pageSize=50`);
          for (const s of (list.data as Array<{ session: { sessionId?: string } }>).slice(0, 8))
            if (s.session.sessionId) await get(`/analytics/sessions/${s.session.sessionId}/events`);
        }
        const vanishing = truth.variance.vanishingAssets[0]!.assetId;
        await get(`/analytics/videos/${vanishing}?${period}&pageSize=3`);
        await get(`/analytics/videos/${vanishing}?${period}&pageSize=3&currentPage=2`);
        await get('/__emulator/truth/sessions?offset=0&limit=50&events=1');
        for (const path of [
          '/data/metrics/play/count',
          '/data/metrics/watch-time/average?from=2025-05-01T00:00:00Z',
          '/data/buckets/impression/country?pageSize=100',
          '/data/buckets/play/referrer',
          '/data/timeseries/view?interval=day&from=2025-05-01T00:00:00Z',
          '/data/timeseries/ccv-peak',
          '/data/metrics/nope/count',
          '/videos/vinope',
          '/videos?pageSize=101',
        ])
          await get(path);
        return answers;
      };
      const [first, second] = [await session(a.url), await session(b.url)];
      expect(first.length).toBeGreaterThan(30);
      first.forEach((answer, i) => expect(second[i]).toBe(answer));
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.done, b.done]);
    }
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
