/**
 * Session i, generated from (seed, i) on demand: which asset it plays, who watches and with what,
 * and the player events a real player would emit, in order.
 *
 * A session's whole future is generated at once; what the API shows depends on the clock: events
 * after `now` are not visible yet, and a session whose end is after `now` is open (no `endedAt`).
 *
 * Event times are whole seconds and positions whole seconds of content (the specs type them as
 * integers). Playing N seconds of content takes N seconds, plus the odd buffering stall.
 */
import { drawAudience, HOSTILE_REFERRER_URL, type Audience } from './audience.js';
import type { Broadcast, Catalog } from './catalog.js';
import { COUNTRY_BY_UTC_HOUR, HOSTILE_CITY, UNKNOWN_CITY_RATE, type Country } from './geo.js';
import type { SessionIds } from './ids.js';
import { hash32, Rng, STREAM } from './random.js';
import type { Timeline } from './timeline.js';
import { ceilSecond, HOUR, SECOND } from './timestamps.js';
import { ASPECT, type Variance } from './variance.js';
import { LongEvents } from './long-session.js';

export type AssetKind = 'video' | 'live_stream';

/** No session lasts longer; the Analytics API's sweeps look back this far for sessions still going. */
export const MAX_SESSION_MS = 8 * HOUR;
/** Chance that a session during a broadcast watches the live stream rather than a video. */
const LIVE_WHEN_ON_AIR = 0.5;
/** Sessions that load the player but never press play. */
const NO_PLAY_RATE = 0.15;
/** Sessions with far more events than usual (so event pagination is exercised). */
const BINGE_RATE = 0.011;

export type KnownEventType =
  'ready' | 'play' | 'pause' | 'resume' | 'seek.forward' | 'seek.backward' | 'end';

/**
 * Types a player might add that the specs do not list (their descriptions list seven, but the
 * schema's `type` is any string); under variance a few sessions carry one.
 */
export const UNKNOWN_EVENT_TYPES = [
  'buffering',
  'quality.change',
  'fullscreen.enter',
  'volume.change',
] as const;

export interface PlayerEvent {
  type: KnownEventType | (typeof UNKNOWN_EVENT_TYPES)[number];
  /** Milliseconds since the epoch, whole seconds. */
  t: number;
  at?: number;
  from?: number;
  to?: number;
}

/** A session's events in order: an array, or for the long session one computed per index. */
export interface EventSeq {
  readonly length: number;
  at(index: number): PlayerEvent | undefined;
}

export interface AssetRef {
  kind: AssetKind;
  index: number;
  broadcast: Broadcast | undefined;
}

export interface SessionRecord {
  index: number;
  id: string;
  kind: AssetKind;
  assetIndex: number;
  loadedAtMs: number;
  /** When the session ends, whether or not that is past `now`. */
  endedAtMs: number;
  /** From loading the player to its first `ready`, in milliseconds. */
  impressionMs: number;
  country: Country;
  city: string | null;
  audience: Audience;
  events: EventSeq;
  /** Which spec's timestamp spelling this session's objects use. */
  zuluSession: boolean;
  zuluEvents: boolean;
}

export interface LongSessionSpec {
  /** Which session is the long one. */
  index: number;
  events: number;
}

export class SessionFactory {
  constructor(
    private readonly seed: number,
    private readonly catalog: Catalog,
    private readonly timeline: Timeline,
    private readonly ids: SessionIds,
    private readonly hostile: boolean,
    private readonly variance: Variance,
    private readonly long: LongSessionSpec | undefined,
  ) {}

  /** The asset session i plays: cheap, so per-asset indexes can be built for millions. */
  assetOf(i: number, loadedAtMs = this.timeline.loadedAt(i)): AssetRef {
    const rng = new Rng(hash32(this.seed, STREAM.sessionAsset, i));
    const wantsLive = rng.next() < LIVE_WHEN_ON_AIR;
    const u = rng.next();
    const onAir = this.catalog.liveStreams.length > 0 ? this.catalog.onAir(loadedAtMs) : [];
    const video = this.catalog.pickVideo(u, loadedAtMs);
    if (onAir.length > 0 && (wantsLive || video < 0)) {
      const total = onAir.reduce((sum, s) => sum + s.weight, 0);
      let target = u * total;
      for (const stream of onAir) {
        target -= stream.weight;
        if (target < 0)
          return { kind: 'live_stream', index: stream.index, broadcast: stream.broadcast };
      }
      const last = onAir[onAir.length - 1]!;
      return { kind: 'live_stream', index: last.index, broadcast: last.broadcast };
    }
    return { kind: 'video', index: Math.max(0, video), broadcast: undefined };
  }

