/**
 * Buffers rows from many concurrent fetches and commits them to a destination in few, large
 * transactions, with the bookkeeping (`mark`) that must land with them: a checkpoint is never
 * stored without the rows it vouches for, whatever moment the process dies.
 *
 * One commit runs while the next buffer fills; a fetch that finds the buffer full waits for the
 * running commit. Memory is therefore bounded by about two buffers, however fast the API answers.
 */
import type { Destination, LoadedTable, Mark, RowsAdded } from './destination.js';
import type { Row } from './schema.js';

export interface BatchOptions {
  /** Commit once the buffered rows weigh about this many bytes. */
  maxBytes?: number;
  /** …or this long after the first buffered row. */
  maxDelayMs?: number;
}

interface Batch {
  rows: Map<LoadedTable, Row[]>;
  marks: Mark[];
  /** Approximate bytes: what the destination has to hold for the batch in its transaction. */
  bytes: number;
}

const emptyBatch = (): Batch => ({ rows: new Map(), marks: [], bytes: 0 });

/** A row's weight: its raw JSON (most of it) plus the typed columns. */
const rowBytes = (row: Row) => (typeof row.raw === 'string' ? row.raw.length : 0) + 200;

export class LoadBatcher {
  /** Rows new to each table (keys it did not have), over every commit so far. */
  readonly added: RowsAdded = {};
  private batch = emptyBatch();
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: unknown;
  private readonly maxBytes: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly destination: Destination,
    options: BatchOptions = {},
  ) {
    // Small enough that a commit's working set stays a few MB whatever the rows: sessions (about
    // 1 kB each with their raw object) and events (about 0.3 kB) alike. Two buffers live in the
    // sync's heap at once; at 4 MB each they took the million-event sync about 10 MB higher.
    this.maxBytes = options.maxBytes ?? 2_000_000;
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

  /** Queues bookkeeping for the transaction that commits everything added before it. */
  mark(mark: Mark): void {
    this.throwIfFailed();
    this.batch.marks.push(mark);
    this.armTimer();
  }

  /** Commits everything buffered; resolves when it is durable. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.throwIfFailed();
    if (this.batch.rows.size > 0 || this.batch.marks.length > 0) {
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
    this.running = this.destination
      .commit({ rows: batch.rows, marks: batch.marks })
      .then((added) => {
        for (const [table, n] of Object.entries(added) as Array<[keyof RowsAdded, number]>) {
          this.added[table] = (this.added[table] ?? 0) + n;
        }
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
