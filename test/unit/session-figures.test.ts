import { describe, expect, it } from 'vitest';
import { mergeSpans, SessionFigures, type FigureEvent } from '../../src/warehouse/figures.js';

const at = (seconds: number) => BigInt(Date.UTC(2025, 0, 1)) * 1000n + BigInt(seconds) * 1_000_000n;
const ev = (type: string, t: number, p: Partial<FigureEvent> = {}): FigureEvent => ({
  type,
  emittedAt: at(t),
  at: null,
  from: null,
  to: null,
  ...p,
});

function figures(events: FigureEvent[]) {
  const f = new SessionFigures('ps1');
  for (const e of events) f.add(e);
  return f.rows();
}

describe('session figures', () => {
  it('counts a rewatched part once in the spans, twice in watch time', () => {
    const { stats, spans } = figures([
      ev('ready', 0, { at: 0 }),
      ev('play', 1, { at: 0 }),
      ev('seek.backward', 31, { from: 30, to: 10 }),
      ev('pause', 51, { at: 30 }),
    ]);
    expect(stats).toMatchObject({ watch_seconds: 50, seek_count: 1, max_position: 30 });
    expect(spans).toEqual([{ session_id: 'ps1', start_position: 0, end_position: 30 }]);
  });

  it('keeps a skipped part out of the spans, and a stretch counts no more than the time it took', () => {
    const { stats, spans } = figures([
      ev('play', 0, { at: 0 }),
      ev('seek.forward', 10, { from: 10, to: 100 }),
      // 20 positions in 5 seconds: only 5 seconds are counted.
      ev('end', 15, { at: 120 }),
    ]);
    expect(stats).toMatchObject({ watch_seconds: 15, ended: true });
    expect(spans.map((s) => [s.start_position, s.end_position])).toEqual([
      [0, 10],
      [100, 105],
    ]);
  });

  it('adds nothing for an open stretch, a ready, or unknown types', () => {
    const { stats, spans } = figures([
      ev('play', 0, { at: 0 }),
      ev('ready', 5, { at: 5 }),
      ev('pause', 9, { at: 9 }),
      ev('buffering', 10),
      ev('resume', 11, { at: 9 }),
    ]);
    expect(stats).toMatchObject({ event_count: 5, watch_seconds: 0, pause_count: 1 });
    expect(spans).toEqual([]);
  });

  it('merges spans that overlap or touch', () => {
    expect(mergeSpans([5, 10, 0, 5, 20, 30, 25, 26, 29, 31])).toEqual([
      [0, 10],
      [20, 31],
    ]);
  });
});
