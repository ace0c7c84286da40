/**
 * The PostgreSQL destination: the DuckDB destination's twin (../duckdb-store.ts), the same
 * questions answered with the same SQL where the dialects agree.
 *
 * One sync per schema at a time: the sync holds a session-level advisory lock (keyed on the
 * schema) on its one connection for the whole run. A second sync waits up to `--lock-wait`, then
 * refuses, naming the backend that holds it. A sync killed with -9 loses its connection, and with
 * it the lock and its open transaction, so the next one starts from the last commit. Readers
 * take no lock at all: MVCC shows them the last committed state while a sync writes.
 */
import { createHash } from 'node:crypto';
import type { Day } from '../../calendar.js';
import { UsageError } from '../../errors.js';
import type {
  AssetState,
  CatalogTable,
  Destination,
  LoadBatch,
  LoadedTable,
  Mark,
  PendingSession,
  RowsAdded,
  RunEnd,
  RunStart,
} from '../destination.js';
import { LOAD_ORDER, toAssetState, type AssetStateRow } from '../destination.js';
import { foldFigures, refreshTitlesSql, type StoredEvent } from '../model.js';
import { TABLES, type TableName } from '../schema.js';
import { connect, connectError, type PgConnection } from './connection.js';
import { PgTableLoader } from './load.js';
import { ensurePgSchema, storedVersion } from './schema.js';
import { ident, pgTarget, type PgTarget } from './target.js';

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Advisory lock keys: a constant for viewership ('view'), and one derived from the schema. */
export function lockKeys(schema: string): [number, number] {
  const digest = createHash('sha256').update(`viewership sync ${schema}`).digest();
  return [0x76696577, digest.readUInt32BE(0) & 0x7fffffff];
}

/** The backend holding a schema's sync lock, if any (pg_locks is readable by every user). */
export async function syncLockHolder(
  db: PgConnection,
  schema: string,
): Promise<{ pid: number; since: string | null } | undefined> {
  const [k1, k2] = lockKeys(schema);
  const [row] = await db.rows<{ pid: number; since: string | null }>(
    `SELECT l.pid, to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') AS since
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2
     LIMIT 1`,
    [k1, k2],
  );
  return row;
}

export interface PgOpenOptions {
  lockWaitMs?: number;
  /** false: no sync lock (a collector's publisher). */
  syncLock?: boolean;
}

export class PostgresDestination implements Destination {
  readonly kind = 'postgres';
  private readonly loaders = new Map<LoadedTable, PgTableLoader>();
  private readonly t: { contract: string; internal: string };

  private constructor(
    readonly db: PgConnection,
    readonly target: PgTarget,
  ) {
    this.t = { contract: ident(target.schema), internal: ident(target.internal) };
  }

  /**
   * Connects and takes the schema's sync lock (waiting up to `lockWaitMs`), or refuses. A
   * collector's publisher takes no such lock: several write one schema at once, each commit
   * locking the sessions it merges.
   */
  static async open(target: PgTarget, options: PgOpenOptions = {}): Promise<PostgresDestination> {
    const db = await connect(
      target,
      options.syncLock === false ? 'viewership collect' : 'viewership sync',
    );
    if (options.syncLock === false) return new PostgresDestination(db, target);
    try {
      const [k1, k2] = lockKeys(target.schema);
      const deadline = Date.now() + (options.lockWaitMs ?? 0);
      for (;;) {
        const got = await db.scalar<boolean>(`SELECT pg_try_advisory_lock($1, $2)`, [k1, k2]);
        if (got) break;
        if (Date.now() >= deadline) {
          const holder = await syncLockHolder(db, target.schema);
          const who = holder ? ` (PostgreSQL backend PID ${holder.pid})` : '';
          throw new UsageError(
            `another sync is writing schema ${target.schema} of ${target.label}${who}`,
            'Wait for it to finish (two syncs never write one schema at once); or raise --lock-wait.',
          );
        }
        await sleep(Math.min(250, Math.max(10, deadline - Date.now())));
      }
      return new PostgresDestination(db, target);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  get label(): string {
    return `${this.target.label} (schema ${this.target.schema})`;
  }

  prepare(): Promise<string[]> {
    return this.guard(() => ensurePgSchema(this.db, this.target));
  }

  /** Runs a write, turning what a user can fix (a privilege, a full disk) into its message. */
  private async guard<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      throw connectError(this.target, error) ?? error;
    }
  }

