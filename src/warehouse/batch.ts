/**
 * Buffers rows from many concurrent fetches and commits them in few, large transactions.
 *
 * Each commit loads every buffered row, refreshes `master` for the sessions those rows touch,
 * and then runs the bookkeeping queued with `after` (checkpoints) — in one transaction, so a
 * checkpoint is never stored without the rows it vouches for, whatever moment the process dies.
 *
 * Memory stays bounded: past `highWaterRows` buffered rows, `add` waits for the commit in progress.
 */
import duckdb from '@duckdb/node-api';
import type { Row } from '../sync/flatten.js';
import type { Warehouse } from './connection.js';
import { TableLoader, type LoadableName } from './load.js';
import { refreshMaster } from './model.js';
import { TABLES, type TableName } from './schema.js';

export interface BatchOptions {
  /** Commit once this many rows are buffered. */
  maxRows?: number;
  /** …or this long after the first buffered row. */
  maxDelayMs?: number;
}

/** Tables a sync loads, in the order a commit loads them: sessions before their events, rows before their checkpoints. */
const LOAD_ORDER = [
  'videos',
  'live_streams',
  'players',
  'sessions',
  'session_events',
  'metric_timeseries',
  'metric_breakdowns',
  'asset_checkpoints',
  'session_checkpoints',
  'metric_checkpoints',
] as const satisfies readonly LoadableName[];

export type LoadedTable = (typeof LOAD_ORDER)[number];

export class LoadBatcher {
  /** Rows new to each table (keys it did not have), over every commit so far. */
  readonly added: Partial<Record<TableName, number>> = {};
  private buffer = new Map<LoadedTable, Row[]>();
  private ops: Array<() => Promise<void>> = [];
  private buffered = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private committing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly tables = new Map<LoadedTable, TableLoader>();
  private readonly maxRows: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly db: Warehouse,
    options: BatchOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 20_000;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
  }

  /** Buffers rows; resolves at once unless the buffer is full, then after the running commit. */
  async add(table: LoadedTable, rows: Row[]): Promise<void> {
    this.throwIfFailed();
    if (rows.length === 0) return;
    let list = this.buffer.get(table);
    if (!list) this.buffer.set(table, (list = []));
    for (const row of rows) list.push(row);
    this.buffered += rows.length;
    if (this.buffered >= this.maxRows) {
      const commit = this.flush();
      if (this.buffered >= this.maxRows * 2) await commit;
    } else {
      this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.maxDelayMs);
    }
  }

  /**
   * Queues bookkeeping to run in the transaction that commits everything added before it.
   * `op` runs inside that transaction: it uses `db.run`, never `db.transaction`.
   */
  after(op: () => Promise<void>): void {
    this.throwIfFailed();
    this.ops.push(op);
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.maxDelayMs);
  }

  /** Commits what is buffered now; resolves when it (and any commit before it) is durable. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const buffer = this.buffer;
    const ops = this.ops;
    this.buffer = new Map();
    this.ops = [];
    this.buffered = 0;
    this.committing = this.committing.then(() =>
      this.failure ? undefined : this.commit(buffer, ops),
    );
    this.committing.catch((error: unknown) => (this.failure ??= error));
    return this.committing;
  }

  private async commit(
    buffer: Map<LoadedTable, Row[]>,
    ops: Array<() => Promise<void>>,
  ): Promise<void> {
    if (buffer.size === 0 && ops.length === 0) return;
    await this.db.transaction(async () => {
      const touched = new Set<string>();
      for (const table of LOAD_ORDER) {
        const rows = buffer.get(table);
        if (!rows) continue;
        const added = await this.loader(table).load(rows);
        if (table in TABLES)
          this.added[table as TableName] = (this.added[table as TableName] ?? 0) + added;
        if (table === 'sessions' || table === 'session_events') {
          for (const row of rows) touched.add(row.session_id as string);
        }
      }
      if (touched.size > 0) {
        await this.db.run('CREATE TEMP TABLE IF NOT EXISTS batch_sessions (session_id VARCHAR)');
        await this.db.run('DELETE FROM batch_sessions');
        await this.db.append(
          'batch_sessions',
          [duckdb.VARCHAR],
          [...touched].map((id) => [id]),
          'main',
          'temp',
        );
        const before = await this.db.scalar<bigint>(
          'SELECT count(*) FROM main.master WHERE session_id IN (SELECT session_id FROM temp.main.batch_sessions)',
        );
        await refreshMaster(this.db, 'SELECT session_id FROM temp.main.batch_sessions');
        this.added.master = (this.added.master ?? 0) + touched.size - Number(before);
      }
      for (const op of ops) await op();
    });
  }

  private loader(table: LoadedTable): TableLoader {
    let loader = this.tables.get(table);
    if (!loader) this.tables.set(table, (loader = new TableLoader(this.db, table)));
    return loader;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
