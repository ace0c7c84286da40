import type { Command } from 'commander';
import { untilStopped } from '../lifecycle.js';
import { DB_HELP, integerOption, SCHEMA_HELP } from '../options.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the dashboard on http://127.0.0.1 (a sync may run into the same file meanwhile)')
    .option('--db <file|url>', DB_HELP, 'viewership.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option(
      '--host <address>',
      'address to listen on; anything but 127.0.0.1 exposes your data',
      '127.0.0.1',
    )
    .action(async (opts) => {
      const port = integerOption(opts.port, '--port', 0, 65535);
      const { startDashboard } = await import('../../dashboard/server.js');
      const dashboard = await startDashboard({
        db: opts.db,
        schema: opts.schema,
        port,
        host: opts.host,
        log: (line) => console.error(line),
      });
      console.log(`dashboard: ${dashboard.url}`);
      await untilStopped(() => dashboard.close());
    });
}
