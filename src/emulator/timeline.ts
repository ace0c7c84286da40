/**
 * When session i loads: a function of (seed, i) alone.
 *
 * Sessions arrive at a rate that follows the week: busier in each viewer region's evening and at
 * weekends. With Λ(t) the expected number of sessions since the history window opened, session i
 * loads at Λ⁻¹(i + uᵢ) for a seeded uᵢ in (0, 1): times increase with i, the first N sessions never
 * move when the clock does, new ones keep arriving at the same rate, and "how many sessions by t"
 * is Λ(t) give or take one, without looking at any session.
 */
import { ACTIVITY_BY_UTC_HOUR } from './geo.js';
import { hash32, lowerBound, STREAM, unitFloat } from './random.js';
import { DAY, HOUR } from './timestamps.js';
import { WEEK_ORIGIN } from './catalog.js';

const HOURS_PER_WEEK = 168;
const WEEKEND_BOOST = 1.2;

export class Timeline {
  /** Relative activity of each hour of the week (Monday 00:00 UTC first), averaging 1. */
  private readonly weights = new Float64Array(HOURS_PER_WEEK);
  /** cumulative[h]: activity of the week's hours before h. */
  private readonly cumulative = new Float64Array(HOURS_PER_WEEK + 1);
  private readonly weekTotal: number;
  private readonly origin: number;
  /** Sessions per unit of activity. */
  private readonly scale: number;

  constructor(
    private readonly seed: number,
    sessions: number,
    private readonly historyStartMs: number,
    anchorMs: number,
  ) {
    let sum = 0;
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const day = Math.floor(h / 24);
      const w = ACTIVITY_BY_UTC_HOUR[h % 24]! * (day >= 5 ? WEEKEND_BOOST : 1);
      this.weights[h] = w;
      sum += w;
    }
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      this.weights[h] = (this.weights[h]! * HOURS_PER_WEEK) / sum;
      this.cumulative[h + 1] = this.cumulative[h]! + this.weights[h]!;
    }
    this.weekTotal = this.cumulative[HOURS_PER_WEEK]!;
    this.origin = this.activity(historyStartMs);
    const span = this.activity(anchorMs) - this.origin;
    this.scale = span > 0 ? sessions / span : 0;
  }

  /** Load time of session i, in whole milliseconds. */
  loadedAt(i: number): number {
    if (this.scale === 0) return Number.POSITIVE_INFINITY;
    const u = unitFloat(hash32(this.seed, STREAM.sessionTime, i));
    return Math.floor(this.inverse((i + u) / this.scale + this.origin));
  }

  /** How many sessions have loaded at or before `ms`. */
  count(ms: number): number {
    if (this.scale === 0 || ms < this.historyStartMs) return 0;
    let k = Math.max(0, Math.floor((this.activity(ms + 1) - this.origin) * this.scale) - 1);
    while (this.loadedAt(k) <= ms) k++;
    while (k > 0 && this.loadedAt(k - 1) > ms) k--;
    return k;
  }

  /** Index of the first session loading at or after `ms`. */
  firstAtOrAfter(ms: number): number {
    return this.count(ms - 1);
  }

  /** Cumulative activity from the week origin to `ms`. */
  private activity(ms: number): number {
    const x = (ms - WEEK_ORIGIN) / HOUR;
    const weeks = Math.floor(x / HOURS_PER_WEEK);
    const r = x - weeks * HOURS_PER_WEEK;
    const h = Math.min(HOURS_PER_WEEK - 1, Math.floor(r));
    return weeks * this.weekTotal + this.cumulative[h]! + (r - h) * this.weights[h]!;
  }

  private inverse(activity: number): number {
    const weeks = Math.floor(activity / this.weekTotal);
    const rem = activity - weeks * this.weekTotal;
    const h = Math.min(
      HOURS_PER_WEEK - 1,
      lowerBound(this.cumulative, rem, HOURS_PER_WEEK + 1) - 1,
    );
    const x = weeks * HOURS_PER_WEEK + h + (rem - this.cumulative[h]!) / this.weights[h]!;
    return WEEK_ORIGIN + x * HOUR;
  }
}

/** Whole UTC days, for callers that bucket by day. */
export const dayStart = (ms: number): number => Math.floor(ms / DAY) * DAY;
