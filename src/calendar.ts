/**
 * UTC calendar days, the one place the product computes them: the API client's periods, the
 * sync's spans, the warehouse's DATE columns and the dashboard (in Node and in the browser) all
 * count days here. A day is spelled `YYYY-MM-DD`; as a number it is the days since 1970-01-01, so
 * no time zone ever enters. Pure code with no Node imports: the dashboard bundles it.
 */
import { UsageError } from './errors.js';

/** A UTC calendar day, `YYYY-MM-DD`. */
export type Day = string;

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): integer
 * arithmetic, exact for any year, unlike `Date`, which keeps only a double's range of milliseconds.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Whether `value` is a real calendar day spelled `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** The day number of `YYYY-MM-DD`, or undefined when it is not a real calendar day. */
export function dayNumber(day: string): number | undefined {
  if (!isDay(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return daysFromCivil(y, m, d);
}

/** The day number of a day already known to be valid. */
export function epochDays(day: Day): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return daysFromCivil(y, m, d);
}

/** The day of a day number. */
export function isoDay(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC day an instant falls on. */
export function dayOf(date: Date | number): Day {
  return new Date(date).toISOString().slice(0, 10);
}

export function addDays(day: Day, n: number): Day {
  return isoDay(epochDays(day) + n);
}

/** Milliseconds since the epoch of the day's first instant, UTC. */
export function dayStartMs(day: Day): number {
  return epochDays(day) * MS_PER_DAY;
}

/** ISO weekday of a day number, 1 = Monday … 7 = Sunday (day 0 was a Thursday). */
export function weekdayOf(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** The day number of the Monday of the day's week. */
export function weekStart(n: number): number {
  return n - weekdayOf(n) + 1;
}

/** The day number of the first day of the day's month. */
export function monthStart(n: number): number {
  const d = new Date(n * MS_PER_DAY);
  return daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export const minDay = (a: Day, b: Day): Day => (a < b ? a : b);
export const maxDay = (a: Day, b: Day): Day => (a > b ? a : b);

/** Validates a user-given day (e.g. `--from`), naming the option in the error. */
export function parseDay(value: string, what = 'date'): Day {
  if (!isDay(value)) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} is not a day`,
      'Write it as YYYY-MM-DD, e.g. 2024-01-31.',
    );
  }
  return value;
}

/** The one check of a `--from`/`--to` pair: each a day, and in order. */
export function parseDayRange(range: { from?: string | undefined; to?: string | undefined }): {
  from: Day | undefined;
  to: Day | undefined;
} {
  const from = range.from === undefined ? undefined : parseDay(range.from, '--from');
  const to = range.to === undefined ? undefined : parseDay(range.to, '--to');
  if (from && to && from > to) {
    throw new UsageError(`--from ${from} is after --to ${to}`, 'Give a --from on or before --to.');
  }
  return { from, to };
}
