/**
 * What the raw-statistics endpoints show of a session at a given moment: the session object of
 * `GET /analytics/videos/{id}` (no `endedAt` while it is open) and the events of
 * `GET /analytics/sessions/{id}/events` (only those already emitted).
 */
import type { PlayerEvent, SessionRecord } from './sessions.js';
import { atom, shortOffset, zulu } from './timestamps.js';

export function isOpen(record: SessionRecord, nowMs: number): boolean {
  return record.endedAtMs > nowMs;
}

export function sessionObject(record: SessionRecord, nowMs: number): Record<string, unknown> {
  // 2023-09 spells session times `…109Z`, 2021-03 `…109+00`; sessions use one or the other.
  const stamp = record.zuluSession ? zulu : shortOffset;
  const { device, os, client, referrer } = record.audience;
  return {
    session: {
      sessionId: record.id,
      loadedAt: stamp(record.loadedAtMs),
      ...(isOpen(record, nowMs) ? {} : { endedAt: stamp(record.endedAtMs) }),
    },
    location: { country: record.country.name, city: record.city },
    referrer: { ...referrer },
    device: { ...device },
    os: { ...os },
    client: { ...client },
  };
}

/** How many of the session's events have been emitted by `nowMs`. */
export function visibleEventCount(record: SessionRecord, nowMs: number): number {
  const events = record.events;
  if (events.length === 0 || events[events.length - 1]!.t <= nowMs) return events.length;
  let n = 0;
  while (n < events.length && events[n]!.t <= nowMs) n++;
  return n;
}

export function visibleEvents(record: SessionRecord, nowMs: number): PlayerEvent[] {
  return record.events.slice(0, visibleEventCount(record, nowMs));
}

export function eventObject(record: SessionRecord, event: PlayerEvent): Record<string, unknown> {
  // 2024-11 spells event times `+00:00`, 2023-09 `.000Z`.
  const emittedAt = record.zuluEvents ? zulu(event.t) : atom(event.t);
  return event.at === undefined
    ? { type: event.type, emittedAt, from: event.from, to: event.to }
    : { type: event.type, emittedAt, at: event.at };
}

export function eventObjects(
  record: SessionRecord,
  nowMs: number,
  from = 0,
  to = Infinity,
): Record<string, unknown>[] {
  const end = Math.min(to, visibleEventCount(record, nowMs));
  const out = [];
  for (let i = from; i < end; i++) out.push(eventObject(record, record.events[i]!));
  return out;
}
