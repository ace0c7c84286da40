/**
 * The filter as a query string, both ways: the browser writes it, the server reads and checks it.
 * Bundled into the browser too: no Node imports.
 */
import { dayNumber } from '../../calendar.js';
import type { Filter, TypeFilter } from './types.js';

export class FilterError extends Error {}

const TYPES: readonly TypeFilter[] = ['all', 'video', 'live_stream'];
/** api.video ids are short; anything far longer is not an id, and not worth a query. */
const MAX_ASSET_ID = 200;

export function filterQuery(filter: Filter): string {
  const q = new URLSearchParams();
  if (filter.from) q.set('from', filter.from);
  if (filter.to) q.set('to', filter.to);
  if (filter.type !== 'all') q.set('type', filter.type);
  if (filter.asset) q.set('asset', filter.asset);
  return q.toString();
}

export function parseFilter(q: URLSearchParams): Filter {
  const filter: Filter = { type: 'all' };
  for (const key of ['from', 'to'] as const) {
    const value = q.get(key);
    if (value === null || value === '') continue;
    if (dayNumber(value) === undefined) {
      throw new FilterError(`${key} must be a day, YYYY-MM-DD`);
    }
    filter[key] = value;
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new FilterError('from is after to');
  }
  const type = q.get('type');
  if (type !== null && type !== '') {
    if (!(TYPES as readonly string[]).includes(type)) {
      throw new FilterError(`type must be one of ${TYPES.join(', ')}`);
    }
    filter.type = type as TypeFilter;
  }
  const asset = q.get('asset');
  if (asset !== null && asset !== '') {
    if (asset.length > MAX_ASSET_ID) throw new FilterError('asset is not an asset id');
    filter.asset = asset;
  }
  return filter;
}

/** A stable key for caching answers. */
export function filterKey(filter: Filter): string {
  return [filter.from ?? '', filter.to ?? '', filter.type, filter.asset ?? ''].join('|');
}
