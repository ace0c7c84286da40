/**
 * What serve's routes ask, answered from the current snapshot and cached by its version.
 * Before the first snapshot (a sync held the warehouse when serve started) every answer is an
 * empty one of the right shape, so the page can say it is waiting.
 */
import { sessionDetail, sessionPage } from '../explorer.js';
import { dataAnswer } from '../queries.js';
import { retention } from '../retention.js';
import { CHARTS } from '../shared/charts.js';
import { parseSessionQuery, PAGE_SIZE, sessionQueryString } from '../shared/explorer.js';
import { filterKey } from '../shared/filter.js';
import type { DataAnswer, Filter, Meta, SessionPage } from '../shared/types.js';
import { AnswerCache } from './answers.js';
import type { Answers } from './routes.js';
import type { SnapshotStore } from './snapshot.js';

const WAITING: Meta = {
  version: 0,
  state: 'waiting',
  refreshedAt: null,
  extent: null,
  assets: [],
  countries: {},
  lastSync: null,
  sessions: 0,
};

export function snapshotAnswers(store: SnapshotStore, cache = new AnswerCache()): Answers {
  const meta = (): Meta => {
    const s = store.snapshot;
    return s
      ? { version: s.version, state: 'ready', refreshedAt: s.refreshedAt, ...s.facts }
      : WAITING;
  };

  /** `work` on the snapshot, cached under `key`; `fallback` when there is no snapshot yet. */
  const cached = async <T>(
    key: string,
    work: Parameters<SnapshotStore['use']>[0],
    fallback: () => T,
  ): Promise<string> => {
    if (!store.snapshot) return JSON.stringify(fallback());
    return cache.get(store.version, key, async () => {
      const result = await store.use(async (s) => JSON.stringify(await work(s)));
      return result ?? JSON.stringify(fallback());
    });
  };

  return {
    version() {
      const m = meta();
      return JSON.stringify({ version: m.version, state: m.state, refreshedAt: m.refreshedAt });
    },
    meta: () => JSON.stringify(meta()),
    data: (filter: Filter) =>
      cached(
        `data|${filterKey(filter)}`,
        async (s): Promise<DataAnswer> => ({
          version: s.version,
          ...(await dataAnswer(s.db, filter, s.facts.extent, true)),
        }),
        (): DataAnswer => ({
          version: 0,
          filter,
          charts: Object.fromEntries(CHARTS.map((c) => [c.id, []])),
          previous: null,
        }),
      ),
    sessions: (q: URLSearchParams) => {
      const query = parseSessionQuery(q);
      return cached(
        `sessions|${sessionQueryString(query)}`,
        (s) => sessionPage(s.db, query),
        (): SessionPage => ({ total: 0, page: query.page, pageSize: PAGE_SIZE, rows: [] }),
      );
    },
    async session(id: string) {
      if (!store.snapshot) return undefined;
      const body = await cached(
        `session|${id}`,
        (s) => sessionDetail(s.db, id),
        () => null,
      );
      return body === 'null' ? undefined : body;
    },
    async retention(filter: Filter) {
      const asset = store.snapshot?.facts.assets.find((a) => a.id === filter.asset);
      if (!asset) return undefined;
      return cached(
        `retention|${filterKey(filter)}`,
        (s) => retention(s.db, { ...filter, asset: asset.id }, asset.type),
        () => null,
      );
    },
  };
}
