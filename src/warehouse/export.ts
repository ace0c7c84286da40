/**
 * Export: a warehouse table to a file other tools read — CSV, JSON (one array), NDJSON, or
 * Parquet, the last also as a folder partitioned by UTC day (`day=YYYY-MM-DD/…`), the layout
 * DuckDB, Spark, pandas and BigQuery all read as one dataset. DuckDB's COPY does the writing;
 * src/outputs.ts decides where it may write (never the warehouse, a file only once complete, a
 * partitioned folder only where its own partitions are).
 */
import { UsageError } from '../errors.js';
import { assertNotWarehouse, STDOUT, writeOutput, writePartitions } from '../outputs.js';
import type { Warehouse } from './connection.js';
import { sqlString } from './sql-text.js';
import { isTableName, TABLE_NAMES, TABLES, type TableSpec } from './schema.js';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  table: string;
  format: string;
  /** A file, `-` for stdout, or a folder with `partitioned`. */
  out: string;
  /** Parquet only: a folder with one sub-folder per day of the table's day column. */
  partitioned?: boolean;
  /**
   * CSV only: text starting with = + - @ (or a tab or carriage return) gets a leading `'`, so a
   * spreadsheet opening the file shows it instead of running it as a formula.
   */
  safeCsv?: boolean;
}

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json, ARRAY true',
  ndjson: 'FORMAT json',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

export function validateExport(options: ExportOptions): {
  format: ExportFormat;
  dayColumn: string | undefined;
} {
  if (!isTableName(options.table)) {
    throw new UsageError(
      `unknown table ${JSON.stringify(options.table)}`,
      `Tables: ${TABLE_NAMES.join(', ')}.`,
    );
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(
      `unknown format ${JSON.stringify(options.format)}`,
      `Formats: ${EXPORT_FORMATS.join(', ')}.`,
    );
  }
  const format = options.format as ExportFormat;
  const spec: TableSpec = TABLES[options.table];
  const dayColumn = spec.dayColumn;
  if (options.safeCsv && format !== 'csv') {
    throw new UsageError('--safe-csv works with --format csv only');
  }
  if (options.partitioned) {
    if (format !== 'parquet')
      throw new UsageError('--partitioned works with --format parquet only');
    if (options.out === STDOUT) throw new UsageError('--partitioned writes a folder, not stdout');
    if (!dayColumn) {
      const dated = TABLE_NAMES.filter((t) => (TABLES[t] as TableSpec).dayColumn);
      throw new UsageError(
        `${options.table} has no day to partition by`,
        `Partition one of: ${dated.join(', ')}.`,
      );
    }
  }
  return { format, dayColumn };
}

/** The table's columns, text made safe for spreadsheets when asked. */
function selectList(spec: TableSpec, safeCsv: boolean): string {
  if (!safeCsv) return '*';
  return spec.columns
    .map(({ name, type }) =>
      type === 'VARCHAR' || type === 'JSON'
        ? `CASE WHEN regexp_matches(${name}::VARCHAR, '^[=+\\-@\\t\\r]') THEN '''' || ${name}::VARCHAR ELSE ${name}::VARCHAR END AS ${name}`
        : name,
    )
    .join(', ');
}

/** Writes the export; returns the number of rows written. */
export async function exportTable(db: Warehouse, options: ExportOptions): Promise<number> {
  const { format, dayColumn } = validateExport(options);
  assertNotWarehouse(options.out, db.path);
  const spec: TableSpec = TABLES[options.table as keyof typeof TABLES];
  const ordered = `SELECT ${selectList(spec, Boolean(options.safeCsv))} FROM main.${spec.name} ORDER BY ${spec.key.join(', ')}`;
  const rows = Number(await db.scalar<bigint>(`SELECT count(*) FROM main.${spec.name}`));
  if (options.partitioned && dayColumn) {
    await writePartitions(options.out, spec.name, (folder) =>
      db.run(
        `COPY (SELECT *, strftime(${dayColumn}, '%Y-%m-%d') AS day FROM (${ordered}))
         TO ${sqlString(folder)} (${COPY_OPTIONS.parquet}, PARTITION_BY (day))`,
      ),
    );
  } else {
    await writeOutput(options.out, (file) =>
      db.run(`COPY (${ordered}) TO ${sqlString(file)} (${COPY_OPTIONS[format]})`),
    );
  }
  return rows;
}
