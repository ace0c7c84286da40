/**
 * `query`: any SQL on a read-only connection, printed as an aligned table, CSV or JSON.
 * DuckDB refuses writes on a read-only database; that refusal and SQL errors become usage errors.
 */
import { UsageError } from '../errors.js';
import type { Warehouse } from './connection.js';

export const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** JSON keeps values lossless and typed; text formats show values as DuckDB itself prints them. */
function textValue(value: unknown): unknown {
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'string'
  ) {
    return value;
  }
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return String(value);
}

export async function runQuery(
  db: Warehouse,
  sql: string,
  format: QueryFormat = 'table',
): Promise<QueryResult> {
  try {
    const reader = await db.connection.runAndReadAll(sql);
    const rows =
      format === 'json'
        ? (reader.getRowsJson() as unknown[][])
        : reader.getRows().map((row) => row.map(textValue));
    return { columns: reader.deduplicatedColumnNames(), rows };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    if (/read-only mode/i.test(message)) {
      throw new UsageError(
        'query runs on a read-only connection: the warehouse cannot be changed from here',
        'Use SELECT (and COPY … TO for files).',
      );
    }
    throw new UsageError(
      message,
      'Check the SQL; `viewership query "SHOW TABLES"` lists the tables.',
    );
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = cell(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const MAX_CELL = 60;

export function formatResult(result: QueryResult, format: QueryFormat): string {
  if (format === 'json') {
    return JSON.stringify(
      result.rows.map((row) =>
        Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])),
      ),
      null,
      2,
    );
  }
  if (format === 'csv') {
    return [result.columns, ...result.rows].map((row) => row.map(csvField).join(',')).join('\n');
  }
  const text = result.rows.map((row) =>
    row.map((v) => {
      const s = v === null ? 'NULL' : cell(v).replace(/\s+/g, ' ');
      return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
    }),
  );
  const widths = result.columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const numeric = result.columns.map(
    (_, i) =>
      result.rows.length > 0 && result.rows.every((r) => r[i] === null || typeof r[i] === 'number'),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    line(result.columns),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...text.map(line),
  ];
  out.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  return out.join('\n');
}
