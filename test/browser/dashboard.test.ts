import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ReportResult } from '../../src/dashboard/report.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import type { Meta } from '../../src/dashboard/shared/types.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { ensureSchema } from '../../src/warehouse/migrate.js';
import {
  chartSignatures,
  countMarks,
  hasChromium,
  headlineSessions,
  launchChromium,
  NO_CHROMIUM,
  outputPath,
  syncedWarehouse,
  waitForRender,
} from '../helpers/browser.js';

const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
/** Every chart card the page draws (the headline is its own section; the explorer is a table). */
const CARDS = [
  'daily',
  'countries',
  'countries_live',
  'cities',
  'top_sessions',
  'top_watch',
  'devices',
  'os',
  'browsers',
  'referrer_sources',
  'referrer_mediums',
  'hours',
  'watch_bins',
  'position_bins',
  'api_daily',
  'api_countries',
  'api_devices',
];
const API_CARDS = ['api_daily', 'api_countries', 'api_devices'];

if (!hasChromium) console.warn(NO_CHROMIUM);

describe.skipIf(!hasChromium)('the dashboard and the report in Chromium, on emulator data', () => {
  let dir: string;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let report: ReportResult;
  let meta: Meta;
  const dialogs: string[] = [];

  /** A page that records any dialog (an XSS would alert) and has a trap for scripts. */
  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.addInitScript(() => {
      window.alert = () => {
        (window as unknown as { __xss: number }).__xss = 1;
      };
    });
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-browser-'));
    const db = join(dir, 'demo.duckdb');
    await syncedWarehouse(db, { preset: 'demo', seed: 4, hostile: true });
    dashboard = await startDashboard({ db, port: 0, snapshotDir: join(dir, 'snapshots') });
    meta = (await (await fetch(`${dashboard.url}/api/meta`)).json()) as Meta;
    report = await writeReport({ db, out: outputPath('report.html') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws marks in every chart, and the headline figures', async () => {
    const page = await openPage();
    await page.goto(dashboard.url);
    await waitForRender(page);
    const marks = await countMarks(page);
    expect(Object.keys(marks).sort()).toEqual([...CARDS, 'sessions'].sort());
    for (const card of CARDS) expect(marks[card], card).toBeGreaterThan(0);
    expect(await headlineSessions(page)).toBe(meta.sessions);
    expect(await page.locator('[data-stat="countries"] .vw-value').textContent()).toMatch(/^\d+$/);
    expect(await page.textContent('[data-chart="hours"]')).toContain('UTC');
    await page.screenshot({ path: outputPath('dashboard.png'), fullPage: true });
    await page.close();
  });

  it('redraws the charts when the date range or the asset changes', async () => {
    const page = await openPage();
    await page.goto(dashboard.url);
    let renders = await waitForRender(page);
    const before = await chartSignatures(page);
    const all = await headlineSessions(page);

    await page.selectOption('select[aria-label="Date range"]', '7');
    renders = await waitForRender(page, renders);
    const lastWeek = await chartSignatures(page);
    const weekSessions = await headlineSessions(page);
    expect(weekSessions).toBeGreaterThan(0);
    expect(weekSessions).toBeLessThan(all);
    for (const card of CARDS) expect(lastWeek[card], card).not.toBe(before[card]);

    // One asset: back to all days, then pick the video with the most sessions.
    await page.selectOption('select[aria-label="Date range"]', 'all');
    renders = await waitForRender(page, renders);
    const video = meta.assets.find((a) => a.type === 'video')!;
    await page.selectOption('select[aria-label="Asset"]', video.id);
    await waitForRender(page, renders);
    const oneAsset = await chartSignatures(page);
    expect(await headlineSessions(page)).toBe(video.sessions);
    for (const card of CARDS.filter((c) => !API_CARDS.includes(c) && c !== 'countries_live')) {
      expect(oneAsset[card], card).not.toBe(before[card]);
    }
    // The Analytics API's charts are account-wide: an asset does not change them.
    for (const card of API_CARDS) expect(oneAsset[card], card).toBe(before[card]);
    const marks = await countMarks(page);
    expect(marks.top_sessions).toBeGreaterThan(0);
    // A video alone has no live-stream map: the card says so instead of drawing nothing.
    expect(await page.textContent('[data-chart="countries_live"]')).toContain(
      'No live-stream sessions',
    );
    await page.close();
  });

  it('shows the hostile title as text and runs nothing', async () => {
    const page = await openPage();
    await page.goto(dashboard.url);
    await waitForRender(page);
    const hostile = meta.assets.find((a) => a.title === HOSTILE_TITLE);
    expect(hostile, 'the emulator plants a hostile title').toBeDefined();
    const options = await page.locator('select[aria-label="Asset"] option').allTextContents();
    expect(options.some((o) => o.includes(HOSTILE_TITLE))).toBe(true);
    // Pick it: its title then labels the top charts, as characters.
    await page.selectOption('select[aria-label="Asset"]', hostile!.id);
    await waitForRender(page, 1);
    expect(await page.textContent('[data-chart="top_sessions"]')).toContain(HOSTILE_TITLE);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#app script').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('shows a friendly empty state for an empty selection', async () => {
    const page = await openPage();
    // A live-stream filter with a video's id selects nothing.
    const video = meta.assets.find((a) => a.type === 'video')!;
    await page.goto(`${dashboard.url}/?type=live_stream&asset=${video.id}`);
    await waitForRender(page);
    expect(await page.textContent('[data-empty]')).toContain(
      `No sessions between ${meta.extent!.from} and ${meta.extent!.to}`,
    );
    const marks = await countMarks(page);
    expect(Object.keys(marks).sort()).toEqual([...API_CARDS].sort());
    await page.close();
  });

  it('opens the report from file:// with the network blocked, draws, and filters', async () => {
    expect(report.grain).toBe('day');
    expect(report.by).toBe('asset');
    const page = await openPage();
    const requests: string[] = [];
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    await page.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(report.out).href);
    let renders = await waitForRender(page);
    const marks = await countMarks(page);
    for (const card of CARDS) expect(marks[card], card).toBeGreaterThan(0);
    expect(await headlineSessions(page)).toBe(meta.sessions);
    await page.screenshot({ path: outputPath('report.png'), fullPage: true });

    const before = await chartSignatures(page);
    await page.selectOption('select[aria-label="Date range"]', '7');
    renders = await waitForRender(page, renders);
    const after = await chartSignatures(page);
    for (const card of CARDS) expect(after[card], card).not.toBe(before[card]);
    const video = meta.assets.find((a) => a.type === 'video')!;
    await page.selectOption('select[aria-label="Date range"]', 'all');
    renders = await waitForRender(page, renders);
    await page.selectOption('select[aria-label="Asset"]', video.id);
    renders = await waitForRender(page, renders);
    expect(await headlineSessions(page)).toBe(video.sessions);
    const hostile = meta.assets.find((a) => a.title === HOSTILE_TITLE)!;
    await page.selectOption('select[aria-label="Asset"]', hostile.id);
    await waitForRender(page, renders);
    expect(await page.textContent('[data-chart="top_sessions"]')).toContain(HOSTILE_TITLE);
    expect(await page.locator('img').count()).toBe(0);

    expect(requests).toEqual([]);
    expect(cspErrors).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('draws the same in the report as on serve for the same filter', async () => {
    const video = meta.assets.find((a) => a.type === 'video')!;
    const hash = `#from=${meta.extent!.from}&type=video&asset=${video.id}`;
    const seen = async (url: string) => {
      const page = await openPage();
      await page.goto(url);
      await waitForRender(page);
      await page.waitForSelector('[data-chart="retention"][data-ready]');
      const figures = await page.locator('[data-stat] .vw-value').allTextContents();
      // The report's explorer reads its bounded set of sessions: compared in analytics.test.ts.
      const tables = await page
        .locator('section[data-chart]:not([data-chart="sessions"]) table')
        .allTextContents();
      const marks = await countMarks(page);
      await page.close();
      return { figures, tables, marks };
    };
    const served = await seen(`${dashboard.url}/${hash}`);
    const reported = await seen(`${pathToFileURL(report.out).href}${hash}`);
    expect(served.figures).toHaveLength(6);
    expect(reported).toEqual(served);
  });
});

describe.skipIf(!hasChromium)('the dashboard of an empty warehouse', () => {
  it('says there is no data yet and how to get some', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewership-empty-'));
    const path = join(dir, 'empty.duckdb');
    const db = await Warehouse.open(path);
    await ensureSchema(db);
    db.close();
    const dashboard = await startDashboard({ db: path, port: 0, snapshotDir: join(dir, 's') });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(dashboard.url);
      await waitForRender(page);
      expect(await page.textContent('[data-empty]')).toContain('No data yet');
      expect(await page.locator('svg').count()).toBe(0);
    } finally {
      await browser.close();
      await dashboard.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
