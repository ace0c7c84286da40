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

/** A command that reads a warehouse was pointed at a path holding none. */
export class NoWarehouseError extends UsageError {
  constructor(path: string) {
    super(`there is no warehouse at ${path}`, `Create it with: viewership sync --db ${path}`);
  }
}

/** The user stopped the work (Ctrl-C, SIGTERM): not a failure; what was whole is kept. */
export class InterruptedError extends ViewershipError {
  constructor(message = 'stopped on request') {
    super(message);
  }
}

/** The disk under a file the product writes filled up: nothing is lost, the work resumes. */
export class DiskFullError extends ViewershipError {
  constructor(path: string, cause?: unknown) {
    super(`the disk holding ${path} is full`, {
      hint: 'Free some space and run the same command again: sync resumes where it stopped.',
      cause,
    });
  }
}

const USAGE_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'no such file or folder',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
};

/** A Node file-system error as the plain message it deserves, or undefined for anything else. */
export function fileSystemError(error: unknown): ViewershipError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return undefined;
  const path = typeof e.path === 'string' ? e.path : undefined;
  if (e.code === 'ENOSPC') return new DiskFullError(path ?? 'the output', error);
  const reason = USAGE_CODES[e.code];
  if (!reason || path === undefined) return undefined;
  return new ViewershipError(`cannot use ${path}: ${reason}`, {
    kind: 'usage',
    hint: 'Check the path and its permissions, or choose another.',
    cause: error,
  });
}
