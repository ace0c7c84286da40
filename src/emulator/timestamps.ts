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
