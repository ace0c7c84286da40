/**
 * How a failed command ends: one or two plain lines (cause, then fix), the exit code PRODUCT.md
 * fixes (1 at run time, 2 for bad usage or configuration), and the stack only with `--debug`.
 */
import { ViewershipError } from '../errors.js';

export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(error: unknown): number {
  return error instanceof ViewershipError && error.kind === 'usage' ? EXIT_USAGE : EXIT_RUNTIME;
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
    return lines.join('\n');
  }
  if (error instanceof ViewershipError) {
    return error.hint
      ? `viewership: ${error.message}\n  ${error.hint}`
      : `viewership: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `viewership: unexpected error: ${message}\n  Run again with --debug for details.`;
}
