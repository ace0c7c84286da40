/**
 * `sync` in a worker thread whose JavaScript heap has a ceiling.
 *
 * Left alone, V8 lets a busy process's heap grow to several times what is live: a sync making
 * thousands of requests a second would sit at twice the memory it needs. The worker's resource
 * limits keep it near the live set (bounded by design: a few pages in flight per request slot,
 * two load batches), so peak memory stays predictable however large the account.
 * The calling thread only relays progress, so the CLI's progress line never stutters either.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ViewershipError, type ErrorKind } from '../errors.js';
import { isPostgresUrl } from '../warehouse/postgres/url.js';
import type { SyncProgress } from './context.js';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import type { SyncOptions, SyncSummary } from './run.js';

/**
 * The heap ceiling, a little above the live set (measured on 1,000,000 events: about 18 MB of
 * code and modules, up to 30 MB more mid-run): a base for the load batches and the run's state,
 * plus room for the pages each request slot may hold.
 */
export function heapLimitMb(concurrency: number): number {
  return 32 + Math.ceil(concurrency / 2);
}

/**
 * The young generation, small: a sync's garbage is short-lived page bodies and rows, and a larger
 * nursery only holds more of it at once (8 MB took the million-event sync ~6 MB higher).
 */
const YOUNG_GENERATION_MB = 2;

export type WorkerSyncOptions = Omit<SyncOptions, 'onStart' | 'transport' | 'signal'>;

/** What the calling thread may tell the worker: its options (a prestarted one), or to stop. */
export type ParentMessage = { type: 'start'; options: WorkerSyncOptions } | { type: 'stop' };

export interface SyncSnapshot {
  progress: SyncProgress;
  requests: number;
  retries: number;
}

/** An error as it crosses from the worker: enough to rebuild what the CLI prints. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  kind: ErrorKind | undefined;
  hint: string | undefined;
  causes: string[];
}

export type WorkerMessage =
  | { type: 'progress'; snapshot: SyncSnapshot }
  | { type: 'done'; summary: SyncSummary }
  | { type: 'error'; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  const causes: string[] = [];
  for (let c = (error as { cause?: unknown })?.cause; c; c = (c as { cause?: unknown }).cause) {
    causes.push(c instanceof Error ? (c.stack ?? c.message) : String(c));
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    kind: error instanceof ViewershipError ? error.kind : undefined,
    hint: error instanceof ViewershipError ? error.hint : undefined,
    causes,
  };
}

function rebuildError(s: SerializedError): Error {
  const error =
    s.kind === undefined
      ? new Error(s.message)
      : new ViewershipError(
          s.message,
          s.hint === undefined ? { kind: s.kind } : { kind: s.kind, hint: s.hint },
        );
  error.name = s.name;
  error.stack = [s.stack, ...s.causes.map((c) => `caused by: ${c}`)].join('\n');
  return error;
}

/** The worker's bundle: beside this code in dist/, one folder up from a dist/chunks/ chunk, or dist/ seen from src/sync/. */
function workerFile(): URL {
  const candidates = ['./sync-worker.js', '../sync-worker.js', '../../dist/sync-worker.js'].map(
    (path) => new URL(path, import.meta.url),
  );
  const found = candidates.find((url) => existsSync(url));
  if (!found)
    throw new ViewershipError('the sync worker is not built', {
      kind: 'usage',
      hint: 'Run `npm run build`.',
    });
  return found;
}

