/**
 * serve's private copy of the warehouse, so that serve never stands in a sync's way.
 *
 * DuckDB lets one process write a file or several read it. A sync holds the write lock for
 * minutes; a dashboard holding a read lock all day would make every sync fail. So serve reads a
 * copy: when the source file changes, it opens the source read-only (which fails while a sync
 * writes: then it keeps the old copy and tries again later), copies the file and any WAL while
 * that lock guarantees nobody writes, lets go at once, and swaps the copy in. A sync that starts
 * meanwhile waits (src/sync/run.ts waits up to 5 s for the lock); the copy takes far less.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { Warehouse, WarehouseLockedError } from '../warehouse/connection.js';
import { assertWarehouse } from '../warehouse/migrate.js';
import { isPostgresUrl } from '../warehouse/postgres/target.js';
import type { PostgresSnapshots } from '../warehouse/postgres/snapshot.js';
import { buildAggregates, readFacts, type WarehouseFacts } from './queries.js';

/** What identifies a version of the source: a sync changes the file's or its WAL's mtime or size. */
function signature(path: string): string | undefined {
  const part = (p: string) => {
    try {
      const s = statSync(p);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  if (!existsSync(path)) return undefined;
  return `${part(path)}/${part(`${path}.wal`)}`;
}

export interface Snapshot {
  version: number;
  db: Warehouse;
  facts: WarehouseFacts;
  refreshedAt: string;
}

export type RefreshResult = 'unchanged' | 'updated' | 'locked' | 'missing';

export interface SnapshotOptions {
  /** PostgreSQL sources: the schema (default viewership). */
  schema?: string;
  /** Where copies live; default a fresh folder under the system's temp dir, removed on close. */
  dir?: string;
  /** Called after each attempt, for logs. */
  onRefresh?: (result: RefreshResult, error?: unknown) => void;
}

export class SnapshotStore {
  private current: Snapshot | undefined;
  private copied: string | undefined;
  private refreshing: Promise<RefreshResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  private postgres: PostgresSnapshots | undefined;
  private readonly dir: string;
  private readonly ownsDir: boolean;

  constructor(
    readonly source: string,
    private readonly options: SnapshotOptions = {},
  ) {
    this.ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'viewership-serve-'));
    mkdirSync(this.dir, { recursive: true });
  }

  get snapshot(): Snapshot | undefined {
    return this.current;
  }

  get version(): number {
    return this.current?.version ?? 0;
  }

  /** Copies the source if it changed since the last copy; never waits for a lock. */
  refresh(): Promise<RefreshResult> {
    this.refreshing ??= this.tryRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Checks the source every `intervalMs` and refreshes when it changed. */
  watch(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.refresh().then(
        (result) => this.options.onRefresh?.(result),
        (error: unknown) => this.options.onRefresh?.('unchanged', error),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /** Runs `work` on the current snapshot, queued with every other query on it. */
  async use<T>(work: (snapshot: Snapshot) => Promise<T>): Promise<T | undefined> {
    const snapshot = this.current;
    if (!snapshot) return undefined;
    return snapshot.db.exclusive(() => work(snapshot));
  }

  private async tryRefresh(): Promise<RefreshResult> {
    if (isPostgresUrl(this.source)) return this.refreshFromPostgres();
    const before = signature(this.source);
    if (before === undefined) return 'missing';
    if (before === this.copied) return 'unchanged';
    let lock: Warehouse;
    try {
      lock = await Warehouse.open(this.source, { readOnly: true });
    } catch (error) {
      if (error instanceof WarehouseLockedError) return 'locked';
      throw error;
    }
    const version = ++this.counter;
    const target = join(this.dir, `snapshot-${version}.duckdb`);
    let copiedSignature: string | undefined;
    try {
      await assertWarehouse(lock);
      // Taken under the lock: no writer can change the file until it is released.
      copiedSignature = signature(this.source);
      copyFileSync(this.source, target);
      if (existsSync(`${this.source}.wal`)) copyFileSync(`${this.source}.wal`, `${target}.wal`);
    } catch (error) {
      removeCopy(target);
      throw error;
    } finally {
      lock.close();
    }
    try {
      await this.swapIn(target, version);
    } catch (error) {
      removeCopy(target);
      throw error;
    }
    this.copied = copiedSignature;
    return 'updated';
  }

  /** PostgreSQL: a new local DuckDB snapshot when the data changed (see postgres/snapshot.ts). */
  private async refreshFromPostgres(): Promise<RefreshResult> {
    const { PostgresSnapshots } = await import('../warehouse/postgres/snapshot.js');
    this.postgres ??= new PostgresSnapshots(this.source, this.options.schema);
    const target = join(this.dir, `snapshot-${this.counter + 1}.duckdb`);
    const pulled = await this.postgres.refresh(target, this.copied).catch((error: unknown) => {
      removeCopy(target);
      throw error;
    });
    if (pulled.result !== 'updated') return pulled.result;
    const version = ++this.counter;
    try {
      await this.swapIn(target, version);
    } catch (error) {
      removeCopy(target);
      throw error;
    }
    this.copied = pulled.signature;
    return 'updated';
  }

  private async swapIn(path: string, version: number): Promise<void> {
    const db = await Warehouse.open(path, { readOnly: true });
    let facts: WarehouseFacts;
    try {
      await buildAggregates(db);
      facts = await readFacts(db);
    } catch (error) {
      db.close();
      throw error;
    }
    const old = this.current;
    this.current = { version, db, facts, refreshedAt: new Date().toISOString() };
    if (old) await retire(old);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    if (this.current) await retire(this.current);
    this.current = undefined;
    await this.postgres?.close();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Closes a snapshot once the queries already queued on it are done, and deletes its files. */
async function retire(snapshot: Snapshot): Promise<void> {
  await snapshot.db.exclusive(async () => snapshot.db.close());
  removeCopy(snapshot.db.path);
}

function removeCopy(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
}

/** For serve's start: a missing source is a usage error, not something to wait for. */
export function assertSourceExists(path: string): void {
  if (!isPostgresUrl(path) && !existsSync(path)) {
    throw new UsageError(
      `there is no warehouse at ${path}`,
      `Create it with: viewership sync --db ${path}`,
    );
  }
}
