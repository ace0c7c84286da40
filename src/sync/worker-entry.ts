/** The worker side of `syncInWorker`: runs the sync, reports progress, hands back the outcome. */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type WorkerMessage, type WorkerSyncOptions } from './bounded.js';
import { sync } from './run.js';

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
let timer: ReturnType<typeof setInterval> | undefined;

try {
  const summary = await sync({
    ...(workerData as WorkerSyncOptions),
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
}
