/**
 * The view in the address bar. serve's page keeps it in the query string (`?asset=…&from=…`);
 * a report, opened from a file, keeps the same names after `#`, which every browser keeps for a
 * file:// page and which never leaves the page. Each change the reader makes is a history entry,
 * so back and forward step through views; `onChange` hears them.
 */
import { parseView, viewQuery } from '../shared/view.js';
import type { View } from '../shared/types.js';

export interface ViewLocation {
  read(): View;
  /** Records a new view as a history entry (`replace`: in place of the current one). */
  write(view: View, replace?: boolean): void;
  /** Calls back when back/forward (or an edited #) changes the view. */
  onChange(callback: () => void): void;
}

/** The URL of a view, for links (so a link can be opened in a new tab, or copied). */
export function viewHref(mode: 'serve' | 'report', view: View): string {
  const q = viewQuery(view);
  if (mode === 'report') return `#${q}`;
  return q ? `?${q}` : location.pathname;
}

export function viewLocation(mode: 'serve' | 'report'): ViewLocation {
  if (mode === 'report') {
    return {
      read: () => parseView(new URLSearchParams(location.hash.slice(1))),
      write(view, replace) {
        const hash = `#${viewQuery(view)}`;
        if (hash === location.hash || (hash === '#' && location.hash === '')) return;
        if (replace) location.replace(hash);
        else location.hash = hash;
      },
      onChange(callback) {
        window.addEventListener('hashchange', callback);
      },
    };
  }
  return {
    read() {
      // Links made before the view moved to the query string put it after `#`.
      const search = location.search.slice(1);
      return parseView(new URLSearchParams(search || location.hash.slice(1)));
    },
    write(view, replace) {
      const href = viewHref('serve', view);
      if (href === `${location.pathname}${location.search}` && !location.hash) return;
      if (replace) history.replaceState(null, '', href);
      else history.pushState(null, '', href);
    },
    onChange(callback) {
      window.addEventListener('popstate', callback);
    },
  };
}
