/**
 * All-time totals (every event, every play per asset) without regenerating every session on each
 * question: sessions loaded more than a session's longest life ago have ended and never change,
 * so their totals are added up once; only the recent tail is recounted.
 */
import { visibleEventCount } from './session-objects.js';
import { MAX_SESSION_MS, type SessionRecord } from './sessions.js';
import type { World } from './world.js';

export interface LifetimeTotals {
  events: number;
  /** Plays per asset: videos first, then live streams (offset by the number of videos). */
  plays: Float64Array;
}

export class Lifetime {
  private settled = 0;
  private settledEvents = 0;
  private readonly settledPlays: Float64Array;

  constructor(private readonly world: World) {
    this.settledPlays = new Float64Array(
      world.catalog.videos.length + world.catalog.liveStreams.length,
    );
  }

  totals(nowMs: number): LifetimeTotals {
    const { sessions } = this.world;
    const target = sessions.count(nowMs - MAX_SESSION_MS);
    if (target < this.settled) this.reset();
    for (; this.settled < target; this.settled++) {
      this.settledEvents += this.add(
        sessions.peek(this.settled),
        Number.POSITIVE_INFINITY,
        this.settledPlays,
      );
    }
    const plays = Float64Array.from(this.settledPlays);
    let events = this.settledEvents;
    const count = sessions.count(nowMs);
    for (let i = this.settled; i < count; i++) events += this.add(sessions.get(i), nowMs, plays);
    return { events, plays };
  }

  /** Adds a session's plays at `nowMs` to `plays`; returns its visible event count. */
  private add(record: SessionRecord, nowMs: number, plays: Float64Array): number {
    const visible = visibleEventCount(record, nowMs);
    const slot =
      record.kind === 'video'
        ? record.assetIndex
        : this.world.catalog.videos.length + record.assetIndex;
    for (let e = 0; e < visible; e++) if (record.events.at(e)!.type === 'play') plays[slot]!++;
    return visible;
  }

  private reset(): void {
    this.settled = 0;
    this.settledEvents = 0;
    this.settledPlays.fill(0);
  }
}
