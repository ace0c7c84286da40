/**
 * Compares a warehouse with the emulator's ground truth, table by table, and lists every
 * difference (the first few of each kind), so a failing test says what is wrong, not just "≠".
 */
import type { GroundTruth } from '../../src/emulator/index.js';
import { parseApiTimestamp } from '../../src/api/timestamps.js';
import { Warehouse } from '../../src/warehouse/connection.js';

type Obj = Record<string, unknown>;

const us = (value: unknown): string | null =>
  typeof value === 'string' ? parseApiTimestamp(value).toString() : null;

class Differences {
  readonly list: string[] = [];
  private perKind = new Map<string, number>();
  add(kind: string, detail: string): void {
    const n = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, n);
    if (n <= 3) this.list.push(`${kind}: ${detail}`);
    else if (n === 4) this.list.push(`${kind}: … and more`);
  }
}

function sameIds(d: Differences, kind: string, stored: string[], expected: string[]): void {
  const a = new Set(stored);
  const b = new Set(expected);
  if (a.size !== stored.length) d.add(kind, 'duplicate keys in the warehouse');
  for (const id of b) if (!a.has(id)) d.add(kind, `missing ${id}`);
  for (const id of a) if (!b.has(id)) d.add(kind, `unexpected ${id}`);
}

const sameJson = (a: unknown, b: unknown) =>
  JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Obj)[k])]),
    );
  }
  return value;
}

/**
 * What variance made the API say is gone or unreadable must be marked so, and nothing else:
 * vanished assets and sessions whose events route answers 404 carry gone_at; each session listed
 * without an id is a row of `rejects`, and nothing else is.
 */
async function compareWhatIsGone(db: Warehouse, truth: GroundTruth, d: Differences) {
  const report = truth.variance();
  const goneAssets = new Set(
    (
      await db.rows<{ id: string }>(
        `SELECT video_id AS id FROM videos WHERE gone_at IS NOT NULL
         UNION ALL SELECT live_stream_id FROM live_streams WHERE gone_at IS NOT NULL`,
      )
    ).map((r) => r.id),
  );
  // An asset that vanished after its sessions were listed whole gave the client no 404 to see:
  // it is marked at the next catalog listing (sync-account.test.ts holds the marking itself).
  const vanished = new Set(report.vanishingAssets.filter((v) => v.vanished).map((v) => v.assetId));
  for (const id of goneAssets) {
    if (!vanished.has(id)) d.add('gone.asset', `${id} marked gone, but it is listed`);
  }
  const goneSessions = new Set(
    (
      await db.rows<{ id: string }>(
        `SELECT session_id AS id FROM sessions WHERE gone_at IS NOT NULL`,
      )
    ).map((r) => r.id),
  );
  const expectedGone = new Set<string>();
  for (const t of truth.sessions())
    if (t.listed && t.readable && t.eventsGone) expectedGone.add(t.sessionId);
  for (const id of expectedGone)
    if (!goneSessions.has(id)) d.add('gone.session', `${id} not marked gone`);
  for (const id of goneSessions)
    if (!expectedGone.has(id)) d.add('gone.session', `${id} marked gone`);
  const unreadable = [...truth.sessions()].filter((t) => t.listed && !t.readable).length;
  // A session listed again (the overlap day) is rejected again: count each body once.
  const rejects = await db.rows<{ endpoint: string; n: bigint }>(
    `SELECT endpoint, count(DISTINCT raw) AS n FROM rejects GROUP BY 1`,
  );
  const sessionRejects = rejects
    .filter((r) => r.endpoint.startsWith('GET /analytics/') && !r.endpoint.endsWith('/events'))
    .reduce((n, r) => n + Number(r.n), 0);
  if (sessionRejects !== unreadable) d.add('rejects.sessions', `${sessionRejects} ≠ ${unreadable}`);
  for (const r of rejects) {
    if (r.endpoint.startsWith('GET /analytics/') && !r.endpoint.endsWith('/events')) continue;
    d.add('rejects', `${Number(r.n)} unexpected from ${r.endpoint}`);
  }
}

