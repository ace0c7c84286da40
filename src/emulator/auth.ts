/**
 * `POST /auth/api-key`, `POST /auth/refresh`, and checking the credentials of every other request:
 * a bearer token that has not expired, or HTTP Basic with the API key as user name.
 *
 * Tokens are drawn from the seed and their issue number, not from the system's randomness, so the
 * same requests give byte-identical answers in any process (the emulator is a test fixture; its
 * API key is derived from the seed too).
 */
import { invalidCredentials, reply, unauthorized, type Reply } from './problems.js';
import { hash32, Rng, STREAM } from './random.js';

interface Issued {
  expiresAt: number;
}

const PURGE_ABOVE = 10_000;

export class Auth {
  private readonly accessTokens = new Map<string, Issued>();
  private readonly refreshTokens = new Set<string>();
  private issued = 0;

  constructor(
    private readonly seed: number,
    private readonly apiKey: string,
    private readonly ttlSeconds: number,
    private readonly time: () => number,
  ) {}

  login(body: unknown): Reply {
    const key = (body as { apiKey?: unknown } | null)?.apiKey;
    return key === this.apiKey ? this.issue() : invalidCredentials();
  }

  /** A refresh token is good once: using it hands out a new pair. */
  refresh(body: unknown): Reply {
    const token = (body as { refreshToken?: unknown } | null)?.refreshToken;
    if (typeof token !== 'string' || !this.refreshTokens.delete(token)) return invalidCredentials();
    return this.issue();
  }

  /** undefined when the request may proceed, else the 401 to answer. */
  check(authorization: string | undefined): Reply | undefined {
    if (!authorization) return unauthorized('missing');
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const credentials = authorization.slice(space + 1).trim();
    if (scheme === 'bearer') {
      const issued = this.accessTokens.get(credentials);
      if (!issued) return unauthorized('invalid');
      return this.time() < issued.expiresAt ? undefined : unauthorized('expired');
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
      return user === this.apiKey ? undefined : unauthorized('invalid');
    }
    return unauthorized('missing');
  }

  private issue(): Reply {
    if (this.accessTokens.size > PURGE_ABOVE) this.purge();
    const rng = new Rng(hash32(this.seed, STREAM.token, this.issued++));
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.u32() & 255));
    const accessToken = [16, 96, 64].map((n) => bytes(n).toString('base64url')).join('.');
    const refreshToken = `def50200${bytes(96).toString('hex')}`;
    this.accessTokens.set(accessToken, { expiresAt: this.time() + this.ttlSeconds * 1000 });
    this.refreshTokens.add(refreshToken);
    return reply({
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      access_token: accessToken,
      refresh_token: refreshToken,
    });
  }

  private purge(): void {
    const now = this.time();
    for (const [token, issued] of this.accessTokens)
      if (issued.expiresAt <= now) this.accessTokens.delete(token);
  }
}
