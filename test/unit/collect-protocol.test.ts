import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePlatform, describeReferrer, Enricher } from '../../src/collect/enrich.js';
import { BirthIds, isSessionId, newSessionId } from '../../src/collect/ids.js';
import { RateLimiter } from '../../src/collect/limits.js';
import { parsePing, PingError } from '../../src/collect/protocol.js';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function ping(overrides: Record<string, unknown> = {}, session: Record<string, unknown> = {}) {
  return JSON.stringify({
    emitted_at: iso(NOW),
    session: {
      loaded_at: iso(NOW - 60_000),
      video_id: 'vi4blUQJFrYWbaG44NChkH27',
      referrer: 'https://www.example.com/page',
      metadata: [{ plan: 'free' }],
      ...session,
    },
    events: [
      { type: 'ready', emitted_at: iso(NOW - 59_000), at: 0 },
      { type: 'play', emitted_at: iso(NOW - 58_000), at: 0 },
      { type: 'seek.forward', emitted_at: iso(NOW - 30_000), from: 28, to: 60 },
      { type: 'pause', emitted_at: iso(NOW - 1000), at: 88.5 },
    ],
    ...overrides,
  });
}

const refused = (body: string, kind: 'vod' | 'live' = 'vod') => {
  try {
    parsePing(body, kind, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(PingError);
    return (error as PingError).message;
  }
  throw new Error('accepted');
};

describe('the ping protocol', () => {
  it('reads a ping as the module sends it', () => {
    const p = parsePing(ping(), 'vod', NOW);
    expect(p.assetType).toBe('video');
    expect(p.assetId).toBe('vi4blUQJFrYWbaG44NChkH27');
    expect(p.sessionId).toBeUndefined();
    expect(p.events.map((e) => e.type)).toEqual(['ready', 'play', 'seek.forward', 'pause']);
    expect(p.events[2]).toMatchObject({ from: 28, to: 60, at: null });
    expect(p.events[3]).toMatchObject({ at: 88.5, emittedAt: NOW - 1000 });
  });

  it('reads a live ping with a session id, and keeps fields it does not know', () => {
    const sid = newSessionId();
    const p = parsePing(
      ping(
        { events: [], extra: 1 },
        {
          video_id: undefined,
          live_stream_id: 'li400mYKSgQ6xs7taUeSaEKr',
          session_id: sid,
          navigator: { user_agent: 'x' },
        },
      ),
      'live',
      NOW,
    );
    expect(p.assetType).toBe('live_stream');
    expect(p.sessionId).toBe(sid);
    expect(p.session.navigator).toEqual({ user_agent: 'x' });
  });

  it.each([
    ['not JSON', '{"emitted_at":', 'not JSON'],
    ['not an object', '[1,2]', 'not a JSON object'],
    ['a time that is not ISO', ping({ emitted_at: 'yesterday' }), 'emitted_at is not an ISO'],
    ['a time far in the future', ping({ emitted_at: iso(NOW + 2 * 3600_000) }), 'in the future'],
    [
      'a time far in the past',
      ping({ emitted_at: iso(NOW - 3 * 86400_000) }),
      'too far in the past',
    ],
    ['a load after the ping', ping({}, { loaded_at: iso(NOW + 5000) }), 'loaded_at is after'],
    [
      'an event long before the load',
      ping({ events: [{ type: 'play', emitted_at: iso(NOW - 3600_000), at: 0 }] }),
      'before the session was loaded',
    ],
    [
      'an event after the ping',
      ping({ events: [{ type: 'play', emitted_at: iso(NOW + 10_000), at: 0 }] }),
      'after the ping was emitted',
    ],
    [
      'an unknown event type',
      ping({ events: [{ type: 'buffering', emitted_at: iso(NOW), at: 0 }] }),
      'not a player event type',
    ],
    [
      'a position that is text',
      ping({ events: [{ type: 'play', emitted_at: iso(NOW), at: '3' }] }),
      'not a number',
    ],
    [
      'a negative position',
      ping({ events: [{ type: 'pause', emitted_at: iso(NOW), at: -1 }] }),
      'out of range',
    ],
    [
      'a seek without from',
      ping({ events: [{ type: 'seek.forward', emitted_at: iso(NOW), to: 3 }] }),
      'from is missing',
    ],
    ['events that are not a list', ping({ events: {} }), 'events is not a list'],
    ['no asset', ping({}, { video_id: undefined }), 'neither or both'],
    ['both assets', ping({}, { live_stream_id: 'li1' }), 'neither or both'],
    ['an asset id with a slash', ping({}, { video_id: '../etc' }), 'not an api.video id'],
    [
      'a session id not handed out here',
      ping({}, { session_id: 'ps123' }),
      'not one this collector',
    ],
    ['a referrer that is a number', ping({}, { referrer: 3 }), 'referrer is not a string'],
    ['metadata that is not text', ping({}, { metadata: [{ a: 1 }] }), 'metadata values'],
  ])('refuses %s', (_, body, message) => {
    expect(refused(body)).toContain(message);
  });

  it('refuses a video ping sent to /live', () => {
    expect(refused(ping(), 'live')).toContain('/live ping names a live_stream_id');
  });

  it('refuses more events than a ping can hold', () => {
    const events = Array.from({ length: 501 }, () => ({
      type: 'play',
      emitted_at: iso(NOW),
      at: 0,
    }));
    expect(refused(ping({ events }))).toContain('more than 500');
  });
});

describe('session ids', () => {
  it('are unguessable and recognisable', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isSessionId(id)).toBe(true);
    expect(isSessionId('cs123')).toBe(false);
  });

  it('a page load asking twice, even of a restarted collector, gets one session', () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewership-ids-'));
    const parts = ['1700000000000', 'video', 'vi1', '', 'UA', '203.0.113.9'];
    const first = new BirthIds(dir).sessionFor(parts, Date.now());
    expect(isSessionId(first)).toBe(true);
    expect(new BirthIds(dir).sessionFor(parts, Date.now())).toBe(first);
    const other = new BirthIds(dir).sessionFor([...parts.slice(0, 5), '203.0.113.10'], Date.now());
    expect(other).not.toBe(first);
    expect(statSync(join(dir, 'session.key')).mode & 0o077).toBe(0);
    // The key is replaced every hour: the same page load then maps elsewhere.
    expect(new BirthIds(dir).sessionFor(parts, Date.now() + 3600_000)).not.toBe(first);
  });
});

