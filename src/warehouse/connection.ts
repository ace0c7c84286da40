/**
 * Opening the warehouse file, and the few ways of talking to it that the rest of the code uses.
 *
 * DuckDB lets one process write a file, or several read it, never both: the errors it gives
 * for that (and for a file that is not a database) become one-line messages naming the fix.
 * Every connection runs in UTC so that `::date` and `hour()` mean UTC days and hours.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import duckdb, {
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { NoWarehouseError, UsageError, ViewershipError } from '../errors.js';
import { sqlString } from './sql-text.js';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface OpenOptions {
  readOnly?: boolean;
  /** How long to keep trying while another process holds the file (e.g. serve taking a snapshot). */
  lockWaitMs?: number;
  /**
   * Keep DuckDB's memory small (the sync): a budget of LEAN_BUDGET bytes, and its allocator
   * hands freed memory back to the system promptly instead of keeping up to 128 MB cached for
   * reuse. Committed rows stay in memory, uncompressed, until a checkpoint writes them to the
   * file, so checkpoints come after every LEAN_CHECKPOINT of log (DuckDB's default, 16 MB of
   * log, held about 48 MB of events), and write small row groups (LEAN_ROW_GROUP rows: one of
   * DuckDB's default 122,880 events briefly took about 45 MB more while being compressed).
   */
  lean?: boolean;
  threads?: number;
  /** For user SQL: no file access, no extensions, settings locked (see `query`). */
  sandbox?: boolean;
}

/** Rows per row group written by a lean store; a multiple of DuckDB's vector size (2,048). */
export const LEAN_ROW_GROUP = 16_384;

/** A lean store's log size that triggers a checkpoint. */
export const LEAN_CHECKPOINT = '2MB';

/**
 * A lean store's memory budget: a commit's working set, rows not yet checkpointed and cached
 * blocks fit in it on the 1,000,000-event account (28 MB failed a commit). The tables that grow
 * with an account's viewing have no key index (see schema.ts), so the budget need not grow either.
 */
export const LEAN_BUDGET = 36 * 2 ** 20;

/** The name the warehouse file is attached under, whatever the file is called. */
export const CATALOG = 'warehouse';

export class WarehouseLockedError extends UsageError {}

function openError(path: string, error: unknown, readOnly: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock) {
    return new WarehouseLockedError(
      `the warehouse ${path} is in use by another process (PID ${lock[2]})`,
      readOnly
        ? 'A sync is probably writing it; try again when it has finished.'
        : 'Another sync (or a query/export) is using it; wait for it to finish, or use another --db file.',
    );
  }
  if (/not a valid DuckDB database file/.test(message)) {
    return new UsageError(
      `${path} is not a DuckDB database`,
      'Point --db at a viewership warehouse, or at a new file name to create one.',
    );
  }
  if (/database does not exist/.test(message)) return new NoWarehouseError(path);
  return new ViewershipError(`cannot open the warehouse ${path}: ${message}`, { cause: error });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows per appended chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

export class Warehouse {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly chunks = new Map<string, DuckDBDataChunk>();

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly spill: string,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Warehouse> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && path !== ':memory:' && !existsSync(path)) throw new NoWarehouseError(path);
    // Where DuckDB spills: a folder of this connection's own. An in-memory instance (which the
    // warehouse is attached to) would spill into ./.tmp, shared by every process started there.
    const spill = mkdtempSync(join(tmpdir(), 'viewership-spill-'));
    const config: Record<string, string> = { temp_directory: spill };
    if (options.lean) {
      config.memory_limit = `${LEAN_BUDGET}B`;
      config.checkpoint_threshold = LEAN_CHECKPOINT;
      config.allocator_flush_threshold = '8MB';
      config.allocator_background_threads = 'true';
    }
    if (options.threads) config.threads = String(options.threads);
    const deadline = Date.now() + (options.lockWaitMs ?? 0);
    for (;;) {
      let instance: DuckDBInstance | undefined;
      try {
        instance = await duckdb.DuckDBInstance.create(':memory:', config);
        const connection = await instance.connect();
        await connection.run(`SET GLOBAL TimeZone = 'UTC'`);
        // Attached under a fixed name rather than opened: DuckDB names a database after its
        // file, so `viewership.duckdb` (or main.duckdb, system.duckdb…) would clash with the
        // schemas inside it. Under CATALOG every file name works.
        const attach = readOnly
          ? ' (READ_ONLY)'
          : options.lean
            ? ` (ROW_GROUP_SIZE ${LEAN_ROW_GROUP})`
            : '';
        await connection.run(`ATTACH ${sqlString(path)} AS ${CATALOG}${attach}`);
        await connection.run(`USE ${CATALOG}`);
        if (options.sandbox) {
          // `query` runs the user's SQL: no file can be read or written from it, nothing attached
          // or installed, and the setting cannot be turned back on.
          await connection.run(`SET enable_external_access = false`);
          await connection.run(`SET lock_configuration = true`);
        }
        return new Warehouse(path, readOnly, instance, connection, spill);
      } catch (error) {
        instance?.closeSync();
        rmSync(spill, { recursive: true, force: true });
        const mapped = openError(path, error, readOnly);
        if (!(mapped instanceof WarehouseLockedError) || Date.now() >= deadline) throw mapped;
        await sleep(100);
      }
    }
  }

  /** Runs a statement; results are discarded. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs a statement that changes rows; resolves to how many it changed. */
  async change(sql: string, params?: Params): Promise<number> {
    return (await this.connection.run(sql, params)).rowsChanged;
  }

  /** Rows as plain objects with JS values (BIGINT → bigint, TIMESTAMPTZ → Date). */
  async rows<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe objects (BIGINT → string, TIMESTAMPTZ → string). */
  async jsonRows<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as T[];
  }

  async scalar<T = unknown>(sql: string, params?: Params): Promise<T> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowsJS()[0]?.[0] as T;
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
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Appends rows (arrays in column order) to a table through DuckDB's appender, in chunks. */
  async append(
    table: string,
    types: DuckDBType[],
    rows: DuckDBValue[][],
    schema = 'main',
    catalog?: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    const appender = await this.connection.createAppender(table, schema, catalog ?? null);
    // One chunk per table, reused: a chunk's memory is native and only freed when the garbage
    // collector finalizes it, which a small heap may not do for a long while.
    const key = `${catalog ?? ''}.${schema}.${table}`;
    let chunk = this.chunks.get(key);
    if (!chunk) this.chunks.set(key, (chunk = duckdb.DuckDBDataChunk.create(types, CHUNK_ROWS)));
    try {
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        chunk.reset();
        chunk.setRows(rows.slice(start, start + CHUNK_ROWS));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.spill, { recursive: true, force: true });
  }
}
