/**
 * The emulator's notion of now. `frozen` stands still (tests move it by hand); `live` runs with
 * real time from the anchor, so a demo keeps receiving sessions. Either way `set` and `advance`
 * shift it.
 */
export interface Clock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export class EmulatorClock implements Clock {
  private shift = 0;
  private readonly realStart = Date.now();

  constructor(
    private readonly anchorMs: number,
    private readonly live: boolean,
  ) {}

  now(): number {
    return this.anchorMs + this.shift + (this.live ? Date.now() - this.realStart : 0);
  }

  set(ms: number): void {
    this.shift += ms - this.now();
  }

  advance(ms: number): void {
    this.shift += ms;
  }

  /**
   * The time access tokens age by: real time plus every shift of the clock, so a token expires
   * after its TTL of real time (a slow sync sees expiry) and also when a test moves the clock.
   */
  tokenTime(): number {
    return Date.now() + this.shift;
  }
}