describe('rate limit', () => {
  it('lets a burst through, then the rate, and forgets idle addresses', () => {
    const limiter = new RateLimiter(2, 4);
    const results = Array.from({ length: 6 }, () => limiter.take('198.51.100.1', 0));
    expect(results.filter((r) => r === 0)).toHaveLength(4);
    expect(limiter.take('198.51.100.2', 0)).toBe(0);
    expect(limiter.take('198.51.100.1', 500)).toBe(0);
    limiter.sweep(10_000);
    expect(limiter.size).toBe(0);
  });

  it('tracks a bounded number of addresses', () => {
    const limiter = new RateLimiter(2, 4, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`198.51.${i >> 8}.${i & 255}`, i);
    expect(limiter.size).toBe(100);
  });
});

describe('enrichment', () => {
  it('finds the country of an address in the shipped database', async () => {
    const enricher = await Enricher.open();
    expect(enricher.place('8.8.8.8')).toEqual({
      country: 'United States',
      country_code: 'US',
      city: null,
    });
    expect(enricher.place('81.2.69.142').country_code).toBe('GB');
    expect(enricher.place('2a00:1450:4007:80e::200e').country_code).toMatch(/^[A-Z]{2}$/);
    expect(enricher.place('127.0.0.1')).toEqual({ country: null, country_code: null, city: null });
    expect(enricher.place('not an ip').country).toBeNull();
  });

  it('reads cities from the city databases in use (MaxMind’s and DB-IP’s shapes)', () => {
    const withRecord = (record: object) =>
      new (Enricher as unknown as new (reader: { get(ip: string): object }) => Enricher)({
        get: () => record,
      });
    expect(
      withRecord({ country: { iso_code: 'FR' }, city: { names: { en: 'Lyon' } } }).place(
        '203.0.113.1',
      ),
    ).toEqual({ country: 'France', country_code: 'FR', city: 'Lyon' });
    expect(withRecord({ country_code: 'de', city: 'Köln' }).place('203.0.113.1')).toEqual({
      country: 'Germany',
      country_code: 'DE',
      city: 'Köln',
    });
    expect(withRecord({ country_code: 'ZZZ' }).place('203.0.113.1').country_code).toBeNull();
  });

  it('describes platforms in the API’s words', () => {
    const chrome = describePlatform(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    );
    expect(chrome).toMatchObject({
      device_type: 'desktop',
      os_name: 'Microsoft Windows',
      os_shortname: 'WIN',
      client_type: 'browser',
      client_name: 'Chrome',
      client_version: '120.0.0.0',
    });
    const iphone = describePlatform(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    );
    expect(iphone).toMatchObject({
      device_type: 'mobile',
      device_vendor: 'Apple',
      device_model: 'iPhone',
      os_name: 'iOS',
      os_version: '17.5',
      client_name: 'Mobile Safari',
    });
    expect(describePlatform('').device_type).toBeNull();
  });

  it('classifies referrers', () => {
    expect(describeReferrer('')).toMatchObject({
      referrer_url: 'unknown',
      referrer_medium: 'unknown',
    });
    expect(describeReferrer('https://www.google.fr/search?q=chats')).toEqual({
      referrer_url: 'https://www.google.fr/search?q=chats',
      referrer_medium: 'organic',
      referrer_source: 'https://google.fr',
      referrer_search_term: 'chats',
    });
    expect(describeReferrer('https://t.co/abc').referrer_medium).toBe('social');
    expect(describeReferrer('https://blog.example.org/post').referrer_medium).toBe('referral');
  });
});
