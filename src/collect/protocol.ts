/**
 * The player analytics module's ping (`@api.video/player-analytics`), checked where it enters.
 *
 * The module POSTs `JSON.stringify(payload)` with no content type to `…/vod` or `…/live`:
 *   { emitted_at, session: { loaded_at, video_id | live_stream_id, referrer, metadata,
 *     session_id? }, events: [{ type, emitted_at, at?, from?, to? }] }
 * Events are the ones pushed since the previous ping. A ping is taken whole or refused whole
 * (4xx, nothing stored): bad JSON, a wrong type, an unknown event type, or times that cannot be —
 * far from the collector's clock, or out of order with the ping's own clock by more than a second.
 * Fields the module may add later are kept in `raw`, never refused.
 */
import { isSessionId } from './ids.js';

export const EVENT_TYPES = [
  'ready',
  'play',
  'resume',
  'pause',
  'end',
  'seek.forward',
  'seek.backward',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

export type AssetKind = 'vod' | 'live';

/** How far the player's clock may be from ours, and its own times out of order. */
export const LIMITS = {
  /** A ping dated more than this after we received it is refused (a clock far ahead). */
  futureMs: 60 * 60 * 1000,
  /** …or more than this before (a clock far behind, or a replay). */
  pastMs: 24 * 60 * 60 * 1000,
  /** A page open this long before its ping is refused. */
  sessionMs: 7 * 24 * 60 * 60 * 1000,
  /** Times of one ping out of order by more than this (its own clock) are refused. */
  orderMs: 1000,
  maxEvents: 500,
  /** Positions in seconds: a live stream's clock can be large, never negative. */
  maxPosition: 1e10,
  maxIdLength: 64,
  maxReferrerLength: 8192,
};

export interface PingEvent {
  type: EventType;
  /** Milliseconds since the epoch. */
  emittedAt: number;
  at: number | null;
  from: number | null;
  to: number | null;
  /** The event object as sent. */
  raw: Record<string, unknown>;
}

export interface Ping {
  assetType: 'video' | 'live_stream';
  assetId: string;
  /** Milliseconds since the epoch. */
  emittedAt: number;
  loadedAt: number;
  referrer: string;
  sessionId: string | undefined;
  /** The session object as sent. */
  session: Record<string, unknown>;
  events: PingEvent[];
}

export class PingError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const ASSET_ID = /^[A-Za-z0-9_-]+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function time(value: unknown, field: string): number {
  if (typeof value !== 'string' || !ISO.test(value)) {
    throw new PingError(`${field} is not an ISO 8601 time`);
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new PingError(`${field} is not a valid time`);
  return ms;
}

function position(value: unknown, field: string, required: boolean): number | null {
  if (value === undefined || value === null) {
    if (required) throw new PingError(`${field} is missing`);
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PingError(`${field} is not a number`);
  }
  if (value < 0 || value > LIMITS.maxPosition) throw new PingError(`${field} is out of range`);
  return value;
}

function assetId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > LIMITS.maxIdLength || !ASSET_ID.test(value)) {
    throw new PingError(`${field} is not an api.video id`);
  }
  return value;
}

function metadata(value: unknown): void {
  if (value === undefined || value === null) return;
  const entries = Array.isArray(value) ? value : [value];
  for (const entry of entries) {
    if (!isObject(entry)) throw new PingError('session.metadata is not a list of objects');
    for (const v of Object.values(entry)) {
      if (typeof v !== 'string') throw new PingError('session.metadata values are not strings');
    }
  }
}

/**
 * Reads a ping body posted to `/vod` or `/live`, received at `now` (ms); throws PingError.
 */
export function parsePing(body: string, kind: AssetKind, now: number): Ping {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PingError('the body is not JSON');
  }
  if (!isObject(json)) throw new PingError('the body is not a JSON object');
  const emittedAt = time(json.emitted_at, 'emitted_at');
  if (emittedAt > now + LIMITS.futureMs) throw new PingError('emitted_at is in the future');
  if (emittedAt < now - LIMITS.pastMs) throw new PingError('emitted_at is too far in the past');

  const session = json.session;
  if (!isObject(session)) throw new PingError('session is not an object');
  const loadedAt = time(session.loaded_at, 'session.loaded_at');
  if (loadedAt > emittedAt + LIMITS.orderMs) {
    throw new PingError('session.loaded_at is after the ping was emitted');
  }
  if (loadedAt < emittedAt - LIMITS.sessionMs) {
    throw new PingError('session.loaded_at is too far in the past');
  }
  const hasVideo = session.video_id !== undefined;
  const hasLive = session.live_stream_id !== undefined;
  if (hasVideo === hasLive) {
    throw new PingError('the session names neither or both of video_id and live_stream_id');
  }
  if (kind === 'vod' && !hasVideo) throw new PingError('a /vod ping names a video_id');
  if (kind === 'live' && !hasLive) throw new PingError('a /live ping names a live_stream_id');
  const id = hasVideo
    ? assetId(session.video_id, 'session.video_id')
    : assetId(session.live_stream_id, 'session.live_stream_id');

  const referrer = session.referrer ?? '';
  if (typeof referrer !== 'string' || referrer.length > LIMITS.maxReferrerLength) {
    throw new PingError('session.referrer is not a string');
  }
  metadata(session.metadata);
  let sessionId: string | undefined;
  if (session.session_id !== undefined && session.session_id !== null) {
    if (typeof session.session_id !== 'string' || !isSessionId(session.session_id)) {
      throw new PingError('session.session_id is not one this collector hands out');
    }
    sessionId = session.session_id;
  }

  if (!Array.isArray(json.events)) throw new PingError('events is not a list');
  if (json.events.length > LIMITS.maxEvents) {
    throw new PingError(`more than ${LIMITS.maxEvents} events in one ping`);
  }
  const events = json.events.map((event: unknown, i): PingEvent => {
    const at = `events[${i}]`;
    if (!isObject(event)) throw new PingError(`${at} is not an object`);
    const type = event.type;
    if (typeof type !== 'string' || !EVENT_TYPE_SET.has(type)) {
      throw new PingError(`${at}.type is not a player event type`);
    }
    const emitted = time(event.emitted_at, `${at}.emitted_at`);
    if (emitted > emittedAt + LIMITS.orderMs) {
      throw new PingError(`${at}.emitted_at is after the ping was emitted`);
    }
    if (emitted < loadedAt - LIMITS.orderMs) {
      throw new PingError(`${at}.emitted_at is before the session was loaded`);
    }
    const seek = type.startsWith('seek.');
    return {
      type: type as EventType,
      emittedAt: emitted,
      at: position(event.at, `${at}.at`, false),
      from: position(event.from, `${at}.from`, seek),
      to: position(event.to, `${at}.to`, seek),
      raw: event,
    };
  });

  return {
    assetType: hasVideo ? 'video' : 'live_stream',
    assetId: id,
    emittedAt,
    loadedAt,
    referrer,
    sessionId,
    session,
    events,
  };
}
