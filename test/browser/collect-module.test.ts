/**
 * The official player analytics module, unmodified, in Chromium, on a page of another origin than
 * the collector (the demo's site: a real <video> wired to the module): play, pause, seek, resume,
 * end → one session whose events and watch_seconds follow the data contract.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSite, type DemoSite } from '../../src/collect/demo-site.js';
import { watchStats } from '../../src/emulator/watch-stats.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { CHROMIUM, hasChromium, NO_CHROMIUM, outputPath } from '../helpers/browser.js';
import { tempDir } from '../helpers/cli.js';
import {
  health,
  startCollectorCli,
  untilPublished,
  type CollectorProcess,
} from '../helpers/collect.js';

if (!hasChromium) console.warn(NO_CHROMIUM);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe.skipIf(!hasChromium)('the player analytics module in Chromium', () => {
  const dir = tempDir();
  const db = join(dir, 'w.duckdb');
  let collector: CollectorProcess;
  let site: DemoSite;
  let browser: Browser;

  beforeAll(async () => {
    const sitePort = await freePort();
    const siteOrigin = `http://127.0.0.1:${sitePort}`;
    collector = await startCollectorCli([
      '--db',
      db,
      '--host',
      '127.0.0.1',
      '--allow-origin',
      siteOrigin,
      '--publish-every',
      '0.3',
    ]);
    // The collector by name, the site by address: two origins, as a site and its collector are.
    const collectorUrl = collector.url.replace('127.0.0.1', 'localhost');
    site = await startDemoSite({ collector: collectorUrl, videoId: 'viDemoVideo', port: sitePort });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (collector && collector.child.exitCode === null) await collector.stop();
  });

  it('play, pause, seek, resume, end: one session, its events and watch_seconds as the contract says', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(site.url);
    expect(new URL(site.url).origin).not.toBe(
      new URL(collector.url.replace('127.0.0.1', 'localhost')).origin,
    );

    // `ready` is pinged once the video can play; the answer (read across origins) names the session.
    const session = await (
      await page.waitForFunction(() => document.documentElement.dataset.session)
    ).jsonValue();
    const pings = () => page.evaluate(() => Number(document.documentElement.dataset.pings));

    await page.evaluate(() => document.querySelector('video')!.play());
    await page.waitForFunction(() => document.querySelector('video')!.currentTime >= 1.5);
    await page.evaluate(() => document.querySelector('video')!.pause());
    await page.waitForFunction(() => Number(document.documentElement.dataset.pings) >= 2);

    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const video = document.querySelector('video')!;
          video.addEventListener('seeked', () => resolve(), { once: true });
          video.currentTime = 5;
        }),
    );
    await page.evaluate(() => document.querySelector('video')!.play());
    await page.waitForFunction(() => document.querySelector('video')!.ended, undefined, {
      timeout: 30_000,
    });
    await page.waitForFunction(() => Number(document.documentElement.dataset.pings) >= 3);
    const sent = await pings();
    // Every ping the page sent has been answered, then merged into the warehouse.
    for (let h = await health(collector.url); h.accepted < sent; h = await health(collector.url)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await untilPublished(collector.url);
    await page.screenshot({ path: outputPath('collect-demo-page.png') });
    expect(errors).toEqual([]);

    const wh = await Warehouse.open(db, { readOnly: true, lockWaitMs: 5000 });
    try {
      const sessions = await wh.rows<Record<string, unknown>>(`SELECT * FROM master`);
      expect(sessions).toHaveLength(1);
      const events = await wh.rows<{
        type: string;
        ms: number;
        at_position: number | null;
        from_position: number | null;
        to_position: number | null;
      }>(
        `SELECT type, epoch_ms(emitted_at)::DOUBLE AS ms, at_position, from_position, to_position
         FROM session_events WHERE session_id = $1 ORDER BY seq`,
        [session!],
      );
      expect(events.map((e) => e.type)).toEqual([
        'ready',
        'play',
        'pause',
        'seek.forward',
        'resume',
        'end',
      ]);
      const [, play, pause, seek, resume, end] = events;
      expect(play!.at_position).toBeLessThan(0.5);
      expect(pause!.at_position).toBeGreaterThanOrEqual(1.5);
      expect(seek!.from_position).toBeCloseTo(pause!.at_position!, 0);
      expect(seek!.to_position).toBe(5);
      expect(resume!.at_position).toBeCloseTo(5, 1);
      expect(end!.at_position).toBeCloseTo(8, 0);

      const reference = watchStats(
        events.map((e) => ({
          type: e.type,
          emittedAtMs: e.ms,
          at: e.at_position,
          from: e.from_position,
          to: e.to_position,
        })),
      );
      const m = sessions[0]!;
      expect(m).toMatchObject({
        session_id: session,
        source: 'collector',
        asset_type: 'video',
        asset_id: 'viDemoVideo',
        event_count: 6,
        play_count: 1,
        pause_count: 1,
        resume_count: 1,
        seek_count: 1,
        ended: true,
        device_type: 'desktop',
        os_name: 'GNU/Linux',
        referrer_url: 'unknown',
      });
      expect(m.watch_seconds).toBeCloseTo(reference.watchSeconds, 6);
      expect(m.max_position).toBe(reference.maxPosition);
      // By hand: played from the start to the pause, then from 5 s to the end (8 s), give or take
      // the player's clock against its position.
      const byHand = pause!.at_position! - play!.at_position! + (end!.at_position! - 5);
      expect(Math.abs((m.watch_seconds as number) - byHand)).toBeLessThan(0.5);
    } finally {
      wh.close();
    }
  });
});
