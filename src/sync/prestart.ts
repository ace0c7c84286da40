/**
 * What bin/viewership.js loads before the CLI when the command is `sync`: only the code that
 * starts the sync's worker (see prestartSyncWorker), so that the worker loads while the CLI does.
 */
export { prestartSyncWorker } from './bounded.js';
