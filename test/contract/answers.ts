/**
 * Every kind of answer the emulator gives on the routes viewership uses, collected by walking an
 * emulated account the way a client would: auth, every catalog page, every session page of every
 * asset, every session's events, every Analytics API metric, breakdown and interval, and the
 * errors the specs document (400, 404, 429).
 */
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  AGGREGATIONS,
  BREAKDOWNS,
  BREAKDOWN_METRICS,
  TIMESERIES_METRICS,
} from '../../src/emulator/vocabulary.js';

export interface Answer {
  method: 'GET' | 'POST';
  /** The spec's path template, e.g. `/videos/{videoId}`. */
  template: string;
  url: string;
  status: number;
  headers: Headers;
  body: unknown;
}

type Obj = Record<string, unknown>;

export class AnswerLog {
  readonly answers: Answer[] = [];
  private token = '';

  constructor(private readonly run: RunningEmulator) {}

  async post(template: string, url: string, body: unknown): Promise<Answer> {
    const res = await fetch(this.run.url + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return this.keep('POST', template, url, res);
  }

  async get(template: string, url: string): Promise<Answer> {
    const res = await fetch(this.run.url + url, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return this.keep('GET', template, url, res);
  }

  async login(): Promise<void> {
    const answer = await this.post('/auth/api-key', '/auth/api-key', { apiKey: this.run.apiKey });
    this.token = (answer.body as { access_token: string }).access_token;
  }

  /** Every page of a list (until its last page or an answer that is not a 200). */
  async pages(template: string, url: string, pageSize = 100): Promise<Obj[]> {
    const items: Obj[] = [];
    const sep = url.includes('?') ? '&' : '?';
    for (let page = 1; ; page++) {
      const answer = await this.get(
        template,
        `${url}${sep}currentPage=${page}&pageSize=${pageSize}`,
      );
      if (answer.status !== 200) return items;
      const body = answer.body as { data: Obj[]; pagination: { pagesTotal: number } };
      items.push(...body.data);
      if (page >= body.pagination.pagesTotal) return items;
    }
  }

  private async keep(method: 'GET' | 'POST', template: string, url: string, res: Response) {
    const text = await res.text();
    const answer: Answer = {
      method,
      template,
      url,
      status: res.status,
      headers: res.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.answers.push(answer);
    return answer;
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Walks the whole account; `nowMs` is the emulator's pinned clock. */
export async function walkAccount(run: RunningEmulator, nowMs: number, historyDays: number) {
  const log = new AnswerLog(run);
  await log.login();
  const tokens = log.answers[0]!.body as { refresh_token: string };
  await log.post('/auth/api-key', '/auth/api-key', { apiKey: 'not-the-key' });
  await log.post('/auth/refresh', '/auth/refresh', { refreshToken: tokens.refresh_token });
  await log.post('/auth/refresh', '/auth/refresh', { refreshToken: 'def50200-not-a-token' });

  const videos = await log.pages('/videos', '/videos');
  const live = await log.pages('/live-streams', '/live-streams');
  const players = await log.pages('/players', '/players', 2);
  await log.get('/videos', '/videos?pageSize=101');
  await log.get('/players', '/players?currentPage=0');
  for (const v of videos.slice(0, 5))
    await log.get('/videos/{videoId}', `/videos/${String(v.videoId)}`);
  await log.get('/videos/{videoId}', '/videos/viNotAVideo');
  for (const l of live)
    await log.get('/live-streams/{liveStreamId}', `/live-streams/${String(l.liveStreamId)}`);
  for (const p of players) await log.get('/players/{playerId}', `/players/${String(p.playerId)}`);
  await log.get('/players/{playerId}', '/players/plNotAPlayer');

  const period = `period=${day(nowMs - historyDays * 86_400_000)}/${day(nowMs)}`;
  const sessionIds: string[] = [];
  const lists: Array<[string, string, Obj[]]> = [
    ['/analytics/videos/{videoId}', 'videos', videos],
    ['/analytics/live-streams/{liveStreamId}', 'live-streams', live],
  ];
  for (const [template, route, assets] of lists) {
    for (const asset of assets) {
      const id = String(asset.videoId ?? asset.liveStreamId);
      for (const s of await log.pages(template, `/analytics/${route}/${id}?${period}`))
        if (typeof (s.session as Obj | undefined)?.sessionId === 'string')
          sessionIds.push((s.session as Obj).sessionId as string);
    }
    await log.get(
      template,
      `/analytics/${route}/${route === 'videos' ? 'viNope' : 'liNope'}?${period}`,
    );
  }
  const events = '/analytics/sessions/{sessionId}/events';
  for (const id of sessionIds) await log.pages(events, `/analytics/sessions/${id}/events`);
  await log.get(events, '/analytics/sessions/psNotASession/events');

  await walkAnalytics(log, nowMs);
  return { log, videos, live, players, sessionIds };
}

/** Every metric × aggregation, breakdown and interval, and the documented 400s. */
export async function walkAnalytics(log: AnswerLog, nowMs: number): Promise<void> {
  const at = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  const week = `from=${at(nowMs - 7 * 86_400_000)}`;
  const metrics = '/data/metrics/{metric}/{aggregation}';
  const buckets = '/data/buckets/{metric}/{breakdown}';
  const timeseries = '/data/timeseries/{metric}';
  for (const [metric, aggregations] of Object.entries(AGGREGATIONS)) {
    for (const aggregation of aggregations) {
      await log.get(metrics, `/data/metrics/${metric}/${aggregation}`);
      await log.get(metrics, `/data/metrics/${metric}/${aggregation}?${week}`);
    }
  }
  await log.get(metrics, '/data/metrics/view/count?unique=true&viewDuration=30s');
  for (const metric of BREAKDOWN_METRICS) {
    for (const breakdown of metric === 'play-total' ? ['media-id'] : BREAKDOWNS) {
      await log.pages(buckets, `/data/buckets/${metric}/${breakdown}?${week}`, 10);
    }
  }
  for (const metric of TIMESERIES_METRICS) {
    await log.pages(timeseries, `/data/timeseries/${metric}?${week}&interval=day`, 10);
    await log.pages(timeseries, `/data/timeseries/${metric}?interval=hour`, 10);
    await log.get(
      timeseries,
      `/data/timeseries/${metric}?from=${at(nowMs - 30 * 60_000)}&interval=minute`,
    );
  }
  for (const [template, url] of [
    [metrics, '/data/metrics/nope/count'],
    [metrics, '/data/metrics/play/sum'],
    [metrics, '/data/metrics/play/count?currentPage=2'],
    [metrics, '/data/metrics/view/count?viewDuration=7s'],
    [buckets, '/data/buckets/play/planet'],
    [buckets, `/data/buckets/play/referrer?filterBy[referrer]=${'x'.repeat(2100)}`],
    [buckets, '/data/buckets/play/country?pageSize=101'],
    [timeseries, '/data/timeseries/play?interval=week'],
    [timeseries, `/data/timeseries/play?${week}&interval=minute`],
    [timeseries, '/data/timeseries/play?foo=bar'],
  ] as const)
    await log.get(template, url);
}
