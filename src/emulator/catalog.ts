/**
 * The account's videos, live streams and players, and the objects `GET /videos`, `/live-streams`
 * and `/players` answer with (the 2024-11 spec's shapes).
 *
 * Assets are created over the history window (some before it), each in creation order, so "which
 * assets exist at time t" is a prefix. Popularity is Zipf-like over a seeded ranking, so a session
 * picks its video with one binary search over the prefix's cumulative weights. Live streams
 * broadcast in weekly slots; their sessions happen only while they are on air.
 */
import type { AudienceContext } from './audience.js';
import {
  BRANDS,
  HOSTILE_TITLE,
  PLAYER_NAMES,
  liveStreamName,
  searchTerms,
  videoText,
  type Brand,
  type VideoText,
} from './content.js';
import { catalogId, uuid } from './ids.js';
import { varyObject, type ObjectRules, type Varied } from './object-variance.js';
import { hash32, lowerBound, permutation, Rng, STREAM, unitFloat } from './random.js';
import { atom, DAY, HOUR, MINUTE, WEEK, zulu } from './timestamps.js';
import { ASPECT, type Variance } from './variance.js';

/** Popularity falls off as 1 / rank^ZIPF: the top tenth of videos draws most of the sessions. */
const ZIPF = 1.05;
/** Share of assets that predate the history window. */
const VIDEOS_BEFORE_WINDOW = 0.3;
const LIVE_BEFORE_WINDOW = 0.4;
/** 1970-01-05 was a Monday: weekly schedules count from it. */
export const WEEK_ORIGIN = 4 * DAY;
/** A broadcast slot is skipped on some weeks, as real shows are. */
const BROADCAST_HAPPENS = 0.85;

export interface VideoAsset {
  index: number;
  id: string;
  text: VideoText;
  title: string;
  createdAtMs: number;
  publishedAtMs: number;
  updatedAtMs: number;
  durationSeconds: number;
  public: boolean;
  panoramic: boolean;
  mp4Support: boolean;
  playerId: string | undefined;
  language: string;
  languageOrigin: string;
  token: string | undefined;
  recordedFrom: string | undefined;
  zulu: boolean;
  removed: boolean;
}

export interface BroadcastSlot {
  /** Offset of the start from the beginning of the week (Monday 00:00 UTC). */
  offsetMs: number;
  durationMs: number;
}

export interface LiveAsset {
  index: number;
  id: string;
  name: string;
  createdAtMs: number;
  updatedAtMs: number;
  streamKey: string;
  restreams: Array<{ name: string; serverUrl: string; streamKey: string }>;
  public: boolean;
  playerId: string | undefined;
  slots: BroadcastSlot[];
  zulu: boolean;
  removed: boolean;
}

export interface PlayerAsset {
  index: number;
  id: string;
  name: string;
  createdAtMs: number;
  updatedAtMs: number;
  theme: Record<string, string | boolean>;
  removed: boolean;
}

export interface Broadcast {
  startMs: number;
  endMs: number;
}

export interface CatalogSpec {
  seed: number;
  videos: number;
  liveStreams: number;
  players: number;
  historyStartMs: number;
  anchorMs: number;
  hostile: boolean;
}

export class Catalog {
  readonly brand: Brand;
  readonly audience: AudienceContext;
  readonly videos: VideoAsset[];
  readonly liveStreams: LiveAsset[];
  readonly players: PlayerAsset[];
  private readonly videoById = new Map<string, VideoAsset>();
  private readonly liveById = new Map<string, LiveAsset>();
  private readonly videoCumulative: Float64Array;
  private readonly videoCreated: Float64Array;
  private readonly liveWeights: Float64Array;
  private readonly videoRank: Int32Array;
  private readonly liveRank: Int32Array;
  private readonly videoObjects = new Map<number, Varied<Record<string, unknown>>>();

