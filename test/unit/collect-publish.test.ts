import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Journal, listSegments, readSegment, segmentName } from '../../src/collect/journal.js';
import { Publisher } from '../../src/collect/publisher.js';
import type { JournalLine, SessionInfo } from '../../src/collect/record.js';
import { watchStats } from '../../src/emulator/watch-stats.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { DuckDBDestination } from '../../src/warehouse/duckdb-store.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const info = (assetId = 'vi1'): SessionInfo => ({
  asset_type: 'video',
  asset_id: assetId,
  loaded_at: T0,
  country: 'France',
  country_code: 'FR',
  city: null,
  device_type: 'desktop',
  device_vendor: null,
  device_model: null,
  os_name: 'GNU/Linux',
  os_shortname: 'LIN',
  os_version: null,
  client_type: 'browser',
  client_name: 'Chrome',
  client_version: '120',
  referrer_url: 'unknown',
  referrer_medium: 'unknown',
  referrer_source: 'unknown',
  referrer_search_term: 'unknown',
  raw: { loaded_at: iso(T0), video_id: assetId },
});

type Ev = { type: string; emitted_at: string; at?: number; from?: number; to?: number };
const ev = (type: string, s: number, pos: Partial<Ev> = {}): Ev => ({
  type,
  emitted_at: iso(T0 + s * 1000),
  ...pos,
});

