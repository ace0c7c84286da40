/**
 * A throwaway PostgreSQL cluster (scripts/pg-throwaway.sh): for the tests' global setup and the
 * bench. It lives in a folder of its own under the system's temp dir, listens on a free port of
 * 127.0.0.1 only, and is removed by `stop()`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '../../scripts/pg-throwaway.sh');

export interface ThrowawayCluster {
  url: string;
  stop(): void;
}

/** Whether this machine has PostgreSQL's server binaries (Debian's `postgresql` package). */
export function hasPostgresBinaries(): boolean {
  const onPath = (process.env.PATH ?? '')
    .split(':')
    .some((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (onPath) return true;
  try {
    return readdirSync('/usr/lib/postgresql').some((v) =>
      existsSync(`/usr/lib/postgresql/${v}/bin/initdb`),
    );
  } catch {
    return false;
  }
}

/** Starts a cluster; `fast` turns durability off (tests), the bench keeps it on. */
export function startThrowawayCluster(options: { fast?: boolean } = {}): ThrowawayCluster {
  // Not inside a private mkdtemp folder: the server's own user must reach it.
  const dir = join(tmpdir(), `viewership-pg-${randomBytes(6).toString('hex')}`);
  const url = execFileSync('bash', [SCRIPT, 'start', dir, ...(options.fast ? ['--fast'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  let stopped = false;
  return {
    url,
    stop() {
      if (stopped) return;
      stopped = true;
      execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' });
    },
  };
}