  constructor(
    private readonly spec: CatalogSpec,
    private readonly variance: Variance,
  ) {
    const { seed } = spec;
    this.brand = BRANDS[hash32(seed, STREAM.brand) % BRANDS.length]!;
    this.audience = { site: this.brand.site, searchTerms: searchTerms() };
    this.players = Array.from({ length: spec.players }, (_, i) => this.makePlayer(i));
    this.liveStreams = Array.from({ length: spec.liveStreams }, (_, i) => this.makeLiveStream(i));
    this.videos = Array.from({ length: spec.videos }, (_, i) => this.makeVideo(i));
    for (const v of this.videos) this.videoById.set(v.id, v);
    for (const l of this.liveStreams) this.liveById.set(l.id, l);

    const rank = permutation(spec.videos, new Rng(hash32(seed, STREAM.popularity, 1)));
    this.videoRank = rank;
    this.videoCumulative = new Float64Array(spec.videos);
    this.videoCreated = new Float64Array(spec.videos);
    let total = 0;
    for (let i = 0; i < spec.videos; i++) {
      total += 1 / Math.pow(rank[i]! + 1, ZIPF);
      this.videoCumulative[i] = total;
      this.videoCreated[i] = this.videos[i]!.createdAtMs;
    }
    const liveRank = permutation(spec.liveStreams, new Rng(hash32(seed, STREAM.popularity, 2)));
    this.liveRank = liveRank;
    this.liveWeights = Float64Array.from(liveRank, (r) => 1 / Math.pow(r + 1, ZIPF));
  }

  /**
   * The index of the most popular asset of a kind among those that existed all through the
   * history window (so it has sessions all along), or -1 when there is none of that kind.
   */
  mostPopular(kind: 'video' | 'live_stream'): number {
    const assets = kind === 'video' ? this.videos : this.liveStreams;
    const rank = kind === 'video' ? this.videoRank : this.liveRank;
    let best = -1;
    for (const asset of assets) {
      const old = asset.createdAtMs < this.spec.historyStartMs;
      const bestOld = best >= 0 && assets[best]!.createdAtMs < this.spec.historyStartMs;
      if (best < 0 || (old && !bestOld) || (old === bestOld && rank[asset.index]! < rank[best]!))
        best = asset.index;
    }
    return best;
  }

  video(id: string): VideoAsset | undefined {
    return this.videoById.get(id);
  }

  liveStream(id: string): LiveAsset | undefined {
    return this.liveById.get(id);
  }

  /** The video a session at `atMs` watches, from a uniform `u`; -1 when none exists yet. */
  pickVideo(u: number, atMs: number): number {
    const available = lowerBound(this.videoCreated, atMs, this.videoCreated.length);
    const count = this.videoCreated[available]! <= atMs ? available + 1 : available;
    if (count === 0) return -1;
    return lowerBound(this.videoCumulative, u * this.videoCumulative[count - 1]!, count);
  }

  /** Live streams on air at `atMs`, each with its broadcast, weighted by popularity for a pick. */
  onAir(atMs: number): Array<{ index: number; weight: number; broadcast: Broadcast }> {
    const out = [];
    for (const live of this.liveStreams) {
      const broadcast = this.broadcastAt(live, atMs);
      if (broadcast)
        out.push({ index: live.index, weight: this.liveWeights[live.index]!, broadcast });
    }
    return out;
  }

  /** The broadcast of `live` going on at `atMs`, if any. */
  broadcastAt(live: LiveAsset, atMs: number): Broadcast | undefined {
    for (let s = 0; s < live.slots.length; s++) {
      const slot = live.slots[s]!;
      const week = Math.floor((atMs - WEEK_ORIGIN - slot.offsetMs) / WEEK);
      const startMs = WEEK_ORIGIN + week * WEEK + slot.offsetMs;
      if (atMs < startMs || atMs >= startMs + slot.durationMs || startMs < live.createdAtMs)
        continue;
      if (
        unitFloat(hash32(this.spec.seed, STREAM.broadcastWeek, live.index * 16 + s, week)) >
        BROADCAST_HAPPENS
      ) {
        continue;
      }
      return { startMs, endMs: startMs + slot.durationMs };
    }
    return undefined;
  }

  rename(id: string, title: string, nowMs: number): boolean {
    const video = this.videoById.get(id);
    if (video) {
      video.title = title;
      video.updatedAtMs = Math.max(video.updatedAtMs, Math.floor(nowMs / 1000) * 1000);
      this.videoObjects.delete(video.index);
      return true;
    }
    const live = this.liveById.get(id);
    if (live) {
      live.name = title;
      live.updatedAtMs = Math.max(live.updatedAtMs, Math.floor(nowMs / 1000) * 1000);
      return true;
    }
    return false;
  }

  remove(id: string): boolean {
    return this.setRemoved(id, true);
  }

  restore(id: string): boolean {
    return this.setRemoved(id, false);
  }

  private setRemoved(id: string, removed: boolean): boolean {
    const asset =
      this.videoById.get(id) ?? this.liveById.get(id) ?? this.players.find((p) => p.id === id);
    if (!asset) return false;
    asset.removed = removed;
    return true;
  }

