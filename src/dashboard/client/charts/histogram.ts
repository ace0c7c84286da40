/** Engagement: how long sessions watch, and how far into the asset they get. */
import * as Plot from '@observablehq/plot';
import { binLabel, BIN_LABELS, formatCompact, formatInt, formatPercent } from '../format.js';
import { num, rowsOf, type RenderContext } from './context.js';

export function histogram(ctx: RenderContext, id: string, color: string): Node | null {
  const rows = rowsOf(ctx, id).filter((r) => num(r.sessions) > 0);
  if (rows.length === 0) return null;
  const total = rows.reduce((n, r) => n + num(r.sessions), 0);
  const data = rows.map((r) => ({
    label: binLabel(r.bin === null ? null : num(r.bin)),
    sessions: num(r.sessions),
  }));
  const domain = data.some((d) => d.label === 'no position')
    ? [...BIN_LABELS, 'no position']
    : BIN_LABELS;
  return Plot.plot({
    width: ctx.width,
    height: 240,
    marginLeft: 50,
    marginBottom: 48,
    x: { domain, label: null, tickRotate: -30 },
    y: { label: 'sessions', grid: true, tickFormat: formatCompact },
    marks: [
      Plot.barY(data, {
        x: 'label',
        y: 'sessions',
        fill: color,
        insetLeft: 1,
        insetRight: 1,
        title: (d) =>
          `${d.label}: ${formatInt(d.sessions)} sessions (${formatPercent(d.sessions / total)})`,
      }),
      Plot.ruleY([0]),
    ],
  });
}
