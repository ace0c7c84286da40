/**
 * All pages of a list endpoint, in order, as an async iterator.
 *
 * The first page tells how many there are; the rest are then fetched a few at a time ahead of the
 * consumer (the scheduler still bounds the total in flight), so a long listing costs about one
 * round trip per `prefetch` pages instead of one per page. Without `pagesTotal` the `next` links
 * are followed one by one.
 */
import type { Page } from './schemas.js';

export async function* paginate<P extends Page<unknown>>(
  fetchPage: (page: number) => Promise<P>,
  options: { prefetch?: number; expectedPages?: number } = {},
): AsyncGenerator<P, void, undefined> {
  const prefetch = Math.max(1, options.prefetch ?? 4);
  const pending = new Map<number, Promise<P>>();
  const launch = (n: number) => {
    const promise = fetchPage(n);
    // A consumer that stops early leaves prefetched pages unread; their failures do not matter.
    promise.catch(() => undefined);
    pending.set(n, promise);
  };
  // Pages the caller expects are asked for with the first, not after it; any past the real
  // total are simply not read.
  const guessed = Math.min(options.expectedPages ?? 1, prefetch + 1);
  for (let n = 2; n <= guessed; n++) launch(n);
  const first = await fetchPage(1);
  yield first;

  const total = first.pagination.pagesTotal;
  if (total === undefined || total === null) {
    let page = first;
    for (let n = 2; hasNext(page); n++) {
      page = await (pending.get(n) ?? fetchPage(n));
      yield page;
    }
    return;
  }

  let launched = Math.max(1, Math.min(guessed, total));
  for (let n = 2; n <= total; n++) {
    while (launched < total && launched < n - 1 + prefetch) launch(++launched);
    const page = await pending.get(n)!;
    pending.delete(n);
    yield page;
  }
}

/** A `next` link (in a links array or an object keyed by rel) on a page that was not empty. */
function hasNext(page: Page<unknown>): boolean {
  const links = page.pagination.links ?? [];
  const list = Array.isArray(links)
    ? links
    : Object.entries(links).map(([rel, l]) => ({ ...l, rel: l.rel ?? rel }));
  return list.some((link) => link.rel === 'next') && page.size > 0;
}
