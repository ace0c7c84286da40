import { describe, expect, it } from 'vitest';
import { emulatorOptions } from '../../src/cli/commands/emulator.js';
import { UsageError } from '../../src/errors.js';

const defaults = {
  port: '8787',
  host: '127.0.0.1',
  seed: '1',
  preset: 'small',
  generations: 'raw,analytics',
};

describe('viewership emulator flags', () => {
  it('maps flags to emulator options, leaving unset ones to the preset', () => {
    expect(emulatorOptions(defaults)).toEqual({
      port: 8787,
      host: '127.0.0.1',
      seed: 1,
      preset: 'small',
      faults: {},
      generations: { raw: true, analytics: true },
      clock: 'frozen',
    });
    expect(
      emulatorOptions({
        ...defaults,
        port: '0',
        preset: 'demo',
        videos: '12',
        liveStreams: '0',
        sessions: '300',
        historyDays: '45',
        latency: '50',
        rateLimit: '1200',
        faultRate: '0.05',
        dropRate: '0.01',
        slowRate: '0',
        tokenTtl: '5',
        generations: 'analytics',
        apiKey: 'key',
        liveClock: true,
      }),
    ).toMatchObject({
      port: 0,
      preset: 'demo',
      videos: 12,
      liveStreams: 0,
      sessions: 300,
      historyDays: 45,
      latencyMs: 50,
      rateLimit: { perMinute: 1200 },
      faults: { serverErrorRate: 0.05, dropRate: 0.01, slowRate: 0 },
      tokenTtlSeconds: 5,
      generations: { raw: false, analytics: true },
      apiKey: 'key',
      clock: 'live',
    });
  });

  it('pins the clock with --now, as ISO 8601 or milliseconds, and turns on variance', () => {
    const at = Date.UTC(2025, 4, 28, 19, 30);
    for (const now of ['2025-05-28T19:30:00Z', '2025-05-28T21:30:00+02:00', String(at)])
      expect(emulatorOptions({ ...defaults, now }).now).toBe(at);
    expect(emulatorOptions({ ...defaults, now: '2025-05-28' }).now).toBe(Date.UTC(2025, 4, 28));
    expect(emulatorOptions({ ...defaults, variance: true, longSession: '500000' })).toMatchObject({
      variance: true,
      longSession: { events: 500_000 },
    });
    expect(emulatorOptions(defaults)).not.toHaveProperty('variance');
  });

  it('rejects bad values as usage errors', () => {
    const bad: Array<Partial<typeof defaults> & Record<string, string>> = [
      { port: 'x' },
      { port: '70000' },
      { seed: '-1' },
      { preset: 'huge' },
      { videos: '0' },
      { sessions: '1.5' },
      { rateLimit: '0' },
      { faultRate: '2' },
      { dropRate: 'often' },
      { slowRate: '' },
      { tokenTtl: '0' },
      { generations: 'raw,v2' },
      { apiKey: ' ' },
      { host: '' },
      { now: 'yesterday' },
      { now: '2025-02-30T00:00:00Z' },
      { now: '' },
      { longSession: '1' },
      { longSession: 'many' },
    ];
    for (const flags of bad)
      expect(() => emulatorOptions({ ...defaults, ...flags })).toThrow(UsageError);
  });
});
