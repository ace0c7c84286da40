/**
 * Emulators whose clock is pinned, and the environment that makes the CLI's sync share that
 * clock: every test sees the same account on whatever day, at whatever speed, it runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index.js';

/** Sunday 15 June 2025, noon UTC. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

export interface PinnedEmulator extends RunningEmulator {
  /** APIVIDEO_API_KEY and VIEWERSHIP_NOW for the CLI. */
  env: Record<string, string>;
}

export async function pinnedEmulator(
  options: EmulatorOptions & { port?: number } = {},
): Promise<PinnedEmulator> {
  const now = options.now ?? NOW;
  const running = await startEmulator({ now, ...options });
  return Object.assign(running, {
    env: { APIVIDEO_API_KEY: running.apiKey, VIEWERSHIP_NOW: new Date(now).toISOString() },
  });
}

/** A fingerprint of a warehouse's files, to prove a refused command changed nothing. */
export function fingerprint(db: string): string {
  const hash = createHash('sha256');
  for (const file of [db, `${db}.wal`]) {
    hash.update(file.endsWith('.wal') ? 'wal:' : 'db:');
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}
