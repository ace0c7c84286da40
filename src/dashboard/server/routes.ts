/**
 * serve's routes, as data: a path and what answers it. Every route reads the current snapshot
 * through `Answers` (which caches by data version); none touches the user's file.
 *
 *   GET /                the HTML shell (the view lives in its query string)
 *   GET /app.js          the browser bundle
 *   GET /api/version     { version, state, refreshedAt }          (the page polls it)
 *   GET /api/meta        Meta: date extent, assets, country names, last sync
 *   GET /api/data        ?from&to&type&asset → DataAnswer: every chart, and the previous period
 *   GET /api/sessions    ?from&to&type&asset&q&sort&dir&page → SessionPage (the explorer)
 *   GET /api/session     ?id → SessionDetail: one session and its events in order
 *   GET /api/retention   ?from&to&type&asset → Retention of that asset
 */
import { FilterError, parseFilter } from '../shared/filter.js';
import { parseSessionQuery } from '../shared/explorer.js';
import type { Filter } from '../shared/types.js';
import { json, text, type Reply } from './http.js';

/** The questions routes ask; each answers JSON text, or undefined for "no such thing". */
export interface Answers {
  version(): string;
  meta(): string;
  data(filter: Filter): Promise<string>;
  sessions(query: URLSearchParams): Promise<string>;
  session(id: string): Promise<string | undefined>;
  retention(filter: Filter): Promise<string | undefined>;
}

export interface Route {
  path: string;
  handle(query: URLSearchParams): Reply | Promise<Reply>;
}

const MAX_ID = 200;

/** A 400 for a question that does not parse, naming what is wrong. */
async function checked(work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FilterError) return json(400, JSON.stringify({ error: error.message }));
    throw error;
  }
}

const notFound = (what: string) => json(404, JSON.stringify({ error: `no such ${what}` }));

export function routes(shell: { page: string; bundle: string }, answers: Answers): Route[] {
  return [
    {
      path: '/',
      handle: () => ({
        status: 200,
        type: 'text/html; charset=utf-8',
        body: shell.page,
        cache: 'no-cache',
      }),
    },
    {
      path: '/app.js',
      handle: () => ({
        status: 200,
        type: 'text/javascript; charset=utf-8',
        body: shell.bundle,
        cache: 'no-cache',
      }),
    },
    { path: '/favicon.ico', handle: () => ({ status: 204, type: 'text/plain', body: '' }) },
    { path: '/api/version', handle: () => json(200, answers.version()) },
    { path: '/api/meta', handle: () => json(200, answers.meta()) },
    {
      path: '/api/data',
      handle: (q) => checked(async () => json(200, await answers.data(parseFilter(q)))),
    },
    {
      path: '/api/sessions',
      handle: (q) =>
        checked(async () => {
          parseSessionQuery(q);
          return json(200, await answers.sessions(q));
        }),
    },
    {
      path: '/api/session',
      handle: async (q) => {
        const id = q.get('id') ?? '';
        if (id === '' || id.length > MAX_ID) {
          return json(400, JSON.stringify({ error: 'id must be a session id' }));
        }
        const body = await answers.session(id);
        return body === undefined ? notFound('session') : json(200, body);
      },
    },
    {
      path: '/api/retention',
      handle: (q) =>
        checked(async () => {
          const filter = parseFilter(q);
          if (!filter.asset) throw new FilterError('asset is required');
          const body = await answers.retention(filter);
          return body === undefined ? notFound('asset') : json(200, body);
        }),
    },
  ];
}

export function notFoundReply(): Reply {
  return text(404, 'not found\n');
}