  /**
   * The title a client learns for an asset's sessions: the listed video's `title` or stream's
   * `name`, null when the listed object leaves it out (variance).
   */
  titleOf(kind: 'video' | 'live_stream', index: number, nowMs: number): string | null {
    const object =
      kind === 'video'
        ? this.videoObject(this.videos[index]!)
        : this.liveStreamObject(this.liveStreams[index]!, nowMs);
    const title = kind === 'video' ? object.title : object.name;
    return typeof title === 'string' ? title : null;
  }

  /** What variance did to an asset's object (empty when it is sent as generated). */
  variations(kind: 'video' | 'live_stream' | 'player', index: number, nowMs: number): string[] {
    if (kind === 'video') return this.variedVideo(this.videos[index]!).applied;
    if (kind === 'player') return this.variedPlayer(this.players[index]!).applied;
    return this.variedLiveStream(this.liveStreams[index]!, nowMs).applied;
  }

  // ---- API objects --------------------------------------------------------------------------

  /** What the list endpoints hold now, in their default order (creation). */
  listedVideos(): Record<string, unknown>[] {
    return this.videos.filter((v) => !v.removed).map((v) => this.videoObject(v));
  }

  listedLiveStreams(nowMs: number): Record<string, unknown>[] {
    return this.liveStreams.filter((l) => !l.removed).map((l) => this.liveStreamObject(l, nowMs));
  }

  listedPlayers(): Record<string, unknown>[] {
    return this.players.filter((p) => !p.removed).map((p) => this.playerObject(p));
  }

  videoObject(video: VideoAsset): Record<string, unknown> {
    return this.variedVideo(video).object;
  }

  liveStreamObject(live: LiveAsset, nowMs: number): Record<string, unknown> {
    return this.variedLiveStream(live, nowMs).object;
  }

  playerObject(player: PlayerAsset): Record<string, unknown> {
    return this.variedPlayer(player).object;
  }

  private variedVideo(video: VideoAsset): Varied<Record<string, unknown>> {
    let varied = this.videoObjects.get(video.index);
    if (!varied) {
      varied = varyObject(
        buildVideoObject(video),
        VIDEO_RULES,
        this.variance,
        ASPECT.video,
        video.index,
      );
      this.videoObjects.set(video.index, varied);
    }
    return varied;
  }

  private variedLiveStream(live: LiveAsset, nowMs: number): Varied<Record<string, unknown>> {
    return varyObject(
      this.buildLiveStreamObject(live, nowMs),
      LIVE_STREAM_RULES,
      this.variance,
      ASPECT.liveStream,
      live.index,
    );
  }

  private variedPlayer(player: PlayerAsset): Varied<Record<string, unknown>> {
    return varyObject(
      this.buildPlayerObject(player),
      PLAYER_RULES,
      this.variance,
      ASPECT.player,
      player.index,
    );
  }

  private buildLiveStreamObject(live: LiveAsset, nowMs: number): Record<string, unknown> {
    const stamp = live.zulu ? zulu : atom;
    const id = live.id;
    return {
      liveStreamId: id,
      createdAt: stamp(live.createdAtMs),
      updatedAt: stamp(live.updatedAtMs),
      streamKey: live.streamKey,
      restreams: live.restreams,
      name: live.name,
      public: live.public,
      broadcasting: this.broadcastAt(live, nowMs) !== undefined,
      ...(live.playerId ? { playerId: live.playerId } : {}),
      assets: {
        iframe: `<iframe src="https://embed.api.video/live/${id}" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen=""></iframe>`,
        player: `https://embed.api.video/live/${id}`,
        hls: `https://live.api.video/${id}.m3u8`,
        thumbnail: `https://live.api.video/${id}/thumbnail.jpg`,
      },
    };
  }

  private buildPlayerObject(player: PlayerAsset): Record<string, unknown> {
    return {
      playerId: player.id,
      name: player.name,
      createdAt: atom(player.createdAtMs),
      updatedAt: atom(player.updatedAtMs),
      ...player.theme,
      assets: {
        logo: `https://cdn.api.video/player/${player.id}/logo.png`,
        link: this.brand.site,
      },
    };
  }

  // ---- generation ---------------------------------------------------------------------------

  /** Creation time of item i of n: evenly spread over a span, jittered within its slot. */
  private createdAt(stream: number, i: number, n: number, before: number): number {
    const { historyStartMs: start, anchorMs: anchor, seed } = this.spec;
    const u = unitFloat(hash32(seed, stream, i));
    const pre = Math.min(n, Math.max(1, Math.round(n * before)));
    const t =
      i < pre
        ? start - 400 * DAY + ((i + u) / pre) * (400 * DAY - HOUR)
        : start + ((i - pre + u) / (n - pre)) * (anchor - start - 2 * HOUR);
    return Math.floor(t / 1000) * 1000;
  }

