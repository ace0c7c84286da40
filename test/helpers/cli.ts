import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../bin/viewership.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The folder it runs in (the default --db is relative to it). */
  cwd?: string;
  /** What it reads on stdin. */
  input?: string;
}

/** Starts the real CLI (the built bundle) as a child process. */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', APIVIDEO_API_KEY: '', ...env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  return child;
}

export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): Promise<CliResult> {
  return finished(startCli(args, env, options));
}

export function tempDir(prefix = 'viewership-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
