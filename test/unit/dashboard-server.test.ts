import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMillionWarehouse } from '../helpers/million-warehouse.js';
import { CHARTS } from '../../src/dashboard/shared/charts.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import type {
  DataAnswer,
  Meta,
  Retention,
  SessionDetail,
  SessionPage,
} from '../../src/dashboard/shared/types.js';
import { UsageError } from '../../src/errors.js';

/** fetch() will not send a forged Host header; node:http will. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve over HTTP', () => {
  let dir: string;
  let dashboard: RunningDashboard;
  const get = (path: string, init?: RequestInit) => fetch(`${dashboard.url}${path}`, init);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-server-'));
    const db = join(dir, 'w.duckdb');
    await buildMillionWarehouse(db, {
      sessions: 800,
      videos: 6,
      liveStreams: 2,
      days: 20,
      lastDay: '2024-05-20',
    });
    dashboard = await startDashboard({ db, port: 0, snapshotDir: join(dir, 'snapshots') });
  });
  afterAll(async () => {
    await dashboard?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 by default, on the port it was given (0: any)', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dashboard.port).toBeGreaterThan(0);
  });

  it('serves the shell and the bundle with strict headers', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    const app = await get('/app.js');
    expect(app.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(app.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await app.text()).length).toBeGreaterThan(10_000);
  });

  it('answers /api/version and /api/meta', async () => {
    const version = await (await get('/api/version')).json();
    expect(version).toMatchObject({ version: 1, state: 'ready' });
    const meta = (await (await get('/api/meta')).json()) as Meta;
    expect(meta.version).toBe(1);
    expect(meta.extent).toEqual({ from: '2024-05-01', to: '2024-05-20' });
    expect(meta.sessions).toBe(800);
    expect(meta.assets.length).toBeGreaterThan(3);
    expect(meta.assets[0]).toEqual({
      type: expect.stringMatching(/^(video|live_stream)$/),
      id: expect.any(String),
      title: expect.any(String),
      sessions: expect.any(Number),
    });
    expect(meta.countries.US).toBe('United States');
  });

  it('answers /api/data for a filter, every chart at once, and the same again from cache', async () => {
    const asset = ((await (await get('/api/meta')).json()) as Meta).assets[0]!;
    const path = `/api/data?from=2024-05-05&to=2024-05-12&type=${asset.type}&asset=${asset.id}`;
    const first = await get(path);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const body = (await first.json()) as DataAnswer;
    expect(body.version).toBe(1);
    expect(body.filter).toEqual({
      from: '2024-05-05',
      to: '2024-05-12',
      type: asset.type,
      asset: asset.id,
    });
    expect(Object.keys(body.charts).sort()).toEqual(CHARTS.map((c) => c.id).sort());
    const sessions = body.charts.totals![0]!.sessions as number;
    expect(sessions).toBeGreaterThan(0);
    expect(sessions).toBeLessThan(asset.sessions);
    expect(body.charts.daily!.every((r) => r.day! >= '2024-05-05' && r.day! <= '2024-05-12')).toBe(
      true,
    );
    expect(await (await get(path)).json()).toEqual(body);
  });

  it('refuses a bad filter, an unknown path, a write, and a foreign Host', async () => {
    for (const query of [
      'from=2024-13-01',
      'to=yesterday',
      'type=audio',
      'from=2024-05-10&to=2024-05-01',
    ]) {
      const res = await get(`/api/data?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
    expect((await get(`/api/data?asset=${'x'.repeat(500)}`)).status).toBe(400);
    // A quote in an asset id is a value like any other: bound, never spliced into SQL.
    const quoted = (await (
      await get(`/api/data?asset=${encodeURIComponent("x' OR 1=1 --")}`)
    ).json()) as DataAnswer;
    expect(quoted.charts.totals![0]!.sessions).toBe(0);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/api/data', { method: 'POST' })).status).toBe(405);
    expect(await getWithHost(`${dashboard.url}/api/meta`, 'evil.example:80')).toBe(403);
    expect(await getWithHost(`${dashboard.url}/api/meta`, `localhost:${dashboard.port}`)).toBe(200);
  });

  it('answers the previous period beside the data', async () => {
    const body = (await (
      await get('/api/data?from=2024-05-11&to=2024-05-20')
    ).json()) as DataAnswer;
    expect(body.previous).toMatchObject({ from: '2024-05-01', to: '2024-05-10' });
    expect(body.previous!.charts.totals![0]!.sessions).toBeGreaterThan(0);
    expect(body.previous!.charts.daily!.every((r) => String(r.day) <= '2024-05-10')).toBe(true);
  });

  it('answers the session explorer, one session, and retention; refuses bad questions', async () => {
    const page = (await (
      await get('/api/sessions?type=video&sort=watch&dir=desc')
    ).json()) as SessionPage;
    expect(page.total).toBeGreaterThan(25);
    expect(page.rows).toHaveLength(25);
    const watch = page.rows.map((r) => r.watch_seconds);
    expect([...watch].sort((a, b) => b - a)).toEqual(watch);
    expect(page.rows.every((r) => r.asset_type === 'video')).toBe(true);
    const next = (await (
      await get('/api/sessions?type=video&sort=watch&dir=desc&page=1')
    ).json()) as SessionPage;
    expect(next.rows[0]!.session_id).not.toBe(page.rows[0]!.session_id);

    const id = page.rows[0]!.session_id;
    const detail = (await (await get(`/api/session?id=${id}`)).json()) as SessionDetail;
    expect(detail.session.session_id).toBe(id);
    expect((await get('/api/session?id=nope')).status).toBe(404);
    expect((await get('/api/session')).status).toBe(400);

    const meta = (await (await get('/api/meta')).json()) as Meta;
    const video = meta.assets.find((a) => a.type === 'video')!;
    const r = (await (await get(`/api/retention?asset=${video.id}`)).json()) as Retention;
    expect(r).toMatchObject({ kind: 'video', asset: video.id, sessions: video.sessions });
    const live = meta.assets.find((a) => a.type === 'live_stream')!;
    expect(await (await get(`/api/retention?asset=${live.id}`)).json()).toMatchObject({
      kind: 'live',
      sessions: live.sessions,
    });
    expect((await get('/api/retention')).status).toBe(400);
    expect((await get('/api/retention?asset=nope')).status).toBe(404);
    for (const bad of ['sort=title', 'page=-2', 'dir=sideways', 'from=2024-02-31']) {
      expect((await get(`/api/sessions?${bad}`)).status, bad).toBe(400);
    }
  });

  it('refuses to start on a missing warehouse or a busy port', async () => {
    await expect(
      startDashboard({ db: join(dir, 'missing.duckdb'), port: 0 }),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      startDashboard({
        db: join(dir, 'w.duckdb'),
        port: dashboard.port,
        snapshotDir: join(dir, 's2'),
      }),
    ).rejects.toThrow(/already in use/);
  });
});
