/**
 * `/__emulator/…`: routes for tests and benchmarks that run the emulator as a black box in
 * another process. Unauthenticated, so answered only to the loopback interface; never counted in
 * the stats, never limited, never faulted.
 *
 *   GET  /__emulator/stats                      what was asked and answered
 *   POST /__emulator/clock                      {"advanceMs": n} or {"setMs": ms}
 *   POST /__emulator/assets/{id}/remove         the API stops listing the asset
 *   POST /__emulator/assets/{id}/rename         {"title": "…"} (a video's title, a stream's name)
 *   GET  /__emulator/truth                      catalog, counts, what variance did
 *   GET  /__emulator/truth/sessions?offset=&limit=&events=1
 *   GET  /__emulator/truth/sessions/{sessionId} one session with its events
 */
import type { Clock } from './clock.js';
import { invalidBody, notFound, reply, unrecognizedUrl, type Reply } from './problems.js';
import { statsJson, type EmulatorStats } from './stats.js';
import type { GroundTruth, TruthSession } from './truth.js';

export interface AdminTarget {
  clock: Clock;
  stats: EmulatorStats;
  truth: GroundTruth;
  removeAsset(assetId: string): void;
  renameAsset(assetId: string, title: string): void;
}

const MAX_TRUTH_PAGE = 10_000;

/** Whether a peer address is this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function admin(
  target: AdminTarget,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Reply {
  const parts = path.split('/').slice(2).map(decodeURIComponent);
  const [a, b, c] = parts;
  if (method === 'GET' && a === 'stats' && parts.length === 1) {
    return reply(statsJson(target.stats));
  }
  if (method === 'POST' && a === 'clock' && parts.length === 1) return moveClock(target, body);
  if (method === 'POST' && a === 'assets' && b && parts.length === 3) {
    return changeAsset(target, b, c!, body);
  }
  if (method === 'GET' && a === 'truth') {
    if (parts.length === 1) return reply(truthSummary(target));
    if (b === 'sessions' && parts.length === 2) return reply(truthSessions(target.truth, query));
    if (b === 'sessions' && c && parts.length === 3) {
      const session = target.truth.session(c);
      return session ? reply(sessionJson(session, true)) : notFound('sessionId');
    }
  }
  return unrecognizedUrl();
}

function moveClock(target: AdminTarget, body: unknown): Reply {
  const { advanceMs, setMs } = (body ?? {}) as { advanceMs?: unknown; setMs?: unknown };
  if (typeof setMs === 'number' && Number.isFinite(setMs)) target.clock.set(setMs);
  else if (typeof advanceMs === 'number' && Number.isFinite(advanceMs))
    target.clock.advance(advanceMs);
  else return invalidBody('send {"advanceMs": n} or {"setMs": ms}');
  const now = target.clock.now();
  return reply({ now, iso: new Date(now).toISOString() });
}

function changeAsset(target: AdminTarget, id: string, action: string, body: unknown): Reply {
  try {
    if (action === 'remove') {
      target.removeAsset(id);
      return reply({ removed: id });
    }
    if (action === 'rename') {
      const title = (body as { title?: unknown } | undefined)?.title;
      if (typeof title !== 'string') return invalidBody('send {"title": "…"}');
      target.renameAsset(id, title);
      return reply({ renamed: id, title });
    }
  } catch (error) {
    if (error instanceof RangeError) return notFound('assetId');
    throw error;
  }
  return unrecognizedUrl();
}

function truthSummary(target: AdminTarget): Record<string, unknown> {
  const { truth } = target;
  const now = target.clock.now();
  return {
    now,
    iso: new Date(now).toISOString(),
    sessions: truth.sessionCount(),
    events: truth.eventCount(),
    longSessionId: truth.longSessionId() ?? null,
    videos: truth.videos(),
    liveStreams: truth.liveStreams(),
    players: truth.players(),
    variance: truth.variance(),
  };
}

function truthSessions(truth: GroundTruth, query: URLSearchParams): Record<string, unknown> {
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(
    MAX_TRUTH_PAGE,
    Math.max(1, Number.parseInt(query.get('limit') ?? '1000', 10) || 1000),
  );
  const withEvents = query.get('events') === '1' || query.get('events') === 'true';
  const items = [];
  for (const session of truth.sessions(offset, offset + limit))
    items.push(sessionJson(session, withEvents));
  return { total: truth.sessionCount(), offset, limit, items };
}

function sessionJson(s: TruthSession, withEvents: boolean): Record<string, unknown> {
  const { events, stats, ...fields } = s;
  return { ...fields, stats: stats(), ...(withEvents ? { events: events() } : {}) };
}
