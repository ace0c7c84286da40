/**
 * Session ids the collector hands out: `cs` and 128 random bits (crypto), base64url — unguessable,
 * so no one can add events to a viewer's session without having been given its id.
 */
import { randomBytes } from 'node:crypto';

const SESSION_ID = /^cs[A-Za-z0-9_-]{22}$/;

export function newSessionId(): string {
  return `cs${randomBytes(16).toString('base64url')}`;
}

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}
