/**
 * Injected failures, drawn per request from the fault seed and the request's sequence number, so
 * a run with the same requests meets the same failures.
 */
import type { FaultOptions } from './options.js';
import { hash32, STREAM, unitFloat } from './random.js';

export type Fault =
  | { kind: 'drop' }
  | { kind: 'error'; status: 500 | 502 | 503 }
  | { kind: 'slow'; ms: number }
  | { kind: 'burst429' };

const ERROR_STATUSES = [500, 502, 503] as const;

export class FaultInjector {
  private sequence = 0;

  constructor(private readonly faults: Required<FaultOptions>) {}

  get enabled(): boolean {
    const f = this.faults;
    return f.dropRate + f.serverErrorRate + f.slowRate + f.burst429Rate > 0;
  }

  /** The fault for the next request, if any; `/auth` is never answered 429. */
  next(isAuth: boolean): Fault | undefined {
    if (!this.enabled) return undefined;
    const n = this.sequence++;
    const f = this.faults;
    const draw = (k: number) => unitFloat(hash32(f.seed, STREAM.fault, n, k));
    if (draw(1) < f.dropRate) return { kind: 'drop' };
    if (draw(2) < f.serverErrorRate) {
      return {
        kind: 'error',
        status: ERROR_STATUSES[Math.floor(draw(3) * ERROR_STATUSES.length)]!,
      };
    }
    if (draw(4) < f.slowRate) return { kind: 'slow', ms: f.slowMs };
    if (!isAuth && draw(5) < f.burst429Rate) return { kind: 'burst429' };
    return undefined;
  }
}