describe('journal → warehouse', () => {
  let dir: string;
  let journalDir: string;
  let db: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'viewership-collect-'));
    journalDir = join(dir, 'journal');
    db = join(dir, 'w.duckdb');
  });

  async function read<T>(sql: string): Promise<T[]> {
    const w = await Warehouse.open(db, { readOnly: true });
    try {
      return await w.jsonRows<T>(sql);
    } finally {
      w.close();
    }
  }

  async function journalOf(pings: Array<[string, Ev[]]>): Promise<number> {
    const journal = await Journal.open(journalDir);
    await Promise.all(
      pings.map(([sid, events]) =>
        journal.append({ sid, receivedAt: T0, session: () => info(), events }),
      ),
    );
    const before = await journal.seal();
    await journal.close();
    return before;
  }

  it('stores sessions and events once, however often a segment is published', async () => {
    await journalOf([
      ['csA', [ev('ready', 1, { at: 0 }), ev('play', 2, { at: 0 })]],
      ['csB', [ev('ready', 1, { at: 0 })]],
      ['csA', [ev('seek.forward', 12, { from: 10, to: 30 }), ev('pause', 20, { at: 38 })]],
    ]);
    const [segment] = listSegments(journalDir);
    const copy = join(dir, 'copy');
    copyFileSync(join(journalDir, segmentName(segment!)), copy);

    const publisher = new Publisher({ db, journal: journalDir });
    const first = await publisher.publish(Infinity);
    expect(first).toMatchObject({
      status: 'published',
      pings: 3,
      events: 5,
      sessionsAdded: 2,
      eventsAdded: 5,
    });
    expect(listSegments(journalDir)).toEqual([]);

    // A crash between the merge and the deletion: the same segment is merged again.
    copyFileSync(copy, join(journalDir, segmentName(segment!)));
    const again = await publisher.publish(Infinity);
    expect(again).toMatchObject({
      status: 'published',
      pings: 3,
      sessionsAdded: 0,
      eventsAdded: 0,
    });

    const events = await read<{ session_id: string; seq: number; type: string }>(
      `SELECT session_id, seq, type FROM session_events ORDER BY session_id, seq`,
    );
    expect(events.map((e) => `${e.session_id}:${e.seq}:${e.type}`)).toEqual([
      'csA:0:ready',
      'csA:1:play',
      'csA:2:seek.forward',
      'csA:3:pause',
      'csB:0:ready',
    ]);
    const [a] = await read<Record<string, unknown>>(
      `SELECT * FROM master WHERE session_id = 'csA'`,
    );
    expect(a).toMatchObject({
      source: 'collector',
      asset_type: 'video',
      country_code: 'FR',
      event_count: 4,
      play_count: 1,
      pause_count: 1,
      seek_count: 1,
      watch_seconds: 18, // play 0 → seek from 10 (10 s), 30 → pause at 38 (8 s)
      max_position: 38,
    });
  });

  it('orders a session’s events by time whatever order their pings arrive in, and figures them over all', async () => {
    const events: Ev[] = [
      ev('ready', 1, { at: 0 }),
      ev('play', 2, { at: 0 }),
      ev('pause', 12, { at: 10 }),
      ev('resume', 15, { at: 10 }),
      ev('seek.backward', 20, { from: 15, to: 5 }),
      ev('end', 40, { at: 25 }),
    ];
    const publisher = new Publisher({ db, journal: journalDir });
    // Three publishes; the middle ping arrives last.
    await journalOf([['csC', events.slice(0, 2)]]);
    await publisher.publish(Infinity);
    await journalOf([['csC', events.slice(4)]]);
    await publisher.publish(Infinity);
    await journalOf([['csC', events.slice(2, 4)]]);
    await publisher.publish(Infinity);

    const stored = await read<{ seq: number; type: string }>(
      `SELECT seq, type FROM session_events WHERE session_id = 'csC' ORDER BY seq`,
    );
    expect(stored.map((e) => e.type)).toEqual(events.map((e) => e.type));
    const expected = watchStats(
      events.map((e) => ({ ...e, emittedAtMs: Date.parse(e.emitted_at) })),
    );
    const [m] = await read<Record<string, unknown>>(
      `SELECT event_count, play_count, pause_count, resume_count, seek_count, ended, watch_seconds, max_position, epoch_ms(ended_at) AS ended_ms FROM master WHERE session_id = 'csC'`,
    );
    expect(m).toMatchObject({
      event_count: expected.eventCount,
      play_count: expected.playCount,
      pause_count: expected.pauseCount,
      resume_count: expected.resumeCount,
      seek_count: expected.seekCount,
      ended: true,
      watch_seconds: expected.watchSeconds,
      max_position: expected.maxPosition,
    });
    expect(Number(m!.ended_ms)).toBe(T0 + 40_000);
  });

  it('gives collected sessions the title of their asset from the catalog', async () => {
    const store = await DuckDBDestination.open(db);
    await store.prepare();
    await store.commit({
      rows: new Map([
        [
          'videos',
          [
            {
              video_id: 'vi1',
              title: 'Launch keynote',
              first_seen_at: BigInt(T0) * 1000n,
              last_seen_at: BigInt(T0) * 1000n,
              raw: '{}',
            },
          ],
        ],
      ]),
      marks: [],
    });
    await store.close();
    await journalOf([['csD', [ev('ready', 1, { at: 0 })]]]);
    await new Publisher({ db, journal: journalDir }).publish(Infinity);
    const [s] = await read<{ asset_title: string }>(`SELECT asset_title FROM sessions`);
    expect(s!.asset_title).toBe('Launch keynote');
  });

  it('skips a line a crash cut short, and refuses a journal another collector holds', async () => {
    await journalOf([['csE', [ev('ready', 1, { at: 0 })]]]);
    const [n] = listSegments(journalDir);
    await appendFile(join(journalDir, segmentName(n!)), '{"sid":"csF","rt":1,"e":[{"ty');
    expect(readSegment<JournalLine>(journalDir, n!).records).toHaveLength(1);
    const result = await new Publisher({ db, journal: journalDir }).publish(Infinity);
    expect(result).toMatchObject({ pings: 1, eventsAdded: 1 });

    writeFileSync(join(journalDir, 'LOCK'), `${process.ppid}\n`);
    await expect(Journal.open(journalDir)).rejects.toThrow(/in use by another collector/);
    writeFileSync(join(journalDir, 'LOCK'), `999999999\n`);
    const journal = await Journal.open(journalDir);
    await journal.close();
    expect(existsSync(join(journalDir, 'LOCK'))).toBe(false);
  });

  it('writes the session row once per segment, never the address', async () => {
    const journal = await Journal.open(journalDir);
    await Promise.all(
      [1, 2, 3].map((i) =>
        journal.append({
          sid: 'csG',
          receivedAt: T0,
          session: () => info(),
          events: [ev('play', i, { at: i })],
        }),
      ),
    );
    await journal.seal();
    await journal.close();
    const [n] = listSegments(journalDir);
    const lines = readSegment<JournalLine>(journalDir, n!).records;
    expect(lines.map((l) => l.s !== undefined)).toEqual([true, false, false]);
    expect(readFileSync(join(journalDir, segmentName(n!)), 'utf8')).not.toMatch(
      /\d+\.\d+\.\d+\.\d+/,
    );
  });
});