export async function compareWithTruth(dbPath: string, truth: GroundTruth): Promise<string[]> {
  const d = new Differences();
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    const videos = await db.rows<{
      video_id: string;
      title: string;
      created: string | null;
      raw: string;
      gone_at: unknown;
    }>(
      `SELECT video_id, title, epoch_us(created_at)::VARCHAR AS created, raw, gone_at FROM videos WHERE gone_at IS NULL`,
    );
    const vanished = new Set(
      truth
        .variance()
        .vanishingAssets.filter((v) => v.vanished)
        .map((v) => v.assetId),
    );
    const tv = truth.videos() as Obj[];
    sameIds(
      d,
      'videos',
      videos.map((v) => v.video_id).filter((id) => !vanished.has(id)),
      tv.map((v) => v.videoId as string),
    );
    const tvById = new Map(tv.map((v) => [v.videoId as string, v]));
    for (const v of videos) {
      const t = tvById.get(v.video_id);
      if (!t) continue;
      if (v.title !== (t.title ?? null))
        d.add('videos.title', `${v.video_id}: ${v.title} ≠ ${String(t.title)}`);
      if (v.created !== us(t.createdAt))
        d.add('videos.created_at', `${v.video_id}: ${v.created} ≠ ${us(t.createdAt)}`);
      if (!sameJson(JSON.parse(v.raw), t)) d.add('videos.raw', v.video_id);
    }
    const live = await db.rows<{ live_stream_id: string; name: string }>(
      `SELECT live_stream_id, name FROM live_streams WHERE gone_at IS NULL`,
    );
    const tl = truth.liveStreams() as Obj[];
    sameIds(
      d,
      'live_streams',
      live.map((l) => l.live_stream_id).filter((id) => !vanished.has(id)),
      tl.map((l) => l.liveStreamId as string),
    );
    const players = await db.rows<{ player_id: string }>(
      `SELECT player_id FROM players WHERE gone_at IS NULL`,
    );
    sameIds(
      d,
      'players',
      players.map((p) => p.player_id),
      (truth.players() as Obj[]).map((p) => p.playerId as string),
    );

    const sessions = new Map(
      (
        await db.rows<Obj>(
          `SELECT s.session_id, s.asset_type, s.asset_id, s.asset_title, epoch_us(s.loaded_at)::VARCHAR AS loaded,
             epoch_us(s.ended_at)::VARCHAR AS ended, s.country_code, s.raw,
             m.event_count, m.play_count, m.pause_count, m.seek_count, m.ended AS ended_flag, m.watch_seconds, m.max_position
           FROM sessions s LEFT JOIN master m USING (session_id)`,
        )
      ).map((r) => [r.session_id as string, r]),
    );
    const events = new Map<string, Obj[]>();
    for (const e of await db.rows<Obj>(
      `SELECT session_id, seq, type, epoch_us(emitted_at)::VARCHAR AS emitted, at_position, from_position, to_position, raw
       FROM session_events ORDER BY session_id, seq`,
    )) {
      const list = events.get(e.session_id as string) ?? [];
      list.push(e);
      events.set(e.session_id as string, list);
    }
    const masterCount = Number(await db.scalar<bigint>('SELECT count(*) FROM master'));
    let expected = 0;
    for (const t of truth.sessions()) {
      // Under variance, sessions no client can learn of or key are not expected; those whose
      // events are gone have no events in the truth (t.events() is empty).
      if (!t.listed || !t.readable) continue;
      expected++;
      const s = sessions.get(t.sessionId);
      if (!s) {
        d.add('sessions', `missing ${t.sessionId}`);
        continue;
      }
      const api = t.api as { session: Obj; location?: Obj };
      if (s.asset_type !== t.assetType || s.asset_id !== t.assetId)
        d.add('sessions.asset', t.sessionId);
      if (s.asset_title !== t.assetTitle)
        d.add('sessions.asset_title', `${t.sessionId}: ${String(s.asset_title)} ≠ ${t.assetTitle}`);
      if (s.loaded !== us(api.session.loadedAt))
        d.add(
          'sessions.loaded_at',
          `${t.sessionId}: ${String(s.loaded)} ≠ ${us(api.session.loadedAt)}`,
        );
      if (s.ended !== us(api.session.endedAt))
        d.add(
          'sessions.ended_at',
          `${t.sessionId}: ${String(s.ended)} ≠ ${us(api.session.endedAt)}`,
        );
      // The code of the country the API sent; none when it left the country out.
      const countryCode = api.location?.country ? t.countryCode : null;
      if (s.country_code !== countryCode) {
        d.add(
          'sessions.country_code',
          `${t.sessionId}: ${String(s.country_code)} ≠ ${String(countryCode)}`,
        );
      }
      if (!sameJson(JSON.parse(s.raw as string), t.api)) d.add('sessions.raw', t.sessionId);

      const stored = events.get(t.sessionId) ?? [];
      const te = t.events() as Obj[];
      if (stored.length !== te.length) {
        d.add('session_events.count', `${t.sessionId}: ${stored.length} ≠ ${te.length}`);
      } else {
        te.forEach((e, i) => {
          const got = stored[i]!;
          if (
            got.seq !== i ||
            got.type !== e.type ||
            got.emitted !== us(e.emittedAt) ||
            (got.at_position ?? null) !== (e.at ?? null) ||
            (got.from_position ?? null) !== (e.from ?? null) ||
            (got.to_position ?? null) !== (e.to ?? null) ||
            !sameJson(JSON.parse(got.raw as string), e)
          ) {
            d.add('session_events.row', `${t.sessionId}#${i}`);
          }
        });
      }
      const stats = t.stats();
      if (
        s.event_count !== stats.eventCount ||
        s.play_count !== stats.playCount ||
        s.pause_count !== stats.pauseCount ||
        s.seek_count !== stats.seekCount ||
        s.ended_flag !== stats.ended ||
        Math.abs((s.watch_seconds as number) - stats.watchSeconds) > 1e-6 ||
        (s.max_position ?? null) !== stats.maxPosition
      ) {
        d.add(
          'master',
          `${t.sessionId}: watch ${String(s.watch_seconds)} ≠ ${stats.watchSeconds}, events ${String(s.event_count)} ≠ ${stats.eventCount}`,
        );
      }
    }
    if (sessions.size !== expected) d.add('sessions.count', `${sessions.size} ≠ ${expected}`);
    if (masterCount !== expected) d.add('master.count', `${masterCount} ≠ ${expected}`);
    const storedEvents = [...events.values()].reduce((n, l) => n + l.length, 0);
    if (storedEvents !== truth.eventCount())
      d.add('session_events.total', `${storedEvents} ≠ ${truth.eventCount()}`);
    await compareWhatIsGone(db, truth, d);
  } finally {
    db.close();
  }
  return d.list;
}
