/**
 * The session explorer's question (filter, search, sort, page) as a query string both ways, and
 * its answer over rows already in memory — the report's embedded sessions. serve answers the same
 * question in SQL (../explorer.ts); the unit tests hold the two equal. Bundled: no Node.
 */
import { FilterError, filterQuery, parseFilter } from './filter.js';
import type {
  Filter,
  SessionPage,
  SessionQuery,
  SessionRow,
  SessionSort,
  SortDir,
} from './types.js';

export const PAGE_SIZE = 25;
export const SORTS: readonly SessionSort[] = ['time', 'country', 'device', 'watch', 'ended'];
const MAX_SEARCH = 100;
/** Page numbers past this are not a page anyone reads; refusing them keeps OFFSET bounded. */
const MAX_PAGE = 100_000;

/** The columns free text is matched against, in serve's SQL and here alike. */
export const SEARCHED: ReadonlyArray<keyof SessionRow> = [
  'session_id',
  'country_code',
  'city',
  'device_type',
  'os_name',
  'client_name',
  'referrer_source',
];

export function sessionQueryString(query: SessionQuery): string {
  const q = new URLSearchParams(filterQuery(query.filter));
  if (query.q) q.set('q', query.q);
  q.set('sort', query.sort);
  q.set('dir', query.dir);
  if (query.page > 0) q.set('page', String(query.page));
  return q.toString();
}

export function parseSessionQuery(q: URLSearchParams): SessionQuery {
  const filter: Filter = parseFilter(q);
  const sort = (q.get('sort') ?? 'time') as SessionSort;
  if (!SORTS.includes(sort)) throw new FilterError(`sort must be one of ${SORTS.join(', ')}`);
  const dir = (q.get('dir') ?? 'desc') as SortDir;
  if (dir !== 'asc' && dir !== 'desc') throw new FilterError('dir must be asc or desc');
  const page = Number(q.get('page') ?? 0);
  if (!Number.isInteger(page) || page < 0 || page > MAX_PAGE) {
    throw new FilterError('page must be a whole number from 0');
  }
  const text = (q.get('q') ?? '').trim();
  if (text.length > MAX_SEARCH) throw new FilterError(`q is at most ${MAX_SEARCH} characters`);
  return { filter, sort, dir, page, ...(text && { q: text }) };
}

const SORT_VALUE: Record<SessionSort, (r: SessionRow) => string | number | null> = {
  time: (r) => r.loaded_at,
  country: (r) => r.country_code,
  device: (r) => r.device_type,
  watch: (r) => r.watch_seconds,
  ended: (r) => (r.ended ? 1 : 0),
};

/** Nulls last in either direction, as serve's SQL orders them (NULLS LAST). */
function compare(a: string | number | null, b: string | number | null, dir: SortDir): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const c = a < b ? -1 : 1;
  return dir === 'asc' ? c : -c;
}

/** Ties: newest first, then by id, so that pages never overlap. */
export function compareSessions(sort: SessionSort, dir: SortDir) {
  return (a: SessionRow, b: SessionRow) =>
    compare(SORT_VALUE[sort](a), SORT_VALUE[sort](b), dir) ||
    compare(a.loaded_at, b.loaded_at, 'desc') ||
    compare(a.session_id, b.session_id, 'asc');
}

export function matchesFilter(row: SessionRow, filter: Filter): boolean {
  // A session without a time is in no range of days (as in SQL, where its day is NULL).
  const day = row.loaded_at?.slice(0, 10);
  if (filter.from && (!day || day < filter.from)) return false;
  if (filter.to && (!day || day > filter.to)) return false;
  if (filter.type !== 'all' && row.asset_type !== filter.type) return false;
  if (filter.asset && row.asset_id !== filter.asset) return false;
  return true;
}

export function matchesSearch(row: SessionRow, q: string | undefined): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return SEARCHED.some((c) => {
    const v = row[c];
    return typeof v === 'string' && v.toLowerCase().includes(needle);
  });
}

/** The explorer's answer over rows in memory. */
export function pageOf(rows: SessionRow[], query: SessionQuery): SessionPage {
  const hits = rows
    .filter((r) => matchesFilter(r, query.filter) && matchesSearch(r, query.q))
    .sort(compareSessions(query.sort, query.dir));
  const start = query.page * PAGE_SIZE;
  return {
    total: hits.length,
    page: query.page,
    pageSize: PAGE_SIZE,
    rows: hits.slice(start, start + PAGE_SIZE),
  };
}
