/** Requests in flight at once unless told otherwise: 25× a one-at-a-time sync at 50 ms latency. */
export const DEFAULT_CONCURRENCY = 64;