  beginRun(start: RunStart): Promise<number> {
    const { contract } = this.t;
    return this.guard(() =>
      this.db.transaction(async () => {
        // This process holds the schema's sync lock: a run still `running` died.
        await this.db.run(
          `UPDATE ${contract}.sync_runs SET status = 'interrupted' WHERE status = 'running'`,
        );
        await this.bump();
        return Number(
          await this.db.scalar<number>(
            `INSERT INTO ${contract}.sync_runs (run_id, started_at, status, base_url, from_day, to_day, requests, retries, rate_limited, rows_added, rejected)
           SELECT coalesce(max(run_id), 0) + 1, $1::timestamptz, 'running', $2, $3::date, $4::date, 0, 0, 0, 0, 0
           FROM ${contract}.sync_runs
           RETURNING run_id`,
            [iso(start.startedAt), start.baseUrl, start.from ?? null, start.to ?? null],
          ),
        );
      }),
    );
  }

  async endRun(runId: number, end: RunEnd): Promise<void> {
    const total = Object.values(end.rowsAdded).reduce((a, b) => a + (b ?? 0), 0);
    await this.guard(() =>
      this.db.transaction(async () => {
        await this.bump();
        await this.db.run(
          `UPDATE ${this.t.contract}.sync_runs SET finished_at = $13::timestamptz, status = $2, requests = $3,
           retries = $4, rate_limited = $5, rows_added = $6, rows_added_by_table = $7::jsonb,
           missing_generations = $8::text[], error = $9, warnings = $10::text[], rejected = $11,
           skipped = $12::jsonb
         WHERE run_id = $1`,
          [
            runId,
            end.status,
            end.requests,
            end.retries,
            end.rateLimited,
            total,
            JSON.stringify(end.rowsAdded),
            end.missingGenerations,
            end.error ?? null,
            end.warnings,
            end.rejected,
            JSON.stringify(end.skipped),
            iso(end.finishedAt),
          ],
        );
      }),
    );
  }

  async assets(openCutoff: number): Promise<AssetState[]> {
    const { contract, internal } = this.t;
    const rows = await this.db.exclusive(() =>
      this.db.rows<AssetStateRow>(
        `
        WITH assets AS (
          SELECT 'video' AS type, video_id AS id, title, coalesce(created_at, published_at) AS created
          FROM ${contract}.videos WHERE gone_at IS NULL
          UNION ALL
          SELECT 'live_stream', live_stream_id, name, created_at FROM ${contract}.live_streams WHERE gone_at IS NULL
        ),
        open_sessions AS (
          SELECT asset_type, asset_id, min(loaded_at) AS since FROM ${contract}.sessions
          WHERE ended_at IS NULL AND loaded_at >= $1::timestamptz AND gone_at IS NULL
            AND source = 'api' GROUP BY 1, 2
        )
        SELECT a.type, a.id, a.title, to_char(a.created AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS created,
          c.synced_from::text AS synced_from, c.synced_through::text AS synced_through,
          to_char(o.since AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS open_since
        FROM assets a
        LEFT JOIN ${internal}.asset_checkpoints c ON c.asset_type = a.type AND c.asset_id = a.id
        LEFT JOIN open_sessions o ON o.asset_type = a.type AND o.asset_id = a.id
        ORDER BY a.type DESC, a.id`,
        [iso(openCutoff)],
      ),
    );
    return rows.map(toAssetState);
  }

