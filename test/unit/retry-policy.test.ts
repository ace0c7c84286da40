import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  countAttempt,
  decide,
  DEFAULT_RETRY_POLICY,
  type AttemptCounts,
} from '../../src/api/retry-policy.js';
import type { Outcome } from '../../src/api/transport.js';

const response = (status: number, headers: Record<string, string> = {}): Outcome => ({
  kind: 'response',
  status,
  headers: new Headers(headers),
  text: '{}',
});
const fresh = (): AttemptCounts => ({
  failures: 0,
  rateLimited: 0,
  unreachable: 0,
  authRenewals: 0,
});
const opts = { authenticated: true, random: () => 0.5 };

describe('retry policy', () => {
  it('is done on success and on client errors it cannot fix', () => {
    for (const status of [200, 204, 400, 403, 404, 422]) {
      expect(decide(response(status), fresh(), DEFAULT_RETRY_POLICY, opts).action).toBe('done');
    }
  });

  it('renews credentials on 401, a bounded number of times', () => {
    expect(decide(response(401), fresh(), DEFAULT_RETRY_POLICY, opts)).toEqual({
      action: 'renew-auth',
    });
    const counts = { ...fresh(), authRenewals: DEFAULT_RETRY_POLICY.maxAuthRenewals };
    expect(decide(response(401), counts, DEFAULT_RETRY_POLICY, opts).action).toBe('give-up');
    expect(
      decide(response(401), fresh(), DEFAULT_RETRY_POLICY, { ...opts, authenticated: false })
        .action,
    ).toBe('done');
  });

  it('waits out X-RateLimit-Retry-After on 429, plus at most 250 ms of jitter', () => {
    const d = decide(
      response(429, { 'x-ratelimit-retry-after': '7' }),
      fresh(),
      DEFAULT_RETRY_POLICY,
      opts,
    );
    expect(d).toMatchObject({ action: 'retry' });
    expect((d as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(7000);
    expect((d as { delayMs: number }).delayMs).toBeLessThanOrEqual(7250);
  });

  it.each<[string, Outcome]>([
    ['500', response(500)],
    ['503', response(503)],
    ['timeout', { kind: 'timeout' }],
    ['dropped connection', { kind: 'dropped', code: 'ECONNRESET', error: null }],
  ])('retries %s with exponential backoff, then gives up', (_, outcome) => {
    const counts = fresh();
    const delays: number[] = [];
    for (;;) {
      const d = decide(outcome, counts, DEFAULT_RETRY_POLICY, { ...opts, random: () => 1 });
      countAttempt(outcome, counts);
      if (d.action !== 'retry') {
        expect(d.action).toBe('give-up');
        break;
      }
      delays.push(d.delayMs);
    }
    expect(delays).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1);
    expect(delays.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  it('gives up quickly on an unreachable host', () => {
    const outcome: Outcome = { kind: 'unreachable', code: 'ECONNREFUSED', error: null };
    const counts = fresh();
    let retries = 0;
    while (decide(outcome, counts, DEFAULT_RETRY_POLICY, opts).action === 'retry') {
      countAttempt(outcome, counts);
      retries++;
    }
    expect(retries).toBe(DEFAULT_RETRY_POLICY.maxUnreachableAttempts - 1);
  });

  it('uses full jitter: the delay is anywhere from 0 to the ceiling', () => {
    expect(backoffMs(3, DEFAULT_RETRY_POLICY, () => 0)).toBe(0);
    expect(backoffMs(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(500);
    expect(backoffMs(30, DEFAULT_RETRY_POLICY, () => 1)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  it('charges 429s to their own budget, not to failures', () => {
    const counts = fresh();
    countAttempt(response(429), counts);
    countAttempt(response(502), counts);
    expect(counts).toEqual({ failures: 1, rateLimited: 1, unreachable: 0, authRenewals: 0 });
  });
});
