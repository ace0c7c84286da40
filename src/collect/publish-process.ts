/**
 * The publisher in a process of its own, seen from the collector.
 *
 * Not a worker thread: a process has its own libuv thread pool (DuckDB's work there never delays
 * the journal's writes and fsyncs) and its own CPU priority, lowered, so that on a busy machine
 * the pings' answers go first and merging takes what is left.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ViewershipError } from '../errors.js';
import type { SerializedError } from '../sync/bounded.js';
import type { PublisherOptions, PublishResult } from './publisher.js';

export type ToPublisher =
  { type: 'publish'; id: number; before: number } | { type: 'close'; id: number };

export type FromPublisher =
  | { type: 'result'; id: number; result: PublishResult }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number; error: SerializedError };

/** The worker's bundle: beside this code in dist/, one folder up from a chunk, or dist/ seen from src/collect/. */
function workerFile(): URL {
  const candidates = [
    './collect-worker.js',
    '../collect-worker.js',
    '../../dist/collect-worker.js',
  ].map((path) => new URL(path, import.meta.url));
  const found = candidates.find((url) => existsSync(url));
  if (!found) {
    throw new ViewershipError('the collector’s publisher is not built', {
      kind: 'usage',
      hint: 'Run `npm run build`.',
    });
  }
  return found;
}

function rebuildError(s: SerializedError): Error {
  const error =
    s.kind === undefined
      ? new Error(s.message)
      : new ViewershipError(s.message, { kind: s.kind, ...(s.hint ? { hint: s.hint } : {}) });
  error.name = s.name;
  error.stack = [s.stack, ...s.causes.map((c) => `caused by: ${c}`)].join('\n');
  return error;
}

export class PublisherProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<
    number,
    { resolve: (m: FromPublisher) => void; reject: (e: Error) => void }
  >();
  private next = 1;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(options: PublisherOptions) {
    this.child = fork(fileURLToPath(workerFile()), [JSON.stringify(options)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=256'],
    });
    try {
      if (this.child.pid) setPriority(this.child.pid, 10);
    } catch {
      // not allowed here: it runs at the collector's priority
    }
    this.child.on('message', (m: FromPublisher) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!w) return;
      if (m.type === 'error') w.reject(rebuildError(m.error));
      else w.resolve(m);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.child.on('error', fail);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        fail(
          new ViewershipError(
            `the collector’s publisher stopped (${signal ?? `exit code ${code}`})`,
          ),
        );
        resolve();
      }),
    );
  }

  private ask(message: ToPublisher): Promise<FromPublisher> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      this.child.send(message);
    });
  }

  async publish(before: number): Promise<PublishResult> {
    const m = await this.ask({ type: 'publish', id: this.next++, before });
    return (m as Extract<FromPublisher, { type: 'result' }>).result;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.ask({ type: 'close', id: this.next++ }).catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    await this.exited;
  }
}
