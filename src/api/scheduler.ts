/**
 * The one path every API request takes: a bounded number in flight, paced by the rate-limit gate,
 * retried by the retry policy, counted for the caller.
 *
 * A request waiting out a backoff or a 429 gives its slot back, so slow retries never hold up
 * the rest of a sync.
 */
import { RateLimitGate } from './rate-limit.js';
import {
  countAttempt,
  decide,
  DEFAULT_RETRY_POLICY,
  describeOutcome,
  retryAfterMs,
  type AttemptCounts,
  type RetryPolicy,
} from './retry-policy.js';
import { setMaxListeners } from 'node:events';
import { InterruptedError } from '../errors.js';
import type { HttpRequest, Outcome, Transport } from './transport.js';

export interface SchedulerStats {
  /** HTTP exchanges attempted, retries included. */
  requests: number;
  retries: number;
  /** Responses with status 429. */
  rateLimited: number;
  /** Exchanges that failed without a response (timeouts, drops). */
  networkFailures: number;
  serverErrors: number;
  /** Requests currently waiting for or holding a slot. */
  active: number;
}

export interface ScheduledRequest {
  /** Route template for messages and counters, e.g. `GET /analytics/sessions/{sessionId}/events`. */
  endpoint: string;
  build: () => Promise<HttpRequest> | HttpRequest;
  /** Requests under the rate limit (everything but /auth). */
  rateLimited: boolean;
  /** Called on a 401 with the request that got it; resolves once new credentials are in place. */
  renewAuth?: (rejected: HttpRequest) => Promise<void>;
  /**
   * 'background': waits behind every other request for a slot (the Analytics API snapshot, which
   * nothing waits for, yields to the catalog → sessions → events chain).
   */
  priority?: 'background';
}

export interface FinalOutcome {
  outcome: Outcome;
  /** Attempts made, this one included. */
  attempts: number;
  /** Set when the policy gave up: the outcome is the last failure. */
  gaveUp: boolean;
  reason: string;
}

export interface SchedulerOptions {
  concurrency?: number;
  policy?: Partial<RetryPolicy>;
  transport: Transport;
  random?: () => number;
  onRetry?: (endpoint: string, reason: string, delayMs: number) => void;
  /** Once aborted, no request is sent or retried again: each ends in an InterruptedError. */
  signal?: AbortSignal;
}

/** Slots for requests; a waiting request of the first rank gets a freed slot before the second. */
class Semaphore {
  private available: number;
  private readonly queues: [Array<() => void>, Array<() => void>] = [[], []];

  constructor(size: number) {
    this.available = size;
  }

  async acquire(rank: 0 | 1): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.queues[rank].push(resolve));
  }

  release(): void {
    const next = this.queues[0].shift() ?? this.queues[1].shift();
    if (next) next();
    else this.available++;
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class Scheduler {
  readonly stats: SchedulerStats = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    networkFailures: 0,
    serverErrors: 0,
    active: 0,
  };
  readonly gate = new RateLimitGate();
  private readonly slots: Semaphore;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.slots = new Semaphore(options.concurrency ?? 32);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.random = options.random ?? Math.random;
    // Every request waiting or in flight listens to it: hundreds at once, by design.
    if (options.signal) setMaxListeners(0, options.signal);
  }

  /** Runs a request to completion: a final response (any status) or the policy giving up. */
  async run(request: ScheduledRequest): Promise<FinalOutcome> {
    const counts: AttemptCounts = { failures: 0, rateLimited: 0, unreachable: 0, authRenewals: 0 };
    this.stats.active++;
    try {
      for (let attempts = 1; ; attempts++) {
        this.stopIfAborted();
        // An answer already on its way is waited for and used: stopping sends nothing new,
        // and loses nothing that was fetched.
        const { outcome, sent } = await this.attempt(request);
        const decision = decide(outcome, counts, this.policy, {
          authenticated: request.renewAuth !== undefined,
          random: this.random,
        });
        countAttempt(outcome, counts);
        switch (decision.action) {
          case 'done':
            return { outcome, attempts, gaveUp: false, reason: describeOutcome(outcome) };
          case 'give-up':
            return { outcome, attempts, gaveUp: true, reason: decision.reason };
          case 'renew-auth':
            await request.renewAuth!(sent);
            break;
          case 'retry':
            this.stats.retries++;
            this.options.onRetry?.(request.endpoint, decision.reason, decision.delayMs);
            await sleep(decision.delayMs, this.options.signal);
            this.stopIfAborted();
            break;
        }
      }
    } finally {
      this.stats.active--;
    }
  }

  private stopIfAborted(): void {
    if (this.options.signal?.aborted) throw new InterruptedError();
  }

  private async attempt(
    request: ScheduledRequest,
  ): Promise<{ outcome: Outcome; sent: HttpRequest }> {
    if (!request.rateLimited) {
      const sent = await request.build();
      return { outcome: await this.send(sent), sent };
    }
    await this.slots.acquire(request.priority === 'background' ? 1 : 0);
    try {
      await this.gate.acquire();
      // Waiting for a slot or the rate limit can take long: a stop meanwhile sends nothing.
      this.stopIfAborted();
      let outcome: Outcome | undefined;
      try {
        const sent = await request.build();
        outcome = await this.send(sent);
        return { outcome, sent };
      } finally {
        const headers = outcome?.kind === 'response' ? outcome.headers : undefined;
        this.gate.settle(headers);
        if (outcome?.kind === 'response' && outcome.status === 429) {
          this.gate.exhausted(retryAfterMs(outcome.headers) ?? 1000);
        }
      }
    } finally {
      this.slots.release();
    }
  }

  private async send(request: HttpRequest): Promise<Outcome> {
    this.stats.requests++;
    const outcome = await this.options.transport(request);
    if (outcome.kind === 'response') {
      if (outcome.status === 429) this.stats.rateLimited++;
      else if (outcome.status >= 500) this.stats.serverErrors++;
    } else {
      this.stats.networkFailures++;
    }
    return outcome;
  }
}
