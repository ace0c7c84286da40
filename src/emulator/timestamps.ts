/**
 * The timestamp spellings the three specs show, written from milliseconds since the epoch (UTC).
 * The emulator mixes them deterministically per object, so a client's parser meets every one.
 */

/** `2019-06-24T11:45:01.109Z` (2023-09 sessions and events). */
export function zulu(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2019-12-16T08:25:51+00:00`, ATOM (2024-11; catalogs, events, Analytics API). */
export function atom(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** `2024-05-28 11:15:07+00:00`, ATOM with a space (2024-11 aggregated-metric example). */
export function atomSpaced(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
}

/**
 * `2019-06-24T11:45:01.109+00` (2021-03 sessions): an hours-only offset, and the fraction without
 * its trailing zeros, as in the spec's `2018-09-11T13:04:37.89+00`.
 */
export function shortOffset(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

/** `2024-05-29T07+00:00:00:00` (2024-11 hourly buckets): hour, offset, then minutes and seconds. */
export function hourFirst(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 13)}+00:00:${iso.slice(14, 19)}`;
}

/** Rounds up to a whole second: player events are stamped to the second. */
export function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

const STAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** The hour-first spelling of hourly buckets: `2024-05-29T07+00:00:00:00`. */
const HOUR_FIRST = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})([+-]\d{2}:\d{2}):(\d{2}):(\d{2})$/;

function offsetMs(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return (offset[0] === '-' ? -1 : 1) * minutes * MINUTE;
}

/**
 * Milliseconds since the epoch of a date-time as clients send `from` and `to` (ATOM, the spec's
 * spaced example, `Z`, fractions, an hours-only offset, the hour-first bucket spelling, a bare day
 * read as midnight UTC, no offset read as UTC); undefined when it is none of those or no real time.
 * An unencoded `+` in a query string arrives as a space, so a space before the offset counts as `+`.
 */
export function parseTimestamp(raw: string): number | undefined {
  const text = raw
    .trim()
    .replace(/^(\S+[T ]\d{2}(?::\d{2}){0,2}(?:\.\d+)?) (\d{2}(?::?\d{2})?)$/, '$1+$2');
  let m = HOUR_FIRST.exec(text);
  const parts = m
    ? [m[1], m[2], m[3], m[4], m[6], m[7], undefined, m[5]]
    : (m = STAMP.exec(text)) && m.slice(1);
  if (!parts) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = parts;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  date.setUTCFullYear(year!);
  if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return undefined;
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  return date.getTime() + millis - offsetMs(offset);
}
