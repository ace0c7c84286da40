import type { Command } from 'commander';
import { Option } from 'commander';
import { exportTable, EXPORT_FORMATS, validateExport } from '../../warehouse/export.js';
import { formatResult, QUERY_FORMATS, type QueryFormat } from '../../warehouse/query.js';
import { TABLE_NAMES, type TableName } from '../../warehouse/schema.js';
import { DB_HELP, SCHEMA_HELP } from '../options.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a warehouse table to CSV, JSON, NDJSON or Parquet')
    .requiredOption('--table <name>', `one of: ${TABLE_NAMES.join(', ')}`)
    .addOption(
      new Option('--format <format>', 'file format')
        .choices([...EXPORT_FORMATS])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'file to write (a folder with --partitioned)')
    .option('--partitioned', 'parquet only: a folder partitioned by UTC day (day=YYYY-MM-DD/)')
    .option('--db <file|url>', DB_HELP, 'viewership.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .action(async (opts) => {
      const options = {
        table: opts.table,
        format: opts.format,
        out: opts.out,
        partitioned: Boolean(opts.partitioned),
      };
      validateExport(options); // bad usage fails before the warehouse is opened
      const { tablesFor, withReadableWarehouse } = await import('../../warehouse/open.js');
      const rows = await withReadableWarehouse(
        opts.db,
        { schema: opts.schema, tables: tablesFor(opts.table as TableName) },
        (db) => exportTable(db, options),
      );
      console.error(
        `exported ${rows.toLocaleString('en-US')} rows of ${opts.table} to ${opts.out}`,
      );
    });
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run SQL on the warehouse, read-only')
    .argument('<sql>', 'the SQL to run, e.g. "SELECT country, count(*) FROM master GROUP BY 1"')
    .addOption(
      new Option('--format <format>', 'output format').choices([...QUERY_FORMATS]).default('table'),
    )
    .option('--db <file|url>', DB_HELP, 'viewership.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .action(async (sql: string, opts) => {
      const format = opts.format as QueryFormat;
      const { queryWarehouse } = await import('../../warehouse/open.js');
      const result = await queryWarehouse(opts.db, opts.schema, sql, format);
      console.log(formatResult(result, format));
    });
}
