/**
 * Load into PostgreSQL: rows → tables, idempotently, in bulk — the twin of ../load.ts, with the
 * same merge strategy per table (STRATEGIES there), so both destinations hold the same rows.
 *
 * Rows are streamed with `COPY … FROM STDIN` (text format) into a per-table TEMP staging table,
 * then one set-based statement merges them into the target inside the caller's transaction;
 * never one INSERT per row. Staging tables are created once per connection and emptied by every
 * commit (ON COMMIT DELETE ROWS). Merges take only row locks: readers are never blocked.
 */
import { STRATEGIES, specOf, targetOf, type Strategy } from '../load.js';
import type { LoadedTable } from '../destination.js';
import type { ColumnType, Row, TableSpec } from '../schema.js';
import type { PgConnection } from './connection.js';
import { pgColumnType, pgTable } from './schema.js';
import type { PgTarget } from './target.js';

// ─── COPY text format ──────────────────────────────────────────────────────────────────────────

const SPECIAL = /[\\\n\r\t\0]/;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  // PostgreSQL text cannot hold U+0000: it becomes U+FFFD, the replacement character.
  '\0': '\uFFFD',
};

/** A text value as a COPY text-format field. */
export function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[\\\n\r\t\0]/g, (c) => ESCAPES[c]!) : value;
}

/**
 * JSON text as jsonb accepts it: jsonb cannot hold the escape \u0000 either, so it becomes
 * \ufffd (only where the backslash is not itself escaped).
 */
export function jsonbText(json: string): string {
  if (!json.includes('u0000')) return json;
  return json.replace(/(\\+)u0000/g, (match, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes.slice(0, -1)}\\ufffd` : match,
  );
}

/** Microseconds since the epoch → an exact ISO-8601 UTC timestamp. */
export function timestampText(micros: bigint): string {
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    ms -= 1n;
    rest += 1000n;
  }
  const iso = new Date(Number(ms)).toISOString(); // …T12:34:56.789Z
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

const arrayItem = (item: string | null) =>
  item === null ? 'NULL' : `"${item.replaceAll('\0', '\uFFFD').replace(/["\\]/g, '\\$&')}"`;

/** One value as a COPY text field (`\N` for NULL). */
export function copyField(type: ColumnType, value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '\\N';
  switch (type) {
    case 'TIMESTAMPTZ':
      return timestampText(BigInt(value as bigint | number));
    case 'BOOLEAN':
      return value ? 't' : 'f';
    case 'JSON':
      return copyText(jsonbText(String(value)));
    case 'VARCHAR[]':
      return copyText(`{${(value as Array<string | null>).map(arrayItem).join(',')}}`);
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DATE':
      return String(value);
    case 'VARCHAR':
      return copyText(String(value));
  }
}

