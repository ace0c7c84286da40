/**
 * Session ids the collector hands out: `cs` and 128 bits, base64url — unguessable, so no one can
 * add events to a viewer's session without having been given its id.
 *
 * The module asks for an id with its first ping and may send a second one (a pause right after the
 * start) before the answer is back; a network or a browser may also send a first ping again, to
 * this collector or, after a crash, to the next one. So the id of a page load is not drawn at
 * random but keyed: an HMAC, under a random key, of what identifies the page load — its load time
 * (ms), asset, referrer, User-Agent and client address. Every first ping of one page load gets one
 * id, across restarts, and nothing about the address can be read from the id without the key.
 *
 * The key lives only in the journal folder (mode 0600), never in the warehouse or a log, and is
 * replaced every hour: past that, not even its holder can tie a stored id to an address.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SESSION_ID = /^cs[A-Za-z0-9_-]{22}$/;

export function newSessionId(): string {
  return `cs${randomBytes(16).toString('base64url')}`;
}

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

interface KeyFile {
  key: string;
  since: number;
}

export class BirthIds {
  private key!: Buffer;
  private since = 0;
  private readonly path: string;

  constructor(
    dir: string,
    private readonly lifetimeMs = 60 * 60 * 1000,
  ) {
    this.path = join(dir, 'session.key');
    try {
      const stored = JSON.parse(readFileSync(this.path, 'utf8')) as KeyFile;
      const key = Buffer.from(stored.key, 'base64url');
      if (key.length === 32 && Date.now() - stored.since < this.lifetimeMs) {
        this.key = key;
        this.since = stored.since;
      }
    } catch {
      // none yet, or unreadable: a new one
    }
    if (!this.key) this.rotate(Date.now());
  }

  /** The session id of the page load these parts describe. */
  sessionFor(parts: readonly string[], now: number): string {
    if (now - this.since >= this.lifetimeMs) this.rotate(now);
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part).update('\0');
    return `cs${hmac.digest().subarray(0, 16).toString('base64url')}`;
  }

  private rotate(now: number): void {
    this.key = randomBytes(32);
    this.since = now;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key: this.key.toString('base64url'), since: now }), {
      mode: 0o600,
    });
    renameSync(tmp, this.path);
  }
}
