/**
 * `GET /videos`, `/live-streams`, `/players` (paginated, with the specs' filters and sorting) and
 * the single-object routes beside them.
 */
import type { Catalog } from './catalog.js';
import { isPageRequest, pageOf, parsePageRequest } from './pagination.js';
import { invalidQuery, notFound, reply, type Reply } from './problems.js';

type Item = Record<string, unknown>;

/** Sorts by a field the spec allows, ascending unless `sortOrder=desc`; answers 400 otherwise. */
function sorted(items: Item[], query: URLSearchParams, fields: readonly string[]): Item[] | Reply {
  const sortBy = query.get('sortBy');
  const order = query.get('sortOrder') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    return invalidQuery('sortOrder', 'This value must be part of the following values: asc,desc');
  }
  if (sortBy === null) return order === 'desc' ? items.reverse() : items;
  if (!fields.includes(sortBy)) {
    return invalidQuery(
      'sortBy',
      `This value must be part of the following values: ${fields.join(',')}`,
    );
  }
  const sign = order === 'desc' ? -1 : 1;
  return items
    .map((item, i) => ({ item, i, key: String(item[sortBy] ?? '') }))
    .sort((a, b) => (a.key < b.key ? -sign : a.key > b.key ? sign : a.i - b.i))
    .map((x) => x.item);
}

const contains = (value: unknown, needle: string | null) =>
  needle === null ||
  (typeof value === 'string' && value.toLowerCase().includes(needle.toLowerCase()));

function listed(items: Item[] | Reply, path: string, query: URLSearchParams): Reply {
  if (!Array.isArray(items)) return items;
  const page = parsePageRequest(query);
  return isPageRequest(page) ? reply(pageOf(items, path, query, page)) : page;
}

export function listVideos(catalog: Catalog, path: string, query: URLSearchParams): Reply {
  const tags = [...query.getAll('tags[]'), ...query.getAll('tags')];
  const metadata = [...query].flatMap(([k, v]) => {
    const m = /^metadata\[(.+)\]$/.exec(k);
    return m ? [[m[1]!, v] as const] : [];
  });
  const liveStreamId = query.get('liveStreamId');
  const items = catalog.videos
    .filter((v) => !v.removed && (liveStreamId === null || v.recordedFrom === liveStreamId))
    .map((v) => catalog.videoObject(v))
    .filter(
      (v) =>
        contains(v.title, query.get('title')) &&
        contains(v.description, query.get('description')) &&
        tags.every((t) => (v.tags as string[]).includes(t)) &&
        metadata.every(([k, val]) =>
          (v.metadata as Array<{ key: string; value: string }>).some(
            (m) => m.key === k && m.value === val,
          ),
        ),
    );
  return listed(
    sorted(items, query, ['title', 'createdAt', 'publishedAt', 'updatedAt']),
    path,
    query,
  );
}

export function listLiveStreams(
  catalog: Catalog,
  nowMs: number,
  path: string,
  query: URLSearchParams,
): Reply {
  const streamKey = query.get('streamKey');
  const items = catalog
    .listedLiveStreams(nowMs)
    .filter(
      (l) =>
        (streamKey === null || l.streamKey === streamKey) && contains(l.name, query.get('name')),
    );
  return listed(sorted(items, query, ['createdAt', 'publishedAt', 'name']), path, query);
}

export function listPlayers(catalog: Catalog, path: string, query: URLSearchParams): Reply {
  return listed(
    sorted(catalog.listedPlayers(), query, ['name', 'createdAt', 'updatedAt']),
    path,
    query,
  );
}

export function getVideo(catalog: Catalog, id: string): Reply {
  const video = catalog.video(id);
  return video && !video.removed ? reply(catalog.videoObject(video)) : notFound('videoId');
}

export function getLiveStream(catalog: Catalog, id: string, nowMs: number): Reply {
  const live = catalog.liveStream(id);
  return live && !live.removed
    ? reply(catalog.liveStreamObject(live, nowMs))
    : notFound('liveStreamId');
}

export function getPlayer(catalog: Catalog, id: string): Reply {
  const player = catalog.players.find((p) => p.id === id && !p.removed);
  return player ? reply(catalog.playerObject(player)) : notFound('playerId');
}
