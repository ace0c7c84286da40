/**
 * `currentPage`/`pageSize` and the `pagination` object every list answers with: totals and links
 * (self, first, previous, next, last) whose URIs are the request's path and query with the page
 * changed, as the specs' examples show.
 */
import { outOfRange, type RangeProblem, type Reply } from './problems.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page: number;
  size: number;
}

export interface Pagination {
  currentPage: number;
  pageSize: number;
  pagesTotal: number;
  itemsTotal: number;
  currentPageItems: number;
  links: Array<{ rel: string; uri: string }>;
}

function integer(value: string | null): number | undefined {
  if (value === null) return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/** The requested page, or the 400 that names every parameter out of range. */
export function parsePageRequest(query: URLSearchParams): PageRequest | Reply {
  const page = integer(query.get('currentPage')) ?? 1;
  const size = integer(query.get('pageSize')) ?? DEFAULT_PAGE_SIZE;
  const problems: RangeProblem[] = [];
  if (!(page >= 1)) problems.push({ name: 'page', range: { min: 1 } });
  if (!(size >= 1 && size <= MAX_PAGE_SIZE))
    problems.push({ name: 'pageSize', range: { min: 1, max: MAX_PAGE_SIZE } });
  return problems.length > 0 ? outOfRange(problems) : { page, size };
}

export function isPageRequest(value: PageRequest | Reply): value is PageRequest {
  return 'page' in value;
}

/** Which items of `total` a page holds: [start, end). */
export function pageBounds(request: PageRequest, total: number): { start: number; end: number } {
  const start = Math.min(total, (request.page - 1) * request.size);
  return { start, end: Math.min(total, start + request.size) };
}

export function pagination(
  path: string,
  query: URLSearchParams,
  request: PageRequest,
  total: number,
): Pagination {
  const pagesTotal = Math.max(1, Math.ceil(total / request.size));
  const { start, end } = pageBounds(request, total);
  const rest = new URLSearchParams();
  for (const [key, value] of query)
    if (key !== 'currentPage' && key !== 'pageSize') rest.append(key, value);
  const prefix = rest.size > 0 ? `${path}?${rest.toString()}&` : `${path}?`;
  const uri = (page: number) => `${prefix}currentPage=${page}&pageSize=${request.size}`;
  const links = [
    { rel: 'self', uri: uri(request.page) },
    { rel: 'first', uri: uri(1) },
  ];
  if (request.page > 1)
    links.push({ rel: 'previous', uri: uri(Math.min(request.page - 1, pagesTotal)) });
  if (request.page < pagesTotal) links.push({ rel: 'next', uri: uri(request.page + 1) });
  links.push({ rel: 'last', uri: uri(pagesTotal) });
  return {
    currentPage: request.page,
    pageSize: request.size,
    pagesTotal,
    itemsTotal: total,
    currentPageItems: end - start,
    links,
  };
}

/** A whole list answer from an in-memory array. */
export function pageOf<T>(
  items: readonly T[],
  path: string,
  query: URLSearchParams,
  request: PageRequest,
): { data: T[]; pagination: Pagination } {
  const { start, end } = pageBounds(request, items.length);
  return {
    data: items.slice(start, end),
    pagination: pagination(path, query, request, items.length),
  };
}