  make(i: number): SessionRecord {
    const loadedAtMs = this.timeline.loadedAt(i);
    const asset = this.assetOf(i, loadedAtMs);
    const rng = new Rng(hash32(this.seed, STREAM.session, i));
    const style = hash32(this.seed, STREAM.session, i, 7);

    const country = COUNTRY_BY_UTC_HOUR[new Date(loadedAtMs).getUTCHours()]!.pick(rng);
    let city: string | null = rng.chance(UNKNOWN_CITY_RATE) ? null : country.cities.pick(rng);
    const audience = drawAudience(rng, this.catalog.audience);
    if (this.hostile) {
      const h = style % 97;
      if (i === 0 || h === 0) city = HOSTILE_CITY;
      if (i === 1 || h === 1) {
        audience.referrer = {
          url: HOSTILE_REFERRER_URL,
          medium: 'referral',
          source: 'unknown',
          searchTerm: 'unknown',
        };
        audience.referrerDimension = HOSTILE_REFERRER_URL;
      }
    }

    // Player start-up: a second or so, longer on slow connections.
    const impressionMs = Math.round(Math.min(15_000, Math.max(150, rng.logNormal(850, 0.6))));
    const readyAt = ceilSecond(loadedAtMs + impressionMs);
    const limit = loadedAtMs + MAX_SESSION_MS - 5 * 60 * SECOND;
    const binge = rng.chance(BINGE_RATE);
    const watched =
      asset.kind === 'video'
        ? watchVideo(rng, readyAt, this.catalog.videos[asset.index]!.durationSeconds, binge, limit)
        : watchLive(rng, readyAt, asset.broadcast!, limit);
    // The player reports the session over a little after its last event.
    let endedAtMs = Math.min(loadedAtMs + MAX_SESSION_MS, watched.endMs + rng.int(500, 20_000));
    let events: EventSeq = this.withUnknownEvents(i, watched.events);
    if (this.long && i === this.long.index) {
      const long = new LongEvents(readyAt, this.long.events, loadedAtMs + MAX_SESSION_MS);
      events = long;
      endedAtMs = long.endMs;
    }

    return {
      index: i,
      id: this.ids.encode(i, STREAM.sessionKey),
      kind: asset.kind,
      assetIndex: asset.index,
      loadedAtMs,
      endedAtMs,
      impressionMs: readyAt - loadedAtMs,
      country,
      city,
      audience,
      events,
      zuluSession: (style & 1) === 1,
      zuluEvents: (style & 2) === 2,
    };
  }

  /**
   * Under variance, some sessions carry an event of a type the specs do not list, at the time and
   * position of the event before it, so that it changes nothing a known event means.
   */
  private withUnknownEvents(i: number, events: PlayerEvent[]): PlayerEvent[] {
    const v = this.variance;
    if (!v.varies(ASPECT.unknownEvents, i) || events.length < 2) return events;
    const count = 1 + (v.bits(ASPECT.unknownEvents, i, 1) % 2);
    const out = [...events];
    for (let k = 0; k < count; k++) {
      const place = 1 + (v.bits(ASPECT.unknownEvents, i, 2 + k) % (out.length - 1));
      const before = out[place - 1]!;
      const position = before.to ?? before.at;
      out.splice(place, 0, {
        type: v.pick(UNKNOWN_EVENT_TYPES, ASPECT.unknownEvents, i, 10 + k),
        t: before.t,
        ...(position === undefined ? {} : { at: position }),
      });
    }
    return out;
  }
}

interface Watched {
  events: PlayerEvent[];
  /** When the viewer was last there: the last event, or the moment a playing tab was closed. */
  endMs: number;
}

/**
 * A viewer of an on-demand video: press play, then a few actions (pause and resume, seek ahead or
 * back, reload the page), until they reach the end or leave. Leaving after a pause counts the
 * watched stretch; closing the tab while playing leaves it open, as a real player would.
 */
