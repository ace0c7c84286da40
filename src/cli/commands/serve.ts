import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--port ${value} is not a port number`,
      'Give 0 to 65535 (0 = any free port).',
    );
  }
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the dashboard on http://127.0.0.1 (a sync may run into the same file meanwhile)')
    .option('--db <file>', 'warehouse file', 'viewership.duckdb')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option(
      '--host <address>',
      'address to listen on; anything but 127.0.0.1 exposes your data',
      '127.0.0.1',
    )
    .action(async (opts) => {
      const port = parsePort(opts.port);
      const { startDashboard } = await import('../../dashboard/server.js');
      const dashboard = await startDashboard({
        db: opts.db,
        port,
        host: opts.host,
        log: (line) => console.error(line),
      });
      console.log(`dashboard: ${dashboard.url}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          dashboard.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