  async catalogSizes(): Promise<Record<CatalogTable, number>> {
    const c = this.t.contract;
    const [row] = await this.db.exclusive(() =>
      this.db.rows<Record<CatalogTable, string>>(
        `SELECT (SELECT count(*) FROM ${c}.videos WHERE gone_at IS NULL) AS videos,
                (SELECT count(*) FROM ${c}.live_streams WHERE gone_at IS NULL) AS live_streams,
                (SELECT count(*) FROM ${c}.players WHERE gone_at IS NULL) AS players`,
      ),
    );
    return {
      videos: Number(row?.videos ?? 0),
      live_streams: Number(row?.live_streams ?? 0),
      players: Number(row?.players ?? 0),
    };
  }

  async historyStart(): Promise<Day | null> {
    const { contract } = this.t;
    return this.db.exclusive(() =>
      this.db.scalar<string | null>(`
        SELECT to_char(min(t) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM (
          SELECT coalesce(created_at, published_at) AS t FROM ${contract}.videos
          UNION ALL SELECT created_at FROM ${contract}.live_streams
          UNION ALL SELECT created_at FROM ${contract}.players) x`),
    );
  }

  private pending(): string {
    return `FROM ${this.t.contract}.sessions s LEFT JOIN ${this.t.internal}.session_checkpoints c USING (session_id)
      WHERE (c.session_id IS NULL OR NOT c.final) AND s.gone_at IS NULL AND s.source = 'api'`;
  }

  async pendingSessions(
    after: string,
    limit: number,
    openCutoff: number,
  ): Promise<PendingSession[]> {
    const rows = await this.db.exclusive(() =>
      this.db.rows<{ session_id: string; ended: boolean }>(
        `SELECT s.session_id,
           s.ended_at IS NOT NULL OR coalesce(s.loaded_at < $2::timestamptz, true) AS ended
         ${this.pending()} AND s.session_id > $1
         ORDER BY s.session_id LIMIT ${Math.floor(limit)}`,
        [after, iso(openCutoff)],
      ),
    );
    return rows.map((r) => ({ sessionId: r.session_id, ended: r.ended }));
  }

  async sessionCounts(): Promise<{ pending: number; final: number }> {
    const [row] = await this.db.exclusive(() =>
      this.db.rows<{ pending: string; final: string }>(
        `SELECT (SELECT count(*) ${this.pending()}) AS pending,
                (SELECT count(*) FROM ${this.t.internal}.session_checkpoints WHERE final) AS final`,
      ),
    );
    return { pending: Number(row?.pending ?? 0), final: Number(row?.final ?? 0) };
  }

  async finalMetricDays(first: Day, last: Day): Promise<Set<Day>> {
    const rows = await this.db.exclusive(() =>
      this.db.rows<{ day: string }>(
        `SELECT day::text AS day FROM ${this.t.internal}.metric_checkpoints
         WHERE part = 'day' AND final AND day BETWEEN $1::date AND $2::date`,
        [first, last],
      ),
    );
    return new Set(rows.map((r) => r.day));
  }

  async todaysListing(
    today: Day,
  ): Promise<{ listedAt: number | null; newestSession: number | null }> {
    const ms = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;
    const [row] = await this.db.exclusive(() =>
      this.db.rows<{ listed: number | null; newest: number | null }>(
        `SELECT (SELECT ${ms('min(listed_at)')} FROM ${this.t.internal}.asset_checkpoints WHERE synced_through = $1::date) AS listed,
                (SELECT ${ms('max(loaded_at)')} FROM ${this.t.contract}.sessions WHERE source = 'api') AS newest`,
        [today],
      ),
    );
    return { listedAt: row?.listed ?? null, newestSession: row?.newest ?? null };
  }

  commit(batch: LoadBatch): Promise<RowsAdded> {
    return this.guard(() =>
      this.db.transaction(async () => {
        const added: RowsAdded = {};
        for (const table of LOAD_ORDER) {
          const rows = batch.rows.get(table);
          if (!rows || rows.length === 0) continue;
          const n = await this.loader(table).load(rows);
          if (table in TABLES) added[table as TableName] = (added[table as TableName] ?? 0) + n;
        }
        for (const mark of batch.marks) await this.apply(mark);
        await this.bump();
        return added;
      }),
    );
  }

