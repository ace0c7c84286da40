/**
 * One connection to PostgreSQL, and the few ways the rest of the code talks through it — the
 * PostgreSQL twin of ../connection.ts.
 *
 * Every session runs in UTC with ISO dates, so `::date` and text timestamps mean UTC days. The
 * errors a user can fix (server unreachable, password refused, no such database, no privilege)
 * become one-line messages that name the URL without its password and the fix.
 */
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DiskFullError, UsageError, ViewershipError } from '../../errors.js';
import type { PgTarget } from './target.js';

type Param = string | number | boolean | bigint | null | string[];

interface PgError extends Error {
  code?: string;
}

/** The message of a PostgreSQL or socket error that a user can act on; undefined otherwise. */
export function connectError(target: PgTarget, error: unknown): ViewershipError | undefined {
  const e = error as PgError;
  const code = e?.code;
  const message = e?.message ?? String(error);
  const where = target.label;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'ETIMEDOUT' ||
    code === 'ENOENT' ||
    /timeout expired|Connection terminated due to connection timeout/i.test(message)
  ) {
    const why = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown host' : (code ?? message);
    return new UsageError(
      `cannot reach PostgreSQL at ${where} (${why})`,
      'Check the host and port in --db, and that the server is running and accepts TCP connections from here.',
    );
  }
  if (code === '28P01') {
    return new UsageError(
      `PostgreSQL refused the password of user ${target.user} at ${where}`,
      'Give the right password in the URL, in PGPASSWORD, or in ~/.pgpass (host:port:database:user:password, mode 600).',
    );
  }
  if (/client password must be a string|password must be a string/i.test(message)) {
    return new UsageError(
      `PostgreSQL at ${where} asks user ${target.user} for a password, and none was given`,
      'Put it in PGPASSWORD or ~/.pgpass (host:port:database:user:password, mode 600), or in the URL.',
    );
  }
  if (code === '28000') {
    return new UsageError(
      `PostgreSQL at ${where} does not let user ${target.user} in: ${message}`,
      'Check the user name in --db, and that pg_hba.conf allows this user from this host.',
    );
  }
  if (code === '3D000') {
    return new UsageError(
      `database ${target.database} does not exist on ${where}`,
      `Create it (createdb ${target.database}, or CREATE DATABASE ${target.database}) or name an existing one in --db.`,
    );
  }
  if (code === '42501') {
    return new UsageError(
      `user ${target.user} lacks a privilege viewership needs on ${where}: ${message}`,
      `To sync: GRANT CREATE ON DATABASE ${target.database} TO ${target.user} (or create the schemas ${target.schema} and ${target.internal} owned by it). To read: GRANT USAGE and SELECT on both schemas.`,
    );
  }
  if (code === '53100') {
    return new DiskFullError(`the database ${target.database} at ${where}`, error);
  }
  if (code === '53300') {
    return new UsageError(
      `PostgreSQL at ${where} has no connection slot left`,
      'Try again later, or raise max_connections.',
    );
  }
  if (/self[- ]signed certificate|does not support SSL|SSL/i.test(message) && !code?.match(/^\d/)) {
    return new UsageError(
      `cannot open a TLS connection to ${where}: ${message}`,
      'Set sslmode in the URL to what the server offers (e.g. ?sslmode=disable on a local server).',
    );
  }
  return undefined;
}

/** Any other failure: kept as the cause, named with the URL without its password. */
function failure(target: PgTarget, what: string, error: unknown): ViewershipError {
  return (
    connectError(target, error) ??
    new ViewershipError(
      `PostgreSQL at ${target.label} failed ${what}: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    )
  );
}

// Values come back as text where JavaScript would lose them: int8 and numeric as strings,
// and timestamps and dates as PostgreSQL prints them (UTC, ISO), never as local-time Dates.
const RAW = (value: string) => value;
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case 1082: // date
      case 1114: // timestamp
      case 1184: // timestamptz
        return RAW;
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
};

export class PgConnection {
  private queue: Promise<unknown> = Promise.resolve();
  private broken: unknown;

  private constructor(
    readonly target: PgTarget,
    readonly client: pg.Client,
  ) {}

  /** Connects as the target says; `purpose` shows in pg_stat_activity (e.g. `viewership sync`). */
  static async connect(target: PgTarget, purpose: string): Promise<PgConnection> {
    const client = new pg.Client({
      ...target.config,
      // No password found: say so plainly rather than let node-postgres look for one itself.
      password: target.config.password ?? (() => Promise.resolve(undefined as unknown as string)),
      application_name: purpose,
      options: `-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c extra_float_digits=1`,
      types: TYPES,
    });
    const connection = new PgConnection(target, client);
    // A connection that dies later (server restart, network) fails the next query, not the process.
    client.on('error', (error) => (connection.broken ??= error));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw failure(target, 'to accept the connection', error);
    }
    return connection;
  }

  /** Runs a statement; returns how many rows it touched. */
  async run(sql: string, params?: Param[]): Promise<number> {
    const result = await this.exec(sql, params);
    return result.rowCount ?? 0;
  }

  async rows<T = Record<string, unknown>>(sql: string, params?: Param[]): Promise<T[]> {
    return (await this.exec(sql, params)).rows as T[];
  }

  async scalar<T = unknown>(sql: string, params?: Param[]): Promise<T> {
    const result = await this.exec(sql, params);
    const row = result.rows[0] as Record<string, unknown> | undefined;
    return (row ? Object.values(row)[0] : undefined) as T;
  }

  /**
   * The raw result, for callers that want field metadata (`query`). `user`: the user's SQL, run
   * as exactly one statement (the extended protocol refuses several), rows as arrays.
   */
  async exec(sql: string, params?: Param[], user = false): Promise<pg.QueryResult> {
    if (this.broken) throw failure(this.target, 'the connection', this.broken);
    try {
      return await this.client.query({
        text: sql,
        values: params as unknown[] | undefined,
        ...(user && { queryMode: 'extended' as const, rowMode: 'array' as const }),
      });
    } catch (error) {
      throw this.broken ? failure(this.target, 'the connection', this.broken) : error;
    }
  }

  /** Streams data (text chunks, or a readable stream) into `COPY … FROM STDIN`. */
  async copyIn(sql: string, source: Iterable<string> | Readable): Promise<number> {
    const stream = this.client.query(copyFrom(sql));
    const input =
      source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    await pipeline(input, stream);
    return stream.rowCount;
  }

  /** Streams `COPY … TO STDOUT` into `out`. */
  async copyOut(sql: string, out: Writable): Promise<void> {
    const stream = this.client.query(copyTo(sql));
    await pipeline(stream, out);
  }

  /**
   * Runs `work` with the connection to itself: callers are queued, so concurrent async work
   * (a sync's many fetches) never interleaves statements on the one connection.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** `exclusive`, inside BEGIN … COMMIT (ROLLBACK if `work` throws). */
  transaction<T>(work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return this.exclusive(async () => {
      await this.run(begin);
      try {
        const result = await work();
        await this.run('COMMIT');
        return result;
      } catch (error) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Opens a connection, mapping what a user can fix to a usage error. */
export async function connect(target: PgTarget, purpose: string): Promise<PgConnection> {
  return PgConnection.connect(target, purpose);
}

export { failure as pgFailure };
