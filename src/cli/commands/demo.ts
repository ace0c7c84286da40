/**
 * `viewership demo`: the whole product on the built-in emulator, no account needed — an emulated
 * account whose viewers keep arriving, a first sync into a warehouse, the dashboard on it, and a
 * sync again every minute while the dashboard is up (a nightly sync beside a dashboard, in small).
 * Beside them, a collector into the same warehouse and a site whose video pings it: playing that
 * video puts a live session in the dashboard within seconds.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { PRESET_NAMES, isPresetName } from '../../emulator/presets.js';
import type { SyncSnapshot } from '../../sync/bounded.js';
import { untilStopped } from '../lifecycle.js';
import { DB_HELP, integerOption, nowFromEnvironment, portOption, SCHEMA_HELP } from '../options.js';
import { showProgress } from '../progress.js';
import type { startDashboard as StartDashboard } from '../../dashboard/server.js';
import { examples } from '../help.js';
import { summaryLine } from './sync.js';

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('emulator + sync + serve in one command: the whole product, no account needed')
    .option('--db <file|url>', `the demo's warehouse: ${DB_HELP}`, 'viewership-demo.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .option(
      '--port <n>',
      'dashboard port (0 = any free port; default 8080, or a free one if it is taken)',
    )
    .option(
      '--collector-port <n>',
      'collector port (0 = any free port; default 8090, or a free one if it is taken)',
    )
    .option(
      '--site-port <n>',
      'port of the demo site with a video (0 = any free port; default 8091, or a free one)',
    )
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
      const port = opts.port === undefined ? undefined : portOption(opts.port);
      const seed = integerOption(opts.seed, '--seed', 0);
      const every = integerOption(opts.every, '--every', 0);
      const collectorPort =
        opts.collectorPort === undefined
          ? undefined
          : portOption(opts.collectorPort, '--collector-port');
      const sitePort =
        opts.sitePort === undefined ? undefined : portOption(opts.sitePort, '--site-port');
      const { startEmulator } = await import('../../emulator/index.js');
      const { syncInWorker } = await import('../../sync/bounded.js');
      const { startDashboard } = await import('../../dashboard/server.js');
      const { startCollector } = await import('../../collect/collector.js');
      const { startDemoSite } = await import('../../collect/demo-site.js');

      // Real time passes in the emulated account: new sessions keep coming, open ones end. With
      // VIEWERSHIP_NOW it starts from that time, and every sync takes the account's own now.
      const pinned = nowFromEnvironment().now;
      const emulator = await startEmulator({
        preset: opts.preset,
        seed,
        clock: 'live',
        ...(pinned === undefined ? {} : { now: pinned }),
      });
      console.error(`emulator: ${emulator.url} (API key ${emulator.apiKey})`);
      const sync = async (progress: boolean) => {
        let latest: SyncSnapshot | undefined;
        const stop = progress ? showProgress(() => latest) : () => undefined;
        try {
          const summary = await syncInWorker(
            {
              db: opts.db,
              schema: opts.schema,
              apiKey: emulator.apiKey,
              baseUrl: emulator.url,
              ...(pinned === undefined ? {} : { now: emulator.emulator.clock.now() }),
            },
            (snapshot) => (latest = snapshot),
          );
          stop();
          console.error(summaryLine(summary));
        } finally {
          stop();
        }
      };
      let dashboard: Awaited<ReturnType<typeof startDashboard>>;
      try {
        await sync(true);
        dashboard = await startDashboardOnFreePort(startDashboard, opts.db, opts.schema, port);
      } catch (error) {
        // Nothing may keep the process alive once the demo cannot start.
        await emulator.close();
        throw error;
      }
      // The site's video pings the collector, which publishes into the same warehouse (it waits
      // while a sync writes it).
      const video = emulator.emulator.truth.videos()[0] as { videoId: string } | undefined;
      let collector: Awaited<ReturnType<typeof startCollector>>;
      let site: Awaited<ReturnType<typeof startDemoSite>>;
      try {
        collector = await onFreePort('the collector', 8090, collectorPort, (p) =>
          startCollector({
            db: opts.db,
            port: p,
            log: (line) => console.error(`collector: ${line}`),
          }),
        );
        site = await onFreePort('the site', 8091, sitePort, (p) =>
          startDemoSite({
            collector: collector.url,
            videoId: video?.videoId ?? 'viDemoVideo',
            port: p,
          }),
        );
      } catch (error) {
        await Promise.all([dashboard.close(), emulator.close()]);
        throw error;
      }
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
      // Listening for signals before anything is said: whoever reads the URLs may stop us at once.
      const stopped = untilStopped(async () => {
        clearInterval(timer);
        await running;
        await site.close();
        await collector.close();
        await Promise.all([dashboard.close(), emulator.close()]);
      });
      console.log(`dashboard: ${dashboard.url}`);
      console.log(`collector: ${collector.url}`);
      console.log(`site with a video: ${site.url}`);
      console.error(
        'Open the dashboard in a browser, and play the video on the site: its session appears in the dashboard. Ctrl-C stops the demo.',
      );
      await stopped;
    });
  examples(command, [
    ['npm run demo', 'the same, from a clone'],
    ['viewership demo --preset small --port 0', 'a smaller account, any free port'],
  ]);
}

/**
 * The dashboard on `port`; without one, on 8080, or on any free port when 8080 is taken (said on
 * stderr). A port the user asked for that is taken is an error naming it.
 */
async function startDashboardOnFreePort(
  start: typeof StartDashboard,
  db: string,
  schema: string | undefined,
  port: number | undefined,
) {
  const log = (line: string) => console.error(line);
  try {
    return await start({ db, schema, port: port ?? 8080, log });
  } catch (error) {
    if (port !== undefined || !/already in use/.test((error as Error).message)) throw error;
    const dashboard = await start({ db, schema, port: 0, log });
    console.error(`port 8080 is taken: the dashboard listens on port ${dashboard.port} instead`);
    return dashboard;
  }
}

/** A server on `port`; without one, on `fallback`, or on any free port when that is taken. */
async function onFreePort<T extends { url: string }>(
  what: string,
  fallback: number,
  port: number | undefined,
  start: (port: number) => Promise<T>,
): Promise<T> {
  try {
    return await start(port ?? fallback);
  } catch (error) {
    if (port !== undefined || !/already in use/.test((error as Error).message)) throw error;
    const server = await start(0);
    console.error(`port ${fallback} is taken: ${what} listens on ${server.url} instead`);
    return server;
  }
}
