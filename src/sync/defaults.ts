/**
 * Requests in flight at once unless told otherwise. At 50 ms a request this syncs about 40× faster
 * than one request at a time, while keeping the memory of responses in flight small; the rate-limit
 * gate slows it down on its own where the account's limit is lower.
 */
export const DEFAULT_CONCURRENCY = 48;
