import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchStats, type WatchEvent } from '../../src/emulator/watch-stats.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { TableLoader } from '../../src/warehouse/load.js';
import { ensureSchema } from '../../src/warehouse/migrate.js';
import { recomputeFigures } from '../../src/warehouse/model.js';
import type { Row } from '../../src/warehouse/schema.js';

/** A small seeded PRNG so the property test is reproducible. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = [
  'ready',
  'play',
  'pause',
  'resume',
  'seek.forward',
  'seek.backward',
  'end',
  'buffering',
];

function randomSession(random: () => number): WatchEvent[] {
  const events: WatchEvent[] = [];
  let t = Date.UTC(2024, 0, 1) + Math.floor(random() * 1e9);
  const pos = () => (random() < 0.05 ? null : Math.round(random() * 600 * 10) / 10);
  for (let i = Math.floor(random() * 25); i > 0; i--) {
    // Sometimes time goes backwards or stands still: the API's clock is the player's.
    t += Math.floor((random() - 0.1) * 40_000);
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    events.push(
      type.startsWith('seek.')
        ? { type, emittedAtMs: t, from: pos(), to: pos() }
        : { type, emittedAtMs: t, at: pos() },
    );
  }
  return events;
}

describe('master model (SQL) against the reference rule', () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await Warehouse.open(':memory:');
    await ensureSchema(db);
  });
  afterAll(() => db.close());

  it('agrees on every figure for 2,000 random sessions', async () => {
    const random = mulberry32(42);
    const sessions = Array.from({ length: 2000 }, (_, i) => ({
      id: `ps${i}`,
      events: randomSession(random),
    }));
    const sessionRows: Row[] = sessions.map((s) => ({
      session_id: s.id,
      asset_type: 'video',
      asset_id: 'vi1',
      asset_title: 't',
      loaded_at: 0n,
      raw: '{}',
    }));
    const eventRows: Row[] = sessions.flatMap((s) =>
      s.events.map((e, seq) => ({
        session_id: s.id,
        seq,
        type: e.type,
        emitted_at: BigInt(e.emittedAtMs) * 1000n,
        at_position: e.at ?? null,
        from_position: e.from ?? null,
        to_position: e.to ?? null,
        raw: '{}',
      })),
    );
    await db.transaction(async () => {
      await new TableLoader(db, 'sessions').load(sessionRows);
      await new TableLoader(db, 'session_events').load(eventRows);
      await recomputeFigures(db);
    });
    const rows = await db.rows<Record<string, number | boolean | null | string>>(
      `SELECT session_id, event_count, play_count, pause_count, resume_count, seek_count, ended,
              watch_seconds, max_position FROM master ORDER BY session_id`,
    );
    const byId = new Map(rows.map((r) => [r.session_id, r]));
    expect(rows).toHaveLength(2000);
    for (const s of sessions) {
      const expected = watchStats(s.events);
      const got = byId.get(s.id)!;
      expect({
        id: s.id,
        ...got,
        watch_seconds: Number((got.watch_seconds as number).toFixed(6)),
      }).toEqual({
        id: s.id,
        session_id: s.id,
        event_count: expected.eventCount,
        play_count: expected.playCount,
        pause_count: expected.pauseCount,
        resume_count: expected.resumeCount,
        seek_count: expected.seekCount,
        ended: expected.ended,
        watch_seconds: Number(expected.watchSeconds.toFixed(6)),
        max_position: expected.maxPosition,
      });
    }
  });
});
