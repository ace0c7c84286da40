/**
 * The DuckDB destination: a warehouse file, loaded by one process at a time (DuckDB's own file
 * lock), with its bookkeeping — runs, listing checkpoints, gone-marks — in SQL of its own.
 */
import duckdb from '@duckdb/node-api';
import type { Day } from '../calendar.js';
import { DiskFullError } from '../errors.js';
import { Warehouse, type OpenOptions } from './connection.js';
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
} from './destination.js';
import { LOAD_ORDER, toAssetState, type AssetStateRow } from './destination.js';
import { TableLoader, targetOf } from './load.js';
import { ensureSchema } from './migrate.js';
import { REFRESH_SOME_TITLES_SQL, REFRESH_TITLES_SQL, refigureSessions } from './model.js';
import { TABLES, type TableName } from './schema.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** DuckDB's words for a full disk, whichever file it was writing (the warehouse, its WAL, temp). */
const DISK_FULL = /No space left on device|disk is full|not enough space/i;

/** DuckDB's words once a failed checkpoint has made a connection unusable. */
const INVALIDATED = /has been invalidated|must be restarted/i;

/** A full disk as the error that names the fix; anything else as it came. */
function storeError(path: string, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  return DISK_FULL.test(message) ? new DiskFullError(path, error) : error;
}

const PENDING = `
  FROM main.sessions s LEFT JOIN viewership.session_checkpoints c USING (session_id)
  WHERE (c.session_id IS NULL OR NOT c.final) AND s.gone_at IS NULL AND s.source = 'api'`;

export class DuckDBDestination implements Destination {
  readonly kind = 'duckdb';
  private readonly loaders = new Map<LoadedTable, TableLoader>();

