/**
 * `viewership demo`: the whole product on the built-in emulator, no account needed — an emulated
 * account whose viewers keep arriving, a first sync into a warehouse, the dashboard on it, and a
 * sync again every minute while the dashboard is up (the setup PRODUCT.md describes, in small).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { PRESET_NAMES, isPresetName } from '../../emulator/presets.js';
import type { SyncSnapshot } from '../../sync/bounded.js';
import { untilStopped } from '../lifecycle.js';
import { DB_HELP, integerOption, portOption, SCHEMA_HELP } from '../options.js';
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
      const { startEmulator } = await import('../../emulator/index.js');
      const { syncInWorker } = await import('../../sync/bounded.js');
      const { startDashboard } = await import('../../dashboard/server.js');

      // Real time passes in the emulated account: new sessions keep coming, open ones end.
      const emulator = await startEmulator({ preset: opts.preset, seed, clock: 'live' });
      console.error(`emulator: ${emulator.url} (API key ${emulator.apiKey})`);
      const sync = async (progress: boolean) => {
        let latest: SyncSnapshot | undefined;
        const stop = progress ? showProgress(() => latest) : () => undefined;
        try {
          const summary = await syncInWorker(
            { db: opts.db, schema: opts.schema, apiKey: emulator.apiKey, baseUrl: emulator.url },
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
      console.log(`dashboard: ${dashboard.url}`);
      console.error('Open it in a browser; Ctrl-C stops the demo.');

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
        await Promise.all([dashboard.close(), emulator.close()]);
      });
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
