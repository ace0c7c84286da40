/**
 * Browser tests drive Debian's Chromium through playwright-core (no browser download). Without
 * /usr/bin/chromium they skip, saying why; CI (.ci/run) installs it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator/index.js';
import { NOW } from './pinned.js';
import type { PresetName } from '../../src/emulator/presets.js';
import { sync, type SyncSummary } from '../../src/sync/run.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const NO_CHROMIUM = `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

export const OUTPUT = join(import.meta.dirname, '../../test-output');

export function outputPath(name: string): string {
  mkdirSync(OUTPUT, { recursive: true });
  return join(OUTPUT, name);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A warehouse synced from the emulator, as a user would get it. */
export async function syncedWarehouse(
  db: string,
  options: { preset: PresetName; seed: number; hostile?: boolean },
): Promise<SyncSummary> {
  // Pinned, for the account and for the sync: the same warehouse on any day.
  const emulator = await startEmulator({ ...options, now: NOW, hostile: options.hostile ?? false });
  try {
    return await sync({ db, apiKey: emulator.apiKey, baseUrl: emulator.url, now: NOW });
  } finally {
    await emulator.close();
  }
}

/** Waits until the page has finished a render after `after` renders (see client/app.ts). */
export async function waitForRender(page: Page, after = 0, timeout = 20_000): Promise<number> {
  const handle = await page.waitForFunction(
    (n) => {
      const html = document.documentElement;
      const renders = Number(html.dataset.renders ?? 0);
      return html.dataset.state === 'ready' && renders > n ? renders : false;
    },
    after,
    { timeout },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Data marks each chart card drew: bars, cells, dots, lines of Plot's mark groups, and the map's
 * countries that have sessions; axes, grids and legends do not count.
 */
export function countMarks(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const marks = ['bar', 'rect', 'cell', 'dot', 'line', 'text']
      .map((m) => `svg g[aria-label="${m}"] > *`)
      .join(', ');
    const counts: Record<string, number> = {};
    for (const card of document.querySelectorAll<HTMLElement>('section[data-chart]')) {
      const id = card.dataset.chart!;
      if (id === 'totals') continue;
      const plotted = card.querySelectorAll(marks).length;
      const countries = card.querySelectorAll(
        'g[aria-label="countries"] path:not([data-sessions="0"])',
      ).length;
      counts[id] = plotted + countries;
    }
    return counts;
  });
}

/** A fingerprint of each chart's drawing, to tell whether a filter change redrew it differently. */
export function chartSignatures(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const card of document.querySelectorAll<HTMLElement>('section[data-chart]')) {
      const svgs = [...card.querySelectorAll('svg')].map((s) => s.outerHTML).join('');
      out[card.dataset.chart!] = svgs + (card.querySelector('table')?.textContent ?? '');
    }
    return out;
  });
}

export function headlineSessions(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(
      document
        .querySelector('[data-stat="sessions"] .vw-value')
        ?.textContent?.replace(/[^\d]/g, '') ?? NaN,
    ),
  );
}
