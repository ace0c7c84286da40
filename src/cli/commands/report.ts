import type { Command } from 'commander';
import { DB_HELP, SCHEMA_HELP } from '../options.js';

const MB = 1024 * 1024;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('one self-contained HTML report that opens offline from disk')
    .requiredOption('--out <file>', 'the HTML file to write, e.g. report.html')
    .option('--db <file|url>', DB_HELP, 'viewership.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .option('--from <day>', 'first UTC day to include, YYYY-MM-DD (default: the first with data)')
    .option('--to <day>', 'last UTC day to include, YYYY-MM-DD (default: the last with data)')
    .action(async (opts) => {
      const { writeReport } = await import('../../dashboard/report.js');
      const result = await writeReport({
        db: opts.db,
        schema: opts.schema,
        out: opts.out,
        ...(opts.from !== undefined && { from: opts.from }),
        ...(opts.to !== undefined && { to: opts.to }),
      });
      const coarse =
        result.grain === 'day' && result.by === 'asset'
          ? ''
          : ` (grouped by ${result.grain}${result.by === 'type' ? ' and asset type' : ''} to stay small)`;
      console.error(
        `wrote ${result.out}: ${(result.bytes / MB).toFixed(1)} MB, ${result.sessions.toLocaleString('en-US')} sessions${coarse}`,
      );
    });
}
