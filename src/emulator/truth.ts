/**
 * The ground truth tests hold a client against: exactly what the API hands out, read straight
 * from the generator, what variance did to it, and the reference engagement figures of every
 * session, so that a test can compute what a perfect client stores.
 *
 * A perfect client stores every listed catalog object; every session a listing handed it with a
 * `sessionId` (`listed && readable`); the events of each of those unless its events route is gone
 * (`eventsGone`: 404, a session gone); and marks vanished assets gone.
 */
import type { Clock } from './clock.js';
import type { Lifetime } from './lifetime.js';
import {
  eventObjects,
  eventsGone,
  isOpen,
  renderSession,
  visibleEventCount,
} from './session-objects.js';
import { UNKNOWN_EVENT_TYPES, type SessionRecord } from './sessions.js';
import type { Vanishing } from './vanishing.js';
import { watchEvents, watchStats, type WatchStats } from './watch-stats.js';
import type { World } from './world.js';

export interface TruthSession {
  sessionId: string;
  assetType: 'video' | 'live_stream';
  assetId: string;
  /** The title a client learns from the asset's listed object; null when that leaves it out. */
  assetTitle: string | null;
  loadedAtMs: number;
  /** null while the session is still open at now (the API omits `endedAt`). */
  endedAtMs: number | null;
  /** ISO 3166-1 alpha-2 of `location.country`. */
  countryCode: string | null;
  /** Exactly what the raw-statistics session list returns for it (variance included). */
  api: object;
  /** What variance did to this session: see README (empty without variance). */
  variations: readonly string[];
  /** False when a listing can no longer hand it out: its asset vanished first (variance). */
  listed: boolean;
  /** False when it is listed without a `sessionId` (variance): no client can key it. */
  readable: boolean;
  /** Its events route answers 404 (variance: the session is gone). */
  eventsGone: boolean;
  /** Events emitted by now, whether or not the route serves them. */
  eventCount: number;
  /**
   * Exactly what `GET /analytics/sessions/{id}/events` returns over all pages, or over events
   * [from, to); none when the route answers 404.
   */
  events(from?: number, to?: number): object[];
  /** watchStats() over events(). */
  stats(): WatchStats;
}

export interface VarianceReport {
  enabled: boolean;
  rate: number;
  /** Assets planned to vanish mid-run, whether they have yet, and what was served before. */
  vanishingAssets: Vanishing[];
  /** The event types sessions may carry that the specs do not list. */
  unknownEventTypes: readonly string[];
  /** Catalog objects sent otherwise than generated, and how. */
  catalog: Array<{ assetType: 'video' | 'live_stream' | 'player'; id: string; applied: string[] }>;
  sessions: {
    /** Sessions with any variation, by variation: `absent:session.loadedAt`, `unreadable`… */
    byVariation: Record<string, string[]>;
    /** Sessions whose events route answers 404. */
    eventsGone: string[];
    /** Sessions that carry an event of an unknown type. */
    unknownEvents: string[];
  };
}

export interface GroundTruth {
  /** Exactly the objects the list endpoints return (the current catalog). */
  videos(): object[];
  liveStreams(): object[];
  players(): object[];
  /** Every session loaded at or before now, ordered by loadedAt (or those in [from, to)). */
  sessions(from?: number, to?: number): Iterable<TruthSession>;
  session(sessionId: string): TruthSession | undefined;
  sessionCount(): number;
  /** Events a perfect client can fetch: of sessions listed, readable and not gone. */
  eventCount(): number;
  /** What variance did (a pass over every session: meant for test-sized accounts). */
  variance(): VarianceReport;
  /** The session of `longSession`, if one was asked for. */
  longSessionId(): string | undefined;
  /**
   * Exactly what `GET url` (path and query, as a client sends it) answers now on the Analytics
   * API, variance included; the request is not counted and changes nothing.
   */
  analytics(url: string): { status: number; body: unknown };
}

