/**
 * Whether and when to try a request again, as a pure function of what happened.
 *
 * - 2xx/3xx: done.
 * - 401 on an authenticated call: renew the token, then retry at once (a few times at most).
 * - 429: wait `X-RateLimit-Retry-After` (plus jitter so waiting requests do not stampede).
 * - 5xx, timeouts, dropped connections: exponential backoff with full jitter.
 * - an unreachable host: a couple of quick retries (a server restarting), then give up.
 * - any other 4xx: our request is wrong; retrying cannot help.
 */
import type { Outcome, ResponseHeaders } from './transport.js';

export interface RetryPolicy {
  /** Attempts in all, the first included, for 5xx/timeouts/drops. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s are the server pacing us, not failing: they get their own, larger budget. */
  maxRateLimitedAttempts: number;
  maxUnreachableAttempts: number;
  maxAuthRenewals: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRateLimitedAttempts: 30,
  maxUnreachableAttempts: 3,
  // Renewals are bounded in time by the credentials (a window shared by every request); this
  // only stops a request that never gets through from looping for ever.
  maxAuthRenewals: 100,
};

export interface AttemptCounts {
  failures: number;
  rateLimited: number;
  unreachable: number;
  authRenewals: number;
}

export type Decision =
  | { action: 'done' }
  | { action: 'renew-auth' }
  | { action: 'retry'; delayMs: number; reason: string }
  | { action: 'give-up'; reason: string };

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'response':
      return `HTTP ${outcome.status}`;
    case 'timeout':
      return 'timed out';
    case 'dropped':
      return `connection dropped (${outcome.code})`;
    case 'unreachable':
      return `unreachable (${outcome.code})`;
  }
}

/** Seconds from `X-RateLimit-Retry-After`, if present and sane. */
export function retryAfterMs(headers: ResponseHeaders): number | undefined {
  const value = headers.get('x-ratelimit-retry-after') ?? headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function backoffMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(random() * ceiling);
}

export function decide(
  outcome: Outcome,
  counts: AttemptCounts,
  policy: RetryPolicy,
  options: { authenticated: boolean; random: () => number },
): Decision {
  const reason = describeOutcome(outcome);
  if (outcome.kind === 'response') {
    const { status } = outcome;
    if (status < 400) return { action: 'done' };
    if (status === 401 && options.authenticated) {
      return counts.authRenewals < policy.maxAuthRenewals
        ? { action: 'renew-auth' }
        : { action: 'give-up', reason };
    }
    if (status === 429) {
      if (counts.rateLimited >= policy.maxRateLimitedAttempts) return { action: 'give-up', reason };
      const wait =
        retryAfterMs(outcome.headers) ?? backoffMs(counts.rateLimited + 1, policy, options.random);
      return { action: 'retry', delayMs: wait + Math.round(options.random() * 250), reason };
    }
    if (status >= 500) {
      if (counts.failures >= policy.maxAttempts - 1) return { action: 'give-up', reason };
      return {
        action: 'retry',
        delayMs: backoffMs(counts.failures + 1, policy, options.random),
        reason,
      };
    }
    return { action: 'done' }; // other 4xx: the caller turns it into the right error
  }
  if (outcome.kind === 'unreachable') {
    if (counts.unreachable >= policy.maxUnreachableAttempts - 1)
      return { action: 'give-up', reason };
    return {
      action: 'retry',
      delayMs: backoffMs(counts.unreachable + 1, policy, options.random),
      reason,
    };
  }
  if (counts.failures >= policy.maxAttempts - 1) return { action: 'give-up', reason };
  return {
    action: 'retry',
    delayMs: backoffMs(counts.failures + 1, policy, options.random),
    reason,
  };
}

/** Which counter an outcome charges. */
export function countAttempt(outcome: Outcome, counts: AttemptCounts): void {
  if (outcome.kind === 'unreachable') counts.unreachable++;
  else if (outcome.kind === 'response' && outcome.status === 429) counts.rateLimited++;
  else if (outcome.kind === 'response' && outcome.status === 401) counts.authRenewals++;
  else if (outcome.kind !== 'response' || outcome.status >= 500) counts.failures++;
}
