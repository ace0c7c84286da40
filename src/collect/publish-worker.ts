/**
 * The publisher's own process (see publish-thread.ts): merging thousands of pings — parsing the
 * journal, building rows, DuckDB's work, folding figures — runs here, at a lower CPU priority,
 * with its own thread pool, so a ping's answer never waits behind a merge. It stops with its
 * collector: when the collector dies (even by kill -9), the IPC channel closes and so does this
 * process; a merge it was in the middle of is rolled back by the store and done again later.
 */
import { serializeError } from '../sync/bounded.js';
import type { FromPublisher, ToPublisher } from './publish-process.js';
import { Publisher, type PublisherOptions } from './publisher.js';

const options = JSON.parse(process.argv[2] ?? '{}') as PublisherOptions;
const publisher = new Publisher(options);
const post = (message: FromPublisher) => process.send!(message);

process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToPublisher) => {
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