function startWorker(heapMb: number, workerData?: WorkerSyncOptions): Worker {
  // DuckDB's allocator (its own jemalloc, which reads this before the library's first use) hands
  // freed pages back at once instead of keeping them for a while: a sync frees a batch's
  // staging tables every few seconds, and kept they cost ~30 MB of resident memory.
  process.env.DUCKDB_JE_MALLOC_CONF ??= 'dirty_decay_ms:0,muzzy_decay_ms:0';
  return new Worker(workerFile(), {
    workerData,
    resourceLimits: {
      maxOldGenerationSizeMb: heapMb,
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
  });
}

/** A worker started before the command line was read, waiting for its options. */
let prestarted: { worker: Worker; heapMb: number; failed: boolean } | undefined;

/**
 * Starts the worker for `viewership sync ARGS` before the command line is parsed: loading its
 * modules (~50 ms, most of a sync with nothing new) then overlaps with loading the CLI. It waits
 * for syncInWorker's options without keeping the process alive, so a sync that never starts (a
 * usage error, --help) exits as usual. ARGS only say the heap cap (--concurrency).
 */
export function prestartSyncWorker(args: readonly string[]): void {
  if (prestarted) return;
  const at = args.findIndex((a) => a === '--concurrency' || a.startsWith('--concurrency='));
  const given = at < 0 ? undefined : Number(args[at]!.split('=')[1] ?? args[at + 1]);
  const heapMb = heapLimitMb(
    given !== undefined && Number.isInteger(given) && given > 0 ? given : DEFAULT_CONCURRENCY,
  );
  try {
    const worker = startWorker(heapMb);
    worker.unref();
    const state = { worker, heapMb, failed: false };
    // A worker that fails before it is used is replaced by one whose failure is reported.
    const failed = () => void (state.failed = true);
    worker.once('error', failed);
    worker.once('exit', failed);
    prestarted = state;
  } catch {
    // Not built, say: syncInWorker reports it.
  }
}

/**
 * DuckDB's native library is 70 MB to map and link (~15 ms), and the worker needs it as soon as
 * its own modules are loaded. Loaded meanwhile on this thread, which only waits for the worker,
 * the worker finds it already there.
 */
function preloadDuckDB(db: string): void {
  if (isPostgresUrl(db)) return;
  try {
    createRequire(import.meta.url)('@duckdb/node-bindings');
  } catch {
    // The worker loads it again, and reports what is wrong.
  }
}

/** The prestarted worker if it fits `heapMb` and is alive, else a new one with `options`. */
function workerFor(heapMb: number, options: WorkerSyncOptions): Worker {
  const early = prestarted;
  prestarted = undefined;
  if (early && early.heapMb === heapMb && !early.failed) {
    early.worker.removeAllListeners();
    early.worker.ref();
    early.worker.postMessage({ type: 'start', options } satisfies ParentMessage);
    return early.worker;
  }
  void early?.worker.terminate();
  return startWorker(heapMb, options);
}

/**
 * Runs `sync` in the worker. Aborting `signal` asks the run to stop cleanly: no new request,
 * what is whole committed, the run recorded as interrupted (its summary says so).
 */
export function syncInWorker(
  options: WorkerSyncOptions,
  onProgress?: (snapshot: SyncSnapshot) => void,
  signal?: AbortSignal,
): Promise<SyncSummary> {
  const heapMb = heapLimitMb(options.concurrency ?? DEFAULT_CONCURRENCY);
  return new Promise((resolve, reject) => {
    const worker = workerFor(heapMb, options);
    preloadDuckDB(options.db);
    let settled = false;
    const stop = () => worker.postMessage({ type: 'stop' } satisfies ParentMessage);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    worker.on('exit', () => signal?.removeEventListener('abort', stop));
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') return onProgress?.(message.snapshot);
      settled = true;
      if (message.type === 'done') resolve(message.summary);
      else reject(rebuildError(message.error));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settled = true;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        reject(
          new ViewershipError(`the sync ran out of memory (its heap is capped at ${heapMb} MB)`, {
            hint: 'Run it again with a lower --concurrency; it resumes where it stopped.',
            cause: error,
          }),
        );
      } else {
        reject(error);
      }
    });
    worker.on('exit', (code) => {
      if (!settled)
        reject(new ViewershipError(`the sync stopped unexpectedly (exit code ${code})`));
    });
  });
}
