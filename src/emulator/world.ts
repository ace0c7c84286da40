/**
 * The synthetic account as one object: its catalog, its sessions' timeline, and the store that
 * generates and finds sessions. Everything the routes and the ground truth read comes from here.
 */
import { Catalog } from './catalog.js';
import { SessionIds } from './ids.js';
import type { EmulatorConfig } from './options.js';
import { STREAM } from './random.js';
import { SessionFactory } from './sessions.js';
import { SessionStore } from './session-store.js';
import { Timeline } from './timeline.js';
import { DAY, HOUR } from './timestamps.js';
import { VanishingAssets } from './vanishing.js';
import { Variance } from './variance.js';

export class World {
  readonly catalog: Catalog;
  readonly timeline: Timeline;
  readonly sessions: SessionStore;
  readonly historyStartMs: number;
  readonly variance: Variance;
  readonly vanishing: VanishingAssets;
  /** The long session's index (`longSession`), or -1. */
  readonly longIndex: number;

  constructor(config: EmulatorConfig) {
    this.historyStartMs = config.now - config.historyDays * DAY;
    this.variance = new Variance(config.seed, config.variance);
    this.catalog = new Catalog(
      {
        seed: config.seed,
        videos: config.videos,
        liveStreams: config.liveStreams,
        players: config.players,
        historyStartMs: this.historyStartMs,
        anchorMs: config.now,
        hostile: config.hostile,
      },
      this.variance,
    );
    this.timeline = new Timeline(config.seed, config.sessions, this.historyStartMs, config.now);
    this.vanishing = new VanishingAssets(this.catalog, this.variance);
    // The long session is one that loaded half a day before the anchor: ended, whole, at `now`.
    this.longIndex = config.longSession ? this.timeline.count(config.now - 12 * HOUR) - 1 : -1;
    const ids = new SessionIds(config.seed, STREAM.sessionId);
    const factory = new SessionFactory(
      config.seed,
      this.catalog,
      this.timeline,
      ids,
      config.hostile,
      this.variance,
      config.longSession && this.longIndex >= 0
        ? { index: this.longIndex, events: config.longSession.events }
        : undefined,
    );
    this.sessions = new SessionStore(
      factory,
      this.timeline,
      ids,
      config.videos,
      config.liveStreams,
    );
  }
}
