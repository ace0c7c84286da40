/**
 * api.video timestamps come in several spellings across the three API generations:
 *   2019-06-24T11:45:01.109+00      (offset with hours only)
 *   2019-12-16T08:25:51+00:00       (ISO-8601 / ATOM)
 *   2019-12-16T08:25:51.000Z        (Zulu, with or without a fraction)
 *   2024-02-05 00:00:00+01:00       (space instead of `T`)
 *   2024-05-29T07+00:00:00:00       (the Analytics API's hourly buckets: hour, offset, then mm:ss)
 *   2024-05-29                      (a day bucket's start, read as midnight UTC, only where asked)
 * Every one is parsed here, with integer arithmetic only, to microseconds since the Unix epoch in
 * UTC. `Date` is not used because it keeps milliseconds only and its parser accepts some of these
 * forms while silently misreading others.
 */
import { daysFromCivil, daysInMonth } from '../calendar.js';
import { ViewershipError } from '../errors.js';

export class TimestampError extends ViewershipError {
  constructor(readonly value: string) {
    super(`unrecognised timestamp ${JSON.stringify(value)}`);
  }
}

// RFC 3339 lets `T` and `Z` be lower case.
const ZONE = String.raw`([Zz]|[+-]\d{2}(?::?\d{2})?)`;
const ISO = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?${ZONE}$`,
);
// The hourly-bucket spelling: the offset sits between the hour and the minutes.
const HOUR_FIRST = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})([+-]\d{2}:\d{2}):(\d{2}):(\d{2})$/;

const MICROS_PER_SECOND = 1_000_000n;

function offsetSeconds(zone: string, value: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 18 || minutes > 59) throw new TimestampError(value);
  return sign * (hours * 3600 + minutes * 60);
}

function toMicros(
  value: string,
  parts: { y: number; mo: number; d: number; h: number; mi: number; s: number; fraction: string },
  zone: string,
): bigint {
  const { y, mo, d, h, mi, s, fraction } = parts;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new TimestampError(value);
  }
  // Microseconds are DuckDB's TIMESTAMPTZ precision; digits beyond them are truncated, not rounded.
  const micros = BigInt((fraction + '000000').slice(0, 6));
  const seconds =
    BigInt(daysFromCivil(y, mo, d)) * 86_400n +
    BigInt(h * 3600 + mi * 60 + s) -
    BigInt(offsetSeconds(zone, value));
  return seconds * MICROS_PER_SECOND + micros;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses any api.video timestamp spelling to microseconds since the epoch, UTC. `dateOnly`: also
 * a bare day (what a day bucket's start may be), as its midnight UTC. Throws `TimestampError`.
 */
export function parseApiTimestamp(value: string, options: { dateOnly?: boolean } = {}): bigint {
  const day = options.dateOnly ? DATE_ONLY.exec(value) : null;
  if (day) {
    const [, y, mo, d] = day;
    const parts = { y: Number(y), mo: Number(mo), d: Number(d), h: 0, mi: 0, s: 0, fraction: '' };
    return toMicros(value, parts, 'Z');
  }
  const iso = ISO.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, fraction, zone] = iso;
    return toMicros(
      value,
      {
        y: Number(y),
        mo: Number(mo),
        d: Number(d),
        h: Number(h),
        mi: Number(mi),
        s: Number(s ?? 0),
        fraction: fraction ?? '',
      },
      zone!,
    );
  }
  const hourFirst = HOUR_FIRST.exec(value);
  if (hourFirst) {
    const [, y, mo, d, h, zone, mi, s] = hourFirst;
    return toMicros(
      value,
      {
        y: Number(y),
        mo: Number(mo),
        d: Number(d),
        h: Number(h),
        mi: Number(mi),
        s: Number(s),
        fraction: '',
      },
      zone!,
    );
  }
  throw new TimestampError(value);
}

export function isApiTimestamp(value: string, options: { dateOnly?: boolean } = {}): boolean {
  try {
    parseApiTimestamp(value, options);
    return true;
  } catch {
    return false;
  }
}

/** Microseconds since the epoch as an ISO-8601 UTC string with microsecond precision. */
export function microsToIso(micros: bigint): string {
  const seconds = micros / MICROS_PER_SECOND - (micros % MICROS_PER_SECOND < 0n ? 1n : 0n);
  const fraction = micros - seconds * MICROS_PER_SECOND;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${date}.${fraction.toString().padStart(6, '0')}Z`;
}
