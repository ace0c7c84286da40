/**
 * How commands end on SIGINT (Ctrl-C) and SIGTERM: long-running servers close cleanly; a sync
 * stops sending requests, commits what is whole and says how to resume. A second signal quits
 * at once (the last commit still stands), with the terminal restored.
 */

/** The conventional exit codes: 128 + the signal's number. */
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Long-running commands (serve, emulator, collect, demo) run until SIGINT or SIGTERM, then close
 * cleanly. It listens from the call on: call it before saying where the server listens, since
 * whoever reads that may send the signal at once, and without a listener it would kill outright.
 */
export function untilStopped(close: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      for (const s of SIGNALS) process.off(s, stop);
      close().then(
        () => resolve(),
        () => resolve(),
      );
    };
    for (const s of SIGNALS) process.on(s, stop);
  });
}

export interface Stopping {
  /** Aborted on the first signal. */
  signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, 1 if no signal came. */
  exitCode(): number;
  dispose(): void;
}

export function stopOnSignals(handlers: { onFirst: () => void; onSecond?: () => void }): Stopping {
  const controller = new AbortController();
  let received: string | undefined;
  const onSignal = (name: string) => {
    if (received === undefined) {
      received = name;
      handlers.onFirst();
      controller.abort();
      return;
    }
    handlers.onSecond?.();
    if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
    process.stderr.write(
      'viewership: stopped at once; everything committed before stays, and the next sync resumes from there\n',
    );
    process.exit(EXIT_CODES[name] ?? 1);
  };
  const listeners = SIGNALS.map((s) => [s, () => onSignal(s)] as const);
  for (const [s, listener] of listeners) process.on(s, listener);
  return {
    signal: controller.signal,
    exitCode: () => (received ? (EXIT_CODES[received] ?? 1) : 1),
    dispose: () => {
      for (const [s, listener] of listeners) process.off(s, listener);
    },
  };
}
