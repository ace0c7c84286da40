/**
 * Flag values checked once, before any work, with messages that name the flag, what it takes and
 * the path at fault: a bad value is a usage error (exit 2), never a crash halfway through.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export function integerOption(
  value: string,
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a whole number ${range}`);
  }
  return n;
}

/** Seconds (decimals allowed) within [min, max], as whole milliseconds. */
export function secondsOption(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not a number of seconds from ${min} to ${max}`,
    );
  }
  return Math.round(n * 1000);
}

/** A port, 0 meaning any free one. */
export const portOption = (value: string, flag = '--port') => integerOption(value, flag, 0, 65535);

/** A host to listen on: an empty one would mean every interface, so it is refused. */
export function hostOption(value: string, flag = '--host'): string {
  if (value.trim() === '') {
    throw new UsageError(`${flag} must not be empty`, `e.g. ${flag} 127.0.0.1`);
  }
  return value.trim();
}

const kindOf = (path: string) => {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return undefined;
  }
};

/** A file to create or replace: its folder must exist and it must not be a folder itself. */
export function outputFileOption(path: string, flag: string): string {
  if (path === '-') return path;
  if (kindOf(path) === 'folder') {
    throw new UsageError(
      `${flag} ${path} is a folder`,
      `Give a file name, e.g. ${flag} ${path.replace(/\/+$/, '')}/out`,
    );
  }
  const folder = dirname(resolve(path));
  if (kindOf(folder) !== 'folder') {
    throw new UsageError(
      `${flag} ${path}: the folder ${folder} does not exist`,
      'Create it first, or write somewhere else.',
    );
  }
  return path;
}

/** A folder to write into (created when missing): it must not be a file. */
export function outputFolderOption(path: string, flag: string): string {
  if (kindOf(path) === 'file') {
    throw new UsageError(`${flag} ${path} is a file, not a folder`, `Give ${flag} a folder name.`);
  }
  return path;
}

/** A warehouse file: not a folder, and in a folder that exists. URLs pass through. */
export function warehouseOption(db: string): string {
  if (/^postgres(ql)?:\/\//i.test(db) || db === ':memory:') return db;
  if (kindOf(db) === 'folder') {
    throw new UsageError(
      `--db ${db} is a folder`,
      'Give a warehouse file, e.g. --db viewership.duckdb.',
    );
  }
  const folder = dirname(resolve(db));
  if (kindOf(folder) !== 'folder') {
    throw new UsageError(
      `--db ${db}: the folder ${folder} does not exist`,
      'Create it first, or give another path.',
    );
  }
  return db;
}

/**
 * The API key from `--api-key-file` (a file, or `-` for stdin), `--api-key` or
 * `APIVIDEO_API_KEY`, in that order. A file or stdin keeps the key out of the process list, where
 * other users can read `--api-key`.
 */
export function apiKeyOption(opts: { apiKey?: string; apiKeyFile?: string }): string {
  let key: string | undefined;
  if (opts.apiKeyFile !== undefined) {
    const source = opts.apiKeyFile === '-' ? 'stdin' : opts.apiKeyFile;
    if (opts.apiKeyFile !== '-' && !existsSync(opts.apiKeyFile)) {
      throw new UsageError(`--api-key-file ${source} does not exist`);
    }
    try {
      key = readFileSync(opts.apiKeyFile === '-' ? 0 : opts.apiKeyFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(
        `cannot read the API key from ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (!key) throw new UsageError(`--api-key-file ${source} is empty`);
  } else {
    key = opts.apiKey ?? process.env.APIVIDEO_API_KEY;
  }
  if (!key) {
    throw new UsageError(
      'no API key',
      'Set APIVIDEO_API_KEY, or pass --api-key-file FILE (or - for stdin); --api-key KEY works but shows the key in the process list.',
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f]/.test(key)) {
    throw new UsageError(
      'the API key holds spaces or control characters',
      'Check how it was copied.',
    );
  }
  return key;
}

/** `--db` and `--schema`, worded once for every command that takes them. */
export const DB_HELP =
  'warehouse: a DuckDB file, or a PostgreSQL URL postgres://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass)';
export const SCHEMA_HELP =
  'PostgreSQL only: the schema of the tables (default viewership; bookkeeping in <name>_internal)';

/**
 * VIEWERSHIP_NOW (ISO 8601): the time a sync takes as now (and `demo`'s emulated account starts
 * from), for tests against a pinned emulator and for reproducing a run.
 */
export function nowFromEnvironment(): { now?: number } {
  const value = process.env.VIEWERSHIP_NOW;
  if (value === undefined || value === '') return {};
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `VIEWERSHIP_NOW ${JSON.stringify(value)} is not a time`,
      'Give an ISO 8601 time, e.g. 2025-06-15T12:00:00Z, or unset it.',
    );
  }
  return { now: ms };
}
