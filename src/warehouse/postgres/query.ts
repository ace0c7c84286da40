/**
 * `query` on PostgreSQL: the user's SQL runs in PostgreSQL itself, as one statement (the extended
 * protocol refuses several) in a READ ONLY transaction whose search_path is the warehouse's
 * schema, so `SELECT … FROM master` works as it does on DuckDB. The result is printed by the same
 * formatter as DuckDB's.
 */
import type pg from 'pg';
import { UsageError } from '../../errors.js';
import { printable } from '../../text.js';
import type { QueryFormat, QueryResult } from '../query.js';
import { connect } from './connection.js';
import { assertPgWarehouse } from './schema.js';
import { ident, pgTarget } from './target.js';

const NUMERIC_TEXT = new Set([20, 1700]); // int8, numeric: text from the driver
const JSON_TYPES = new Set([114, 3802]); // json, jsonb: parsed by the driver

/**
 * Values as `query` prints them on DuckDB (../query.ts): in JSON, integers and decimals as numbers
 * (as text past 2^53), timestamps in ISO 8601 with `Z`, JSON columns as their text; in tables and
 * CSV, numbers as numbers and timestamps as the database prints them.
 */
function value(v: unknown, oid: number, format: QueryFormat): unknown {
  if (v === null || v === undefined) return null;
  if (NUMERIC_TEXT.has(oid) && typeof v === 'string') {
    const n = Number(v);
    if (format === 'json')
      return Number.isFinite(n) && (oid !== 20 || Number.isSafeInteger(n)) ? n : v;
    return Number.isFinite(n) && String(n) === v ? n : v;
  }
  if (JSON_TYPES.has(oid)) return JSON.stringify(v);
  if (format === 'json' && typeof v === 'string') {
    if (oid === 1184) return v.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
    if (oid === 1114) return v.replace(' ', 'T');
  }
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return v;
}

function columnNames(fields: pg.FieldDef[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((f) => {
    const n = seen.get(f.name) ?? 0;
    seen.set(f.name, n + 1);
    return n === 0 ? f.name : `${f.name}_${n}`;
  });
}

export async function runPgQuery(
  url: string,
  schema: string | undefined,
  sql: string,
  format: QueryFormat,
): Promise<QueryResult> {
  const target = pgTarget(url, schema);
  const db = await connect(target, 'viewership query');
  try {
    return await db.transaction(async () => {
      await assertPgWarehouse(db, target);
      await db.run(`SET LOCAL search_path = ${ident(target.schema)}, pg_catalog`);
      let result: pg.QueryResult;
      try {
        result = await db.exec(sql, undefined, true);
      } catch (error) {
        const e = error as Error & { code?: string };
        if (e.code === '25006') {
          throw new UsageError(
            'query runs in a read-only transaction: the warehouse cannot be changed from here',
            'Use SELECT.',
          );
        }
        if (e.code === '42601' && /multiple commands/i.test(e.message)) {
          throw new UsageError('query runs one SQL statement at a time', 'Run them one by one.');
        }
        throw new UsageError(
          printable(e.message.split('\n')[0]!),
          `Check the SQL; tables are in schema ${target.schema}: viewership query --db … "SELECT table_name FROM information_schema.tables WHERE table_schema = '${target.schema}'"`,
        );
      }
      const fields = result.fields ?? [];
      return {
        columns: columnNames(fields),
        rows: (result.rows as unknown[][]).map((row) =>
          fields.map((f, i) => value(row[i], f.dataTypeID, format)),
        ),
      };
    }, 'BEGIN READ ONLY');
  } finally {
    await db.close();
  }
}
