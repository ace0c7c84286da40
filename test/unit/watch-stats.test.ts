import { describe, expect, it } from 'vitest';
import { watchStats, type WatchEvent } from '../../src/emulator/watch-stats.js';

const t = (s: number) => Date.UTC(2024, 0, 1, 0, 0, 0) + s * 1000;
const ev = (type: string, second: number, pos: Partial<WatchEvent> = {}): WatchEvent => ({
  type,
  emittedAtMs: t(second),
  ...pos,
});

describe('watchStats (reference rule)', () => {
  it('counts a plain play → pause stretch', () => {
    const s = watchStats([
      ev('ready', 0, { at: 0 }),
      ev('play', 1, { at: 0 }),
      ev('pause', 11, { at: 10 }),
    ]);
    expect(s).toMatchObject({
      eventCount: 3,
      playCount: 1,
      pauseCount: 1,
      watchSeconds: 10,
      maxPosition: 10,
    });
  });

  it('caps a stretch by the wall-clock time between its events', () => {
    const s = watchStats([ev('play', 0, { at: 0 }), ev('pause', 5, { at: 60 })]);
    expect(s.watchSeconds).toBe(5);
  });

  it('splits a stretch at a seek and never counts backwards', () => {
    const s = watchStats([
      ev('play', 0, { at: 0 }),
      ev('seek.forward', 10, { from: 10, to: 100 }),
      ev('seek.backward', 20, { from: 110, to: 5 }),
      ev('end', 30, { at: 0 }),
    ]);
    // 10 + 10 + 0 (end position before the stretch start)
    expect(s).toMatchObject({ seekCount: 2, ended: true, watchSeconds: 20, maxPosition: 110 });
  });

  it('ignores seeks while paused, drops stretches ended by ready, and open stretches', () => {
    const s = watchStats([
      ev('seek.forward', 0, { from: 0, to: 50 }),
      ev('play', 1, { at: 50 }),
      ev('ready', 9, { at: 0 }),
      ev('resume', 10, { at: 0 }),
      ev('pause', 14, { at: 4 }),
      ev('resume', 20, { at: 4 }),
    ]);
    expect(s).toMatchObject({ seekCount: 1, resumeCount: 2, watchSeconds: 4, ended: false });
  });

  it('counts unknown types only in event_count', () => {
    const s = watchStats([
      ev('play', 0, { at: 0 }),
      ev('buffering', 3, { at: 999 }),
      ev('pause', 5, { at: 5 }),
    ]);
    expect(s).toMatchObject({ eventCount: 3, watchSeconds: 5, maxPosition: 999 });
  });

  it('reads the 2021-03 spec example session', () => {
    const sec = (hms: string, day = 15) =>
      (Date.UTC(2020, 8, day, ...(hms.split(':').map(Number) as [number, number, number])) - t(0)) /
      1000;
    const s = watchStats([
      ev('ready', sec('09:47:42'), { at: 0 }),
      ev('play', sec('21:35:57'), { at: 0 }),
      ev('pause', sec('21:36:05'), { at: 7 }),
      ev('resume', sec('21:36:19'), { at: 21 }),
      ev('seek.forward', sec('21:36:19'), { from: 7, to: 21 }),
      ev('end', sec('21:36:28'), { at: 30 }),
    ]);
    // play 0→7 in 8 s: 7; resume at 21 then seek from 7 (backwards): 0; stretch 21→30 in 9 s: 9.
    expect(s.watchSeconds).toBe(16);
    expect(s.ended).toBe(true);
  });
});
