/**
 * Finding sessions without keeping them: an index of session numbers per asset (in load order, so
 * a period is a binary search), grown as the clock brings new sessions, and a bounded cache of
 * generated sessions for the requests that come in bursts (a session list, then its events).
 */
import type { SessionIds } from './ids.js';
import type { AssetKind, SessionFactory, SessionRecord } from './sessions.js';
import type { Timeline } from './timeline.js';

const CACHE_SIZE = 20_000;

/** An append-only list of session numbers. */
class IndexList {
  items = new Int32Array(8);
  length = 0;

  push(i: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = i;
  }
}

export class SessionStore {
  private readonly videoIndex: IndexList[];
  private readonly liveIndex: IndexList[];
  private indexed = 0;
  private readonly cache = new Map<number, SessionRecord>();

  constructor(
    private readonly factory: SessionFactory,
    readonly timeline: Timeline,
    private readonly ids: SessionIds,
    videos: number,
    liveStreams: number,
  ) {
    this.videoIndex = Array.from({ length: videos }, () => new IndexList());
    this.liveIndex = Array.from({ length: liveStreams }, () => new IndexList());
  }

  /** Sessions loaded at or before `nowMs`. */
  count(nowMs: number): number {
    return this.timeline.count(nowMs);
  }

  get(i: number): SessionRecord {
    let record = this.cache.get(i);
    if (record) {
      // Refresh its place: the map's order is the eviction order.
      this.cache.delete(i);
      this.cache.set(i, record);
      return record;
    }
    record = this.factory.make(i);
    this.cache.set(i, record);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return record;
  }

  /** A session without disturbing the cache: for passes over every session. */
  peek(i: number): SessionRecord {
    return this.cache.get(i) ?? this.factory.make(i);
  }

  /** The session with this ID, if it has loaded by `nowMs`. */
  find(id: string, nowMs: number): SessionRecord | undefined {
    const i = this.ids.decode(id);
    if (i === undefined || i >= this.count(nowMs)) return undefined;
    const record = this.get(i);
    return record.id === id ? record : undefined;
  }

  /**
   * Session numbers of one asset loaded in [fromMs, toMs), at `nowMs`, in load order. Returns the
   * backing array and the bounds, so a page can be cut without copying the whole range.
   */
  ofAsset(
    kind: AssetKind,
    asset: number,
    fromMs: number,
    toMs: number,
    nowMs: number,
  ): { items: Int32Array; start: number; end: number } {
    this.indexUpTo(this.count(nowMs));
    const list = (kind === 'video' ? this.videoIndex : this.liveIndex)[asset]!;
    const upTo = Math.min(toMs, nowMs + 1);
    return {
      items: list.items,
      start: this.searchLoad(list, fromMs),
      end: this.searchLoad(list, upTo),
    };
  }

  /** Extends the per-asset index to the first `count` sessions. */
  indexUpTo(count: number): void {
    for (let i = this.indexed; i < count; i++) {
      const asset = this.factory.assetOf(i);
      (asset.kind === 'video' ? this.videoIndex : this.liveIndex)[asset.index]!.push(i);
    }
    this.indexed = Math.max(this.indexed, count);
  }

  /** First position in `list` whose session loads at or after `ms`. */
  private searchLoad(list: IndexList, ms: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeline.loadedAt(list.items[mid]!) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
