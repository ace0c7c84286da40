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
import { DAY } from './timestamps.js';

export class World {
  readonly catalog: Catalog;
  readonly timeline: Timeline;
  readonly sessions: SessionStore;
  readonly historyStartMs: number;

  constructor(config: EmulatorConfig) {
    this.historyStartMs = config.now - config.historyDays * DAY;
    this.catalog = new Catalog({
      seed: config.seed,
      videos: config.videos,
      liveStreams: config.liveStreams,
      players: config.players,
      historyStartMs: this.historyStartMs,
      anchorMs: config.now,
      hostile: config.hostile,
    });
    this.timeline = new Timeline(config.seed, config.sessions, this.historyStartMs, config.now);
    const ids = new SessionIds(config.seed, STREAM.sessionId);
    const factory = new SessionFactory(
      config.seed,
      this.catalog,
      this.timeline,
      ids,
      config.hostile,
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