export class Truth implements GroundTruth {
  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly lifetime: Lifetime,
    private readonly peek: (url: string) => { status: number; body: unknown },
  ) {}

  analytics(url: string): { status: number; body: unknown } {
    const { status, body } = this.peek(url);
    return { status, body };
  }

  videos(): object[] {
    return this.world.catalog.listedVideos();
  }

  liveStreams(): object[] {
    return this.world.catalog.listedLiveStreams(this.clock.now());
  }

  players(): object[] {
    return this.world.catalog.listedPlayers();
  }

  *sessions(from = 0, to = Infinity): Iterable<TruthSession> {
    const now = this.clock.now();
    const count = Math.min(to, this.world.sessions.count(now));
    for (let i = from; i < count; i++) yield this.view(this.world.sessions.peek(i), now);
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
    const now = this.clock.now();
    if (!this.world.variance.enabled) return this.lifetime.totals(now).events;
    let events = 0;
    for (const s of this.sessions())
      if (s.listed && s.readable && !s.eventsGone) events += s.eventCount;
    return events;
  }

  longSessionId(): string | undefined {
    const { longIndex, sessions } = this.world;
    return longIndex >= 0 && longIndex < sessions.count(this.clock.now())
      ? sessions.peek(longIndex).id
      : undefined;
  }

  variance(): VarianceReport {
    const { world } = this;
    const now = this.clock.now();
    const { catalog } = world;
    const catalogReport: VarianceReport['catalog'] = [];
    const note = (assetType: 'video' | 'live_stream' | 'player', id: string, index: number) => {
      const applied = catalog.variations(assetType, index, now);
      if (applied.length > 0) catalogReport.push({ assetType, id, applied });
    };
    catalog.videos.forEach((v) => note('video', v.id, v.index));
    catalog.liveStreams.forEach((l) => note('live_stream', l.id, l.index));
    catalog.players.forEach((p) => note('player', p.id, p.index));
    const byVariation: Record<string, string[]> = {};
    const gone: string[] = [];
    const unknown: string[] = [];
    const unknownTypes = new Set<string>(UNKNOWN_EVENT_TYPES);
    const count = world.sessions.count(now);
    for (let i = 0; i < count; i++) {
      const record = world.sessions.peek(i);
      for (const v of renderSession(record, now, world.variance).applied)
        (byVariation[v] ??= []).push(record.id);
      if (eventsGone(record, world.variance, world.longIndex)) gone.push(record.id);
      const visible = visibleEventCount(record, now);
      for (let e = 0; e < visible; e++) {
        if (unknownTypes.has(record.events.at(e)!.type)) {
          unknown.push(record.id);
          break;
        }
      }
    }
    return {
      enabled: world.variance.enabled,
      rate: world.variance.rate,
      vanishingAssets: world.vanishing.report(),
      unknownEventTypes: UNKNOWN_EVENT_TYPES,
      catalog: catalogReport,
      sessions: { byVariation, eventsGone: gone, unknownEvents: unknown },
    };
  }

  /** A session as seen at `now`: later clock moves do not change this view. */
  private view(record: SessionRecord, now: number): TruthSession {
    const { catalog, variance, vanishing } = this.world;
    const asset =
      record.kind === 'video'
        ? catalog.videos[record.assetIndex]!
        : catalog.liveStreams[record.assetIndex]!;
    const rendered = renderSession(record, now, variance);
    const gone = eventsGone(record, variance, this.world.longIndex);
    const vanished = vanishing.of(asset.id);
    const eventCount = visibleEventCount(record, now);
    return {
      sessionId: record.id,
      assetType: record.kind,
      assetId: asset.id,
      assetTitle: catalog.titleOf(record.kind, record.assetIndex, now),
      loadedAtMs: record.loadedAtMs,
      endedAtMs: isOpen(record, now) ? null : record.endedAtMs,
      countryCode: record.country.code,
      api: rendered.object,
      variations: rendered.applied,
      listed: !vanished?.vanished || vanished.servedSessionIds.includes(record.id),
      readable: !rendered.applied.includes('unreadable'),
      eventsGone: gone,
      eventCount,
      events: (from = 0, to = Infinity) =>
        gone ? [] : eventObjects(record, now, variance, from, to),
      stats: () => watchStats(gone ? [] : watchEvents(record, now)),
    };
  }
}
