/**
 * What the raw-statistics endpoints show of a session at a given moment: the session object of
 * `GET /analytics/videos/{id}` (no `endedAt` while it is open) and the events of
 * `GET /analytics/sessions/{id}/events` (only those already emitted).
 *
 * Shapes follow the 2023-09 spec, the last with raw statistics: on a video session `location.city`
 * and `referrer.url` are nullable; on a live-stream session nothing is, so an unknown city is left
 * out there. Under variance a session may be sent otherwise within the specs (see varySession).
 */
import { EXTRA_FIELDS } from './object-variance.js';
import type { PlayerEvent, SessionRecord } from './sessions.js';
import { atom, shortOffset, zulu } from './timestamps.js';
import { ASPECT, type Variance } from './variance.js';

export function isOpen(record: SessionRecord, nowMs: number): boolean {
  return record.endedAtMs > nowMs;
}

type Obj = Record<string, unknown>;

export interface RenderedSession {
  object: Obj;
  /** What variance did, e.g. `absent:session.loadedAt`, `empty-referrer`, `unreadable`. */
  applied: string[];
}

export function sessionObject(record: SessionRecord, nowMs: number, variance: Variance): Obj {
  return renderSession(record, nowMs, variance).object;
}

export function renderSession(
  record: SessionRecord,
  nowMs: number,
  variance: Variance,
): RenderedSession {
  // 2023-09 spells session times `…109Z`, 2021-03 `…109+00`; sessions use one or the other.
  const stamp = record.zuluSession ? zulu : shortOffset;
  const { device, os, client, referrer } = record.audience;
  const isVideo = record.kind === 'video';
  const object: Obj = {
    session: {
      sessionId: record.id,
      loadedAt: stamp(record.loadedAtMs),
      ...(isOpen(record, nowMs) ? {} : { endedAt: stamp(record.endedAtMs) }),
    },
    location: {
      country: record.country.name,
      ...(record.city !== null ? { city: record.city } : isVideo ? { city: null } : {}),
    },
    referrer: { ...referrer },
    device: { ...device },
    os: { ...os },
    client: { ...client },
  };
  const applied = variance.enabled ? varySession(object, record, variance) : [];
  return { object, applied };
}

/** Sub-objects and leaves no spec requires: candidates to leave out. */
const OPTIONAL_PARTS = ['location', 'referrer', 'device', 'os', 'client'] as const;
const OPTIONAL_LEAVES = [
  ['device', 'vendor'],
  ['device', 'model'],
  ['os', 'shortname'],
  ['os', 'version'],
  ['client', 'version'],
  ['referrer', 'searchTerm'],
  ['location', 'city'],
] as const;

/**
 * Varies a session object in place; returns what was done. The spec requires none of a session's
 * fields, so any may be left out, but a session without `sessionId` cannot be keyed by a client:
 * the ground truth calls it `unreadable`.
 */
function varySession(object: Obj, record: SessionRecord, v: Variance): string[] {
  const i = record.index;
  const applied: string[] = [];
  const session = object.session as Obj;
  const isVideo = record.kind === 'video';

  // No referrer, spelled otherwise: empty strings, or (video sessions, 2023-09) a null URL.
  if (record.audience.referrer.url === 'unknown' && v.draw(ASPECT.session, i, 40) < 0.5) {
    const empty = isVideo && v.draw(ASPECT.session, i, 41) < 0.5;
    object.referrer = empty
      ? { url: null, medium: '', source: '', searchTerm: '' }
      : { url: '', medium: '', source: '', searchTerm: '' };
    applied.push(empty ? 'null:referrer.url' : 'empty-referrer');
  }
  if (!v.varies(ASPECT.session, i)) return applied;

  const changes: Array<() => string> = [
    () => {
      delete session.loadedAt;
      return 'absent:session.loadedAt';
    },
    () => {
      const part = v.pick(OPTIONAL_PARTS, ASPECT.session, i, 2);
      delete object[part];
      return `absent:${part}`;
    },
    () => {
      const [part, leaf] = v.pick(OPTIONAL_LEAVES, ASPECT.session, i, 3);
      const holder = object[part] as Obj | undefined;
      if (!holder || !(leaf in holder)) return 'unchanged';
      delete holder[leaf];
      return `absent:${part}.${leaf}`;
    },
    () => {
      Object.assign(object, EXTRA_FIELDS);
      session.futureField = EXTRA_FIELDS.futureField;
      return 'extra-fields';
    },
  ];
  if (isVideo) {
    changes.push(
      () => {
        const location = object.location as Obj | undefined;
        if (!location) return 'unchanged';
        location.city = null;
        return 'null:location.city';
      },
      () => {
        // 2023-09 gives video sessions the metadata the player was given.
        session.metadata = [{ key: 'campaign', value: `c${v.bits(ASPECT.session, i, 5) % 7}` }];
        return 'session.metadata';
      },
    );
  }
  const first = v.bits(ASPECT.session, i, 1) % changes.length;
  applied.push(changes[first]!());
  if (v.draw(ASPECT.session, i, 6) < 0.4) {
    const second = v.bits(ASPECT.session, i, 7) % changes.length;
    if (second !== first) applied.push(changes[second]!());
  }
  if (v.draw(ASPECT.session, i, 8) < 0.05) {
    delete session.sessionId;
    applied.push('unreadable');
  }
  return applied.filter((a) => a !== 'unchanged');
}

/** Whether the session's events route answers 404 (variance: a session gone). */
export function eventsGone(record: SessionRecord, variance: Variance, longIndex: number): boolean {
  return (
    variance.enabled &&
    record.index !== longIndex &&
    variance.draw(ASPECT.goneEvents, record.index) < variance.goneEventsRate
  );
}

/** How many of the session's events have been emitted by `nowMs` (times never go back). */
export function visibleEventCount(record: SessionRecord, nowMs: number): number {
  const events = record.events;
  const n = events.length;
  if (n === 0 || events.at(n - 1)!.t <= nowMs) return n;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events.at(mid)!.t <= nowMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events emitted by `nowMs`, one at a time (the long session is never held whole). */
export function* visibleEvents(record: SessionRecord, nowMs: number): Generator<PlayerEvent> {
  const end = visibleEventCount(record, nowMs);
  for (let i = 0; i < end; i++) yield record.events.at(i)!;
}

export function eventObject(
  record: SessionRecord,
  event: PlayerEvent,
  seq: number,
  variance: Variance,
): Obj {
  // 2024-11 spells event times `+00:00`, 2023-09 `.000Z`; under variance some come as 2021-03's
  // `+00` instead.
  const varied = variance.enabled && variance.draw(ASPECT.event, record.index, seq) < 0.1;
  const stamp = varied ? shortOffset : record.zuluEvents ? zulu : atom;
  const emittedAt = stamp(event.t);
  const object: Obj =
    event.at === undefined
      ? { type: event.type, emittedAt, from: event.from, to: event.to }
      : { type: event.type, emittedAt, at: event.at };
  if (varied && variance.draw(ASPECT.event, record.index, seq + 0x40000000) < 0.5) {
    Object.assign(object, EXTRA_FIELDS);
  }
  return object;
}

export function eventObjects(
  record: SessionRecord,
  nowMs: number,
  variance: Variance,
  from = 0,
  to = Infinity,
): Obj[] {
  const end = Math.min(to, visibleEventCount(record, nowMs));
  const out = [];
  for (let i = from; i < end; i++) out.push(eventObject(record, record.events.at(i)!, i, variance));
  return out;
}
