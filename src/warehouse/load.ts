/**
 * Load into DuckDB: rows → tables, idempotently, in bulk.
 *
 * Rows go through DuckDB's appender, inside the caller's transaction. Tables replaced by key (a
 * session's events, spans and figures, a day's breakdown) take them straight: the rows they
 * replace are deleted, the new ones appended; so do the keys an upserted table does not have yet.
 * The rest is staged in a per-table TEMP table that one set-based statement merges into the
 * target. Merging by key is what makes re-running any sync (or resuming one after `kill -9`) never
 * duplicate a row:
 * - catalog tables upsert, keeping when an asset was first seen;
 * - a session's events are replaced from the first `seq` a batch brings for it (its events arrive
 *   page by page, possibly over several batches, and always from seq 0 when fetched again);
 * - a session's watch spans and a day's breakdown are replaced whole;
 * - the collector's sessions are inserted if absent, and only `ended_at` moves (to the later);
 * - the collector's events are united with the session's stored ones, counted once, ordered by
 *   time and numbered again (see COLLECTED_INTO in destination.ts);
 * - everything else upserts by key.
 * Columns are always named: a migrated table may hold them in another order than a new one.
 */
import duckdb, { type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { epochDays } from '../calendar.js';
import type { Warehouse } from './connection.js';
import { COLLECTED_INTO, type LoadedTable } from './destination.js';
import {
  CHECKPOINTS,
  type Column,
  qualified,
  SCHEMA_VERSION,
  TABLES,
  type CheckpointName,
  type ColumnType,
  type Row,
  type TableName,
  type TableSpec,
} from './schema.js';

export type Strategy =
  /**
   * `preserve`: columns an existing row keeps. `touch`: a column refreshed on every existing row
   * staged again, alone, so a row that did not change is not rewritten whole (DuckDB updates
   * column by column: stamping one column costs that column only).
   */
  | { kind: 'upsert'; preserve?: string[]; touch?: string }
  | { kind: 'replace'; by: string[] }
  | { kind: 'replace-from'; by: string; from: string }
  | { kind: 'insert-or-later'; later: string[] }
  | { kind: 'merge-ordered'; by: string; seq: string; order: string; identity: string[] };

/** How each loaded table merges; tables not listed upsert by key. */
export const STRATEGIES: Partial<Record<LoadedTable, Strategy>> = {
  videos: { kind: 'upsert', preserve: ['first_seen_at'], touch: 'last_seen_at' },
  live_streams: { kind: 'upsert', preserve: ['first_seen_at'], touch: 'last_seen_at' },
  players: { kind: 'upsert', preserve: ['first_seen_at'], touch: 'last_seen_at' },
  // A session is gone for good once its own route answered 404, even if a listing names it again.
  sessions: { kind: 'upsert', preserve: ['gone_at'] },
  session_events: { kind: 'replace-from', by: 'session_id', from: 'seq' },
  watch_spans: { kind: 'replace', by: ['session_id'] },
  session_stats: { kind: 'replace', by: ['session_id'] },
  session_checkpoints: { kind: 'replace', by: ['session_id'] },
  // A refetched day's breakdown replaces the stored one, so a dimension value that vanished goes too.
  metric_breakdowns: { kind: 'replace', by: ['day', 'metric', 'breakdown'] },
  collected_sessions: { kind: 'insert-or-later', later: ['ended_at'] },
  collected_events: {
    kind: 'merge-ordered',
    by: 'session_id',
    seq: 'seq',
    order: 'emitted_at',
    identity: ['type', 'emitted_at', 'at_position', 'from_position', 'to_position'],
  },
};

/** The table a loaded table's rows land in: itself, or the contract's table it merges into. */
export function targetOf(table: LoadedTable): TableName | CheckpointName {
  return table in COLLECTED_INTO
    ? COLLECTED_INTO[table as keyof typeof COLLECTED_INTO]
    : (table as TableName | CheckpointName);
}

const { VARCHAR, BOOLEAN, INTEGER, BIGINT, DOUBLE, DATE, TIMESTAMPTZ, LIST } = duckdb;

function duckType(type: ColumnType): DuckDBType {
  switch (type) {
    case 'VARCHAR':
    case 'JSON':
      return VARCHAR;
    case 'BOOLEAN':
      return BOOLEAN;
    case 'INTEGER':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'DATE':
      return DATE;
    case 'TIMESTAMPTZ':
      return TIMESTAMPTZ;
    case 'VARCHAR[]':
      return LIST(VARCHAR);
  }
}

function toValue(type: ColumnType, value: Row[string] | undefined): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'TIMESTAMPTZ':
      return duckdb.timestampTZValue(BigInt(value as bigint | number));
    case 'DATE':
      return duckdb.dateValue(epochDays(value as string));
    case 'BIGINT':
      return BigInt(value as number | bigint);
    case 'VARCHAR[]':
      return duckdb.listValue(value as string[]);
    default:
      return value as DuckDBValue;
  }
}

