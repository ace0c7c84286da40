/**
 * Varying an Analytics API answer within the 2024-11 spec, per request (a function of the seed
 * and the request's text, so the same request is always answered alike):
 *
 *   - `context` without `timeframe` (the spec requires only `context` and `data`), or with its
 *     times spelled with `Z`;
 *   - numbers as numeric strings (the spec's own example of `data` is `'356.2'`);
 *   - buckets without `dimensionValue` (not required): always possible for the empty referrer,
 *     now and then for any other;
 *   - day buckets stamped with a date alone, hourly ones in ATOM instead of hour-first;
 *   - fields no spec describes.
 *
 * The numbers themselves never change: only how they are written.
 */
import { EXTRA_FIELDS } from './object-variance.js';
import { atom, parseTimestamp, zulu } from './timestamps.js';
import { ASPECT, type Variance } from './variance.js';

type Obj = Record<string, unknown>;

export function varyAnalytics(body: Obj, variance: Variance, requestId: number): Obj {
  if (!variance.varies(ASPECT.answer, requestId)) return body;
  const draw = (part: number) => variance.draw(ASPECT.answer, requestId, part);
  const out: Obj = { ...body };

  const context = { ...(out.context as Obj) };
  out.context = context;
  if (draw(1) < 0.35) delete context.timeframe;
  else if (draw(2) < 0.5) context.timeframe = respellTimeframe(context.timeframe as Obj);
  if (draw(3) < 0.3) Object.assign(context, EXTRA_FIELDS);

  const numericStrings = draw(4) < 0.5;
  if (typeof out.data === 'number') {
    if (numericStrings) out.data = String(out.data);
  } else if (Array.isArray(out.data)) {
    const interval = context.interval;
    const dateOnly = interval === 'day' && draw(5) < 0.6;
    const atomHours = interval === 'hour' && draw(6) < 0.5;
    out.data = (out.data as Obj[]).map((item, k) => {
      const copy: Obj = { ...item };
      const itemDraw = variance.draw(ASPECT.answer, requestId, 1000 + k);
      if (numericStrings && itemDraw < 0.7) copy.metricValue = String(copy.metricValue);
      if ('dimensionValue' in copy) {
        const empty = copy.dimensionValue === '';
        if ((empty && draw(7) < 0.7) || (!empty && itemDraw > 0.95)) delete copy.dimensionValue;
      }
      if (typeof copy.emittedAt === 'string' && (dateOnly || atomHours)) {
        const ms = parseTimestamp(copy.emittedAt)!;
        copy.emittedAt = dateOnly ? new Date(ms).toISOString().slice(0, 10) : atom(ms);
      }
      if (itemDraw < 0.1) Object.assign(copy, EXTRA_FIELDS);
      return copy;
    });
  }
  if (draw(8) < 0.3) Object.assign(out, EXTRA_FIELDS);
  return out;
}

function respellTimeframe(timeframe: Obj): Obj {
  const spell = (value: unknown) =>
    typeof value === 'string' ? zulu(parseTimestamp(value) ?? 0) : value;
  return { from: spell(timeframe.from), to: spell(timeframe.to) };
}
