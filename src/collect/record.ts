/**
 * A journal line, and how a batch of them becomes warehouse rows.
 *
 * A line is one accepted ping: its session id, when it was received, its events as sent, and —
 * on the first line of that session in its segment — the session's row as the contract wants it
 * (asset, load time, referrer, where and on what it was watched). Never the client's IP.
 */
import type { LoadBatch, LoadedTable, Mark } from '../warehouse/destination.js';
import type { Row } from '../warehouse/schema.js';
import type { Place, Platform, Referrer } from './enrich.js';

export interface SessionInfo extends Place, Platform, Referrer {
  asset_type: 'video' | 'live_stream';
  asset_id: string;
  /** ms since the epoch. */
  loaded_at: number;
  /** The ping's session object as sent, and the User-Agent it came with. */
  raw: Record<string, unknown>;
}

export interface JournalLine {
  sid: string;
  /** Received at, ms. */
  rt: number;
  s?: SessionInfo;
  /** Events as sent (validated when received). */
  e: Array<Record<string, unknown>>;
}

const micros = (ms: number) => BigInt(Math.round(ms * 1000));
const position = (v: unknown) => (typeof v === 'number' ? v : null);

export interface CollectedBatch {
  batch: LoadBatch;
  pings: number;
  events: number;
  sessions: number;
}

/**
 * Rows for a batch of journal lines, in journal order: one `collected_sessions` row per session
 * (its first row in the batch; `ended_at` its last `end`), every event as a `collected_events`
 * row (`seq` orders the batch's own rows), and the marks that refresh those sessions' titles and
 * figures in the same commit.
 */
export function collectedBatch(lines: readonly JournalLine[]): CollectedBatch {
  const sessions = new Map<string, Row>();
  const ended = new Map<string, number>();
  const touched = new Set<string>();
  const events: Row[] = [];
  for (const line of lines) {
    touched.add(line.sid);
    if (line.s && !sessions.has(line.sid)) sessions.set(line.sid, sessionRow(line.sid, line.s));
    for (const e of line.e) {
      const emittedAt = Date.parse(e.emitted_at as string);
      if (e.type === 'end') ended.set(line.sid, Math.max(ended.get(line.sid) ?? 0, emittedAt));
      events.push({
        session_id: line.sid,
        seq: events.length,
        type: e.type as string,
        emitted_at: micros(emittedAt),
        at_position: position(e.at),
        from_position: position(e.from),
        to_position: position(e.to),
        raw: JSON.stringify(e),
      });
    }
  }
  for (const [sid, at] of ended) {
    const row = sessions.get(sid);
    if (row) row.ended_at = micros(at);
  }
  const ids = [...touched];
  const rows = new Map<LoadedTable, Row[]>();
  if (sessions.size > 0) rows.set('collected_sessions', [...sessions.values()]);
  if (events.length > 0) rows.set('collected_events', events);
  const marks: Mark[] = [
    { kind: 'refresh-titles', sessionIds: ids },
    { kind: 'refigure-sessions', sessionIds: ids },
  ];
  return {
    batch: { rows, marks },
    pings: lines.length,
    events: events.length,
    sessions: touched.size,
  };
}

function sessionRow(sid: string, s: SessionInfo): Row {
  return {
    session_id: sid,
    asset_type: s.asset_type,
    asset_id: s.asset_id,
    asset_title: null,
    loaded_at: micros(s.loaded_at),
    ended_at: null,
    country: s.country,
    country_code: s.country_code,
    city: s.city,
    referrer_url: s.referrer_url,
    referrer_medium: s.referrer_medium,
    referrer_source: s.referrer_source,
    referrer_search_term: s.referrer_search_term,
    device_type: s.device_type,
    device_vendor: s.device_vendor,
    device_model: s.device_model,
    os_name: s.os_name,
    os_shortname: s.os_shortname,
    os_version: s.os_version,
    client_type: s.client_type,
    client_name: s.client_name,
    client_version: s.client_version,
    raw: JSON.stringify(s.raw),
    source: 'collector',
    gone_at: null,
  };
}