/** Rows → COPY text lines, `order` first (the staging order), in chunks of about 64 kB. */
export function* copyLines(spec: TableSpec, rows: Row[]): Generator<string> {
  const columns = spec.columns;
  let chunk = '';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let line = String(i);
    for (const c of columns) line += `\t${copyField(c.type, row[c.name])}`;
    chunk += `${line}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

// ─── merge ─────────────────────────────────────────────────────────────────────────────────────

export class PgTableLoader {
  readonly spec: TableSpec;
  private readonly staging: string;
  private readonly columns: string;
  private readonly createStaging: string;

  constructor(
    private readonly db: PgConnection,
    private readonly target: PgTarget,
    readonly table: LoadedTable,
  ) {
    this.spec = specOf(targetOf(table));
    this.staging = `pg_temp.viewership_stage_${table}`;
    this.columns = this.spec.columns.map((c) => c.name).join(', ');
    const columns = this.spec.columns.map((c) => `${c.name} ${pgColumnType(this.spec, c)}`);
    this.createStaging = `CREATE TEMP TABLE IF NOT EXISTS viewership_stage_${table}
      (staged_order integer NOT NULL, ${columns.join(', ')}) ON COMMIT DELETE ROWS`;
  }

  /**
   * Merges `rows` into the table; call inside `db.transaction`. Returns how many rows are new
   * (keys the table did not have before).
   */
  async load(rows: Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Made by the first load of the connection (again if that transaction was rolled back).
    await this.db.run(this.createStaging);
    // Empty here: every commit empties it, and a rolled-back one takes its rows with it.
    await this.db.copyIn(
      `COPY ${this.staging} (staged_order, ${this.columns}) FROM STDIN`,
      copyLines(this.spec, rows),
    );
    // The planner knows nothing of a temp table until analyzed: with its size it joins by index.
    await this.db.run(`ANALYZE ${this.staging}`);
    return this.merge();
  }

  private async merge(): Promise<number> {
    const target = pgTable(this.target, this.spec);
    const staging = this.staging;
    const strategy = STRATEGIES[this.table] ?? { kind: 'upsert' };
    const key = this.spec.key;
    // The same key staged twice in one batch keeps its last version (ON CONFLICT cannot update a row twice).
    const latest = `SELECT DISTINCT ON (${key.join(', ')}) ${this.columns} FROM ${staging}
       ORDER BY ${key.join(', ')}, staged_order DESC`;
    const matches = (columns: string[], a: string, b: string) =>
      columns.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');

    if (strategy.kind === 'merge-ordered') return this.mergeOrdered(strategy, target, staging);
    if (strategy.kind === 'insert-or-later') {
      const added = await this.db.scalar<string>(
        `SELECT count(*) FROM (SELECT DISTINCT ${key.join(', ')} FROM ${staging}) s
         WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${matches(key, 't', 's')})`,
      );
      const later = strategy.later.map((c) => `${c} = greatest(t.${c}, excluded.${c})`);
      await this.db.run(
        `INSERT INTO ${target} AS t (${this.columns}) ${latest}
         ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${later.join(', ')}`,
      );
      return Number(added);
    }
    if (strategy.kind !== 'upsert') {
      const deleted =
        strategy.kind === 'replace'
          ? await this.db.run(
              `DELETE FROM ${target} t USING (SELECT DISTINCT ${strategy.by.join(', ')} FROM ${staging}) s
               WHERE ${matches(strategy.by, 's', 't')}`,
            )
          : await this.db.run(
              `DELETE FROM ${target} t
               USING (SELECT ${strategy.by}, min(${strategy.from}) AS first FROM ${staging} GROUP BY 1) s
               WHERE t.${strategy.by} = s.${strategy.by} AND t.${strategy.from} >= s.first`,
            );
      const inserted = await this.db.run(`INSERT INTO ${target} (${this.columns}) ${latest}`);
      return inserted - deleted;
    }
    const added = await this.db.scalar<string>(
      `SELECT count(*) FROM (SELECT DISTINCT ${key.join(', ')} FROM ${staging}) s
       WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${matches(key, 't', 's')})`,
    );
    const preserve = new Set([...key, ...(strategy.preserve ?? [])]);
    const updates = this.spec.columns
      .filter((c) => !preserve.has(c.name))
      .map((c) => `${c.name} = excluded.${c.name}`);
    // A row staged again unchanged is left alone: no new row version, no WAL, nothing to vacuum.
    const changed = this.spec.columns.filter((c) => !preserve.has(c.name)).map((c) => c.name);
    const onConflict =
      updates.length > 0
        ? `DO UPDATE SET ${updates.join(', ')}
           WHERE (${changed.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${changed.map((c) => `excluded.${c}`).join(', ')})`
        : 'DO NOTHING';
    await this.db.run(
      `INSERT INTO ${target} AS t (${this.columns}) ${latest} ON CONFLICT (${key.join(', ')}) ${onConflict}`,
    );
    return Number(added);
  }

  /**
   * The collector's events (see COLLECTED_INTO in ../destination.ts), as ../load.ts does them:
   * each touched session's stored and new events united, an identical event once, ordered by
   * time and numbered again from 0.
   */
  private async mergeOrdered(
    strategy: Extract<Strategy, { kind: 'merge-ordered' }>,
    target: string,
    staging: string,
  ): Promise<number> {
    const { by, seq, order, identity } = strategy;
    const others = this.spec.columns.map((c) => c.name).filter((c) => c !== by && c !== seq);
    const touched = `(SELECT DISTINCT ${by} FROM ${staging})`;
    // Collectors behind a load balancer may merge one session at once: each waits for the
    // others' commits on the sessions it touches (in one order, so none waits for another twice).
    await this.db.run(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
       FROM (SELECT DISTINCT ${by} AS k FROM ${staging} ORDER BY 1) s`,
    );
    await this.db.run(`DROP TABLE IF EXISTS pg_temp.viewership_merged`);
    await this.db.run(
      `CREATE TEMP TABLE viewership_merged ON COMMIT DROP AS
       WITH candidates AS (
         SELECT ${by}, ${seq} AS ord, 0 AS origin, ${others.join(', ')} FROM ${target}
         WHERE ${by} IN ${touched}
         UNION ALL
         SELECT ${by}, ${seq}, 1, ${others.join(', ')} FROM ${staging}
       ), once AS (
         SELECT DISTINCT ON (${by}, ${identity.join(', ')}) * FROM candidates
         ORDER BY ${by}, ${identity.join(', ')}, origin, ord
       )
       SELECT ${by}, (row_number() OVER (PARTITION BY ${by} ORDER BY ${order}, origin, ord) - 1)::integer AS ${seq},
         ${others.join(', ')}
       FROM once`,
    );
    const deleted = await this.db.run(`DELETE FROM ${target} WHERE ${by} IN ${touched}`);
    const inserted = await this.db.run(
      `INSERT INTO ${target} (${this.columns}) SELECT ${this.columns} FROM pg_temp.viewership_merged`,
    );
    await this.db.run(`DROP TABLE pg_temp.viewership_merged`);
    return inserted - deleted;
  }
}
