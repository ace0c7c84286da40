/**
 * `query`: any SQL on a read-only connection, printed as an aligned table, CSV or JSON.
 * DuckDB refuses writes on a read-only database; that refusal and SQL errors become usage errors.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { printable } from '../text.js';
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

/**
 * JSON values as a program reading them expects: integers and decimals as numbers (as text only
 * past 2^53, where a number would lose digits), timestamps in ISO 8601 (UTC with `Z`).
 */
function jsonValue(type: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^(U?(BIG|HUGE|TINY|SMALL)?INT(EGER)?|DECIMAL)/.test(type)) {
    const n = Number(value);
    return Number.isFinite(n) && (!/INT/.test(type) || Number.isSafeInteger(n)) ? n : value;
  }
  if (type === 'TIMESTAMP WITH TIME ZONE') {
    return value.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
  }
  if (type.startsWith('TIMESTAMP')) return value.replace(' ', 'T');
  return value;
}

export async function runQuery(
  db: Warehouse,
  sql: string,
  format: QueryFormat = 'table',
): Promise<QueryResult> {
  try {
    const reader = await db.connection.runAndReadAll(sql);
    const types = reader.columnTypes().map((t: DuckDBType) => t.toString());
    const rows =
      format === 'json'
        ? (reader.getRowsJson() as unknown[][]).map((row) =>
            row.map((value, i) => jsonValue(types[i]!, value)),
          )
        : reader.getRows().map((row) => row.map(textValue));
    return { columns: reader.deduplicatedColumnNames(), rows };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    if (/file system operations are disabled|external access/i.test(message)) {
      throw new UsageError(
        'query reads the warehouse and nothing else: it reads and writes no file, and installs no extension',
        'Use viewership export to write a table to a file.',
      );
    }
    if (/read-only mode/i.test(message)) {
      throw new UsageError(
        'query runs on a read-only connection: the warehouse cannot be changed from here',
        'Use SELECT; to write files, use viewership export.',
      );
    }
    throw new UsageError(
      printable(message),
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
      const s = v === null ? 'NULL' : printable(cell(v).replace(/[ \t\r\n]+/g, ' '));
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
