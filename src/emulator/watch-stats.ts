/**
 * The reference implementation of the per-session engagement rule (docs/data-contract.md), used as ground truth.
 *
 * The warehouse computes the same figures in SQL (src/warehouse/model.ts); tests hold the two
 * against each other, so this file is written for obviousness, not speed.
 *
 * Walking the events in order: `play` and `resume` start a playing stretch at `at`; while playing,
 * a `seek.*` ends the stretch at `from` and starts a new one at `to`; `pause` and `end` end it at
 * `at`; `ready` ends any stretch without counting it. An ended stretch adds
 * min(max(0, end position − start position), max(0, seconds between the two events)). A stretch
 * still open after the last event adds nothing; unknown types only count in `eventCount`.
 * A `play` or `resume` while already playing restarts the stretch at its position: the stretch it
 * interrupts was not ended by any rule above, so it adds nothing.
 */
import { visibleEvents } from './session-objects.js';
import type { SessionRecord } from './sessions.js';

export interface WatchEvent {
  type: string;
  /** Milliseconds since the epoch. */
  emittedAtMs: number;
  at?: number | null | undefined;
  from?: number | null | undefined;
  to?: number | null | undefined;
}

export interface WatchStats {
  eventCount: number;
  playCount: number;
  pauseCount: number;
  resumeCount: number;
  seekCount: number;
  ended: boolean;
  watchSeconds: number;
  /** Largest position any event names; null when no event names one. */
  maxPosition: number | null;
}

export function watchStats(events: Iterable<WatchEvent>): WatchStats {
  const stats: WatchStats = {
    eventCount: 0,
    playCount: 0,
    pauseCount: 0,
    resumeCount: 0,
    seekCount: 0,
    ended: false,
    watchSeconds: 0,
    maxPosition: null,
  };
  let stretch: { position: number | null; atMs: number } | null = null;

  const close = (position: number | null | undefined, atMs: number) => {
    if (stretch && stretch.position != null && position != null) {
      const played = Math.max(0, position - stretch.position);
      const elapsed = Math.max(0, (atMs - stretch.atMs) / 1000);
      stats.watchSeconds += Math.min(played, elapsed);
    }
    stretch = null;
  };

  for (const event of events) {
    stats.eventCount++;
    for (const p of [event.at, event.from, event.to]) {
      if (p != null && (stats.maxPosition === null || p > stats.maxPosition)) stats.maxPosition = p;
    }
    const type = event.type;
    if (type === 'play' || type === 'resume') {
      if (type === 'play') stats.playCount++;
      else stats.resumeCount++;
      stretch = { position: event.at ?? null, atMs: event.emittedAtMs };
    } else if (type.startsWith('seek.')) {
      stats.seekCount++;
      if (stretch) {
        close(event.from, event.emittedAtMs);
        stretch = { position: event.to ?? null, atMs: event.emittedAtMs };
      }
    } else if (type === 'pause' || type === 'end') {
      if (type === 'pause') stats.pauseCount++;
      else stats.ended = true;
      close(event.at, event.emittedAtMs);
    } else if (type === 'ready') {
      stretch = null;
    }
  }
  return stats;
}

/** A session's events as emitted by `nowMs`, in the form watchStats reads, one at a time. */
export function* watchEvents(record: SessionRecord, nowMs: number): Generator<WatchEvent> {
  for (const e of visibleEvents(record, nowMs)) yield { ...e, emittedAtMs: e.t };
}