/** A row's key values as one string, to look rows up by key. */
const keyOf = (row: Record<string, unknown>, key: readonly string[]) =>
  key.map((c) => String(row[c])).join('\u0000');

/**
 * The last version of each key: the same key staged twice in one batch (a page fetched again by a
 * retry, a session in two listings) must not reach ON CONFLICT twice, which cannot update a row
 * twice. Done here rather than in SQL, where a window over the staged rows would hold them all.
 */
function latestByKey(rows: Row[], key: readonly string[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(keyOf(row, key), row);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

export function specOf(table: TableName | CheckpointName): TableSpec {
  return table in TABLES ? TABLES[table as TableName] : CHECKPOINTS[table as CheckpointName];
}

/** Key values of a batch as a relation `s` built from list parameters, and how it matches `t`. */
interface Relation {
  sql: string;
  where: string;
  params: DuckDBValue[];
}

/** Key columns a relation can carry as text and cast back. */
const CASTABLE: ReadonlySet<ColumnType> = new Set(['VARCHAR', 'INTEGER', 'BIGINT', 'DATE']);

const typeOf = (spec: TableSpec, name: string) => spec.columns.find((c) => c.name === name)?.type;

/** `unnest` of the i-th list parameter, cast back to the column's type. */
const unnest = (spec: TableSpec, i: number, name: string) =>
  `unnest($${i + 1}::VARCHAR[])::${typeOf(spec, name)}`;

/** Key columns must travel as text: a strategy keyed otherwise is a mistake of this file's. */
function assertCastable(spec: TableSpec, columns: string[]): void {
  const bad = columns.find((c) => !CASTABLE.has(typeOf(spec, c)!));
  if (bad) throw new Error(`${spec.name}.${bad} cannot key a list parameter`);
}

/** The distinct values of `columns` in `rows`. */
function keysRelation(spec: TableSpec, columns: string[], rows: Row[]): Relation {
  assertCastable(spec, columns);
  const keys = new Map<string, string[]>();
  for (const row of rows)
    keys.set(
      keyOf(row, columns),
      columns.map((c) => String(row[c])),
    );
  const tuples = [...keys.values()];
  return {
    sql: `SELECT ${columns.map((c, i) => `${unnest(spec, i, c)} AS ${c}`).join(', ')}`,
    where: columns.map((c) => `t.${c} = s.${c}`).join(' AND '),
    params: columns.map((_, i) => duckdb.listValue(tuples.map((t) => t[i]!))),
  };
}

/** What a batch replaces: whole keys, or a session's rows from the first `seq` it brings. */
function replacedRelation(
  spec: TableSpec,
  strategy: Extract<Strategy, { kind: 'replace' | 'replace-from' }>,
  rows: Row[],
): Relation {
  if (strategy.kind === 'replace') return keysRelation(spec, strategy.by, rows);
  const { by, from } = strategy;
  assertCastable(spec, [by, from]);
  const first = new Map<string, number>();
  for (const row of rows) {
    const key = String(row[by]);
    const seq = Number(row[from]);
    if (!(seq >= (first.get(key) ?? Infinity))) first.set(key, seq);
  }
  return {
    sql: `SELECT ${unnest(spec, 0, by)} AS k, ${unnest(spec, 1, from)} AS first`,
    where: `t.${by} = s.k AND t.${from} >= s.first`,
    params: [
      duckdb.listValue([...first.keys()]),
      duckdb.listValue([...first.values()].map(String)),
    ],
  };
}

export class TableLoader {
  readonly spec: TableSpec;
  private readonly types: DuckDBType[];
  private readonly staging: string;
  private readonly columns: string;
  private stored: Column[] | undefined;
  private readonly strategy: Strategy;
  /**
   * Keyed by text only: new keys are told from known ones before writing (see splitNew), which
   * is what lets a table go without a key index.
   */
  private readonly textKeyed: boolean;
  /** How known rows are told unchanged (see splitNew): upserted tables with the API's `raw`. */
  private readonly compare: 'no' | 'all' | 'known';

  constructor(
    private readonly db: Warehouse,
    readonly table: LoadedTable,
  ) {
    this.spec = specOf(targetOf(table));
    this.types = this.spec.columns.map((c) => duckType(c.type));
    this.staging = `staging_${table}`;
    this.columns = this.spec.columns.map((c) => c.name).join(', ');
    const strategy: Strategy = STRATEGIES[table] ?? { kind: 'upsert' };
    this.strategy = strategy;
    this.textKeyed = this.spec.key.every((c) => typeOf(this.spec, c) === 'VARCHAR');
    const hasRaw = this.spec.columns.some((c) => c.name === 'raw');
    this.compare = strategy.kind !== 'upsert' || !hasRaw ? 'no' : strategy.touch ? 'all' : 'known';
  }

  /**
   * Merges `rows` into the table; call inside `db.transaction`. Returns how many rows are new
   * (keys the table did not have before).
   */
  async load(rows: Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    const unique = latestByKey(rows, this.spec.key);
    const { strategy } = this;
    if (strategy.kind === 'replace' || strategy.kind === 'replace-from') {
      return this.replaceInPlace(unique, replacedRelation(this.spec, strategy, unique));
    }
    if (strategy.kind === 'merge-ordered') return this.stageAndMerge(unique);
    if (this.textKeyed) {
      const { fresh, known, same } = await this.splitNew(unique);
      await this.appendRows(fresh);
      if (known.length > 0) await this.stageAndMerge(known);
      // Only an upsert tells rows unchanged (this.compare), and only a catalog stamps them seen.
      if (strategy.kind === 'upsert' && strategy.touch) await this.touch(same, strategy.touch);
      return fresh.length;
    }
    // ON CONFLICT needs the key's index; a table without one is always keyed by text (above).
    if (this.spec.keyIndex === false) {
      throw new Error(`${qualified(this.spec)} has no key index to upsert on`);
    }
    return this.stageAndMerge(unique);
  }

  /**
   * Rows whose (text) key the table lacks, and the others. Unless this.compare is 'no', a known row
   * whose `raw` (the API's object, which every other column is read from) is the one stored goes
   * to `same` instead: a re-sync hears mostly about assets and open sessions it has already, and
   * leaving those alone spares staging them and DuckDB rewriting them at its next checkpoint.
   * The raw text goes to DuckDB with every key ('all': a catalog, listed whole on every run, so
   * mostly known) or in a second query for the known rows only ('known': sessions, mostly new in
   * a first sync, whose text would only take DuckDB's memory).
   */
  private async splitNew(rows: Row[]): Promise<{ fresh: Row[]; known: Row[]; same: Row[] }> {
    const { compare } = this;
    const key = this.spec.key;
    const found = await this.storedKeys(rows, compare === 'all');
    const split = { fresh: [] as Row[], known: [] as Row[], same: [] as Row[] };
    for (const row of rows) {
      const same = found.get(keyOf(row, key));
      (same === undefined ? split.fresh : same ? split.same : split.known).push(row);
    }
    if (compare !== 'known' || split.known.length === 0) return split;
    const again = await this.storedKeys(split.known, true);
    const known = split.known;
    split.known = [];
    for (const row of known) (again.get(keyOf(row, key)) ? split.same : split.known).push(row);
    return split;
  }

  /** The keys of `rows` the table has, each with whether its stored raw is the row's (`withRaw`). */
  private async storedKeys(rows: Row[], withRaw: boolean): Promise<Map<string, boolean>> {
    const key = this.spec.key;
    const keys = keysRelation(this.spec, key, rows);
    const columns = key.map((c) => `s.${c}`).join(', ');
    const stored = withRaw
      ? await this.db.rows<Record<string, unknown>>(
          `SELECT ${columns}, t.raw::VARCHAR IS NOT DISTINCT FROM s.raw AS same
           FROM (${keys.sql}, unnest($${keys.params.length + 1}::VARCHAR[]) AS raw) s
           JOIN ${qualified(this.spec)} t ON ${keys.where}`,
          // Rows are unique by key (see latestByKey): one raw text per key, in the keys' order.
          [...keys.params, duckdb.listValue(rows.map((row) => (row.raw ?? null) as string | null))],
        )
      : await this.db.rows<Record<string, unknown>>(
          `SELECT ${columns} FROM (${keys.sql}) s
           WHERE EXISTS (SELECT 1 FROM ${qualified(this.spec)} t WHERE ${keys.where})`,
          keys.params,
        );
    return new Map(stored.map((r) => [keyOf(r, key), r.same === true]));
  }

  /** Stamps `column` on rows otherwise unchanged (a catalog's last_seen_at), one statement a stamp. */
  private async touch(rows: Row[], column: string): Promise<void> {
    const byStamp = new Map<unknown, Row[]>();
    for (const row of rows) {
      const group = byStamp.get(row[column]);
      if (group) group.push(row);
      else byStamp.set(row[column], [row]);
    }
    const type = typeOf(this.spec, column)!;
    for (const [stamp, stamped] of byStamp) {
      const keys = keysRelation(this.spec, this.spec.key, stamped);
      const at = `$${keys.params.length + 1}`;
      await this.db.run(
        `UPDATE ${qualified(this.spec)} t SET ${column} = ${at}
         FROM (${keys.sql}) s WHERE ${keys.where} AND t.${column} IS DISTINCT FROM ${at}`,
        [...keys.params, toValue(type, stamp as Row[string])],
      );
    }
  }

  /** Through a TEMP table, merged by the table's strategy; returns the rows new to the table. */
  private async stageAndMerge(rows: Row[]): Promise<number> {
    // A fresh staging table per load: rows deleted from a TEMP table keep their memory until
    // the table is dropped, and a sync stages gigabytes over its run.
    await this.db.run(
      `CREATE OR REPLACE TEMP TABLE ${this.staging} AS SELECT ${this.columns} FROM ${qualified(this.spec)} LIMIT 0`,
    );
    const columns = this.spec.columns;
    const values = rows.map((row) => columns.map((c) => toValue(c.type, row[c.name])));
    await this.db.append(this.staging, this.types, values, 'main', 'temp');
    const added = await this.merge();
    // On failure the caller's transaction rolls back, staging table included; a DROP then would
    // only hide the error with DuckDB's "transaction is aborted".
    await this.db.run(`DROP TABLE IF EXISTS temp.main.${this.staging}`);
    return added;
  }

  private async appendRows(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const stored = await this.storedColumns();
    await this.db.append(
      this.spec.name,
      stored.map((c) => duckType(c.type)),
      rows.map((row) => stored.map((c) => toValue(c.type, row[c.name]))),
      this.spec.schema ?? 'main',
    );
  }

  /**
   * Tables replaced by key, and new rows of upserted tables, skip the staging table: even
   * dropped, a TEMP table's memory lingers in DuckDB (measured: up to 40 MB, then spilled to
   * disk, over a 1,000,000-event sync), and events and sessions are most of what a sync loads.
   */
  private async replaceInPlace(rows: Row[], replaced: Relation): Promise<number> {
    const deleted = await this.db.change(
      `DELETE FROM ${qualified(this.spec)} t USING (${replaced.sql}) s WHERE ${replaced.where}`,
      replaced.params,
    );
    await this.appendRows(rows);
    return rows.length - deleted;
  }

  /**
   * The target's columns in their stored order, which the appender follows: a migrated table may
   * hold them in another order than a new one.
   */
  private async storedColumns(): Promise<Column[]> {
    if (!this.stored) {
      const names = await this.db.rows<{ column_name: string }>(
        `SELECT column_name FROM duckdb_columns()
         WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2
         ORDER BY column_index`,
        [this.spec.schema ?? 'main', this.spec.name],
      );
      const byName = new Map(this.spec.columns.map((c) => [c.name, c]));
      const stored = names.map((n) => byName.get(n.column_name));
      // ensureSchema has brought every table to the spec before anything is loaded.
      if (stored.length !== byName.size || stored.some((c) => c === undefined)) {
        throw new Error(
          `${qualified(this.spec)} does not have the columns of schema ${SCHEMA_VERSION}`,
        );
      }
      this.stored = stored as Column[];
    }
    return this.stored;
  }

  /**
   * Merges the staged rows. Tables keyed by text stage only rows they have already (see load),
   * and update those in place: no ON CONFLICT, so such a table needs no key index (sessions has
   * none: see schema.ts). The others insert or update by their key's index.
   */
  private async merge(): Promise<number> {
    const target = qualified(this.spec);
    const staging = `temp.main.${this.staging}`;
    const { strategy } = this;
    const key = this.spec.key;
    const name = this.spec.name;
    const byKey = key.map((c) => `t.${c} = s.${c}`).join(' AND ');

    if (strategy.kind === 'merge-ordered') return this.mergeOrdered(strategy, target, staging);
    if (strategy.kind === 'insert-or-later') {
      if (!this.textKeyed) throw new Error(`${target} must be keyed by text to merge`);
      const later = strategy.later.map((c) => `${c} = greatest(t.${c}, s.${c})`);
      await this.db.run(
        `UPDATE ${target} AS t SET ${later.join(', ')} FROM ${staging} s WHERE ${byKey}`,
      );
      return 0;
    }
    if (strategy.kind !== 'upsert')
      throw new Error(`${this.table} is replaced in place, not merged`);
    const preserve = new Set([...key, ...(strategy.preserve ?? [])]);
    const changing = this.spec.columns.map((c) => c.name).filter((c) => !preserve.has(c));
    const compared = changing.filter((c) => c !== strategy.touch);
    // A row staged again unchanged is left as it is: a re-sync rewrites nothing it already has.
    const differs = compared.map((c) => `t.${c} IS DISTINCT FROM s.${c}`).join(' OR ') || 'false';
    let added = 0;
    if (this.textKeyed) {
      if (changing.length > 0) {
        await this.db.run(
          `UPDATE ${target} AS t SET ${changing.map((c) => `${c} = s.${c}`).join(', ')}
           FROM ${staging} s WHERE ${byKey} AND (${differs})`,
        );
      }
    } else {
      added = Number(
        await this.db.scalar<bigint>(
          `SELECT count(*) FROM ${staging} s WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${byKey})`,
        ),
      );
      const onConflict =
        changing.length === 0
          ? 'DO NOTHING'
          : `DO UPDATE SET ${changing.map((c) => `${c} = excluded.${c}`).join(', ')}
             WHERE ${compared.map((c) => `${name}.${c} IS DISTINCT FROM excluded.${c}`).join(' OR ') || 'false'}`;
      await this.db.run(
        `INSERT INTO ${target} (${this.columns}) SELECT ${this.columns} FROM ${staging}
         ON CONFLICT (${key.join(', ')}) ${onConflict}`,
      );
    }
    if (strategy.touch) {
      // Stamping one column costs that column only (DuckDB updates column by column).
      const touch = strategy.touch;
      await this.db.run(
        `UPDATE ${target} AS t SET ${touch} = s.${touch} FROM ${staging} s
         WHERE ${byKey} AND t.${touch} IS DISTINCT FROM s.${touch}`,
      );
    }
    return added;
  }

  /** See COLLECTED_INTO: unite, count once, order by time, number again; per touched session. */
  private async mergeOrdered(
    strategy: Extract<Strategy, { kind: 'merge-ordered' }>,
    target: string,
    staging: string,
  ): Promise<number> {
    const { by, seq, order, identity } = strategy;
    const others = this.spec.columns.map((c) => c.name).filter((c) => c !== by && c !== seq);
    const touched = `(SELECT DISTINCT ${by} FROM ${staging})`;
    const merged = `temp.main.merged_${this.table}`;
    await this.db.run(
      `CREATE OR REPLACE TEMP TABLE merged_${this.table} AS
       WITH candidates AS (
         SELECT ${by}, ${seq} AS ord, 0 AS origin, ${others.join(', ')} FROM ${target}
         WHERE ${by} IN ${touched}
         UNION ALL
         SELECT ${by}, ${seq}, 1, ${others.join(', ')} FROM ${staging}
       ), once AS (
         SELECT * FROM candidates
         QUALIFY row_number() OVER (PARTITION BY ${by}, ${identity.join(', ')} ORDER BY origin, ord) = 1
       )
       SELECT ${by}, (row_number() OVER (PARTITION BY ${by} ORDER BY ${order}, origin, ord) - 1)::INTEGER AS ${seq},
         ${others.join(', ')}
       FROM once`,
    );
    try {
      const before = await this.db.scalar<bigint>(
        `SELECT count(*) FROM ${target} WHERE ${by} IN ${touched}`,
      );
      await this.db.run(`DELETE FROM ${target} WHERE ${by} IN ${touched}`);
      await this.db.run(
        `INSERT INTO ${target} (${this.columns}) SELECT ${this.columns} FROM ${merged}`,
      );
      const after = await this.db.scalar<bigint>(`SELECT count(*) FROM ${merged}`);
      return Number(after) - Number(before);
    } finally {
      await this.db.run(`DROP TABLE IF EXISTS ${merged}`);
    }
  }
}
