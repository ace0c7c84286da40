/**
 * Extract, stage 4: the Analytics API (`/data/*`), snapshotted per UTC day.
 *
 * The API keeps 30 days, so this is the only way a user keeps a longer history: every run stores
 * each day it has not stored for good — time series, breakdowns by every dimension, and the daily
 * aggregates the series lack (watch time, load time). Today and yesterday are fetched again on
 * each run, as their figures still move; older days are final once stored.
 */
import { isGenerationMissing } from '../api/errors.js';
import { addDays, dayStartMs, type Day } from '../calendar.js';
import { BREAKDOWNS, TIMESERIES_METRICS, type Entry, type Page } from '../api/schemas.js';
import type { Row } from '../warehouse/schema.js';
import { forEachConcurrent } from './pool.js';
import { countSkipped, micros, type SyncContext } from './context.js';
import { keepItemRejects, tolerant } from './rejects.js';

/** The API refuses `from` more than 30 days back; today and the 29 days before stay inside. */
export const RETENTION_DAYS = 30;
/** Days this close to today are fetched again on every run. */
const UNSETTLED_DAYS = 2;

/** The metrics broken down by every dimension, each day. */
export const SNAPSHOT_BREAKDOWN_METRICS = ['play', 'impression', 'view'] as const;
export const DAILY_AGGREGATES = [
  ['watch-time', 'sum'],
  ['watch-time', 'average'],
  ['impression-time', 'average'],
] as const;

const DAY_MS = 86_400_000;

/**
 * Days inside the API's retention and the requested range that are not stored for good yet, and
 * whether any is (the account has answered the Analytics API before).
 */
async function daysToFetch(ctx: SyncContext): Promise<{ days: Day[]; answeredBefore: boolean }> {
  let first = addDays(ctx.today, -(RETENTION_DAYS - 1));
  let last = ctx.today;
  if (ctx.options.from && ctx.options.from > first) first = ctx.options.from;
  if (ctx.options.to && ctx.options.to < last) last = ctx.options.to;
  if (first > last) return { days: [], answeredBefore: false };
  const stored = await ctx.store.finalMetricDays(first, last);
  countSkipped(ctx, 'Analytics API days stored for good', stored.size);
  const days: Day[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) if (!stored.has(day)) days.push(day);
  return { days, answeredBefore: stored.size > 0 };
}

/** One request's worth of metric rows; resolves false when its answer could not be read whole. */
type Task = () => Promise<boolean>;

/** Every page's items as rows of `table`, each response kept in --raw-dir. */
function load<T>(
  ctx: SyncContext,
  what: string,
  table: 'metric_breakdowns' | 'metric_timeseries',
  pages: AsyncIterable<Page<T>>,
  toRow: (entry: Entry<T>) => Row,
): Promise<boolean> {
  return tolerant(ctx, what, async () => {
    // A breakdown replaces the day's stored one whole: its rows go in together.
    const rows: Row[] = [];
    for await (const page of pages) {
      for (const entry of page.entries) rows.push(toRow(entry));
      await keepItemRejects(ctx, page);
      await ctx.raw?.response('metrics', page.request, page.body);
    }
    await ctx.batcher.add(table, rows);
    ctx.progress.metricRows += rows.length;
  });
}

function dayTasks(ctx: SyncContext, day: Day): Task[] {
  const from = new Date(dayStartMs(day));
  // The current day ends now: the API refuses a `to` in the future.
  const to = new Date(Math.min(dayStartMs(day) + DAY_MS, ctx.startedAt));
  const fetchedAt = micros(ctx.startedAt);
  const tasks: Task[] = [];
  for (const metric of SNAPSHOT_BREAKDOWN_METRICS) {
    for (const breakdown of BREAKDOWNS) {
      tasks.push(() =>
        load(
          ctx,
          `the ${metric} breakdown by ${breakdown} of ${day}`,
          'metric_breakdowns',
          ctx.client.metricBreakdown(metric, breakdown, { from, to, background: true }),
          ({ value: item, raw }) => ({
            day,
            metric,
            breakdown,
            dimension_value: item.dimensionValue ?? '',
            value: item.metricValue ?? null,
            fetched_at: fetchedAt,
            raw: JSON.stringify(raw),
          }),
        ),
      );
    }
  }
  for (const [metric, aggregation] of DAILY_AGGREGATES) {
    tasks.push(() =>
      tolerant(ctx, `the ${metric} ${aggregation} of ${day}`, async () => {
        const answer = await ctx.client.aggregatedMetric(metric, aggregation, {
          from,
          to,
          background: true,
        });
        await ctx.raw?.response('metrics', answer.request, answer.body);
        await ctx.batcher.add('metric_timeseries', [
          {
            metric: `${metric}.${aggregation}`,
            interval: 'day',
            bucket_start: micros(dayStartMs(day)),
            value: answer.value,
            fetched_at: fetchedAt,
            raw: JSON.stringify(answer.body),
          },
        ]);
        ctx.progress.metricRows++;
      }),
    );
  }
  return tasks;
}

function timeseriesTasks(ctx: SyncContext, first: Day, last: Day): Task[] {
  const from = new Date(dayStartMs(first));
  const to = new Date(Math.min(dayStartMs(last) + DAY_MS, ctx.startedAt));
  const fetchedAt = micros(ctx.startedAt);
  return TIMESERIES_METRICS.map(
    (metric) => () =>
      load(
        ctx,
        `the ${metric} time series`,
        'metric_timeseries',
        ctx.client.metricTimeseries(metric, { from, to, interval: 'day', background: true }),
        ({ value: item, raw }) => ({
          metric,
          interval: 'day',
          bucket_start: item.emittedAt,
          value: item.metricValue ?? null,
          fetched_at: fetchedAt,
          raw: JSON.stringify(raw),
        }),
      ),
  );
}

/** Runs tasks with bounded concurrency; true when every one was read whole. */
async function allWhole(tasks: Task[], concurrency: number): Promise<boolean> {
  let whole = true;
  await forEachConcurrent(tasks, concurrency, async (task) => {
    if (!(await task())) whole = false;
  });
  return whole;
}

export async function syncMetrics(ctx: SyncContext): Promise<void> {
  const { days, answeredBefore } = await daysToFetch(ctx);
  ctx.progress.metricDaysTotal = days.length;
  if (days.length === 0) return;
  try {
    // The time series first (a handful of requests): an account without the Analytics API
    // answers them 404 on the route, before the many per-day requests are made. One that has
    // answered before is asked everything at once.
    const series = allWhole(timeseriesTasks(ctx, days[0]!, days.at(-1)!), ctx.options.workers);
    series.catch(() => undefined); // awaited by every day, and below
    if (!answeredBefore) await series;
    await forEachConcurrent(days, Math.max(1, Math.floor(ctx.options.workers / 8)), async (day) => {
      const whole = await allWhole(dayTasks(ctx, day), ctx.options.workers);
      // A day read with a gap stays open: the next run fetches it again.
      const settled = whole && (await series) && day <= addDays(ctx.today, -UNSETTLED_DAYS);
      await ctx.batcher.add('metric_checkpoints', [
        { day, part: 'day', final: settled, fetched_at: micros(ctx.startedAt) },
      ]);
      ctx.progress.metricDaysDone++;
    });
    await series;
  } catch (error) {
    if (!isGenerationMissing(error)) throw error;
    ctx.missing.add('analytics');
  }
}
