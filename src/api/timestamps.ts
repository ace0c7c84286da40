/**
 * api.video timestamps come in several spellings across the three API generations:
 *   2019-06-24T11:45:01.109+00      (offset with hours only)
 *   2019-12-16T08:25:51+00:00       (ISO-8601 / ATOM)
 *   2019-12-16T08:25:51.000Z        (Zulu, with or without a fraction)
 *   2024-02-05 00:00:00+01:00       (space instead of `T`)
 *   2024-05-29T07+00:00:00:00       (the Analytics API's hourly buckets: hour, offset, then mm:ss)
 * Every one is parsed here, with integer arithmetic only, to microseconds since the Unix epoch in
 * UTC. `Date` is not used because it keeps milliseconds only and its parser accepts some of these
 * forms while silently misreading others.
 */
import { ViewershipError } from '../errors.js';

export class TimestampError extends ViewershipError {
  constructor(readonly value: string) {
    super(`unrecognised timestamp ${JSON.stringify(value)}`);
  }
}

const ZONE = String.raw`(Z|[+-]\d{2}(?::?\d{2})?)`;
const ISO = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?${ZONE}$`,
);
// The hourly-bucket spelling: the offset sits between the hour and the minutes.
const HOUR_FIRST = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})([+-]\d{2}:\d{2}):(\d{2}):(\d{2})$/;

const MICROS_PER_SECOND = 1_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function offsetSeconds(zone: string, value: string): number {
  if (zone === 'Z') return 0;
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

/** Parses any api.video timestamp spelling to microseconds since the epoch, UTC. Throws `TimestampError`. */
export function parseApiTimestamp(value: string): bigint {
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

export function isApiTimestamp(value: string): boolean {
  try {
    parseApiTimestamp(value);
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
