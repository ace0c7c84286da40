/**
 * The events of the one very long session `longSession` asks for (issue 11: a client must stream a
 * session of 500,000 events, never hold it whole). Event i is computed from i alone, so a page is
 * cut without generating the events before it and the emulator holds none of them.
 *
 * The viewer plays, then loops: pause, resume, a seek back and a seek ahead, over and over, the
 * events spread evenly over seven hours (so several share a second), a little content further on
 * each loop. Times never go back; the session ends before a session's longest life.
 */
import type { EventSeq, PlayerEvent } from './sessions.js';
import { HOUR, SECOND } from './timestamps.js';

const SPAN_MS = 7 * HOUR;
/** Loops before the position starts over, so positions stay those of a long talk. */
const LOOPS_PER_PASS = 3000;

export class LongEvents implements EventSeq {
  readonly endMs: number;

  constructor(
    private readonly startMs: number,
    readonly length: number,
    latestEndMs: number,
  ) {
    this.endMs = Math.min(latestEndMs, this.timeOf(length - 1) + 5 * SECOND);
  }

  at(index: number): PlayerEvent | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const t = this.timeOf(index);
    if (index === 0) return { type: 'ready', t, at: 0 };
    if (index === 1) return { type: 'play', t, at: 0 };
    const loop = Math.floor((index - 2) / 4);
    const p = (loop % LOOPS_PER_PASS) + 1;
    switch ((index - 2) % 4) {
      case 0:
        return { type: 'pause', t, at: p };
      case 1:
        return { type: 'resume', t, at: p };
      case 2:
        return { type: 'seek.backward', t, from: p, to: p - 1 };
      default:
        return { type: 'seek.forward', t, from: p - 1, to: p };
    }
  }

  private timeOf(index: number): number {
    const spread = this.length > 1 ? (index * SPAN_MS) / (this.length - 1) : 0;
    return this.startMs + Math.floor(spread / SECOND) * SECOND;
  }
}
