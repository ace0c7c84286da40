/**
 * What serve says about its snapshots: once per change of state, since the watcher asks every
 * second and a sync can hold the warehouse for minutes.
 */
import type { RefreshResult } from './snapshot.js';

export interface RefreshLog {
  /** For the store's onRefresh; `updated` also runs `onUpdated` (serve answers ahead). */
  (result: RefreshResult, error?: unknown): void;
}

export function refreshLog(
  source: string,
  log: (line: string) => void,
  version: () => number,
  onUpdated: () => void,
): RefreshLog {
  let lastResult: RefreshResult | undefined;
  let lastError: string | undefined;
  return (result, error) => {
    const message = error ? `could not read ${source}: ${(error as Error).message}` : undefined;
    if (message && message !== lastError) log(message);
    lastError = message;
    if (error) return;
    if (result === 'updated') {
      log(`warehouse changed: now showing data version ${version()}`);
      onUpdated();
    } else if (result !== lastResult && result === 'locked') {
      log('a sync is writing the warehouse; showing the last data until it finishes');
    } else if (result !== lastResult && result === 'missing') {
      log(`${source} is gone; showing the last data`);
    }
    lastResult = result;
  };
}
