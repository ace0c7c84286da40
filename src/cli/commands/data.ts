import type { Command } from 'commander';
import { Option } from 'commander';
import { exportTable, EXPORT_FORMATS, validateExport } from '../../warehouse/export.js';
import { formatResult, QUERY_FORMATS, runQuery, type QueryFormat } from '../../warehouse/query.js';
import { TABLE_NAMES } from '../../warehouse/schema.js';
import type { Warehouse } from '../../warehouse/connection.js';

async function withWarehouse<T>(path: string, work: (db: Warehouse) => Promise<T>): Promise<T> {
  const { Warehouse } = await import('../../warehouse/connection.js');
  const { assertWarehouse } = await import('../../warehouse/migrate.js');
  const db = await Warehouse.open(path, { readOnly: true, lockWaitMs: 2000 });
  try {
    await assertWarehouse(db);
    return await work(db);
  } finally {
    db.close();
  }
}

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
    .option('--db <file>', 'warehouse file', 'viewership.duckdb')
    .action(async (opts) => {
      const options = {
        table: opts.table,
        format: opts.format,
        out: opts.out,
        partitioned: Boolean(opts.partitioned),
      };
      validateExport(options); // bad usage fails before the warehouse is opened
      const rows = await withWarehouse(opts.db, (db) => exportTable(db, options));
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
    .option('--db <file>', 'warehouse file', 'viewership.duckdb')
    .action(async (sql: string, opts) => {
      const format = opts.format as QueryFormat;
      const result = await withWarehouse(opts.db, (db) => runQuery(db, sql, format));
      console.log(formatResult(result, format));
    });
}
