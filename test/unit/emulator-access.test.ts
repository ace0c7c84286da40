import { afterEach, describe, expect, it } from 'vitest';
import { accessTokenSchema } from '../../src/api/schemas.js';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index.js';
import { isLoopback } from '../../src/emulator/admin.js';
import { DEFAULT_RATE_LIMIT } from '../../src/emulator/options.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const running: RunningEmulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const run = await startEmulator({ preset: 'tiny', now: NOW, ...options });
  running.push(run);
  return run;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function call(run: RunningEmulator, path: string, init: RequestInit = {}) {
  const res = await fetch(run.url + path, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const post = (run: RunningEmulator, path: string, body: unknown) =>
  call(run, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('emulator access: authentication', () => {
  it('trades the API key for a token pair in the spec’s shape, and rejects a wrong key', async () => {
    const run = await start();
    const ok = await post(run, '/auth/api-key', { apiKey: run.apiKey });
    expect(ok.status).toBe(200);
    const token = accessTokenSchema.parse(ok.body);
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(token.refresh_token).toBeTruthy();
    expect((await call(run, '/videos', bearer(token.access_token))).status).toBe(200);

    const wrong = await post(run, '/auth/api-key', { apiKey: 'wrong' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({
      type: 'https://docs.api.video/docs/authenticationinvalid_credentials',
      title: 'The user credentials were incorrect.',
      name: '',
      status: 400,
    });
    expect((await post(run, '/auth/api-key', {})).status).toBe(400);
    expect((await call(run, '/auth/api-key', { method: 'POST', body: '{not json' })).status).toBe(
      400,
    );
  });

  it('expires tokens after their TTL, and refreshes once per refresh token', async () => {
    const run = await start({ tokenTtlSeconds: 60 });
    const first = accessTokenSchema.parse(
      (await post(run, '/auth/api-key', { apiKey: run.apiKey })).body,
    );
    expect(first.expires_in).toBe(60);
    run.emulator.clock.advance(61_000);
    const expired = await call(run, '/videos', bearer(first.access_token));
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 401 });

    const refreshed = await post(run, '/auth/refresh', { refreshToken: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = accessTokenSchema.parse(refreshed.body);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await call(run, '/videos', bearer(second.access_token))).status).toBe(200);

    const reused = await post(run, '/auth/refresh', { refreshToken: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({
      title: 'The user credentials were incorrect.',
      status: 400,
    });
    expect((await post(run, '/auth/refresh', { refreshToken: 'def50200nope' })).status).toBe(400);
  });

  it('accepts HTTP Basic with the key as user name, and answers 401 with a problem+json body otherwise', async () => {
    const run = await start({ apiKey: 'my-key' });
    expect(run.apiKey).toBe('my-key');
    expect(
      (await call(run, '/videos', { headers: { authorization: basic('my-key') } })).status,
    ).toBe(200);
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: basic('other') },
      { authorization: 'Bearer nope' },
      { authorization: 'Token x' },
    ];
    for (const headers of attempts) {
      const answer = await call(run, '/live-streams', { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ status: 401 });
    }
  });
});

describe('emulator access: rate limit', () => {
  it('sends X-RateLimit-* with a default limit when none is set, on answers and errors alike', async () => {
    const run = await start();
    const headers = { authorization: basic(run.apiKey) };
    const answers = [
      await call(run, '/videos', { headers }),
      await call(run, '/videos/vi-none', { headers }),
      await call(run, '/videos?pageSize=101', { headers }),
      await call(run, '/nope', { headers }),
      await call(run, '/players'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 400, 404, 401]);
    answers.forEach((a, i) => {
      expect(a.headers.get('x-ratelimit-limit')).toBe(String(DEFAULT_RATE_LIMIT));
      expect(a.headers.get('x-ratelimit-remaining')).toBe(String(DEFAULT_RATE_LIMIT - 1 - i));
      expect(Number(a.headers.get('x-ratelimit-retry-after'))).toBeLessThanOrEqual(60);
      expect(a.headers.get('content-type')).toBe(
        a.status === 200 ? 'application/json' : 'application/problem+json',
      );
    });
    const auth = await post(run, '/auth/api-key', { apiKey: 'wrong' });
    expect(auth.status).toBe(400);
    expect(auth.headers.get('content-type')).toBe('application/problem+json');
    expect(auth.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('sends X-RateLimit-* on every response and 429s past the limit; /auth is not limited', async () => {
    const run = await start({ rateLimit: { perMinute: 3, windowMs: 60_000 } });
    const headers = { authorization: basic(run.apiKey) };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(run, '/players', { headers }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual([
      '2',
      '1',
      '0',
      '0',
    ]);
    for (const a of answers) {
      expect(a.headers.get('x-ratelimit-limit')).toBe('3');
      const retry = Number(a.headers.get('x-ratelimit-retry-after'));
      expect(retry).toBeGreaterThanOrEqual(0);
      expect(retry).toBeLessThanOrEqual(60);
    }
    expect(answers[3]!.headers.get('retry-after')).toBe(
      answers[3]!.headers.get('x-ratelimit-retry-after'),
    );
    expect(answers[3]!.body).toEqual({
      type: 'https://docs.api.video/reference/too-many-requests',
      title: 'Too many requests.',
      status: 429,
    });
    // Errors are limited and carry the headers too.
    expect((await call(run, '/nope', { headers })).headers.get('x-ratelimit-limit')).toBe('3');
    for (let i = 0; i < 5; i++) {
      const auth = await post(run, '/auth/api-key', { apiKey: run.apiKey });
      expect(auth.status).toBe(200);
      expect(auth.headers.get('x-ratelimit-limit')).toBeNull();
    }
    expect(run.emulator.stats.rateLimited).toBe(2);
  });

  it('opens a new window when the old one ends', async () => {
    const run = await start({ rateLimit: { perMinute: 2, windowMs: 300 } });
    const headers = { authorization: basic(run.apiKey) };
    const statuses = async (n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push((await call(run, '/players', { headers })).status);
      return out;
    };
    // Start at the beginning of a window so the three requests share it.
    await new Promise((r) => setTimeout(r, 300 - (Date.now() % 300)));
    expect(await statuses(3)).toEqual([200, 200, 429]);
    await new Promise((r) => setTimeout(r, 310));
    expect((await statuses(1))[0]).toBe(200);
  });
});

describe('emulator access: generations, faults, latency, admin', () => {
  it('answers 404 unrecognized-request-url on the routes of a generation turned off', async () => {
    const raw = await start({ generations: { raw: false } });
    const headers = { authorization: basic(raw.apiKey) };
    const video = (raw.emulator.truth.videos()[0] as { videoId: string }).videoId;
    const off = await call(raw, `/analytics/videos/${video}?period=2025-05`, { headers });
    expect(off.status).toBe(404);
    expect(off.body).toEqual({
      type: 'https://docs.api.video/reference/unrecognized-request-url',
      title: 'Unrecognized request URL.',
      status: 404,
    });
    expect((await call(raw, '/data/metrics/play/count', { headers })).status).toBe(200);
    expect((await call(raw, '/videos', { headers })).status).toBe(200);

    const analytics = await start({ generations: { analytics: false } });
    const h2 = { authorization: basic(analytics.apiKey) };
    expect(
      (await call(analytics, '/data/buckets/play/country', { headers: h2 })).body,
    ).toMatchObject({ status: 404 });
    expect(
      (await call(analytics, `/analytics/videos/${video}?period=2025-05`, { headers: h2 })).status,
    ).toBe(200);
  });

  it('injects 5xx, 429 bursts and dropped connections deterministically, and counts them', async () => {
    const statuses = async (run: RunningEmulator) => {
      const out: Array<number | string> = [];
      for (let i = 0; i < 30; i++) {
        try {
          out.push(
            (await call(run, '/players', { headers: { authorization: basic(run.apiKey) } })).status,
          );
        } catch {
          out.push('dropped');
        }
      }
      return out;
    };
    const faults = { serverErrorRate: 0.2, dropRate: 0.1, burst429Rate: 0.1, seed: 42 };
    const a = await start({ faults });
    const b = await start({ faults });
    const seen = await statuses(a);
    expect(await statuses(b)).toEqual(seen);
    expect(seen).toContain(200);
    expect(seen).toContain('dropped');
    expect(seen).toContain(429);
    expect(seen.some((s) => s === 500 || s === 502 || s === 503)).toBe(true);
    const stats = a.emulator.stats;
    expect(stats.requests).toBe(30);
    expect(stats.faults).toBe(seen.filter((s) => s !== 200).length);
    expect(stats.byStatus.dropped).toBe(seen.filter((s) => s === 'dropped').length);
    expect(stats.byRoute['GET /players']).toBe(30);
  });

  it('answers a 429 burst with retry-after 1 and a 5xx with a JSON body', async () => {
    const burst = await start({ faults: { burst429Rate: 1 } });
    const answer = await call(burst, '/videos', {
      headers: { authorization: basic(burst.apiKey) },
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('x-ratelimit-retry-after')).toBe('1');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect((await post(burst, '/auth/api-key', { apiKey: burst.apiKey })).status).toBe(200);
    const failing = await start({ faults: { serverErrorRate: 1 } });
    const error = await call(failing, '/videos');
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.body).toMatchObject({ status: error.status });
  });

  it('delays responses by the latency, and slow ones by slowMs', async () => {
    const slow = await start({ latencyMs: 60, faults: { slowRate: 1, slowMs: 150 } });
    const t0 = Date.now();
    expect(
      (await call(slow, '/players', { headers: { authorization: basic(slow.apiKey) } })).status,
    ).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  });

  it('reports stats and moves the clock through admin routes', async () => {
    const run = await start();
    const session = [...run.emulator.truth.sessions()][0]!;
    await call(run, `/analytics/sessions/${session.sessionId}/events`, {
      headers: { authorization: basic(run.apiKey) },
    });
    const stats = await call(run, '/__emulator/stats');
    expect(stats.body).toMatchObject({
      requests: 1,
      eventRequestsBySession: 1,
      byStatus: { '200': 1 },
    });
    const before = run.emulator.clock.now();
    const moved = await post(run, '/__emulator/clock', { advanceMs: 3_600_000 });
    expect(moved.body).toMatchObject({ now: before + 3_600_000 });
    expect(run.emulator.clock.now()).toBe(before + 3_600_000);
    expect((await post(run, '/__emulator/clock', { nope: 1 })).status).toBe(400);
    run.emulator.stats.reset();
    expect(run.emulator.stats.requests).toBe(0);
  });

  it('removes and renames assets and hands out the ground truth through admin routes', async () => {
    const run = await start({ variance: true, seed: 3 });
    const headers = { authorization: basic(run.apiKey) };
    const [video, other] = run.emulator.truth.videos() as Array<{ videoId: string }>;
    expect((await post(run, `/__emulator/assets/${video!.videoId}/remove`, {})).body).toEqual({
      removed: video!.videoId,
    });
    expect((await call(run, `/videos/${video!.videoId}`, { headers })).status).toBe(404);
    const renamed = await post(run, `/__emulator/assets/${other!.videoId}/rename`, {
      title: 'A new title',
    });
    expect(renamed.body).toEqual({ renamed: other!.videoId, title: 'A new title' });
    expect((await call(run, `/videos/${other!.videoId}`, { headers })).body).toMatchObject({
      title: 'A new title',
    });
    expect((await post(run, '/__emulator/assets/vi-nope/remove', {})).status).toBe(404);
    expect((await post(run, `/__emulator/assets/${other!.videoId}/rename`, {})).status).toBe(400);

    const truth = (await call(run, '/__emulator/truth')).body as Record<string, unknown>;
    expect(truth).toMatchObject({
      now: NOW,
      sessions: run.emulator.truth.sessionCount(),
      events: run.emulator.truth.eventCount(),
      longSessionId: null,
    });
    expect(truth.videos).toEqual(run.emulator.truth.videos());
    expect(JSON.stringify(truth.variance)).toBe(JSON.stringify(run.emulator.truth.variance()));

    const expected = [...run.emulator.truth.sessions()];
    const page = (await call(run, '/__emulator/truth/sessions?offset=10&limit=5&events=1')).body!;
    expect(page).toMatchObject({ total: expected.length, offset: 10, limit: 5 });
    const items = page.items as Array<Record<string, unknown>>;
    expect(items.map((s) => s.sessionId)).toEqual(expected.slice(10, 15).map((s) => s.sessionId));
    expect(items[0]).toMatchObject({
      api: expected[10]!.api,
      events: expected[10]!.events(),
      stats: expected[10]!.stats(),
      listed: expected[10]!.listed,
      readable: expected[10]!.readable,
      eventsGone: expected[10]!.eventsGone,
      variations: expected[10]!.variations,
    });
    const one = await call(run, `/__emulator/truth/sessions/${expected[3]!.sessionId}`);
    expect(one.body).toMatchObject({
      sessionId: expected[3]!.sessionId,
      events: expected[3]!.events(),
    });
    expect((await call(run, '/__emulator/truth/sessions/psNope')).status).toBe(404);
    expect((await call(run, '/__emulator/nope')).status).toBe(404);
    // None of this counts as API traffic.
    expect(run.emulator.stats.requests).toBe(2);
  });

  it('answers admin routes only to this machine', () => {
    for (const address of ['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.2', '::ffff:192.168.1.4', '2001:db8::1', undefined, ''])
      expect(isLoopback(address)).toBe(false);
  });

  it('lets real time pass with a live clock', async () => {
    const run = await start({ clock: 'live' });
    const t = run.emulator.clock.now();
    await new Promise((r) => setTimeout(r, 30));
    expect(run.emulator.clock.now()).toBeGreaterThanOrEqual(t + 25);
  });
});