  private makePlayer(i: number): PlayerAsset {
    const rng = new Rng(hash32(this.spec.seed, STREAM.player, i));
    const createdAtMs =
      Math.floor(
        (this.spec.historyStartMs - 420 * DAY - (this.spec.players - i) * 9 * DAY) / 1000,
      ) * 1000;
    const palette = rng.pick(PALETTES);
    return {
      index: i,
      id: catalogId('pl', this.spec.seed, STREAM.player, i),
      name: PLAYER_NAMES[i % PLAYER_NAMES.length]!,
      createdAtMs,
      updatedAtMs: createdAtMs + rng.int(0, 200) * DAY + rng.int(0, 86_399) * 1000,
      theme: {
        text: palette[0],
        link: palette[1],
        linkHover: 'rgba(255, 255, 255, .75)',
        linkActive: palette[1].replace(/, [.\d]+\)$/, ', .75)'),
        trackPlayed: 'rgba(255, 255, 255, .95)',
        trackUnplayed: 'rgba(255, 255, 255, .1)',
        trackBackground: 'rgba(0, 0, 0, 0)',
        backgroundTop: palette[2],
        backgroundBottom: palette[3],
        backgroundText: 'rgba(255, 255, 255, .95)',
        enableApi: rng.chance(0.8),
        enableControls: rng.chance(0.9),
        forceAutoplay: rng.chance(0.2),
        hideTitle: rng.chance(0.15),
        forceLoop: rng.chance(0.05),
      },
      removed: false,
    };
  }

  private makeLiveStream(i: number): LiveAsset {
    const { seed, liveStreams: n } = this.spec;
    const rng = new Rng(hash32(seed, STREAM.liveStream, i));
    const createdAtMs = this.createdAt(STREAM.liveTime, i, n, LIVE_BEFORE_WINDOW);
    // Fewer streams broadcast more often, so even a small account has some live audience.
    const slotCount = Math.min(6, Math.max(1, Math.round(24 / Math.max(1, n))));
    const days = permutation(7, rng);
    const slots: BroadcastSlot[] = Array.from({ length: slotCount }, (_, s) => ({
      offsetMs: days[s % 7]! * DAY + rng.int(11, 21) * HOUR + rng.pick([0, 15, 30]) * MINUTE,
      durationMs: rng.int(3, 10) * 15 * MINUTE,
    }));
    const streamKey = uuid(rng);
    const restreams = rng.chance(0.3)
      ? [{ name: 'YouTube', serverUrl: 'rtmp://a.rtmp.youtube.com/live2', streamKey: uuid(rng) }]
      : [];
    return {
      index: i,
      id: catalogId('li', seed, STREAM.liveStream, i),
      name: liveStreamName(rng, this.brand),
      createdAtMs,
      updatedAtMs:
        Math.floor(Math.min(this.spec.anchorMs, createdAtMs + rng.int(0, 30) * DAY) / 1000) * 1000,
      streamKey,
      restreams,
      public: rng.chance(0.85),
      playerId: this.players.length > 0 && rng.chance(0.6) ? rng.pick(this.players).id : undefined,
      slots,
      zulu: rng.chance(0.15),
      removed: false,
    };
  }

  private makeVideo(i: number): VideoAsset {
    const { seed, videos: n, anchorMs, hostile } = this.spec;
    const rng = new Rng(hash32(seed, STREAM.video, i));
    const id = catalogId('vi', seed, STREAM.video, i);
    const createdAtMs = this.createdAt(STREAM.videoTime, i, n, VIDEOS_BEFORE_WINDOW);
    const publishedAtMs = createdAtMs + rng.int(20, 900) * 1000;
    const updatedAtMs = rng.chance(0.35)
      ? Math.min(anchorMs - (anchorMs % 1000), publishedAtMs + rng.int(1, 120) * HOUR)
      : publishedAtMs;
    const text = videoText(rng);
    const isPublic = rng.chance(0.88);
    const mp4Support = rng.chance(0.7);
    const sources = this.liveStreams.filter((l) => l.createdAtMs < createdAtMs);
    const recordedFrom = sources.length > 0 && rng.chance(0.08) ? rng.pick(sources).id : undefined;
    return {
      index: i,
      id,
      text,
      title: hostile && i === Math.min(1, n - 1) ? HOSTILE_TITLE : text.title,
      createdAtMs,
      publishedAtMs,
      updatedAtMs: Math.max(updatedAtMs, publishedAtMs),
      // Talks and webinars run long, clips short: a log-normal spread around four minutes.
      durationSeconds: Math.round(Math.min(5400, Math.max(20, rng.logNormal(240, 1)))),
      public: isPublic,
      panoramic: rng.chance(0.03),
      mp4Support,
      playerId: this.players.length > 0 && rng.chance(0.75) ? rng.pick(this.players).id : undefined,
      language: rng.chance(0.85) ? 'en' : rng.pick(['fr', 'de', 'es']),
      languageOrigin: rng.chance(0.7) ? 'api' : 'auto',
      token: isPublic ? undefined : uuid(rng),
      recordedFrom,
      zulu: rng.chance(0.15),
      removed: false,
    };
  }
}

