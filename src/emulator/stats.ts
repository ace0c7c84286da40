/** What the emulator was asked and how it answered, for tests and benchmarks. */
export interface EmulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  /** By HTTP status, plus `dropped` for connections destroyed without an answer. */
  byStatus: Record<string, number>;
  rateLimited: number;
  faults: number;
  /** Requests for each session's events (a second sync should make none for ended sessions). */
  eventRequestsBySession: Map<string, number>;
  reset(): void;
}

export function createStats(): EmulatorStats {
  const stats: EmulatorStats = {
    requests: 0,
    byRoute: {},
    byStatus: {},
    rateLimited: 0,
    faults: 0,
    eventRequestsBySession: new Map(),
    reset() {
      stats.requests = 0;
      stats.byRoute = {};
      stats.byStatus = {};
      stats.rateLimited = 0;
      stats.faults = 0;
      stats.eventRequestsBySession.clear();
    },
  };
  return stats;
}

export function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The stats as JSON for `GET /__emulator/stats`: the per-session map becomes counts. */
export function statsJson(stats: EmulatorStats): Record<string, unknown> {
  let eventRequests = 0;
  for (const n of stats.eventRequestsBySession.values()) eventRequests += n;
  return {
    requests: stats.requests,
    byRoute: stats.byRoute,
    byStatus: stats.byStatus,
    rateLimited: stats.rateLimited,
    faults: stats.faults,
    eventRequestsBySession: stats.eventRequestsBySession.size,
    eventRequests: eventRequests,
  };
}
