/**
 * The worker side of the collector's publisher: merging thousands of pings (parsing the journal,
 * building rows, folding figures) takes tens of milliseconds of JavaScript, which on the HTTP
 * thread would stall every ping arriving meanwhile. Here it stalls nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../sync/bounded.js';
import { Publisher, type PublisherOptions } from './publisher.js';
import type { ToPublisher, FromPublisher } from './publish-thread.js';

const publisher = new Publisher(workerData as PublisherOptions);
const post = (message: FromPublisher) => parentPort!.postMessage(message);

parentPort!.on('message', (message: ToPublisher) => {
  void (async () => {
    try {
      if (message.type === 'publish') {
        post({ type: 'result', id: message.id, result: await publisher.publish(message.before) });
      } else {
        await publisher.close();
        post({ type: 'closed', id: message.id });
      }
    } catch (error) {
      post({ type: 'error', id: message.id, error: serializeError(error) });
    }
  })();
});
