import type { Command } from 'commander';
import { Option } from 'commander';
import { examples } from '../help.js';
import { DB_HELP, outputFileOption, SCHEMA_HELP, warehouseOption } from '../options.js';

const MB = 1024 * 1024;

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('one self-contained HTML report that opens offline from disk')
    .requiredOption(
      '--out <file>',
      'the HTML file to write (- for stdout); an existing file is replaced only once the new one is complete',
    )
    .addOption(
      new Option('--db <file|url>', DB_HELP)
        .default('viewership.duckdb')
        .argParser(warehouseOption),
    )
    .option('--schema <name>', SCHEMA_HELP)
    .option('--from <day>', 'first UTC day to include, YYYY-MM-DD (default: the first with data)')
    .option('--to <day>', 'last UTC day to include, YYYY-MM-DD (default: the last with data)')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const out = outputFileOption(opts.out, '--out');
      const { writeReport } = await import('../../dashboard/report.js');
      const result = await writeReport({
        db: opts.db,
        schema: opts.schema,
        out,
        ...(opts.from !== undefined && { from: opts.from }),
        ...(opts.to !== undefined && { to: opts.to }),
      });
      if (opts.json) {
        console.error(JSON.stringify(result));
        return;
      }
      const coarse =
        result.grain === 'day' && result.by === 'asset'
          ? ''
          : ` (grouped by ${result.grain}${result.by === 'type' ? ' and asset type' : ''} to stay small)`;
      console.error(
        `wrote ${out === '-' ? 'the report to stdout' : result.out}: ${(result.bytes / MB).toFixed(1)} MB, ${result.sessions.toLocaleString('en-US')} sessions${coarse}`,
      );
    });
  examples(command, [
    ['viewership report --out report.html', 'everything in viewership.duckdb'],
    ['viewership report --out q1.html --from 2025-01-01 --to 2025-03-31', 'one quarter'],
  ]);
}
