/** `export`, `query` and `migrate`: the warehouse's data out, and its schema brought up to date. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { EXPORT_FORMATS, validateExport } from '../../warehouse/export.js';
import { QUERY_FORMATS, type QueryFormat } from '../../warehouse/query.js';
import { TABLE_NAMES, type TableName } from '../../warehouse/schema.js';
import { examples } from '../help.js';
import {
  DB_HELP,
  outputFileOption,
  outputFolderOption,
  SCHEMA_HELP,
  warehouseOption,
} from '../options.js';

const dbOption = () =>
  new Option('--db <file|url>', DB_HELP).default('viewership.duckdb').argParser(warehouseOption);

export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('write a warehouse table to CSV, JSON, NDJSON or Parquet')
    .requiredOption('--table <name>', `one of: ${TABLE_NAMES.join(', ')}`)
    .addOption(
      new Option('--format <format>', 'file format')
        .choices([...EXPORT_FORMATS])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--out <path>',
      'the file to write (- for stdout), or a folder with --partitioned; an existing file is replaced only once the new one is complete',
    )
    .option('--partitioned', 'parquet only: a folder partitioned by UTC day (day=YYYY-MM-DD/)')
    .option(
      '--safe-csv',
      "csv only: prefix text starting with = + - @ with ' so spreadsheets show it, not run it",
    )
    .addOption(dbOption())
    .option('--schema <name>', SCHEMA_HELP)
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const options = {
        table: opts.table,
        format: opts.format,
        out: opts.partitioned
          ? outputFolderOption(opts.out, '--out')
          : outputFileOption(opts.out, '--out'),
        partitioned: Boolean(opts.partitioned),
        safeCsv: Boolean(opts.safeCsv),
      };
      validateExport(options); // bad usage fails before the warehouse is opened
      const { exportTable } = await import('../../warehouse/export.js');
      const { tablesFor, withReadableWarehouse } = await import('../../warehouse/open.js');
      const rows = await withReadableWarehouse(
        opts.db,
        { schema: opts.schema, tables: tablesFor(opts.table as TableName) },
        (db) => exportTable(db, options),
      );
      const outcome = { table: opts.table, format: opts.format, out: opts.out, rows };
      if (opts.json) console.error(JSON.stringify(outcome));
      else
        console.error(
          `exported ${rows.toLocaleString('en-US')} rows of ${opts.table} to ${opts.out === '-' ? 'stdout' : opts.out}`,
        );
    });
  examples(command, [
    [
      'viewership export --table master --format parquet --out master.parquet',
      'every session with its figures',
    ],
    [
      'viewership export --table session_events --format parquet --partitioned --out events/',
      'one folder per UTC day',
    ],
    [
      'viewership export --table sessions --format csv --safe-csv --out sessions.csv',
      'for a spreadsheet',
    ],
    ['viewership export --table sync_runs --format ndjson --out - | jq .status', 'to stdout'],
  ]);
}

export function registerQuery(program: Command): void {
  const command = program
    .command('query')
    .description(
      'run SQL on the warehouse, read-only: it reads the warehouse and nothing else (no file, no extension)',
    )
    .argument('<sql>', 'the SQL to run, e.g. "SELECT country, count(*) FROM master GROUP BY 1"')
    .addOption(
      new Option('--format <format>', 'output format').choices([...QUERY_FORMATS]).default('table'),
    )
    .addOption(dbOption())
    .option('--schema <name>', SCHEMA_HELP)
    .action(async (sql: string, opts) => {
      const { formatResult } = await import('../../warehouse/query.js');
      const { queryWarehouse } = await import('../../warehouse/open.js');
      const format = opts.format as QueryFormat;
      const result = await queryWarehouse(opts.db, opts.schema, sql, format);
      console.log(formatResult(result, format));
    });
  examples(command, [
    [
      'viewership query "SELECT country, count(*) AS sessions FROM master GROUP BY 1 ORDER BY 2 DESC"',
      '',
    ],
    ['viewership query "SELECT * FROM sync_runs ORDER BY run_id DESC LIMIT 5" --format json', ''],
    ['viewership query "SHOW TABLES"', 'what there is to query'],
  ]);
}

export function registerMigrate(program: Command): void {
  const command = program
    .command('migrate')
    .description(
      'bring a warehouse written by an older viewership up to date (sync does it too); each step is one transaction',
    )
    .addOption(dbOption())
    .option('--schema <name>', SCHEMA_HELP)
    .action(async (opts) => {
      const { isPostgresUrl } = await import('../../warehouse/postgres/target.js');
      if (isPostgresUrl(opts.db)) {
        const { migratePostgres } = await import('../../warehouse/postgres/store.js');
        const { label, steps } = await migratePostgres(opts.db, opts.schema);
        console.error(
          steps.length === 0
            ? `${label} is up to date`
            : steps.map((s) => `migrated ${label} to ${s}`).join('\n'),
        );
        return;
      }
      const { Warehouse } = await import('../../warehouse/connection.js');
      const { ensureSchema } = await import('../../warehouse/migrate.js');
      const { existsSync } = await import('node:fs');
      const { NoWarehouseError } = await import('../../errors.js');
      if (!existsSync(opts.db)) throw new NoWarehouseError(opts.db);
      const db = await Warehouse.open(opts.db, { lockWaitMs: 5000 });
      try {
        const steps = await ensureSchema(db);
        console.error(
          steps.length === 0
            ? `${opts.db} is up to date`
            : steps.map((s) => `migrated ${opts.db} to ${s}`).join('\n'),
        );
      } finally {
        db.close();
      }
    });
  examples(command, [['viewership migrate --db viewership.duckdb', '']]);
}
