/**
 * In-memory guards of the collector, keyed by client address and forgotten as soon as they can be:
 * nothing here is ever written anywhere.
 */
import { createHash, randomBytes } from 'node:crypto';

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
  ) {}

  get enabled(): boolean {
    return this.rate > 0;
  }

  /** 0 when the ping may go, else the seconds to wait. */
  take(ip: string, now: number): number {
    if (!this.enabled) return 0;
    let bucket = this.buckets.get(ip);
    if (!bucket) this.buckets.set(ip, (bucket = { tokens: this.burst, at: now }));
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
    for (const [ip, bucket] of this.buckets) if (now - bucket.at >= full) this.buckets.delete(ip);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The module asks for a session id with its first ping, and may send a second one (a pause right
 * after the start) before the answer is back: both carry no session id. Pings of the same page
 * load — same load time, asset, referrer, User-Agent and address — within a minute get the same
 * session. They are told apart by a keyed hash (the key never leaves this process), kept a minute.
 */
export class Births {
  private readonly key = randomBytes(32);
  private readonly sessions = new Map<string, { sid: string; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 200_000,
  ) {}

  sessionFor(parts: readonly string[], now: number, mint: () => string): string {
    const hash = createHash('sha256').update(this.key);
    for (const part of parts) hash.update(part).update('\0');
    const key = hash.digest('base64url');
    const known = this.sessions.get(key);
    if (known && known.until > now) return known.sid;
    const sid = mint();
    this.sessions.delete(key);
    this.sessions.set(key, { sid, until: now + this.ttlMs });
    if (this.sessions.size > this.max) this.sessions.delete(this.sessions.keys().next().value!);
    return sid;
  }

  sweep(now: number): void {
    // Insertion order is expiry order: stop at the first one still valid.
    for (const [key, entry] of this.sessions) {
      if (entry.until > now) break;
      this.sessions.delete(key);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}
