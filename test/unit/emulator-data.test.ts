import { describe, expect, it } from 'vitest';
import { parseApiTimestamp } from '../../src/api/timestamps.js';
import { createEmulator, PRESETS, type TruthSession } from '../../src/emulator/index.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
const ms = (stamp: string) => Number(parseApiTimestamp(stamp) / 1000n);

interface ApiSession {
  session: { sessionId: string; loadedAt: string; endedAt?: string };
  location: { country: string; city: string | null };
}
interface ApiEvent {
  type: string;
  emittedAt: string;
  at?: number;
  from?: number;
  to?: number;
}

const apiOf = (s: TruthSession) => s.api as ApiSession;
const eventsOf = (s: TruthSession) => s.events() as ApiEvent[];

function snapshot(seed: number) {
  const e = createEmulator({ preset: 'tiny', seed, now: NOW });
  return JSON.stringify({
    videos: e.truth.videos(),
    liveStreams: e.truth.liveStreams(),
    players: e.truth.players(),
    sessions: [...e.truth.sessions()].map((s) => [s.api, s.events()]),
    apiKey: e.apiKey,
  });
}

// One small account shared by the read-only checks below.
const small = createEmulator({ preset: 'small', seed: 1, now: NOW });
const smallSessions = [...small.truth.sessions()];

describe('emulator data: determinism', () => {
  it('gives byte-identical data for the same seed and options', () => {
    expect(snapshot(3)).toBe(snapshot(3));
  });

  it('gives different data for a different seed', () => {
    expect(snapshot(3)).not.toBe(snapshot(4));
  });

  it('loads exactly the configured number of sessions during the history window', () => {
    expect(small.truth.sessionCount()).toBe(PRESETS.small.sessions);
    expect(createEmulator({ preset: 'tiny', now: NOW }).truth.sessionCount()).toBe(
      PRESETS.tiny.sessions,
    );
  });

  it('keeps the first N sessions unchanged when the clock moves, and keeps them coming', () => {
    const e = createEmulator({ preset: 'small', seed: 9, now: NOW });
    const before = [...e.truth.sessions()];
    e.clock.advance(2 * 86_400_000);
    const after = [...e.truth.sessions()];
    // About 1,500 sessions over 60 days: some 50 more in two days.
    expect(after.length - before.length).toBeGreaterThan(20);
    expect(after.length - before.length).toBeLessThan(110);
    before.forEach((s, i) => {
      const later = after[i]!;
      expect([later.sessionId, later.loadedAtMs, later.assetId]).toEqual([
        s.sessionId,
        s.loadedAtMs,
        s.assetId,
      ]);
      if (s.endedAtMs !== null) {
        expect(later.api).toEqual(s.api);
        expect(later.events()).toEqual(s.events());
      } else {
        // It was open: what was visible then is a prefix of what is visible now.
        expect(later.events().slice(0, s.events().length)).toEqual(s.events());
      }
    });
  });
});

