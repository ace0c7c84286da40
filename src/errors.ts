/**
 * The one error type every layer throws for conditions a user can act on.
 *
 * `kind` tells the CLI how to exit without the library knowing about exit codes:
 * - `usage`: the input or configuration is wrong (bad flag, wrong key, locked warehouse);
 * - `runtime`: the run failed for a reason outside the user's input (network, API failing).
 * `hint` is the one line that names the fix.
 */
export type ErrorKind = 'usage' | 'runtime';

export class ViewershipError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(message: string, options: { kind?: ErrorKind; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind ?? 'runtime';
    this.hint = options.hint;
  }
}

export class UsageError extends ViewershipError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? { kind: 'usage' } : { kind: 'usage', hint });
  }
}

/** The user stopped the work (Ctrl-C, SIGTERM): not a failure; what was whole is kept. */
export class InterruptedError extends ViewershipError {
  constructor(message = 'stopped on request') {
    super(message);
  }
}
