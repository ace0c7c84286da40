/**
 * Decisions of `variance`: which objects and answers are varied, and how. Each decision is a
 * hash of the seed, the kind of thing decided and the object's identity (or the request's text),
 * never of Math.random or the time, so the same seed varies the same things in any process.
 */
import type { EmulatorConfig } from './options.js';
import { hash32, hashString, unitFloat } from './random.js';

/** What is decided, each from its own stream so that adding one kind never moves another. */
export const ASPECT = {
  video: hashString('vary-video'),
  liveStream: hashString('vary-live-stream'),
  player: hashString('vary-player'),
  session: hashString('vary-session'),
  goneEvents: hashString('vary-gone-events'),
  unknownEvents: hashString('vary-unknown-events'),
  event: hashString('vary-event'),
  answer: hashString('vary-answer'),
  spelling: hashString('vary-spelling'),
} as const;

export class Variance {
  readonly enabled: boolean;
  readonly rate: number;
  readonly goneEventsRate: number;
  readonly vanishingAssets: boolean;

  constructor(
    private readonly seed: number,
    config: EmulatorConfig['variance'],
  ) {
    this.enabled = config.enabled;
    this.rate = config.rate;
    this.goneEventsRate = config.goneEventsRate;
    this.vanishingAssets = config.enabled && config.vanishingAssets;
  }

  /** 32 bits for (aspect, id, part): the same every time they are asked for. */
  bits(aspect: number, id: number, part = 0): number {
    return hash32(this.seed, aspect, id, part);
  }

  /** A uniform draw in (0, 1) for (aspect, id, part). */
  draw(aspect: number, id: number, part = 0): number {
    return unitFloat(this.bits(aspect, id, part));
  }

  /** Whether object `id` is varied in this aspect at all (never when variance is off). */
  varies(aspect: number, id: number): boolean {
    return this.enabled && this.draw(aspect, id) < this.rate;
  }

  /** One of `options` for (aspect, id, part). */
  pick<T>(options: readonly T[], aspect: number, id: number, part = 0): T {
    return options[this.bits(aspect, id, part) % options.length]!;
  }

  /** An identity for a request: its method, path and query exactly as sent. */
  static requestId(method: string, url: string): number {
    return hashString(`${method} ${url}`);
  }
}
