/**
 * The raw-statistics `period` parameter (days themselves are src/calendar.ts's).
 *
 * The API takes a day `2018-01-01`, an ISO week `2018-W01`, a month `2018-01`, a year `2018`, or an
 * inclusive range `2018-01-01/2018-01-15`. Days are UTC calendar days, spelled `YYYY-MM-DD`.
 */
import {
  daysFromCivil,
  daysInMonth,
  epochDays,
  isDay,
  isLeapYear,
  isoDay,
  type Day,
} from '../calendar.js';

export type Period =
  | { kind: 'day'; day: Day }
  | { kind: 'week'; year: number; week: number }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'year'; year: number }
  | { kind: 'range'; from: Day; to: Day };

function isoWeeksInYear(year: number): number {
  // A year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
  const jan1 = (((daysFromCivil(year, 1, 1) + 3) % 7) + 7) % 7; // 0 = Monday
  return jan1 === 3 || (isLeapYear(year) && jan1 === 2) ? 53 : 52;
}

function isoWeekMonday(year: number, week: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  const jan4Weekday = (((jan4 + 3) % 7) + 7) % 7; // 0 = Monday
  return jan4 - jan4Weekday + (week - 1) * 7;
}

/** Parses a period parameter; returns undefined when it is not one of the five forms. */
export function parsePeriod(value: string): Period | undefined {
  let m: RegExpExecArray | null;
  if (isDay(value)) return { kind: 'day', day: value };
  if ((m = /^(\d{4})-W(\d{2})$/.exec(value))) {
    const [year, week] = [Number(m[1]), Number(m[2])];
    return week >= 1 && week <= isoWeeksInYear(year) ? { kind: 'week', year, week } : undefined;
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(value))) {
    const [year, month] = [Number(m[1]), Number(m[2])];
    return month >= 1 && month <= 12 ? { kind: 'month', year, month } : undefined;
  }
  if ((m = /^(\d{4})$/.exec(value))) return { kind: 'year', year: Number(m[1]) };
  if ((m = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/.exec(value))) {
    const [from, to] = [m[1]!, m[2]!];
    return isDay(from) && isDay(to) && from <= to ? { kind: 'range', from, to } : undefined;
  }
  return undefined;
}

export function formatPeriod(period: Period): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  switch (period.kind) {
    case 'day':
      return period.day;
    case 'week':
      return `${pad(period.year, 4)}-W${pad(period.week)}`;
    case 'month':
      return `${pad(period.year, 4)}-${pad(period.month)}`;
    case 'year':
      return pad(period.year, 4);
    case 'range':
      return period.from === period.to ? period.from : `${period.from}/${period.to}`;
  }
}

/** First and last day (inclusive) a period covers. */
export function periodBounds(period: Period): { first: Day; last: Day } {
  switch (period.kind) {
    case 'day':
      return { first: period.day, last: period.day };
    case 'week': {
      const monday = isoWeekMonday(period.year, period.week);
      return { first: isoDay(monday), last: isoDay(monday + 6) };
    }
    case 'month': {
      const first = daysFromCivil(period.year, period.month, 1);
      const last = first + daysInMonth(period.year, period.month) - 1;
      return { first: isoDay(first), last: isoDay(last) };
    }
    case 'year':
      return {
        first: isoDay(daysFromCivil(period.year, 1, 1)),
        last: isoDay(daysFromCivil(period.year, 12, 31)),
      };
    case 'range':
      return { first: period.from, last: period.to };
  }
}

/** The period covering `from`..`to` inclusive, as a single day when they are equal. */
export function rangePeriod(from: Day, to: Day): Period {
  if (from > to) throw new RangeError(`period starts after it ends: ${from}/${to}`);
  return from === to ? { kind: 'day', day: from } : { kind: 'range', from, to };
}

/** Splits `from`..`to` (inclusive) into consecutive ranges of at most `maxDays` days. */
export function chunkDays(from: Day, to: Day, maxDays: number): Array<{ from: Day; to: Day }> {
  const chunks: Array<{ from: Day; to: Day }> = [];
  const last = epochDays(to);
  for (let start = epochDays(from); start <= last; start += maxDays) {
    chunks.push({
      from: isoDay(start),
      to: isoDay(Math.min(last, start + maxDays - 1)),
    });
  }
  return chunks;
}
