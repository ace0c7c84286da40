/**
 * Credentials for every request: a bearer token from the API key, renewed shortly before it
 * expires and whenever a request is answered 401, or HTTP Basic with the key as user name.
 *
 * Renewal is single-flight: however many requests hit an expired token at once, one refresh is
 * made and all of them wait for it. A refresh token the API no longer accepts falls back to a
 * fresh login with the key.
 */
import {
  ApiError,
  AuthenticationError,
  ApiUnavailableError,
  ResponseShapeError,
  UnauthorizedError,
  UnreachableError,
} from './errors.js';
import { accessTokenSchema, type AccessToken } from './schemas.js';
import type { FinalOutcome, ScheduledRequest } from './scheduler.js';
import type { Secret } from './secret.js';
import type { HttpRequest } from './transport.js';

export type AuthMode = 'bearer' | 'basic';

interface Token {
  header: string;
  refreshToken: string | undefined;
  /** When to renew: a little before the API's expiry. */
  renewAt: number;
}

const LOGIN = 'POST /auth/api-key';
const REFRESH = 'POST /auth/refresh';

export interface AuthOptions {
  mode: AuthMode;
  apiKey: Secret;
  baseUrl: string;
  timeoutMs: number;
  run: (request: ScheduledRequest) => Promise<FinalOutcome>;
  userAgent: string;
  /**
   * How long requests may keep being refused (401) after logins that succeeded before the run
   * gives up; one window shared by every request in flight.
   */
  unauthorizedWindowMs?: number;
}

/** Renewals forced by 401s are at least this far apart, so a refusing API is not hammered. */
const MIN_FORCED_RENEWAL_GAP_MS = 1000;
const DEFAULT_UNAUTHORIZED_WINDOW_MS = 60_000;

export class Credentials {
  private token: Token | undefined;
  private pending: Promise<Token> | undefined;
  /** Since when requests with fresh tokens keep being refused; undefined while all is well. */
  private refusedSince: number | undefined;
  private lastForcedRenewal = 0;
  private forced: Promise<void> | undefined;

  constructor(private readonly options: AuthOptions) {}

  /** A request went through: whatever refusals came before are over. */
  accepted(): void {
    this.refusedSince = undefined;
  }

  /** The Authorization header value to send now. */
  async header(): Promise<string> {
    if (this.options.mode === 'basic') {
      return `Basic ${Buffer.from(`${this.options.apiKey.reveal()}:`).toString('base64')}`;
    }
    const token = this.token;
    if (token && Date.now() < token.renewAt) return token.header;
    return (await this.renew(token)).header;
  }

  /**
   * A request was answered 401 with `rejected`'s credentials: make sure newer ones exist. With a
   * token that means renewing it (the key itself was accepted at login), for a bounded time;
   * with HTTP Basic the key itself was refused.
   */
  async rejected(rejected: HttpRequest, endpoint: string): Promise<void> {
    if (this.options.mode === 'basic') {
      throw new AuthenticationError('HTTP Basic authentication', 401);
    }
    const now = Date.now();
    const window = this.options.unauthorizedWindowMs ?? DEFAULT_UNAUTHORIZED_WINDOW_MS;
    this.refusedSince ??= now;
    if (now - this.refusedSince > window) {
      throw new UnauthorizedError(endpoint, Math.round((now - this.refusedSince) / 1000));
    }
    const current = this.token;
    // Another request already renewed the token since this one was sent: nothing to do.
    if (current && rejected.headers.authorization !== current.header) return;
    // One forced renewal at a time for every refused request, and spaced out.
    this.forced ??= (async () => {
      const gap = Math.min(MIN_FORCED_RENEWAL_GAP_MS, window / 5);
      const wait = this.lastForcedRenewal + gap - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastForcedRenewal = Date.now();
      await this.renew(current, true);
    })().finally(() => (this.forced = undefined));
    await this.forced;
  }

  private renew(stale: Token | undefined, force = false): Promise<Token> {
    if (!this.pending) {
      this.pending = this.obtain(stale, force).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async obtain(stale: Token | undefined, force: boolean): Promise<Token> {
    if (this.token && this.token !== stale && !force) return this.token;
    let body: AccessToken | undefined;
    if (stale?.refreshToken) {
      body = await this.call(REFRESH, '/auth/refresh', { refreshToken: stale.refreshToken }, true);
    }
    body ??= await this.call(
      LOGIN,
      '/auth/api-key',
      { apiKey: this.options.apiKey.reveal() },
      false,
    );
    const ttlMs = body!.expires_in * 1000;
    // Renew when 90% of the lifetime has passed, and at least a minute early on long-lived tokens.
    const margin = Math.min(60_000, ttlMs * 0.1);
    this.token = {
      header: `Bearer ${body!.access_token}`,
      refreshToken: body!.refresh_token ?? undefined,
      renewAt: Date.now() + ttlMs - margin,
    };
    return this.token;
  }

  /** POSTs to /auth; `tolerant` turns a rejected refresh token into `undefined` (log in again). */
  private async call(
    endpoint: string,
    path: string,
    payload: Record<string, string>,
    tolerant: boolean,
  ): Promise<AccessToken | undefined> {
    const request: HttpRequest = {
      method: 'POST',
      url: this.options.baseUrl + path,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': this.options.userAgent,
      },
      body: JSON.stringify(payload),
      timeoutMs: this.options.timeoutMs,
    };
    const final = await this.options.run({ endpoint, build: () => request, rateLimited: false });
    const { outcome } = final;
    if (outcome.kind === 'unreachable') {
      throw new UnreachableError(endpoint, this.options.baseUrl, outcome.code, outcome.error);
    }
    if (outcome.kind !== 'response' || outcome.status >= 500 || outcome.status === 429) {
      throw new ApiUnavailableError(endpoint, final.attempts, final.reason);
    }
    if (outcome.status === 404) {
      throw new ApiError(
        endpoint,
        `${this.options.baseUrl} does not serve the api.video API (${endpoint} answered 404)`,
        {
          status: 404,
          kind: 'usage',
          hint: 'Check --base-url, or use --env production|sandbox.',
        },
      );
    }
    if (outcome.status >= 400) {
      if (tolerant) return undefined;
      throw new AuthenticationError(endpoint, outcome.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(outcome.text);
    } catch {
      throw new ResponseShapeError(endpoint, 'the body is not JSON');
    }
    const parsed = accessTokenSchema.safeParse(json);
    if (!parsed.success) {
      // Never echo the body: it holds tokens.
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
      throw new ResponseShapeError(endpoint, `missing or malformed ${fields}`);
    }
    return parsed.data;
  }
}
