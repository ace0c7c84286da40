/**
 * Buffers rows from many concurrent fetches and commits them in few, large transactions.
 *
 * Each commit loads every buffered row, computes the figures (master's) of the sessions whose
 * events it loads, and runs the bookkeeping queued with `after` — in one transaction, so a checkpoint is never stored without the rows it vouches for,
 * whatever moment the process dies.
 *
 * One commit runs while the next buffer fills; a fetch that finds the buffer full waits for the
 * running commit. Memory is therefore bounded by about two buffers, however fast the API answers.
 */
import type { Row } from './schema.js';
import type { Warehouse } from './connection.js';
import { TableLoader, type LoadableName } from './load.js';
import { refreshSessionStats } from './model.js';
import { TABLES, type TableName } from './schema.js';

export interface BatchOptions {
  /** Commit once the buffered rows weigh about this many bytes. */
  maxBytes?: number;
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

interface Batch {
  rows: Map<LoadedTable, Row[]>;
  ops: Array<() => Promise<void>>;
  /** Approximate bytes: what DuckDB has to hold for the batch in its transaction. */
  bytes: number;
}

const emptyBatch = (): Batch => ({ rows: new Map(), ops: [], bytes: 0 });

/** A row's weight: its raw JSON (most of it) plus the typed columns. */
const rowBytes = (row: Row) => (typeof row.raw === 'string' ? row.raw.length : 0) + 200;

export class LoadBatcher {
  /** Rows new to each table (keys it did not have), over every commit so far. */
  readonly added: Partial<Record<TableName, number>> = {};
  private batch = emptyBatch();
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: unknown;
  private readonly loaders = new Map<LoadedTable, TableLoader>();
  private readonly maxBytes: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly db: Warehouse,
    options: BatchOptions = {},
  ) {
    // Small enough that a commit's working set stays a few MB whatever the rows: sessions (about
    // 1 kB each with their raw object) and events (about 0.3 kB) alike.
    this.maxBytes = options.maxBytes ?? 4_000_000;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
  }

  /** Buffers rows; resolves at once, unless the buffer is full while a commit is running. */
  async add(table: LoadedTable, rows: Row[]): Promise<void> {
    this.throwIfFailed();
    if (rows.length === 0) return;
    let list = this.batch.rows.get(table);
    if (!list) this.batch.rows.set(table, (list = []));
    for (const row of rows) {
      list.push(row);
      this.batch.bytes += rowBytes(row);
    }
    if (this.batch.bytes < this.maxBytes) return this.armTimer();
    while (this.running) await this.running;
    this.throwIfFailed();
    if (this.batch.bytes >= this.maxBytes) this.start();
  }

  /**
   * Queues bookkeeping to run in the transaction that commits everything added before it.
   * `op` runs inside that transaction: it uses `db.run`, never `db.transaction`.
   */
  after(op: () => Promise<void>): void {
    this.throwIfFailed();
    this.batch.ops.push(op);
    this.armTimer();
  }

  /** Commits everything buffered; resolves when it is durable. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.throwIfFailed();
    if (this.batch.rows.size > 0 || this.batch.ops.length > 0) {
      this.start();
      await this.running;
    }
    this.throwIfFailed();
  }

  private armTimer(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (!this.running && !this.failure) this.start();
      else this.armTimer();
    }, this.maxDelayMs);
    this.timer.unref?.();
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = emptyBatch();
    this.running = this.commit(batch)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  private async commit(batch: Batch): Promise<void> {
    await this.db.transaction(async () => {
      const loaded: TableLoader[] = [];
      for (const table of LOAD_ORDER) {
        const rows = batch.rows.get(table);
        if (!rows) continue;
        const loader = this.loader(table);
        const added = await loader.load(rows);
        loaded.push(loader);
        if (table in TABLES) this.count(table as TableName, added);
      }
      // The batch holds every event of each session it has events for: their figures, from it.
      if (batch.rows.has('session_events')) {
        await refreshSessionStats(this.db, this.loader('session_events').stagingTable);
      }
      for (const op of batch.ops) await op();
      for (const loader of loaded) await loader.clear();
    });
  }

  private count(table: TableName, added: number): void {
    this.added[table] = (this.added[table] ?? 0) + added;
  }

  private loader(table: LoadedTable): TableLoader {
    let loader = this.loaders.get(table);
    if (!loader) this.loaders.set(table, (loader = new TableLoader(this.db, table)));
    return loader;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
