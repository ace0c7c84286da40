/**
 * The view as a URL: `asset`, `session`, `from`, `to`, `type`. serve keeps them in the query
 * string, the report (a file, whose query string a browser may not keep) after `#`; the names are
 * the same, so a link to one reads as a link to the other. Bundled into the browser: no Node.
 */
import { addDays, epochDays, isDay, type Day } from '../../calendar.js';
import { FilterError, filterQuery, parseFilter } from './filter.js';
import type { Extent, Filter, View } from './types.js';

const MAX_SESSION_ID = 200;

export function viewQuery(view: View): string {
  const q = new URLSearchParams(filterQuery(view));
  if (view.session) q.set('session', view.session);
  return q.toString();
}

/** The view a URL names; what it gets wrong is dropped, not fatal (it came from a link). */
export function parseView(q: URLSearchParams): View {
  let view: View;
  try {
    view = parseFilter(q);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    view = { type: 'all' };
  }
  const session = q.get('session');
  if (session && session.length <= MAX_SESSION_ID) view.session = session;
  return view;
}

export function filterOf(view: View): Filter {
  const { session: _session, ...filter } = view;
  return filter;
}

export const sameView = (a: View, b: View) => viewQuery(a) === viewQuery(b);

/**
 * The days a filter covers (an open end is the data's first or last day), and the period of
 * equal length just before. Null without an extent (no data at all).
 */
export function comparedRanges(
  filter: Filter,
  extent: Extent | null,
): { current: { from: Day; to: Day }; previous: { from: Day; to: Day } } | null {
  if (!extent) return null;
  const from = filter.from && isDay(filter.from) ? filter.from : extent.from;
  const to = filter.to && isDay(filter.to) ? filter.to : extent.to;
  if (from > to) return null;
  const days = epochDays(to) - epochDays(from) + 1;
  return {
    current: { from, to },
    previous: { from: addDays(from, -days), to: addDays(from, -1) },
  };
}
