import type { Command } from 'commander';
import { Option } from 'commander';
import { examples } from '../help.js';
import { untilStopped } from '../lifecycle.js';
import { redactUrl } from '../../warehouse/postgres/target.js';
import { DB_HELP, hostOption, portOption, SCHEMA_HELP, warehouseOption } from '../options.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('the dashboard on http://127.0.0.1 (a sync may run into the same file meanwhile)')
    .addOption(
      new Option('--db <file|url>', DB_HELP)
        .default('viewership.duckdb')
        .argParser(warehouseOption),
    )
    .option('--schema <name>', SCHEMA_HELP)
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option(
      '--host <address>',
      'address to listen on; anything but 127.0.0.1 exposes your data to the network',
      '127.0.0.1',
    )
    .option(
      '--allow-host <name...>',
      'host names the dashboard may be reached by (besides localhost and IP addresses)',
    )
    .option('--json', 'print the start line as JSON')
    .action(async (opts) => {
      const port = portOption(opts.port);
      const host = hostOption(opts.host);
      const allowedHosts: string[] = opts.allowHost ?? [];
      if (!LOOPBACK.has(host)) {
        console.error(
          `warning: serve listens on ${host}: anyone who can reach this machine can read your analytics.` +
            (allowedHosts.length === 0
              ? ' Reach it by IP address, or name its host names with --allow-host.'
              : ''),
        );
      }
      const { startDashboard } = await import('../../dashboard/server.js');
      const dashboard = await startDashboard({
        db: opts.db,
        schema: opts.schema,
        port,
        host,
        allowedHosts,
        log: (line) => console.error(line),
      });
      // Listening for signals before the URL is said: whoever reads it may stop us at once.
      const stopped = untilStopped(() => dashboard.close());
      console.log(
        opts.json
          ? JSON.stringify({ url: dashboard.url, port: dashboard.port, db: redactUrl(opts.db) })
          : `dashboard: ${dashboard.url}`,
      );
      await stopped;
    });
  examples(command, [
    ['viewership serve', 'http://127.0.0.1:8080 on viewership.duckdb'],
    ['viewership serve --port 0 --json', 'any free port; the URL as JSON'],
    [
      'viewership serve --host 0.0.0.0 --allow-host stats.example.com',
      'on the network, behind that name',
    ],
  ]);
}