function watchVideo(
  rng: Rng,
  readyAt: number,
  duration: number,
  binge: boolean,
  limit: number,
): Watched {
  const events: PlayerEvent[] = [{ type: 'ready', t: readyAt, at: 0 }];
  let t = readyAt;
  if (!binge && rng.chance(NO_PLAY_RATE)) return { events, endMs: t + rng.int(2, 60) * SECOND };

  t += rng.int(1, 6) * SECOND;
  events.push({ type: 'play', t, at: 0 });
  let pos = 0;
  let actions = binge ? rng.int(55, 150) : rng.geometric(9);
  const meanSegment = binge ? 20 : Math.max(5, duration / 10);

  for (;;) {
    const length = Math.max(1, Math.round(rng.exp(meanSegment)));
    const stall = rng.chance(0.1) ? rng.int(1, 3) : 0;
    if (pos + length >= duration) {
      t += (duration - pos + stall) * SECOND;
      pos = duration;
      events.push({ type: 'end', t, at: duration });
      if (actions > 0 && t < limit && (binge || rng.chance(0.08))) {
        actions--;
        t += rng.int(1, 5) * SECOND;
        events.push({ type: 'play', t, at: 0 });
        pos = 0;
        continue;
      }
      return { events, endMs: t };
    }
    t += (length + stall) * SECOND;
    pos += length;
    if (actions === 0 || t >= limit) {
      if (rng.chance(0.55)) events.push({ type: 'pause', t, at: pos });
      return { events, endMs: t };
    }
    actions--;
    const r = rng.next();
    if (r < 0.5) {
      events.push({ type: 'pause', t, at: pos });
      t += Math.round(Math.min(1800, 1 + rng.exp(binge ? 4 : 25))) * SECOND;
      events.push({ type: 'resume', t, at: pos });
    } else if (r < 0.72) {
      const to = Math.min(
        duration - 1,
        pos + Math.max(2, Math.round(rng.exp(Math.max(10, duration / 6)))),
      );
      if (to > pos) {
        events.push({ type: 'seek.forward', t, from: pos, to });
        pos = to;
      }
    } else if (r < 0.88) {
      const to = Math.max(0, pos - Math.max(2, Math.round(rng.exp(15))));
      if (to < pos) {
        events.push({ type: 'seek.backward', t, from: pos, to });
        pos = to;
      }
    } else if (r < 0.93) {
      // A page reload: the player starts over.
      t += rng.int(2, 8) * SECOND;
      events.push({ type: 'ready', t, at: 0 });
      t += rng.int(1, 4) * SECOND;
      events.push({ type: 'play', t, at: 0 });
      pos = 0;
    } else {
      events.push({ type: 'pause', t, at: pos });
      // Most viewers who pause here do not come back.
      if (!binge && rng.chance(0.6)) return { events, endMs: t };
      t += rng.int(2, 40) * SECOND;
      events.push({ type: 'resume', t, at: pos });
    }
  }
}

/**
 * A viewer of a live stream: joins at the live edge (position = seconds since the broadcast
 * started), watches a while, may pause (resuming jumps to the live edge) or rewind, and leaves, or
 * stays to the end of the broadcast; only a few players send `end` then.
 */
function watchLive(rng: Rng, readyAt: number, broadcast: Broadcast, limit: number): Watched {
  const events: PlayerEvent[] = [{ type: 'ready', t: readyAt, at: 0 }];
  let t = readyAt;
  const liveEdge = (ms: number) => Math.max(0, Math.floor((ms - broadcast.startMs) / SECOND));
  if (rng.chance(0.1)) return { events, endMs: t + rng.int(2, 30) * SECOND };
  t += rng.int(1, 4) * SECOND;
  if (t >= broadcast.endMs) return { events, endMs: t };
  let pos = liveEdge(t);
  events.push({ type: 'play', t, at: pos });
  const leaveAt = Math.min(
    broadcast.endMs,
    limit,
    t + Math.round(rng.exp(18 * 60)) * SECOND + 30 * SECOND,
  );

  for (;;) {
    const length = Math.max(5, Math.round(rng.exp(6 * 60)));
    if (t + length * SECOND >= leaveAt) {
      const rest = Math.max(0, Math.floor((leaveAt - t) / SECOND));
      t += rest * SECOND;
      pos += rest;
      if (leaveAt >= broadcast.endMs) {
        if (rng.chance(0.15)) events.push({ type: 'end', t, at: pos });
      } else if (rng.chance(0.5)) {
        events.push({ type: 'pause', t, at: pos });
      }
      return { events, endMs: t };
    }
    t += length * SECOND;
    pos += length;
    if (rng.chance(0.75)) {
      events.push({ type: 'pause', t, at: pos });
      t += rng.int(5, 120) * SECOND;
      if (t >= leaveAt) return { events, endMs: leaveAt };
      pos = liveEdge(t);
      events.push({ type: 'resume', t, at: pos });
    } else {
      const to = Math.max(0, pos - rng.int(10, 90));
      if (to < pos) {
        events.push({ type: 'seek.backward', t, from: pos, to });
        pos = to;
      }
    }
  }
}
