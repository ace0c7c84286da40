/**
 * Loading into DuckDB by each table's strategy: replaced rows deleted and the new ones appended
 * straight into the table, new keys of upserted tables appended, known keys merged, and the
 * columns matched by name whatever order a table stores them in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/connection.js';
import { TableLoader } from '../../src/warehouse/load.js';
import { ensureSchema } from '../../src/warehouse/migrate.js';
import type { Row } from '../../src/warehouse/schema.js';

const T0 = Date.UTC(2026, 10, 1) * 1000;

const event = (session: string, seq: number, type: string): Row => ({
  session_id: session,
  seq,
  type,
  emitted_at: T0 + seq * 1_000_000,
  at_position: seq,
  from_position: null,
  to_position: null,
  raw: JSON.stringify({ type, seq }),
});

const session = (id: string, country: string, extra: Partial<Row> = {}): Row => ({
  session_id: id,
  asset_type: 'video',
  asset_id: 'vi1',
  loaded_at: T0,
  country,
  // Every column is read from the API's object: a row that differs has a raw that differs.
  raw: JSON.stringify({ session: { sessionId: id }, location: { country } }),
  source: 'api',
  ...extra,
});

let db: Warehouse;
beforeEach(async () => {
  db = await Warehouse.open(':memory:');
  await ensureSchema(db);
});
afterEach(() => db.close());

const video = (id: string, title: string, seenAt: number): Row => ({
  video_id: id,
  title,
  first_seen_at: seenAt,
  last_seen_at: seenAt,
  raw: JSON.stringify({ videoId: id, title }),
});

const load = (table: 'session_events' | 'sessions' | 'videos', rows: Row[]) =>
  db.transaction(() => new TableLoader(db, table).load(rows));

const events = () =>
  db.rows<{ session_id: string; seq: number; type: string }>(
    'SELECT session_id, seq, type FROM session_events ORDER BY session_id, seq',
  );

describe('loading a session’s events', () => {
  it('replaces them from the first seq a batch brings, and counts only new rows', async () => {
    expect(
      await load(
        'session_events',
        [0, 1, 2, 3, 4].map((i) => event('s1', i, 'play')),
      ),
    ).toBe(5);
    expect(await load('session_events', [event('s2', 0, 'ready')])).toBe(1);
    // Pages fetched again from seq 3: 3 and 4 are replaced, 5 and 6 are new.
    expect(
      await load(
        'session_events',
        [3, 4, 5, 6].map((i) => event('s1', i, 'pause')),
      ),
    ).toBe(2);
    const rows = await events();
    expect(rows.map((r) => `${r.session_id}:${r.seq}:${r.type}`)).toEqual([
      's1:0:play',
      's1:1:play',
      's1:2:play',
      's1:3:pause',
      's1:4:pause',
      's1:5:pause',
      's1:6:pause',
      's2:0:ready',
    ]);
  });

  it('rolls back with its transaction', async () => {
    await load('session_events', [event('s1', 0, 'play')]);
    await expect(
      db.transaction(async () => {
        await new TableLoader(db, 'session_events').load([event('s1', 0, 'end')]);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await events()).map((r) => r.type)).toEqual(['play']);
  });

  it('matches columns by name when the table stores them in another order', async () => {
    await db.run('DROP TABLE session_events');
    await db.run(
      `CREATE TABLE session_events (raw JSON NOT NULL, to_position DOUBLE, from_position DOUBLE,
         at_position DOUBLE, emitted_at TIMESTAMPTZ, type VARCHAR, seq INTEGER NOT NULL,
         session_id VARCHAR NOT NULL)`,
    );
    await load('session_events', [event('s1', 0, 'play'), event('s1', 1, 'end')]);
    const [row] = await db.rows<{ type: string; at_position: number; raw: string }>(
      'SELECT type, at_position, raw FROM session_events WHERE seq = 1',
    );
    expect(row).toEqual({ type: 'end', at_position: 1, raw: '{"type":"end","seq":1}' });
  });
});

describe('loading sessions', () => {
  it('appends new keys, updates known ones, keeps when one was found gone', async () => {
    expect(await load('sessions', [session('s1', 'France'), session('s2', 'Spain')])).toBe(2);
    await db.run(`UPDATE sessions SET gone_at = now() WHERE session_id = 's2'`);
    // s2 listed again, changed; s3 new; s1 twice in one batch: the last one counts.
    expect(
      await load('sessions', [
        session('s1', 'Italy'),
        session('s2', 'Portugal'),
        session('s3', 'Chile'),
        session('s1', 'Japan'),
      ]),
    ).toBe(1);
    const rows = await db.rows<{ session_id: string; country: string; gone: boolean }>(
      'SELECT session_id, country, gone_at IS NOT NULL AS gone FROM sessions ORDER BY 1',
    );
    expect(rows).toEqual([
      { session_id: 's1', country: 'Japan', gone: false },
      { session_id: 's2', country: 'Portugal', gone: true },
      { session_id: 's3', country: 'Chile', gone: false },
    ]);
  });

  it('leaves a known session alone when the API sends it unchanged', async () => {
    await load('sessions', [session('s1', 'France')]);
    // A column the API's object does not change (here changed behind the loader's back) is not
    // written again: the row is not staged at all.
    await db.run(`UPDATE sessions SET asset_title = 'kept' WHERE session_id = 's1'`);
    expect(await load('sessions', [session('s1', 'France', { asset_title: 'other' })])).toBe(0);
    expect(await db.scalar('SELECT asset_title FROM sessions')).toBe('kept');
  });
});

describe('loading a catalog', () => {
  it('only stamps as seen the assets the API sends unchanged, and updates the others', async () => {
    const t1 = T0 + 60_000_000;
    await load('videos', [video('v1', 'One', T0), video('v2', 'Two', T0)]);
    expect(await load('videos', [video('v1', 'One', t1), video('v2', 'Two, renamed', t1)])).toBe(0);
    const rows = await db.rows<{ video_id: string; title: string; first: bigint; last: bigint }>(
      `SELECT video_id, title, epoch_us(first_seen_at) AS first, epoch_us(last_seen_at) AS last
       FROM videos ORDER BY 1`,
    );
    expect(rows).toEqual([
      { video_id: 'v1', title: 'One', first: BigInt(T0), last: BigInt(t1) },
      { video_id: 'v2', title: 'Two, renamed', first: BigInt(T0), last: BigInt(t1) },
    ]);
  });
});
