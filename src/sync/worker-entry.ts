/** The worker side of `syncInWorker`: runs the sync, reports progress, hands back the outcome. */
import { parentPort, workerData } from 'node:worker_threads';
import {
  serializeError,
  type ParentMessage,
  type WorkerMessage,
  type WorkerSyncOptions,
} from './bounded.js';
import { sync } from './run.js';

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
let timer: ReturnType<typeof setInterval> | undefined;
const stop = new AbortController();
// A prestarted worker (see prestartSyncWorker) has no workerData: its options come by message.
let start: (options: WorkerSyncOptions) => void;
const options = new Promise<WorkerSyncOptions>((resolve) => (start = resolve));
parentPort!.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') stop.abort();
  else start(message.options);
});

try {
  const summary = await sync({
    ...((workerData as WorkerSyncOptions | undefined) ?? (await options)),
    signal: stop.signal,
    onStart: (progress, client) => {
      const report = () =>
        post({
          type: 'progress',
          snapshot: {
            progress: { ...progress },
            requests: client.stats.requests,
            retries: client.stats.retries,
          },
        });
      report();
      timer = setInterval(report, 200);
    },
  });
  post({ type: 'done', summary });
} catch (error) {
  post({ type: 'error', error: serializeError(error) });
} finally {
  clearInterval(timer);
  // The 'message' listener would keep the worker alive.
  parentPort!.removeAllListeners('message');
  parentPort!.unref();
}
