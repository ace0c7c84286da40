/**
 * Export: a warehouse table to a file other tools read — CSV, JSON (one array), NDJSON, or
 * Parquet, the last also as a folder partitioned by UTC day (`day=YYYY-MM-DD/…`), the layout
 * DuckDB, Spark, pandas and BigQuery all read as one dataset. DuckDB's COPY does the writing.
 */
import { UsageError } from '../errors.js';
import type { Warehouse } from './connection.js';
import { isTableName, TABLE_NAMES, TABLES } from './schema.js';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  table: string;
  format: string;
  out: string;
  /** Parquet only: a folder with one sub-folder per day of the table's day column. */
  partitioned?: boolean;
}

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json, ARRAY true',
  ndjson: 'FORMAT json',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;

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
  const spec = TABLES[options.table];
  const dayColumn = 'dayColumn' in spec ? spec.dayColumn : undefined;
  if (options.partitioned) {
    if (format !== 'parquet')
      throw new UsageError('--partitioned works with --format parquet only');
    if (!dayColumn) {
      const dated = TABLE_NAMES.filter((t) => 'dayColumn' in TABLES[t]);
      throw new UsageError(
        `${options.table} has no day to partition by`,
        `Partition one of: ${dated.join(', ')}.`,
      );
    }
  }
  return { format, dayColumn };
}

/** Writes the export; returns the number of rows written. */
export async function exportTable(db: Warehouse, options: ExportOptions): Promise<number> {
  const { format, dayColumn } = validateExport(options);
  const spec = TABLES[options.table as keyof typeof TABLES];
  const ordered = `SELECT * FROM main.${spec.name} ORDER BY ${spec.key.join(', ')}`;
  const rows = Number(await db.scalar<bigint>(`SELECT count(*) FROM main.${spec.name}`));
  if (options.partitioned && dayColumn) {
    await db.run(
      `COPY (SELECT *, strftime(${dayColumn}, '%Y-%m-%d') AS day FROM (${ordered}))
       TO ${quote(options.out)} (${COPY_OPTIONS.parquet}, PARTITION_BY (day), OVERWRITE true)`,
    );
  } else {
    await db.run(`COPY (${ordered}) TO ${quote(options.out)} (${COPY_OPTIONS[format]})`);
  }
  return rows;
}
