/**
 * Model: what one session's events add up to — master's figures and the positions it watched.
 *
 * The rule of docs/data-contract.md, walked event by event in `seq` order: `play` and `resume` start a playing
 * stretch at `at`; while playing, a `seek.*` ends the stretch at `from` and starts a new one at
 * `to`; `pause` and `end` end it at `at`; `ready` ends any stretch without counting it. An ended
 * stretch adds min(max(0, Δposition), max(0, Δseconds)); a stretch still open after the last event
 * adds nothing; unknown types only count in `event_count`. A `play` or `resume` while playing
 * restarts the stretch where it is: the one it interrupts was ended by no rule, so it adds nothing.
 *
 * The walk is a fold with O(1) state besides the watched spans, so a session's events are fed page
 * by page as they arrive and never held whole (a session may have hundreds of thousands). It runs
 * in the pipeline, not as SQL, so every destination stores the same figures.
 *
 * `watch_spans` keeps where each session watched: each counted stretch as [start, start + the
 * seconds it counted], merged where they overlap or touch, so a rewatch counts once per session —
 * what audience retention is drawn from.
 */
import type { Row } from './schema.js';

export interface FigureEvent {
  /** Null when the API sent none: the event counts, and changes nothing else. */
  type: string | null;
  /** Microseconds since the epoch; null when unknown (a stretch it ends cannot be counted). */
  emittedAt: bigint | null;
  at: number | null;
  from: number | null;
  to: number | null;
}

export interface SessionFigureRows {
  /** One `session_stats` row. */
  stats: Row;
  /** The session's `watch_spans` rows, ordered by position. */
  spans: Row[];
}

export class SessionFigures {
  private eventCount = 0;
  private playCount = 0;
  private pauseCount = 0;
  private resumeCount = 0;
  private seekCount = 0;
  private ended = false;
  private watchSeconds = 0;
  private maxPosition: number | null = null;
  /** The open stretch: where and when it started (position null: it cannot be counted). */
  private stretchPosition: number | null = null;
  private stretchAt: bigint | null = null;
  private playing = false;
  /** Counted stretches as [start, end) pairs, flat. */
  private spans: number[] = [];

  constructor(readonly sessionId: string) {}

  add(event: FigureEvent): void {
    this.eventCount++;
    this.position(event.at);
    this.position(event.from);
    this.position(event.to);
    const type = event.type ?? '';
    if (type === 'play' || type === 'resume') {
      if (type === 'play') this.playCount++;
      else this.resumeCount++;
      this.start(event.at, event.emittedAt);
    } else if (type.startsWith('seek.')) {
      this.seekCount++;
      if (this.playing) {
        this.close(event.from, event.emittedAt);
        this.start(event.to, event.emittedAt);
      }
    } else if (type === 'pause' || type === 'end') {
      if (type === 'pause') this.pauseCount++;
      else this.ended = true;
      this.close(event.at, event.emittedAt);
    } else if (type === 'ready') {
      this.playing = false;
    }
  }

  rows(): SessionFigureRows {
    return {
      stats: {
        session_id: this.sessionId,
        event_count: this.eventCount,
        play_count: this.playCount,
        pause_count: this.pauseCount,
        resume_count: this.resumeCount,
        seek_count: this.seekCount,
        ended: this.ended,
        watch_seconds: this.watchSeconds,
        max_position: this.maxPosition,
      },
      spans: mergeSpans(this.spans).map(([start, end]) => ({
        session_id: this.sessionId,
        start_position: start,
        end_position: end,
      })),
    };
  }

  private position(p: number | null): void {
    if (p !== null && (this.maxPosition === null || p > this.maxPosition)) this.maxPosition = p;
  }

  private start(position: number | null, at: bigint | null): void {
    this.playing = true;
    this.stretchPosition = position;
    this.stretchAt = at;
  }

  private close(position: number | null, at: bigint | null): void {
    if (
      this.playing &&
      this.stretchPosition !== null &&
      position !== null &&
      this.stretchAt !== null &&
      at !== null
    ) {
      const played = Math.max(0, position - this.stretchPosition);
      const elapsed = Math.max(0, Number(at - this.stretchAt) / 1e6);
      const counted = Math.min(played, elapsed);
      this.watchSeconds += counted;
      if (counted > 0) this.spans.push(this.stretchPosition, this.stretchPosition + counted);
    }
    this.playing = false;
  }
}

/** [start, end] pairs (flat) → sorted, disjoint spans; spans that overlap or touch become one. */
export function mergeSpans(flat: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of pairs) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
