/**
 * Issue 10's flow in Chromium, on serve and on the report opened from disk with the network
 * blocked: click a video → its retention; open one of its sessions → the timeline; the URL names
 * the view (a new page opened on it shows the same), back and forward step through views; every
 * chart is named and has its data as a table; tables download as CSV; the period comparison.
 * Screenshots go to test-output/ (looked at by whoever changes a view).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ReportResult } from '../../src/dashboard/report.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import { CARDS } from '../../src/dashboard/shared/page.js';
import type { Meta } from '../../src/dashboard/shared/types.js';
import {
  hasChromium,
  launchChromium,
  NO_CHROMIUM,
  outputPath,
  syncedWarehouse,
  waitForRender,
} from '../helpers/browser.js';

if (!hasChromium) console.warn(NO_CHROMIUM);

/** The view the page's URL names, whichever place (query string or #) holds it. */
function viewOf(url: string): Record<string, string> {
  const u = new URL(url);
  const q = u.search ? u.search.slice(1) : u.hash.slice(1);
  return Object.fromEntries(new URLSearchParams(q));
}

const ready = (page: Page, card: string) =>
  page.waitForSelector(`[data-chart="${card}"][data-ready="true"]`, { timeout: 20_000 });

describe.skipIf(!hasChromium)('retention, sessions and the URL, in serve and in the report', () => {
  let dir: string;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let report: ReportResult;
  let meta: Meta;
  const errors: string[] = [];

  async function openPage(offline = false): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page.on('pageerror', (e) => errors.push(e.message));
    if (offline) {
      await page.route('**', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : route.abort(),
      );
    }
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-analytics-'));
    const db = join(dir, 'demo.duckdb');
    await syncedWarehouse(db, { preset: 'demo', seed: 4, hostile: true });
    dashboard = await startDashboard({ db, port: 0, snapshotDir: join(dir, 'snapshots') });
    meta = (await (await fetch(`${dashboard.url}/api/meta`)).json()) as Meta;
    report = await writeReport({ db, out: join(dir, 'report.html') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The whole flow on one page; `home` is serve's URL or the report's file URL. */
  async function flow(home: string, name: string, offline: boolean) {
    const video = meta.assets.find((a) => a.type === 'video')!;
    const page = await openPage(offline);
    await page.goto(home);
    await waitForRender(page);
    await ready(page, 'sessions');

    // Click the video's bar in "Top by sessions": its retention shows.
    await page.evaluate((title) => {
      const bars = [...document.querySelectorAll('[data-chart="top_sessions"] rect[role="link"]')];
      const bar = bars.find((b) => b.getAttribute('aria-label')?.startsWith(title)) as
        SVGElement | undefined;
      bar!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }, video.title!);
    await ready(page, 'retention');
    expect(viewOf(page.url())).toMatchObject({ asset: video.id });
    const retention = page.locator('[data-chart="retention"]');
    expect(
      await retention.locator('[role="figure"][aria-label="Audience retention"]').count(),
    ).toBe(1);
    expect(await retention.textContent()).toMatch(/average view duration/);
    expect(await retention.locator('svg [aria-label="line"] path').count()).toBeGreaterThan(0);
    await retention.screenshot({ path: outputPath(`${name}-retention.png`) });

    // Its sessions are in the explorer: open the first one's timeline.
    await ready(page, 'sessions');
    const explorer = page.locator('[data-chart="sessions"]');
    const firstId = (await explorer.locator('tbody tr:first-child a').textContent())!;
    await explorer.locator('tbody tr:first-child a').click();
    await ready(page, 'timeline');
    expect(viewOf(page.url())).toMatchObject({ asset: video.id, session: firstId });
    const timeline = page.locator('[data-chart="timeline"]');
    expect(await timeline.textContent()).toContain(firstId);
    const types = await timeline.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => /^[a-z.]+$/.test(t))).toBe(true);
    expect(await timeline.locator('[role="figure"][aria-label="Session timeline"]').count()).toBe(
      1,
    );
    await timeline.screenshot({ path: outputPath(`${name}-timeline.png`) });
    // Its events download as CSV, offline too (a Blob, no request).
    const download = page.waitForEvent('download');
    await timeline.locator('button.vw-csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('#,Time (UTC),After (s),Type,At,From,To');
    expect(csv.length).toBe(types.length + 2);

    // The link opens the same view in a new page.
    const shared = page.url();
    const other = await openPage(offline);
    await other.goto(shared);
    await waitForRender(other);
    await ready(other, 'retention');
    await ready(other, 'timeline');
    expect(await other.locator('[data-chart="timeline"] .vw-facts').textContent()).toContain(
      firstId,
    );
    expect(await other.locator('select[aria-label="Asset"]').inputValue()).toBe(video.id);
    await other.close();

    // Back: the timeline closes; back again: no asset; forward: the asset again.
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('[data-chart="timeline"]'));
    expect(viewOf(page.url())).toEqual({ asset: video.id });
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('[data-chart="retention"]'));
    expect(viewOf(page.url()).asset).toBeUndefined();
    await page.goForward();
    await ready(page, 'retention');
    expect(viewOf(page.url())).toEqual({ asset: video.id });
    await page.close();
  }

  it('on serve: click a video, read its retention, open a session, share the link, go back', async () => {
    await flow(dashboard.url, 'serve', false);
  });

  it('in the report opened from disk, offline: the same', async () => {
    await flow(pathToFileURL(report.out).href, 'report', true);
  });

  it('names every chart, gives its data as a table, and downloads tables as CSV', async () => {
    const page = await openPage();
    const video = meta.assets.find((a) => a.type === 'video')!;
    await page.goto(`${dashboard.url}/?asset=${video.id}`);
    await waitForRender(page);
    await ready(page, 'retention');
    await ready(page, 'sessions');
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('section[data-chart]')].map((s) => ({
        id: s.dataset.chart!,
        figure: s.querySelector('[role="figure"]')?.getAttribute('aria-label') ?? null,
        table: s.querySelectorAll('table').length,
        empty: s.querySelector('.vw-plot > .vw-none') !== null,
      })),
    );
    for (const card of cards) {
      // A card with nothing to draw says so instead (one video has no live-stream map).
      if (card.id === 'totals' || card.id === 'sessions' || card.empty) continue;
      const spec = CARDS.find((c) => c.id === card.id)!;
      expect(card.figure, card.id).toBe(spec.title);
      expect(card.table, card.id).toBeGreaterThan(0);
    }

    const download = page.waitForEvent('download');
    await page.locator('[data-chart="sessions"] button.vw-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('sessions.csv');
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'Time (UTC),Session,Video or live stream,Country,City,Device,OS,Browser,Watch time (s),Ended',
    );
    expect(csv.split('\r\n').length).toBe(27);

    const chartCsv = page.waitForEvent('download');
    await page.locator('[data-chart="devices"] summary').click();
    await page.locator('[data-chart="devices"] button.vw-csv').click();
    const devices = readFileSync((await (await chartCsv).path())!, 'utf8');
    expect(devices.startsWith('Device type,Sessions,Watch time (s)\r\n')).toBe(true);
    await page.close();
  });

  it('sorts, searches and pages the session explorer', async () => {
    const page = await openPage();
    await page.goto(dashboard.url);
    await waitForRender(page);
    await ready(page, 'sessions');
    const explorer = page.locator('[data-chart="sessions"]');
    const status = () => explorer.locator('[role="status"]').textContent();
    expect(await status()).toMatch(/^1–25 of 6,000 sessions, by time/);
    await explorer.locator('button[data-sort="watch"]').click();
    await page.waitForFunction(() =>
      document
        .querySelector('[data-chart="sessions"] [role="status"]')
        ?.textContent?.includes('watch time'),
    );
    expect(await explorer.locator('th[aria-sort="descending"]').textContent()).toContain(
      'Watch time',
    );
    await explorer.locator('button', { hasText: 'Older page' }).click();
    await page.waitForFunction(() =>
      document
        .querySelector('[data-chart="sessions"] [role="status"]')
        ?.textContent?.startsWith('26–50'),
    );
    await explorer.locator('input[type="search"]').fill('tablet');
    await page.waitForFunction(() => {
      const text =
        document.querySelector('[data-chart="sessions"] [role="status"]')?.textContent ?? '';
      return text.startsWith('1–') && !text.includes('6,000');
    });
    const devices = await explorer.locator('tbody td:nth-child(6)').allTextContents();
    expect(devices.length).toBeGreaterThan(0);
    await explorer.screenshot({ path: outputPath('serve-explorer.png') });
    await page.close();
  });

  it('compares each figure and the per-day chart with the previous period', async () => {
    const page = await openPage();
    const to = meta.extent!.to;
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await page.goto(`${dashboard.url}/?from=${from}&to=${to}`);
    await waitForRender(page);
    expect(await page.locator('.vw-compare').count()).toBe(6);
    expect(await page.textContent('[data-stat="sessions"] .vw-compare')).toMatch(
      /[+−±][\d.]+% vs [\d,]+ before/,
    );
    expect(await page.textContent('.vw-period')).toContain('previous period of equal length');
    // The previous period is a line over the bars, straight between its points.
    const line = page.locator('[data-chart="daily"] svg [aria-label="line"] path');
    expect(await line.count()).toBe(1);
    expect(await line.getAttribute('d')).not.toMatch(/[CQS]/);
    await page.locator('.vw-headline').screenshot({ path: outputPath('serve-headline.png') });
    await page.locator('[data-chart="daily"]').screenshot({ path: outputPath('serve-daily.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
