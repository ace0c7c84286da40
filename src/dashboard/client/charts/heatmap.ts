/** When people watch: hour of day × weekday, in UTC (the warehouse's time zone). */
import * as Plot from '@observablehq/plot';
import { formatInt, WEEKDAYS } from '../format.js';
import { num, rowsOf, type RenderContext } from './context.js';

export function hourHeatmap(ctx: RenderContext): Node | null {
  const rows = rowsOf(ctx, 'hours').filter((r) => num(r.sessions) > 0);
  if (rows.length === 0) return null;
  const hours = Array.from({ length: 24 }, (_, i) => i);
  return Plot.plot({
    width: ctx.width,
    height: 250,
    marginLeft: 40,
    padding: 0.06,
    x: {
      type: 'band',
      domain: hours,
      label: 'hour of day (UTC)',
      labelAnchor: 'center',
      tickFormat: (h: number) => (h % 3 === 0 ? String(h) : ''),
    },
    y: {
      type: 'band',
      domain: [1, 2, 3, 4, 5, 6, 7],
      label: null,
      tickFormat: (d: number) => WEEKDAYS[d - 1] ?? String(d),
    },
    color: { type: 'sqrt', scheme: 'blues', legend: true, label: 'sessions', zero: true },
    marks: [
      Plot.cell(rows, {
        x: (r) => num(r.hour),
        y: (r) => num(r.weekday),
        fill: (r) => num(r.sessions),
        inset: 0.5,
        title: (r) =>
          `${WEEKDAYS[num(r.weekday) - 1] ?? ''} ${String(num(r.hour)).padStart(2, '0')}:00–${String(num(r.hour)).padStart(2, '0')}:59 UTC: ${formatInt(num(r.sessions))} sessions`,
      }),
    ],
  });
}
