/**
 * Paces requests by the `X-RateLimit-*` headers so that 429s stay rare.
 *
 * api.video counts requests per window and tells, on every response, the limit, what remains,
 * and the seconds to the window's reset. The gate spends the window's budget as fast as the
 * caller wants (a short sync should not be slowed to a trickle), counting requests in flight
 * against it, and holds further requests until the reset once it is spent.
 *
 * Until the first response tells the limit, only a few requests are let through: a burst into an
 * unknown, small limit would be answered with 429s, while a handful costs nothing even then.
 */
import type { ResponseHeaders } from './transport.js';

export interface RateLimitState {
  limit: number | undefined;
  remaining: number | undefined;
  /** When the current window resets, on our clock. */
  resetAt: number | undefined;
  inFlight: number;
}

/** Requests in flight before any response has told the limit. */
export const PROBE_REQUESTS = 16;
/** Responses whose reset times lie this close together belong to the same window. */
const SAME_WINDOW_MS = 1500;
/** The headers count per minute; without a reset time, assume a whole window must pass. */
const DEFAULT_WINDOW_MS = 60_000;

export class RateLimitGate {
  private state: RateLimitState = {
    limit: undefined,
    remaining: undefined,
    resetAt: undefined,
    inFlight: 0,
  };
  private waiters: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  snapshot(): Readonly<RateLimitState> {
    return { ...this.state };
  }

  /** Resolves when a request may be sent; the caller must later call `settle`. */
  async acquire(): Promise<void> {
    while (!this.tryTake()) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.armTimer();
      });
    }
  }

  /** Records a finished request and what its response said about the window. */
  settle(headers: ResponseHeaders | undefined): void {
    this.state.inFlight--;
    if (headers) this.observe(headers);
    this.wake();
  }

  /** A 429: nothing remains until the reset it names. */
  exhausted(retryAfterMs: number): void {
    this.state.remaining = 0;
    this.state.resetAt = Date.now() + retryAfterMs;
    this.armTimer();
  }

  private tryTake(): boolean {
    const s = this.state;
    const now = Date.now();
    if (s.resetAt !== undefined && now >= s.resetAt) {
      // A new window: its budget is the full limit until a response says otherwise.
      s.remaining = s.limit;
      s.resetAt = undefined;
    }
    if (s.limit === undefined) {
      if (s.inFlight >= PROBE_REQUESTS) return false;
    } else if (s.remaining !== undefined && s.remaining - s.inFlight <= 0) {
      return false;
    }
    s.inFlight++;
    return true;
  }

  private observe(headers: ResponseHeaders): void {
    const limit = numberHeader(headers, 'x-ratelimit-limit');
    const remaining = numberHeader(headers, 'x-ratelimit-remaining');
    const retryAfter = numberHeader(headers, 'x-ratelimit-retry-after');
    if (limit === undefined || remaining === undefined) {
      // No rate limiting announced: let requests flow freely.
      if (this.state.limit === undefined) this.state.limit = Number.POSITIVE_INFINITY;
      return;
    }
    const s = this.state;
    s.limit = limit;
    const resetAt = Date.now() + (retryAfter === undefined ? DEFAULT_WINDOW_MS : retryAfter * 1000);
    if (s.resetAt === undefined || resetAt > s.resetAt + SAME_WINDOW_MS) {
      // The first word on this window (or a newer window): take it as it is.
      s.remaining = remaining;
      s.resetAt = resetAt;
    } else if (resetAt >= s.resetAt - SAME_WINDOW_MS) {
      // Responses of one window can arrive out of order: the lowest count is the true one.
      s.remaining = Math.min(s.remaining ?? remaining, remaining);
    }
    // else: a late response from a window that has already reset; it says nothing about this one.
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private armTimer(): void {
    if (this.timer || this.state.resetAt === undefined || this.waiters.length === 0) return;
    const delay = Math.max(0, this.state.resetAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, delay);
    this.timer.unref?.();
  }
}

function numberHeader(headers: ResponseHeaders, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
