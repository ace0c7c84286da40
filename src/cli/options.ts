/** Flag values checked once, with messages that name the flag and what it takes. */
import { UsageError } from '../errors.js';

export function integerOption(
  value: string,
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} ${value} is not a whole number ${range}`);
  }
  return n;
}

export function positiveNumberOption(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} ${value} is not a positive number`);
  return n;
}

/** `--db` and `--schema`, worded once for every command that takes them. */
export const DB_HELP =
  'warehouse: a DuckDB file, or a PostgreSQL URL postgres://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass)';
export const SCHEMA_HELP =
  'PostgreSQL only: the schema of the tables (default viewership; bookkeeping in <name>_internal)';
