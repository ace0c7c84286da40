/**
 * The publisher in its worker thread, seen from the collector: one request at a time.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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

export class PublisherThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (m: FromPublisher) => void; reject: (e: Error) => void }
  >();
  private next = 1;
  private failure: Error | undefined;

  constructor(options: PublisherOptions) {
    this.worker = new Worker(workerFile(), {
      workerData: options,
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on('message', (m: FromPublisher) => {
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
    this.worker.on('error', fail);
    this.worker.on('exit', (code) =>
      fail(new ViewershipError(`the collector’s publisher stopped (exit code ${code})`)),
    );
  }

  private ask(message: ToPublisher): Promise<FromPublisher> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  async publish(before: number): Promise<PublishResult> {
    const m = await this.ask({ type: 'publish', id: this.next++, before });
    return (m as Extract<FromPublisher, { type: 'result' }>).result;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.ask({ type: 'close', id: this.next++ }).catch(() => undefined);
    await this.worker.terminate();
  }
}
