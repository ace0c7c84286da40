/** What every card renderer gets: the data, the metadata, the view, and the space it has. */
import type { DataAnswer, Grain, Meta, Row, View } from '../../shared/types.js';
import type { ExplorerState } from '../explorer.js';
import type { DataSource } from '../source.js';

export interface RenderContext {
  meta: Meta;
  answer: DataAnswer;
  source: DataSource;
  view: View;
  width: number;
  grain: Grain;
  /** asset key (type:id) → the label to show */
  labels: Map<string, string>;
  /** The link to another view (for <a href>, so it can be opened elsewhere or copied). */
  href(view: View): string;
  /** Goes to another view, as a new history entry. */
  go(view: View): void;
  /** Picks one asset (its retention shows); the rest of the view stays. */
  openAsset(id: string): void;
  /** Opens one session's timeline. */
  openSession(id: string): void;
  /** The session explorer's search, sort and page, kept across redraws of one filter. */
  explorer: ExplorerState;
}

export const rowsOf = (ctx: RenderContext, id: string): Row[] => ctx.answer.charts[id] ?? [];

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** A day or period start as the Date Plot wants (UTC midnight). */
export const dateOf = (day: unknown): Date => new Date(`${String(day)}T00:00:00Z`);

/** Plot's name for the interval of one period. */
export const plotInterval = (grain: Grain) =>
  grain === 'day' ? 'day' : grain === 'week' ? 'monday' : 'month';
