/**
 * serve's private copy of the warehouse, so that serve never stands in a sync's way.
 *
 * DuckDB lets one process write a file or several read it. A sync holds the write lock for
 * minutes; a dashboard holding a read lock all day would make every sync fail. So serve reads a
 * copy: when the source changes, a `SnapshotSource` produces a new local DuckDB file, serve
 * prepares it (per-snapshot aggregates, see ../queries.ts) and swaps it in; queries already
 * queued on the old copy finish first.
 *
 * Producing the copy is the one step that knows where the warehouse lives: today a DuckDB file
 * (`duckdbFileSource`, below); a PostgreSQL warehouse plugs in as another source that pulls its
 * tables into the local file. Everything else reads the local DuckDB copy.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoWarehouseError } from '../../errors.js';
import { Warehouse, WarehouseLockedError } from '../../warehouse/connection.js';
import { assertWarehouse } from '../../warehouse/migrate.js';
import { isPostgresUrl } from '../../warehouse/postgres/target.js';
import { prepareSnapshot, readFacts, type WarehouseFacts } from '../queries.js';
import { BY_ASSET_TABLE } from '../sql.js';

export interface Snapshot {
  version: number;
  db: Warehouse;
  facts: WarehouseFacts;
  refreshedAt: string;
}

export type RefreshResult = 'unchanged' | 'updated' | 'locked' | 'missing';

/** Where snapshots come from. */
export interface SnapshotSource {
  /** For messages: the file name or address the user gave. */
  readonly name: string;
  /** A token that changes whenever the source changes; undefined when the source is gone. */
  signature(): Promise<string | undefined>;
  /**
   * Writes a complete DuckDB warehouse at `target` (and nothing else) from the source as it is
   * now, and returns the signature of what it copied; `locked` when the source cannot be read
   * right now (a sync is writing it) and should be tried again later.
   */
  produce(target: string): Promise<{ signature: string | undefined } | 'locked'>;
  /** Lets go of what it holds (a connection), when the store closes. */
  close?(): Promise<void>;
}

/** What identifies a version of a DuckDB file: a sync changes the file's or its WAL's mtime or size. */
function fileSignature(path: string): string | undefined {
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

/**
 * A warehouse in a DuckDB file: open it read-only (which fails while a sync writes), copy the
 * file and any WAL while that lock guarantees nobody writes, and let go at once. A sync that
 * starts meanwhile waits (src/sync/run.ts waits up to 5 s for the lock); the copy takes far less.
 */
export function duckdbFileSource(path: string): SnapshotSource {
  return {
    name: path,
    signature: async () => fileSignature(path),
    async produce(target) {
      let lock: Warehouse;
      try {
        lock = await Warehouse.open(path, { readOnly: true });
      } catch (error) {
        if (error instanceof WarehouseLockedError) return 'locked';
        throw error;
      }
      try {
        await assertWarehouse(lock);
        // Taken under the lock: no writer can change the file until it is released.
        const signature = fileSignature(path);
        copyFileSync(path, target);
        if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${target}.wal`);
        return { signature };
      } finally {
        lock.close();
      }
    },
  };
}

export interface SnapshotOptions {
  /** Where copies live; default a fresh folder under the system's temp dir, removed on close. */
  dir?: string;
  /** Called after each attempt of the watcher, for logs. */
  onRefresh?: (result: RefreshResult, error?: unknown) => void;
}

export class SnapshotStore {
  private current: Snapshot | undefined;
  private copied: string | undefined;
  private refreshing: Promise<RefreshResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  private readonly dir: string;
  private readonly ownsDir: boolean;
  readonly source: SnapshotSource;

  constructor(
    source: string | SnapshotSource,
    private readonly options: SnapshotOptions = {},
  ) {
    this.source = typeof source === 'string' ? duckdbFileSource(source) : source;
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
    const before = await this.source.signature();
    if (before === undefined) return 'missing';
    if (before === this.copied) return 'unchanged';
    // Versions count the snapshots swapped in: a locked attempt leaves no file and no number.
    const target = join(this.dir, `snapshot-${this.counter + 1}.duckdb`);
    try {
      const produced = await this.source.produce(target);
      if (produced === 'locked') {
        removeCopy(target);
        return 'locked';
      }
      await this.swapIn(target, this.counter + 1);
      this.counter += 1;
      this.copied = produced.signature;
      return 'updated';
    } catch (error) {
      removeCopy(target);
      throw error;
    }
  }

  private async swapIn(path: string, version: number): Promise<void> {
    const db = await Warehouse.open(path, { readOnly: true });
    let facts: WarehouseFacts;
    try {
      await prepareSnapshot(db);
      facts = await readFacts(db, {}, BY_ASSET_TABLE);
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
    await this.source.close?.();
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
  if (!isPostgresUrl(path) && !existsSync(path)) throw new NoWarehouseError(path);
}
