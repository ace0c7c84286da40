import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROBE_REQUESTS, RateLimitGate } from '../../src/api/rate-limit.js';

const headers = (limit: number, remaining: number, retryAfter: number) =>
  new Headers({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-retry-after': String(retryAfter),
  });

/** Resolves true if `promise` settles within the microtask queue. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('RateLimitGate', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('lets only a few requests through until the limit is known', async () => {
    const gate = new RateLimitGate();
    for (let i = 0; i < PROBE_REQUESTS; i++) await gate.acquire();
    const next = gate.acquire();
    expect(await settledNow(next)).toBe(false);
    gate.settle(headers(100, 99, 60));
    expect(await settledNow(next)).toBe(true);
  });

  it('counts requests in flight against what remains, then waits for the reset', async () => {
    const gate = new RateLimitGate();
    await gate.acquire();
    gate.settle(headers(10, 3, 5));
    await gate.acquire();
    await gate.acquire();
    await gate.acquire();
    const fourth = gate.acquire();
    expect(await settledNow(fourth)).toBe(false);
    // Answers within the same window only lower the count.
    gate.settle(headers(10, 2, 5));
    gate.settle(headers(10, 1, 5));
    gate.settle(headers(10, 0, 5));
    expect(await settledNow(fourth)).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(await settledNow(fourth)).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(await settledNow(fourth)).toBe(true);
    expect(gate.snapshot()).toMatchObject({ limit: 10, inFlight: 1 });
  });

  it('keeps the lowest remaining count when answers arrive out of order', () => {
    const gate = new RateLimitGate();
    void gate.acquire();
    gate.settle(headers(100, 50, 30));
    void gate.acquire();
    void gate.acquire();
    gate.settle(headers(100, 40, 30));
    gate.settle(headers(100, 45, 30));
    expect(gate.snapshot().remaining).toBe(40);
  });

  it('holds everything after a 429 until the reset it names', async () => {
    const gate = new RateLimitGate();
    await gate.acquire();
    gate.settle(headers(100, 0, 2));
    gate.exhausted(2000);
    const next = gate.acquire();
    expect(await settledNow(next)).toBe(false);
    await vi.advanceTimersByTimeAsync(2001);
    expect(await settledNow(next)).toBe(true);
  });

  it('lets requests flow freely when the API announces no limit', async () => {
    const gate = new RateLimitGate();
    await gate.acquire();
    gate.settle(new Headers());
    for (let i = 0; i < 100; i++) await gate.acquire();
    expect(gate.snapshot().inFlight).toBe(100);
  });
});
