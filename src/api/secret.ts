import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds the API key so that no accidental path prints it: string conversion, JSON, and
 * `util.inspect` (console.log, error dumps, vitest diffs) all show a placeholder.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