/**
 * What variance may do to catalog objects: leave out fields none of the specs requires (2023-09
 * and 2024-11 require `videoId`; `liveStreamId` and `restreams`; `playerId`).
 */
const VIDEO_RULES: ObjectRules = {
  optional: [
    'title',
    'description',
    'language',
    'languageOrigin',
    'public',
    'panoramic',
    'mp4Support',
    'tags',
    'metadata',
    'createdAt',
    'publishedAt',
    'updatedAt',
    'discarded',
    'source',
    'assets',
    'playerId',
  ],
  // 2024-11 marks languageOrigin nullable but gives it an enum without null, which OpenAPI 3.0.3
  // reads as null not allowed; discardedAt and deletesAt are already null on every video.
};
const LIVE_STREAM_RULES: ObjectRules = {
  optional: [
    'name',
    'streamKey',
    'public',
    'assets',
    'playerId',
    'broadcasting',
    'createdAt',
    'updatedAt',
  ],
};
const PLAYER_RULES: ObjectRules = {
  optional: [
    'name',
    'text',
    'link',
    'backgroundTop',
    'enableApi',
    'createdAt',
    'updatedAt',
    'assets',
  ],
};

function buildVideoObject(v: VideoAsset): Record<string, unknown> {
  const stamp = v.zulu ? zulu : atom;
  const id = v.id;
  const query = v.token ? `?token=${v.token}` : '';
  const cdn = v.token
    ? `https://cdn.api.video/vod/${id}/token/${v.token}`
    : `https://cdn.api.video/vod/${id}`;
  return {
    videoId: id,
    ...(v.playerId ? { playerId: v.playerId } : {}),
    title: v.title,
    description: v.text.description,
    language: v.language,
    languageOrigin: v.languageOrigin,
    public: v.public,
    panoramic: v.panoramic,
    mp4Support: v.mp4Support,
    tags: v.text.tags,
    metadata: v.text.metadata,
    createdAt: stamp(v.createdAtMs),
    publishedAt: stamp(v.publishedAtMs),
    updatedAt: stamp(v.updatedAtMs),
    discarded: false,
    discardedAt: null,
    deletesAt: null,
    source: v.recordedFrom
      ? {
          uri: `/videos/${id}/source`,
          liveStream: {
            liveStreamId: v.recordedFrom,
            links: [{ rel: 'self', uri: `/live-streams/${v.recordedFrom}` }],
          },
        }
      : { uri: `/videos/${id}/source` },
    assets: {
      iframe: `<iframe src="https://embed.api.video/vod/${id}${query}" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen=""></iframe>`,
      player: `https://embed.api.video/vod/${id}${query}`,
      hls: `${cdn}/hls/manifest.m3u8`,
      thumbnail: `${cdn}/thumbnail.jpg`,
      ...(v.mp4Support ? { mp4: `${cdn}/mp4/source.mp4` } : {}),
    },
  };
}

const PALETTES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['rgba(255, 255, 255, .95)', 'rgba(255, 0, 0, .95)', 'rgba(72, 4, 45, 1)', 'rgba(94, 95, 89, 1)'],
  ['rgba(255, 255, 255, 1)', 'rgba(88, 131, 255, .95)', 'rgba(0, 0, 0, .7)', 'rgba(0, 0, 0, .7)'],
  [
    'rgba(240, 240, 240, .9)',
    'rgba(255, 196, 0, .95)',
    'rgba(20, 24, 33, 1)',
    'rgba(20, 24, 33, .8)',
  ],
  [
    'rgba(255, 255, 255, .95)',
    'rgba(0, 200, 150, .95)',
    'rgba(10, 40, 60, 1)',
    'rgba(10, 40, 60, .9)',
  ],
];
