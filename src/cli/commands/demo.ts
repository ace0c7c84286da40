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
import { DB_HELP, integerOption, SCHEMA_HELP } from '../options.js';
import { showProgress } from '../progress.js';
import { summaryLine } from './sync.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('emulator + sync + serve in one command: the whole product, no account needed')
    .option('--db <file|url>', `the demo's warehouse: ${DB_HELP}`, 'viewership-demo.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .option('--port <n>', 'dashboard port (0 = any free port)', '8080')
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
      await sync(true);

      const dashboard = await startDashboard({
        db: opts.db,
        schema: opts.schema,
        port,
        log: (line) => console.error(line),
      });
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
}
