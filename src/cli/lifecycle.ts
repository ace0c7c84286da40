/** Long-running commands (serve, emulator, demo) run until SIGINT or SIGTERM, then close cleanly. */
export function untilStopped(close: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      close().then(
        () => resolve(),
        () => resolve(),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
