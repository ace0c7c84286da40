/**
 * Which route a request is for: its name (for stats), the API generation it belongs to, and the
 * handler that answers it.
 */
import type { AnalyticsRoutes } from './data-routes.js';
import {
  getLiveStream,
  getPlayer,
  getVideo,
  listLiveStreams,
  listPlayers,
  listVideos,
} from './catalog-routes.js';
import type { Auth } from './auth.js';
import type { Reply } from './problems.js';
import { listEvents, listSessions } from './raw-routes.js';
import type { World } from './world.js';

export type Generation = 'auth' | 'catalog' | 'raw' | 'analytics';

export interface RequestContext {
  /** Path and query exactly as the request spelled them. */
  url: string;
  path: string;
  query: URLSearchParams;
  nowMs: number;
  body: unknown;
}

export interface Route {
  name: string;
  generation: Generation;
  /** A session's events: counted per session in the stats. */
  sessionId?: string;
  run(context: RequestContext): Reply;
}

export interface Handlers {
  world: World;
  auth: Auth;
  analytics: AnalyticsRoutes;
  maxPeriodDays: number;
}

/** The route for a method and decoded path segments (without the leading empty one), if any. */
export function findRoute(
  method: string,
  segments: readonly string[],
  h: Handlers,
): Route | undefined {
  const [a, b, c, d] = segments;
  const n = segments.length;
  const { world } = h;
  if (method === 'POST') {
    if (n === 2 && a === 'auth' && b === 'api-key') {
      return { name: 'POST /auth/api-key', generation: 'auth', run: (x) => h.auth.login(x.body) };
    }
    if (n === 2 && a === 'auth' && b === 'refresh') {
      return { name: 'POST /auth/refresh', generation: 'auth', run: (x) => h.auth.refresh(x.body) };
    }
    return undefined;
  }
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (n === 1) {
    if (a === 'videos')
      return {
        name: 'GET /videos',
        generation: 'catalog',
        run: (x) => listVideos(world.catalog, x.path, x.query),
      };
    if (a === 'live-streams') {
      return {
        name: 'GET /live-streams',
        generation: 'catalog',
        run: (x) => listLiveStreams(world.catalog, x.nowMs, x.path, x.query),
      };
    }
    if (a === 'players')
      return {
        name: 'GET /players',
        generation: 'catalog',
        run: (x) => listPlayers(world.catalog, x.path, x.query),
      };
  }
  if (n === 2 && b) {
    if (a === 'videos')
      return {
        name: 'GET /videos/{videoId}',
        generation: 'catalog',
        run: () => getVideo(world.catalog, b),
      };
    if (a === 'live-streams') {
      return {
        name: 'GET /live-streams/{liveStreamId}',
        generation: 'catalog',
        run: (x) => getLiveStream(world.catalog, b, x.nowMs),
      };
    }
    if (a === 'players')
      return {
        name: 'GET /players/{playerId}',
        generation: 'catalog',
        run: () => getPlayer(world.catalog, b),
      };
  }
  if (a === 'analytics') {
    if (n === 3 && b === 'videos' && c) {
      return {
        name: 'GET /analytics/videos/{videoId}',
        generation: 'raw',
        run: (x) => listSessions(world, 'video', c, x.nowMs, h.maxPeriodDays, x),
      };
    }
    if (n === 3 && b === 'live-streams' && c) {
      return {
        name: 'GET /analytics/live-streams/{liveStreamId}',
        generation: 'raw',
        run: (x) => listSessions(world, 'live_stream', c, x.nowMs, h.maxPeriodDays, x),
      };
    }
    if (n === 4 && b === 'sessions' && c && d === 'events') {
      return {
        name: 'GET /analytics/sessions/{sessionId}/events',
        generation: 'raw',
        sessionId: c,
        run: (x) => listEvents(world, c, x.nowMs, x.path, x.query),
      };
    }
    return undefined;
  }
  if (a === 'data') {
    if (n === 4 && b === 'metrics' && c && d) {
      return {
        name: 'GET /data/metrics/{metric}/{aggregation}',
        generation: 'analytics',
        run: (x) => h.analytics.metrics(c, d, x.nowMs, x.query),
      };
    }
    if (n === 4 && b === 'buckets' && c && d) {
      return {
        name: 'GET /data/buckets/{metric}/{breakdown}',
        generation: 'analytics',
        run: (x) => h.analytics.buckets(c, d, x.nowMs, x.path, x.query),
      };
    }
    if (n === 3 && b === 'timeseries' && c) {
      return {
        name: 'GET /data/timeseries/{metric}',
        generation: 'analytics',
        run: (x) => h.analytics.timeseries(c, x.nowMs, x.path, x.query),
      };
    }
  }
  return undefined;
}
