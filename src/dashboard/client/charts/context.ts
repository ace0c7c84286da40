/** What every chart renderer gets: the data, the metadata, and the space it has. */
import type { DataAnswer, Grain, Meta, Row } from '../../types.js';

export interface RenderContext {
  meta: Meta;
  answer: DataAnswer;
  width: number;
  grain: Grain;
  /** asset key (type:id) → the label to show */
  labels: Map<string, string>;
}

export interface Card {
  /** The `data-chart` attribute tests and styles find the card by. */
  id: string;
  title: string;
  subtitle?: string | ((ctx: RenderContext) => string);
  wide?: boolean;
  /** The chart, or null when there is nothing to draw (the card then says so). */
  render(ctx: RenderContext): Node | null;
  /** What the card says instead of an empty chart. */
  empty?: string;
}

export const rowsOf = (ctx: RenderContext, id: string): Row[] => ctx.answer.charts[id] ?? [];

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** A day or period start as the Date Plot wants (UTC midnight). */
export const dateOf = (day: unknown): Date => new Date(`${String(day)}T00:00:00Z`);

/** Plot's name for the interval of one period. */
export const plotInterval = (grain: Grain) =>
  grain === 'day' ? 'day' : grain === 'week' ? 'monday' : 'month';
