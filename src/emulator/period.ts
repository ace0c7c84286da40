/**
 * The raw-statistics `period` query parameter, read the way the emulator answers it: a day
 * `2018-01-01`, an ISO week `2018-W01`, a month `2018-01`, a year `2018`, or an inclusive range of
 * days `2018-01-01/2018-01-15`, each as a span of whole UTC days.
 *
 * The emulator keeps its own reading (rather than sharing the client's) so that it can judge the
 * client: a shared mistake would pass unseen.
 */
import { DAY } from './timestamps.js';

export interface PeriodSpan {
  /** Midnight UTC of the first day. */
  startMs: number;
  /** Midnight UTC after the last day (exclusive). */
  endMs: number;
  days: number;
}

const span = (startMs: number, endMs: number): PeriodSpan => ({
  startMs,
  endMs,
  days: Math.round((endMs - startMs) / DAY),
});

/** Midnight UTC of a calendar date, or undefined when the date does not exist (2019-02-30). */
function dateMs(year: number, month: number, day: number): number | undefined {
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear keeps them as written.
  d.setUTCFullYear(year);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
    ? d.getTime()
    : undefined;
}

function dayOf(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? dateMs(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** Monday of ISO week 1: the week that holds the year's first Thursday (so also 4 January). */
function isoWeekOneMonday(year: number): number {
  const jan4 = dateMs(year, 1, 4)!;
  const mondayBased = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - mondayBased * DAY;
}

/** The span a period covers, or undefined when the text is none of the five forms. */
export function parsePeriod(text: string): PeriodSpan | undefined {
  let m: RegExpExecArray | null;
  const day = dayOf(text);
  if (day !== undefined) return span(day, day + DAY);
  if ((m = /^(\d{4})-W(\d{2})$/.exec(text))) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    const monday = isoWeekOneMonday(year) + (week - 1) * 7 * DAY;
    // A week belongs to the year its Thursday is in: week 53 exists only in long years.
    const thursday = new Date(monday + 3 * DAY);
    if (week < 1 || thursday.getUTCFullYear() !== year) return undefined;
    return span(monday, monday + 7 * DAY);
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(text))) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (month < 1 || month > 12) return undefined;
    const start = dateMs(year, month, 1)!;
    const next = month === 12 ? dateMs(year + 1, 1, 1)! : dateMs(year, month + 1, 1)!;
    return span(start, next);
  }
  if ((m = /^(\d{4})$/.exec(text))) {
    const year = Number(m[1]);
    return span(dateMs(year, 1, 1)!, dateMs(year + 1, 1, 1)!);
  }
  if ((m = /^([^/]+)\/([^/]+)$/.exec(text))) {
    const from = dayOf(m[1]!);
    const to = dayOf(m[2]!);
    if (from === undefined || to === undefined || from > to) return undefined;
    return span(from, to + DAY);
  }
  return undefined;
}
