/**
 * The raw-statistics generation (2021-03, 2023-09): sessions of a video or live stream within a
 * `period` of UTC days, and the player events of a session.
 *
 * Under variance an asset may vanish after a page of its sessions (vanishing.ts) and a session's
 * events route may answer 404 (a session gone).
 */
import { isPageRequest, pageBounds, pagination, parsePageRequest } from './pagination.js';
import { invalidQuery, notFound, reply, type Reply } from './problems.js';
import { eventObjects, eventsGone, sessionObject, visibleEventCount } from './session-objects.js';
import { parsePeriod } from './period.js';
import type { RequestContext } from './routes.js';
import type { AssetKind } from './sessions.js';
import type { World } from './world.js';

export function listSessions(
  world: World,
  kind: AssetKind,
  assetId: string,
  nowMs: number,
  maxPeriodDays: number,
  request: Pick<RequestContext, 'url' | 'path' | 'query'>,
): Reply {
  const { path, query } = request;
  const asset = kind === 'video' ? world.catalog.video(assetId) : world.catalog.liveStream(assetId);
  if (!asset || asset.removed) return notFound(kind === 'video' ? 'videoId' : 'liveStreamId');

  const raw = query.get('period');
  if (raw === null || raw === '') return invalidQuery('period', 'This value should not be blank.');
  const period = parsePeriod(raw);
  if (!period) {
    return invalidQuery(
      'period',
      'This value is not a valid period: use a day (2018-01-01), a week (2018-W01), a month (2018-01), a year (2018) or a range (2018-01-01/2018-01-15).',
    );
  }
  const { days } = period;
  if (days > maxPeriodDays) {
    return invalidQuery(
      'period',
      `This period covers ${days} days; the maximum is ${maxPeriodDays} days.`,
    );
  }
  const page = parsePageRequest(query);
  if (!isPageRequest(page)) return page;

  const { items, start, end } = world.sessions.ofAsset(
    kind,
    asset.index,
    period.startMs,
    period.endMs,
    nowMs,
  );
  const bounds = pageBounds(page, end - start);
  const data = [];
  const ids = [];
  for (let p = start + bounds.start; p < start + bounds.end; p++) {
    const record = world.sessions.get(items[p]!);
    data.push(sessionObject(record, nowMs, world.variance));
    ids.push(record.id);
  }
  const answer = reply({ data, pagination: pagination(path, query, page, end - start) });
  world.vanishing.served(kind, assetId, ids, `GET ${request.url}`);
  return answer;
}

export function listEvents(
  world: World,
  sessionId: string,
  nowMs: number,
  path: string,
  query: URLSearchParams,
): Reply {
  const record = world.sessions.find(sessionId, nowMs);
  if (!record || eventsGone(record, world.variance, world.longIndex)) return notFound('sessionId');
  const page = parsePageRequest(query);
  if (!isPageRequest(page)) return page;
  const total = visibleEventCount(record, nowMs);
  const { start, end } = pageBounds(page, total);
  return reply({
    data: eventObjects(record, nowMs, world.variance, start, end),
    pagination: pagination(path, query, page, total),
  });
}
