/**
 * How a failed command ends: one or two plain lines (cause, then fix), the exit codes the
 * README gives (1 at run time, 2 for bad usage or configuration), and the stack only with `--debug`.
 * A file-system error that escaped the library still names its path and the fix.
 */
import { fileSystemError, ViewershipError } from '../errors.js';
import { printable } from '../text.js';

export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

function known(error: unknown): ViewershipError | undefined {
  return error instanceof ViewershipError ? error : fileSystemError(error);
}

export function exitCodeFor(error: unknown): number {
  return known(error)?.kind === 'usage' ? EXIT_USAGE : EXIT_RUNTIME;
}

export function describeError(error: unknown, debug: boolean): string {
  if (debug) {
    const lines = [error instanceof Error ? (error.stack ?? error.message) : String(error)];
    for (
      let cause = (error as { cause?: unknown })?.cause;
      cause;
      cause = (cause as { cause?: unknown }).cause
    ) {
      lines.push(
        `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
      );
    }
    return printable(lines.join('\n'), { keepNewlines: true });
  }
  const mapped = known(error);
  if (mapped) {
    const message = printable(mapped.message);
    return mapped.hint
      ? `viewership: ${message}\n  ${printable(mapped.hint)}`
      : `viewership: ${message}`;
  }
  const message = printable(error instanceof Error ? error.message : String(error));
  return `viewership: unexpected error: ${message}\n  Run again with --debug for details.`;
}
