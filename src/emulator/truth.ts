/**
 * The ground truth tests hold a sync against: exactly what the API would hand out, read straight
 * from the generator, plus the reference engagement figures of every session.
 */
import type { Clock } from './clock.js';
import type { Lifetime } from './lifetime.js';
import { eventObjects, isOpen, sessionObject, visibleEvents } from './session-objects.js';
import type { SessionRecord } from './sessions.js';
import { watchStats, type WatchStats } from './watch-stats.js';
import type { World } from './world.js';

export interface TruthSession {
  sessionId: string;
  assetType: 'video' | 'live_stream';
  assetId: string;
  assetTitle: string;
  loadedAtMs: number;
  /** null while the session is still open at now (the API omits `endedAt`). */
  endedAtMs: number | null;
  /** ISO 3166-1 alpha-2 of `location.country`. */
  countryCode: string | null;
  /** Exactly what the raw-statistics session list returns for it. */
  api: object;
  /** Exactly what `GET /analytics/sessions/{id}/events` returns over all pages. */
  events(): object[];
  /** watchStats() over events(). */
  stats(): WatchStats;
}

export interface GroundTruth {
  /** Exactly the objects the list endpoints return (the current catalog). */
  videos(): object[];
  liveStreams(): object[];
  players(): object[];
  /** Every session loaded at or before now, ordered by loadedAt. */
  sessions(): Iterable<TruthSession>;
  session(sessionId: string): TruthSession | undefined;
  sessionCount(): number;
  eventCount(): number;
}

export class Truth implements GroundTruth {
  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly lifetime: Lifetime,
  ) {}

  videos(): object[] {
    return this.world.catalog.listedVideos();
  }

  liveStreams(): object[] {
    return this.world.catalog.listedLiveStreams(this.clock.now());
  }

  players(): object[] {
    return this.world.catalog.listedPlayers();
  }

  *sessions(): Iterable<TruthSession> {
    const now = this.clock.now();
    const count = this.world.sessions.count(now);
    for (let i = 0; i < count; i++) yield this.view(this.world.sessions.peek(i), now);
  }

  session(sessionId: string): TruthSession | undefined {
    const now = this.clock.now();
    const record = this.world.sessions.find(sessionId, now);
    return record && this.view(record, now);
  }

  sessionCount(): number {
    return this.world.sessions.count(this.clock.now());
  }

  eventCount(): number {
    return this.lifetime.totals(this.clock.now()).events;
  }

  /** A session as seen at `now`: later clock moves do not change this view. */
  private view(record: SessionRecord, now: number): TruthSession {
    const { catalog } = this.world;
    const asset =
      record.kind === 'video'
        ? catalog.videos[record.assetIndex]!
        : catalog.liveStreams[record.assetIndex]!;
    return {
      sessionId: record.id,
      assetType: record.kind,
      assetId: asset.id,
      assetTitle: catalog.titleOf(record.kind, record.assetIndex),
      loadedAtMs: record.loadedAtMs,
      endedAtMs: isOpen(record, now) ? null : record.endedAtMs,
      countryCode: record.country.code,
      api: sessionObject(record, now),
      events: () => eventObjects(record, now),
      stats: () => watchStats(visibleEvents(record, now).map((e) => ({ ...e, emittedAtMs: e.t }))),
    };
  }
}