  /** serve's signal that there is something new to show; call inside the transaction. */
  private async bump(): Promise<void> {
    await this.db.run(
      `UPDATE ${this.t.internal}.meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'`,
    );
  }

  private async apply(mark: Mark): Promise<void> {
    const { contract } = this.t;
    switch (mark.kind) {
      case 'listing-complete':
        await this.db.run(
          // Not stamped by this run's listing (a clock set back must not hide anything).
          `UPDATE ${contract}.${ident(mark.table)} SET gone_at = $1::timestamptz
           WHERE last_seen_at <> $1::timestamptz AND gone_at IS NULL`,
          [iso(mark.at)],
        );
        return;
      case 'asset-gone': {
        const table = mark.assetType === 'video' ? 'videos' : 'live_streams';
        const id = mark.assetType === 'video' ? 'video_id' : 'live_stream_id';
        await this.db.run(
          `UPDATE ${contract}.${table} SET gone_at = $1::timestamptz WHERE ${id} = $2 AND gone_at IS NULL`,
          [iso(mark.at), mark.assetId],
        );
        return;
      }
      case 'session-gone':
        await this.db.run(
          `UPDATE ${contract}.sessions SET gone_at = $1::timestamptz WHERE session_id = $2 AND gone_at IS NULL`,
          [iso(mark.at), mark.sessionId],
        );
        return;
      case 'refresh-titles':
        if (mark.sessionIds) {
          await this.db.run(`${refreshTitlesSql(contract)} AND s.session_id = ANY($1::text[])`, [
            [...mark.sessionIds],
          ]);
        } else {
          await this.db.run(refreshTitlesSql(contract));
        }
        return;
      case 'refigure-sessions':
        await this.refigure(mark.sessionIds);
        return;
    }
  }

  /** These sessions' figures and spans again, from all their stored events (see figures.ts). */
  private async refigure(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const ids = [...new Set(sessionIds)];
    const events = await this.db.rows<
      Omit<StoredEvent, 'emitted_at'> & { emitted_at: string | null }
    >(
      `SELECT session_id, type, (extract(epoch FROM emitted_at) * 1000000)::bigint AS emitted_at,
         at_position, from_position, to_position
       FROM ${this.t.contract}.session_events WHERE session_id = ANY($1::text[])
       ORDER BY session_id COLLATE "C", seq`,
      [ids],
    );
    const { stats, spans } = foldFigures(
      events.map((e) => ({
        ...e,
        emitted_at: e.emitted_at === null ? null : BigInt(e.emitted_at),
      })),
    );
    // A session's spans are replaced only by rows for it: one that has none now loses its old ones.
    await this.db.run(
      `DELETE FROM ${this.t.internal}.watch_spans WHERE session_id = ANY($1::text[])`,
      [ids],
    );
    await this.loader('session_stats').load(stats);
    await this.loader('watch_spans').load(spans);
  }

  private loader(table: LoadedTable): PgTableLoader {
    let loader = this.loaders.get(table);
    if (!loader) this.loaders.set(table, (loader = new PgTableLoader(this.db, this.target, table)));
    return loader;
  }

  async close(): Promise<void> {
    // Ending the session releases the advisory lock with it.
    await this.db.close();
  }
}

/**
 * `migrate` on PostgreSQL: brings an existing warehouse to this version under the sync lock (so
 * no sync runs meanwhile); returns how messages name it and the steps taken.
 */
export async function migratePostgres(
  url: string,
  schema: string | undefined,
): Promise<{ label: string; steps: string[] }> {
  const target = pgTarget(url, schema);
  const store = await PostgresDestination.open(target, { lockWaitMs: 5000 });
  try {
    if ((await storedVersion(store.db, target)) === undefined) {
      throw new UsageError(
        `there is no viewership warehouse in schema ${target.schema} of ${target.label}`,
        `Create it with: viewership sync --db ${target.label} --schema ${target.schema}`,
      );
    }
    return { label: store.label, steps: await store.prepare() };
  } finally {
    await store.close();
  }
}
