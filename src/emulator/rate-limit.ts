/**
 * A fixed-window limit on requests, counted in real time (a frozen emulator clock does not stop a
 * client from hammering it), with the `X-RateLimit-*` headers api.video sends on every response.
 */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class FixedWindowLimit {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(nowMs = Date.now()): RateDecision {
    const start = Math.floor(nowMs / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    const allowed = this.used < this.limit;
    if (allowed) this.used++;
    return { allowed, headers: this.headers(nowMs) };
  }

  headers(nowMs = Date.now()): Record<string, string> {
    const resetIn = this.windowStart + this.windowMs - nowMs;
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-retry-after': String(Math.max(0, Math.ceil(resetIn / 1000))),
    };
  }
}
