/**
 * `viewership demo`: the whole product on the built-in emulator, no account needed — an emulated
 * account whose viewers keep arriving, a first sync into a warehouse, the dashboard on it, and a
 * sync again every minute while the dashboard is up (the setup PRODUCT.md describes, in small).
 * Beside them, a collector into the same warehouse and a site whose video pings it: playing that
 * video puts a live session in the dashboard within seconds.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { PRESET_NAMES, isPresetName } from '../../emulator/presets.js';
import type { SyncSnapshot } from '../../sync/bounded.js';
import { untilStopped } from '../lifecycle.js';
import { integerOption } from '../options.js';
import { showProgress } from '../progress.js';
import { summaryLine } from './sync.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('emulator + sync + serve in one command: the whole product, no account needed')
    .option('--db <file>', 'warehouse file for the demo', 'viewership-demo.duckdb')
    .option('--port <n>', 'dashboard port (0 = any free port)', '8080')
    .option('--collector-port <n>', 'collector port (0 = any free port)', '8090')
    .option('--site-port <n>', 'port of the demo site with a video (0 = any free port)', '8091')
    .addOption(
      new Option('--preset <name>', 'size of the emulated account')
        .choices([...PRESET_NAMES])
        .default('demo'),
    )
    .option('--seed <n>', 'seed of the emulated account', '1')
    .option(
      '--every <seconds>',
      'sync again this often while the dashboard is up (0 = never)',
      '60',
    )
    .action(async (opts) => {
      if (!isPresetName(opts.preset)) throw new UsageError(`unknown preset ${opts.preset}`);
      const port = integerOption(opts.port, '--port', 0, 65535);
      const seed = integerOption(opts.seed, '--seed', 0);
      const every = integerOption(opts.every, '--every', 0);
      const collectorPort = integerOption(opts.collectorPort, '--collector-port', 0, 65535);
      const sitePort = integerOption(opts.sitePort, '--site-port', 0, 65535);
      const { startEmulator } = await import('../../emulator/index.js');
      const { syncInWorker } = await import('../../sync/bounded.js');
      const { startDashboard } = await import('../../dashboard/server.js');
      const { startCollector } = await import('../../collect/collector.js');
      const { startDemoSite } = await import('../../collect/demo-site.js');

      // Real time passes in the emulated account: new sessions keep coming, open ones end.
      const emulator = await startEmulator({ preset: opts.preset, seed, clock: 'live' });
      console.error(`emulator: ${emulator.url} (API key ${emulator.apiKey})`);
      const sync = async (progress: boolean) => {
        let latest: SyncSnapshot | undefined;
        const stop = progress ? showProgress(() => latest) : () => undefined;
        try {
          const summary = await syncInWorker(
            { db: opts.db, apiKey: emulator.apiKey, baseUrl: emulator.url },
            (snapshot) => (latest = snapshot),
          );
          stop();
          console.error(summaryLine(summary));
        } finally {
          stop();
        }
      };
      await sync(true);

      const dashboard = await startDashboard({
        db: opts.db,
        port,
        log: (line) => console.error(line),
      });
      console.log(`dashboard: ${dashboard.url}`);

      // The site's video pings the collector, which publishes into the same warehouse (it waits
      // while a sync writes it).
      const video = emulator.emulator.truth.videos()[0] as { videoId: string } | undefined;
      const collector = await startCollector({
        db: opts.db,
        port: collectorPort,
        log: (line) => console.error(`collector: ${line}`),
      });
      const site = await startDemoSite({
        collector: collector.url,
        videoId: video?.videoId ?? 'viDemoVideo',
        port: sitePort,
      });
      console.log(`collector: ${collector.url}`);
      console.log(`site with a video: ${site.url}`);
      console.error(
        'Open the dashboard in a browser, and play the video on the site: its session appears in the dashboard. Ctrl-C stops the demo.',
      );

      let running: Promise<void> | undefined;
      const timer =
        every > 0
          ? setInterval(() => {
              running ??= sync(false)
                .catch((error: unknown) =>
                  console.error(`demo sync failed: ${(error as Error).message}`),
                )
                .finally(() => (running = undefined));
            }, every * 1000)
          : undefined;
      await untilStopped(async () => {
        clearInterval(timer);
        await running;
        await site.close();
        await collector.close();
        await Promise.all([dashboard.close(), emulator.close()]);
      });
    });
}
