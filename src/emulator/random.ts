/**
 * Seeded randomness that can be entered anywhere: item i of any stream is derived from
 * (seed, stream, i) alone, so session 999,999 is generated without generating the ones before it,
 * and the first N items never change when more are asked for.
 */

/** A strong 32-bit finaliser (lowbias32): every input bit affects every output bit. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a few integers (each taken modulo 2^32 after splitting off the high part) into 32 bits. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = mix32((a >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ (b >>> 0) ^ Math.floor(b / 4294967296));
  h = mix32(h ^ (c >>> 0) ^ Math.imul(Math.floor(c / 4294967296), 0x85ebca6b));
  return mix32(h ^ (d >>> 0));
}

/** FNV-1a of a string, so streams can be named instead of numbered. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

/** A float in the open interval (0, 1): never exactly 0, so `i + u` stays strictly between integers. */
export function unitFloat(h: number): number {
  return ((h >>> 0) + 0.5) / 4294967296;
}

/** sfc32: small, fast, and good enough for synthetic data; seeded from a hash. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = mix32(seed ^ 0x243f6a88);
    this.b = mix32(seed ^ 0x85a308d3);
    this.c = mix32(seed ^ 0x13198a2e);
    for (let i = 0; i < 8; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal with the given median and log-space spread. */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  /** Geometric count of successes before the first failure, with mean `mean`. */
  geometric(mean: number): number {
    const p = 1 / (1 + mean);
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
}

/** A random pick by weight, in O(log n). */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('a weighted table needs at least one entry');
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], i) => {
      total += Math.max(0, weight);
      this.cumulative[i] = total;
    });
  }

  get total(): number {
    return this.cumulative[this.cumulative.length - 1]!;
  }

  /** The item at fraction `u` ∈ [0, 1) of the cumulative weight. */
  at(u: number): T {
    return this.items[lowerBound(this.cumulative, u * this.total, this.cumulative.length)]!;
  }

  pick(rng: Rng): T {
    return this.at(rng.next());
  }
}

/** First index in cumulative[0..length) whose value exceeds `target`. */
export function lowerBound(cumulative: ArrayLike<number>, target: number, length: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Named streams: each kind of generated thing draws from its own sequence. */
export const STREAM = {
  apiKey: hashString('api-key'),
  brand: hashString('brand'),
  video: hashString('video'),
  videoTime: hashString('video-time'),
  liveStream: hashString('live-stream'),
  liveTime: hashString('live-time'),
  broadcastWeek: hashString('broadcast-week'),
  player: hashString('player'),
  popularity: hashString('popularity'),
  sessionTime: hashString('session-time'),
  sessionAsset: hashString('session-asset'),
  session: hashString('session'),
  sessionId: hashString('session-id'),
  sessionKey: hashString('session-key'),
  fault: hashString('fault'),
  token: hashString('token'),
} as const;
