/**
 * In-memory guards of the collector, keyed by client address and forgotten as soon as they can be:
 * nothing here is ever written anywhere.
 */
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client IP: `rate` pings a second, bursts of `burst`. A bucket that has
 * filled up again says nothing any more and is dropped by `sweep`, with the IP it was kept under.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    /** Addresses tracked at most: past it the longest idle are forgotten (a flood of addresses). */
    private readonly max = 100_000,
  ) {}

  get enabled(): boolean {
    return this.rate > 0;
  }

  /** 0 when the ping may go, else the seconds to wait. */
  take(ip: string, now: number): number {
    if (!this.enabled) return 0;
    let bucket = this.buckets.get(ip);
    if (bucket) {
      // Most recently used last: the first entries are the longest idle.
      this.buckets.delete(ip);
    } else {
      bucket = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.max) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(ip, bucket);
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.rate);
  }

  sweep(now: number): void {
    const full = (this.burst / this.rate) * 1000;
    for (const [ip, bucket] of this.buckets) {
      if (now - bucket.at < full) break; // the rest were used more recently
      this.buckets.delete(ip);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
