/**
 * UTC days as day numbers (days since 1970-01-01) and back; the warehouse's day arithmetic and
 * the browser's use the same numbers, so no time zone ever enters.
 */
const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of `YYYY-MM-DD`, or undefined when it is not a real calendar day. */
export function dayNumber(day: string): number | undefined {
  const m = ISO_DAY.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = ms / MS_PER_DAY;
  return isoDay(n) === day ? n : undefined;
}

export function isoDay(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday (day 0 was a Thursday). */
export function weekdayOf(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** The Monday of the day's week. */
export function weekStart(n: number): number {
  return n - weekdayOf(n) + 1;
}

/** The first day of the day's month. */
export function monthStart(n: number): number {
  const d = new Date(n * MS_PER_DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / MS_PER_DAY;
}