  private constructor(
    private db: Warehouse,
    private readonly options: OpenOptions,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<DuckDBDestination> {
    return new DuckDBDestination(await Warehouse.open(path, options), options);
  }

  get label(): string {
    return this.db.path;
  }

  async prepare(): Promise<string[]> {
    return this.guard(() => ensureSchema(this.db));
  }

  /** Runs a write, turning a full disk into the error that names the fix. */
  private async guard<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      throw storeError(this.db.path, error);
    }
  }

  beginRun(start: RunStart): Promise<number> {
    return this.guard(() =>
      this.db.transaction(async () => {
        // Only one process writes this file (DuckDB's lock): a run still `running` died.
        await this.db.run(
          `UPDATE main.sync_runs SET status = 'interrupted' WHERE status = 'running'`,
        );
        const runId = Number(
          await this.db.scalar<number>(`SELECT coalesce(max(run_id), 0) + 1 FROM main.sync_runs`),
        );
        await this.db.run(
          `INSERT INTO main.sync_runs (run_id, started_at, status, base_url, from_day, to_day, requests, retries, rate_limited, rows_added, rejected)
         VALUES ($1, $2::TIMESTAMPTZ, 'running', $3, $4::DATE, $5::DATE, 0, 0, 0, 0, 0)`,
          [runId, iso(start.startedAt), start.baseUrl, start.from ?? null, start.to ?? null],
        );
        return runId;
      }),
    );
  }

  async endRun(runId: number, end: RunEnd): Promise<void> {
    try {
      await this.writeEnd(runId, end);
    } catch (error) {
      // A checkpoint that failed (a full disk) leaves this connection unusable, yet the run's end
      // still fits in the log of a fresh one, where the next open finds it.
      if (!(error instanceof DiskFullError) && !INVALIDATED.test(String(error))) throw error;
      this.closeQuietly();
      this.db = await Warehouse.open(this.db.path, this.options);
      this.loaders.clear();
      await this.writeEnd(runId, end);
    }
  }

  private async writeEnd(runId: number, end: RunEnd): Promise<void> {
    const total = Object.values(end.rowsAdded).reduce((a, b) => a + (b ?? 0), 0);
    await this.guard(() =>
      this.db.transaction(() =>
        this.db.run(
          `UPDATE main.sync_runs SET finished_at = $13::TIMESTAMPTZ, status = $2, requests = $3, retries = $4,
           rate_limited = $5, rows_added = $6, rows_added_by_table = $7,
           missing_generations = from_json($8, '["VARCHAR"]'), error = $9,
           warnings = from_json($10, '["VARCHAR"]'), rejected = $11, skipped = $12
         WHERE run_id = $1`,
          [
            runId,
            end.status,
            end.requests,
            end.retries,
            end.rateLimited,
            total,
            JSON.stringify(end.rowsAdded),
            JSON.stringify(end.missingGenerations),
            end.error ?? null,
            JSON.stringify(end.warnings),
            end.rejected,
            JSON.stringify(end.skipped),
            iso(end.finishedAt),
          ],
        ),
      ),
    );
  }

  async assets(openCutoff: number): Promise<AssetState[]> {
    const rows = await this.db.exclusive(() =>
      this.db.rows<AssetStateRow>(
        `
        WITH assets AS (
          SELECT 'video' AS type, video_id AS id, title, coalesce(created_at, published_at) AS created
          FROM main.videos WHERE gone_at IS NULL
          UNION ALL
          SELECT 'live_stream', live_stream_id, name, created_at FROM main.live_streams WHERE gone_at IS NULL
        ),
        open_sessions AS (
          SELECT asset_type, asset_id, min(loaded_at) AS since FROM main.sessions
          WHERE ended_at IS NULL AND loaded_at >= $1::TIMESTAMPTZ AND gone_at IS NULL
            AND source = 'api' GROUP BY ALL
        )
        SELECT a.type, a.id, a.title, strftime(a.created, '%Y-%m-%d') AS created,
          strftime(c.synced_from, '%Y-%m-%d') AS synced_from,
          strftime(c.synced_through, '%Y-%m-%d') AS synced_through,
          strftime(o.since, '%Y-%m-%d') AS open_since
        FROM assets a
        LEFT JOIN viewership.asset_checkpoints c ON c.asset_type = a.type AND c.asset_id = a.id
        LEFT JOIN open_sessions o ON o.asset_type = a.type AND o.asset_id = a.id
        ORDER BY a.type DESC, a.id`,
        [iso(openCutoff)],
      ),
    );
    return rows.map(toAssetState);
  }

  async catalogSizes(): Promise<Record<CatalogTable, number>> {
    const [row] = await this.db.exclusive(() =>
      this.db.rows<Record<CatalogTable, bigint>>(
        `SELECT (SELECT count(*) FROM main.videos WHERE gone_at IS NULL) AS videos,
                (SELECT count(*) FROM main.live_streams WHERE gone_at IS NULL) AS live_streams,
                (SELECT count(*) FROM main.players WHERE gone_at IS NULL) AS players`,
      ),
    );
    return {
      videos: Number(row?.videos ?? 0),
      live_streams: Number(row?.live_streams ?? 0),
      players: Number(row?.players ?? 0),
    };
  }

  async historyStart(): Promise<Day | null> {
    return this.db.exclusive(() =>
      this.db.scalar<string | null>(`
        SELECT strftime(min(t), '%Y-%m-%d') FROM (
          SELECT coalesce(created_at, published_at) AS t FROM main.videos
          UNION ALL SELECT created_at FROM main.live_streams
          UNION ALL SELECT created_at FROM main.players)`),
    );
  }

  async pendingSessions(
    after: string,
    limit: number,
    openCutoff: number,
  ): Promise<PendingSession[]> {
    const rows = await this.db.exclusive(() =>
      this.db.rows<{ session_id: string; ended: boolean }>(
        `SELECT s.session_id,
           s.ended_at IS NOT NULL OR coalesce(s.loaded_at < $2::TIMESTAMPTZ, true) AS ended
         ${PENDING} AND s.session_id > $1
         ORDER BY s.session_id LIMIT ${Math.floor(limit)}`,
        [after, iso(openCutoff)],
      ),
    );
    return rows.map((r) => ({ sessionId: r.session_id, ended: r.ended }));
  }

  async sessionCounts(): Promise<{ pending: number; final: number }> {
    const [row] = await this.db.exclusive(() =>
      this.db.rows<{ pending: bigint; final: bigint }>(
        `SELECT (SELECT count(*) ${PENDING}) AS pending,
                (SELECT count(*) FROM viewership.session_checkpoints WHERE final) AS final`,
      ),
    );
    return { pending: Number(row?.pending ?? 0), final: Number(row?.final ?? 0) };
  }

  async finalMetricDays(first: Day, last: Day): Promise<Set<Day>> {
    const rows = await this.db.exclusive(() =>
      this.db.rows<{ day: string }>(
        `SELECT strftime(day, '%Y-%m-%d') AS day FROM viewership.metric_checkpoints
         WHERE part = 'day' AND final AND day BETWEEN $1::DATE AND $2::DATE`,
        [first, last],
      ),
    );
    return new Set(rows.map((r) => r.day));
  }

  async todaysListing(
    today: Day,
  ): Promise<{ listedAt: number | null; newestSession: number | null }> {
    const [row] = await this.db.exclusive(() =>
      this.db.rows<{ listed: Date | null; newest: Date | null }>(
        `SELECT (SELECT min(listed_at) FROM viewership.asset_checkpoints WHERE synced_through = $1::DATE) AS listed,
                (SELECT max(loaded_at) FROM main.sessions WHERE source = 'api') AS newest`,
        [today],
      ),
    );
    return {
      listedAt: row?.listed?.getTime() ?? null,
      newestSession: row?.newest?.getTime() ?? null,
    };
  }

  commit(batch: LoadBatch): Promise<RowsAdded> {
    return this.guard(() =>
      this.db.transaction(async () => {
        const added: RowsAdded = {};
        for (const table of LOAD_ORDER) {
          const rows = batch.rows.get(table);
          if (!rows || rows.length === 0) continue;
          const n = await this.loader(table).load(rows);
          const target = targetOf(table);
          if (target in TABLES) added[target as TableName] = (added[target as TableName] ?? 0) + n;
        }
        for (const mark of batch.marks) await this.apply(mark);
        return added;
      }),
    );
  }

  private async apply(mark: Mark): Promise<void> {
    switch (mark.kind) {
      case 'listing-complete':
        return this.db.run(
          // Not stamped by this run's listing (a clock set back must not hide anything).
          `UPDATE main.${mark.table} SET gone_at = $1::TIMESTAMPTZ
           WHERE last_seen_at <> $1::TIMESTAMPTZ AND gone_at IS NULL`,
          [iso(mark.at)],
        );
      case 'asset-gone': {
        const table = mark.assetType === 'video' ? 'videos' : 'live_streams';
        const id = mark.assetType === 'video' ? 'video_id' : 'live_stream_id';
        return this.db.run(
          `UPDATE main.${table} SET gone_at = $1::TIMESTAMPTZ WHERE ${id} = $2 AND gone_at IS NULL`,
          [iso(mark.at), mark.assetId],
        );
      }
      case 'session-gone':
        return this.db.run(
          `UPDATE main.sessions SET gone_at = $1::TIMESTAMPTZ WHERE session_id = $2 AND gone_at IS NULL`,
          [iso(mark.at), mark.sessionId],
        );
      case 'refresh-titles':
        return mark.sessionIds
          ? this.db.run(REFRESH_SOME_TITLES_SQL, [duckdb.listValue([...mark.sessionIds])])
          : this.db.run(REFRESH_TITLES_SQL);
      case 'refigure-sessions':
        return refigureSessions(this.db, mark.sessionIds, (table) => this.loader(table));
    }
  }

  private loader(table: LoadedTable): TableLoader {
    let loader = this.loaders.get(table);
    if (!loader) this.loaders.set(table, (loader = new TableLoader(this.db, table)));
    return loader;
  }

  async close(): Promise<void> {
    this.closeQuietly();
  }

  /**
   * Closing checkpoints, which a full disk refuses: what was committed is in the log either way,
   * and the next open replays it.
   */
  private closeQuietly(): void {
    try {
      this.db.close();
    } catch {
      // See above.
    }
  }
}