describe('emulator data: sessions a real player could produce', () => {
  it('orders sessions by load time, each after its asset was created', () => {
    const created = new Map<string, number>();
    for (const v of small.truth.videos() as Array<{ videoId: string; createdAt: string }>)
      created.set(v.videoId, ms(v.createdAt));
    for (const l of small.truth.liveStreams() as Array<{
      liveStreamId: string;
      createdAt: string;
    }>) {
      created.set(l.liveStreamId, ms(l.createdAt));
    }
    let last = 0;
    for (const s of smallSessions) {
      expect(s.loadedAtMs).toBeGreaterThanOrEqual(last);
      last = s.loadedAtMs;
      expect(s.loadedAtMs).toBeGreaterThanOrEqual(created.get(s.assetId)!);
      expect(ms(apiOf(s).session.loadedAt)).toBe(s.loadedAtMs);
    }
  });

  it('emits events in order, starting with ready, with positions that move no faster than time', () => {
    for (const s of smallSessions) {
      const events = eventsOf(s);
      expect(events[0]).toMatchObject({ type: 'ready', at: 0 });
      let previous = s.loadedAtMs;
      let stretch: { pos: number; t: number } | undefined;
      for (const e of events) {
        const t = ms(e.emittedAt);
        expect(t).toBeGreaterThanOrEqual(previous);
        previous = t;
        if (e.type.startsWith('seek.')) {
          expect(e.at).toBeUndefined();
          expect(Number.isInteger(e.from) && Number.isInteger(e.to)).toBe(true);
          expect(e.type === 'seek.forward' ? e.to! > e.from! : e.to! < e.from!).toBe(true);
        } else {
          expect(Number.isInteger(e.at) && e.at! >= 0).toBe(true);
        }
        const end = e.type.startsWith('seek.')
          ? e.from
          : e.type === 'pause' || e.type === 'end'
            ? e.at
            : undefined;
        if (stretch && end !== undefined) {
          // Playing N seconds of content takes N seconds, plus a buffering stall of at most 3.
          const lag = (t - stretch.t) / 1000 - (end! - stretch.pos);
          expect(lag).toBeGreaterThanOrEqual(0);
          expect(lag).toBeLessThanOrEqual(3);
        }
        stretch =
          e.type === 'play' || e.type === 'resume'
            ? { pos: e.at!, t }
            : e.type.startsWith('seek.') && stretch
              ? { pos: e.to!, t }
              : undefined;
      }
      if (s.endedAtMs !== null) expect(previous).toBeLessThanOrEqual(s.endedAtMs);
    }
  });

  it('averages about ten events per session, with some over a hundred', () => {
    const counts = smallSessions.map((s) => s.events().length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(7.5);
    expect(mean).toBeLessThan(12.5);
    expect(counts.filter((n) => n > 100).length).toBeGreaterThanOrEqual(3);
    expect(small.truth.eventCount()).toBe(counts.reduce((a, b) => a + b, 0));
  });

  it('skews popularity across videos (Zipf-like)', () => {
    const perVideo = new Map<string, number>();
    for (const s of smallSessions)
      if (s.assetType === 'video') perVideo.set(s.assetId, (perVideo.get(s.assetId) ?? 0) + 1);
    const counts = [...perVideo.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const topTenth = counts.slice(0, PRESETS.small.videos / 10).reduce((a, b) => a + b, 0);
    expect(topTenth / total).toBeGreaterThan(0.35);
    expect(counts[0]!).toBeGreaterThan(5 * counts[Math.floor(counts.length / 2)]!);
  });

  it('has live-stream sessions, many countries and cities, and a few unknown cities', () => {
    expect(smallSessions.filter((s) => s.assetType === 'live_stream').length).toBeGreaterThan(20);
    const countries = new Set(smallSessions.map((s) => apiOf(s).location.country));
    expect(countries.size).toBeGreaterThan(25);
    expect(countries).toContain('France');
    expect(countries).toContain('United States');
    expect(smallSessions.some((s) => apiOf(s).location.city === null)).toBe(true);
    const paris = smallSessions.find((s) => apiOf(s).location.city === 'Paris')!;
    expect(paris.countryCode).toBe('FR');
  });

  it('mixes the specs’ timestamp spellings, all parseable', () => {
    const loaded = smallSessions.map((s) => apiOf(s).session.loadedAt);
    expect(loaded.some((t) => /\+00$/.test(t))).toBe(true);
    expect(loaded.some((t) => /\.\d{3}Z$/.test(t))).toBe(true);
    const emitted = smallSessions.flatMap((s) => eventsOf(s).map((e) => e.emittedAt));
    expect(emitted.some((t) => /\d\+00:00$/.test(t))).toBe(true);
    expect(emitted.some((t) => /\.000Z$/.test(t))).toBe(true);
    for (const t of [...loaded, ...emitted]) expect(() => parseApiTimestamp(t)).not.toThrow();
  });

  it('omits endedAt exactly while a session is open, and shows only the events emitted so far', () => {
    const e = createEmulator({ preset: 'small', seed: 1, now: NOW });
    const long = smallSessions.find((s) => s.events().length > 30 && s.endedAtMs !== null)!;
    const middle = Math.floor((long.loadedAtMs + long.endedAtMs!) / 2);
    e.clock.set(middle);
    const open = e.truth.session(long.sessionId)!;
    expect(open.endedAtMs).toBeNull();
    expect(apiOf(open).session.endedAt).toBeUndefined();
    expect(open.events().length).toBeGreaterThan(0);
    expect(open.events().length).toBeLessThan(long.events().length);
    for (const ev of eventsOf(open)) expect(ms(ev.emittedAt)).toBeLessThanOrEqual(middle);
    expect(open.events()).toEqual(long.events().slice(0, open.events().length));

    e.clock.set(long.endedAtMs!);
    const ended = e.truth.session(long.sessionId)!;
    expect(ms(apiOf(ended).session.endedAt!)).toBe(long.endedAtMs);
    expect(ended.events()).toEqual(long.events());
    // Sessions loaded after the clock are not there yet.
    expect(e.truth.sessionCount()).toBeLessThan(PRESETS.small.sessions);
  });

  it('agrees with the reference engagement rule', () => {
    const s = smallSessions.find((x) => x.events().length > 8)!;
    const stats = s.stats();
    expect(stats.eventCount).toBe(s.events().length);
    expect(stats.playCount).toBe(eventsOf(s).filter((e) => e.type === 'play').length);
    expect(stats.watchSeconds).toBeGreaterThan(0);
  });

  it('shapes IDs like api.video’s and finds sessions by ID', () => {
    const video = small.truth.videos()[0] as { videoId: string; playerId?: string };
    expect(video.videoId).toMatch(/^vi[0-9A-Za-z]{22}$/);
    expect((small.truth.liveStreams()[0] as { liveStreamId: string }).liveStreamId).toMatch(
      /^li[0-9A-Za-z]{22}$/,
    );
    expect((small.truth.players()[0] as { playerId: string }).playerId).toMatch(
      /^pl[0-9A-Za-z]{22}$/,
    );
    const ids = new Set(smallSessions.map((s) => s.sessionId));
    expect(ids.size).toBe(smallSessions.length);
    for (const id of ids) expect(id).toMatch(/^ps[0-9A-Za-z]{21}$/);
    const some = smallSessions[777]!;
    expect(small.truth.session(some.sessionId)?.api).toEqual(some.api);
    expect(small.truth.session(`${some.sessionId.slice(0, -1)}x`)).toBeUndefined();
    expect(small.truth.session('psnope')).toBeUndefined();
  });

  it('plants hostile strings only when asked', () => {
    const hostile = createEmulator({ preset: 'tiny', hostile: true, now: NOW });
    const titles = (hostile.truth.videos() as Array<{ title: string }>).map((v) => v.title);
    expect(titles).toContain('<img src=x onerror=alert(1)>');
    const sessions = [...hostile.truth.sessions()].map(
      (s) => s.api as ApiSession & { referrer: { url: string } },
    );
    expect(sessions.some((s) => s.location.city === '<script>alert(1)</script>')).toBe(true);
    expect(sessions.some((s) => s.referrer.url === 'javascript:alert(1)')).toBe(true);
    expect(snapshot(1)).not.toContain('alert(1)');
  });

  it('renames and removes assets without losing their sessions from the truth', () => {
    const e = createEmulator({ preset: 'tiny', now: NOW });
    const first = [...e.truth.sessions()][0]!;
    e.renameAsset(first.assetId, 'Renamed');
    expect(e.truth.session(first.sessionId)!.assetTitle).toBe('Renamed');
    const before = e.truth.videos().length + e.truth.liveStreams().length;
    e.removeAsset(first.assetId);
    expect(e.truth.videos().length + e.truth.liveStreams().length).toBe(before - 1);
    expect(e.truth.session(first.sessionId)).toBeDefined();
    expect(() => e.removeAsset('vinope')).toThrow();
  });
});
