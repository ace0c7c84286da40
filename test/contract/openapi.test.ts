/**
 * The emulator's answers against the official specs (issue 7, point 6): every route viewership
 * uses, in every generation whose spec documents it, with and without variance, errors included
 * where the spec documents their bodies. See openapi.ts for where the specs are read from and the
 * few places a spec contradicts itself.
 */
import type { ErrorObject } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { walkAccount, walkAnalytics, AnswerLog, type Answer } from './answers.js';
import {
  describeErrors,
  GENERATIONS,
  isExampleDateTime,
  isRfc3339,
  loadSpecs,
  SpecJudge,
  type Generation,
  type Spec,
} from './openapi.js';

const NOW = Date.UTC(2025, 4, 28, 19, 30);
/** For each route, the newest generation whose spec documents it. */
const NEWEST: Record<string, Generation> = {};
const loaded = loadSpecs();
const missing = 'missing' in loaded ? loaded.missing : undefined;
if (missing) console.warn(`OpenAPI contract tests skipped: ${missing}`);
const docs = 'docs' in loaded ? loaded.docs : new Map<Generation, Spec>();

type Obj = Record<string, unknown>;

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const part of pointer.split('/').slice(1))
    node = (node as Obj | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

function walk(node: unknown, visit: (obj: Obj) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node && typeof node === 'object') {
    visit(node as Obj);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/** What a local `$ref` (`#/components/examples/…`) points at. */
function resolveRef(spec: Spec, value: Obj): Obj {
  if (typeof value.$ref !== 'string') return value;
  let node: unknown = spec;
  for (const part of value.$ref.slice(2).split('/'))
    node = (node as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node as Obj;
}

/** The response examples a spec gives for a route and status. */
function examples(spec: Spec, method: string, template: string, status: number): unknown[] {
  const op = spec.paths[template]?.[method.toLowerCase()] as Obj | undefined;
  const content = ((op?.responses as Obj | undefined)?.[String(status)] as Obj | undefined)
    ?.content as Obj | undefined;
  const json = content?.['application/json'] as Obj | undefined;
  const named = Object.values((json?.examples as Record<string, Obj> | undefined) ?? {}).map(
    (e) => resolveRef(spec, e).value,
  );
  return json?.example !== undefined ? [json.example, ...named] : named;
}

/** The routes viewership uses, with the statuses whose bodies the emulator can be made to give. */
const ROUTES: Array<[method: string, template: string, statuses: number[]]> = [
  ['POST', '/auth/api-key', [200, 400]],
  ['POST', '/auth/refresh', [200, 400]],
  ['GET', '/videos', [200, 400, 429]],
  ['GET', '/videos/{videoId}', [200, 404]],
  ['GET', '/live-streams', [200, 429]],
  ['GET', '/live-streams/{liveStreamId}', [200]],
  ['GET', '/players', [200, 400]],
  ['GET', '/players/{playerId}', [200, 404]],
  ['GET', '/analytics/videos/{videoId}', [200, 404]],
  ['GET', '/analytics/live-streams/{liveStreamId}', [200, 404]],
  ['GET', '/analytics/sessions/{sessionId}/events', [200, 404]],
  ['GET', '/data/metrics/{metric}/{aggregation}', [200, 400, 404, 429]],
  ['GET', '/data/buckets/{metric}/{breakdown}', [200, 400, 404, 429]],
  ['GET', '/data/timeseries/{metric}', [200, 400, 404, 429]],
];

describe.skipIf(missing !== undefined)(
  missing ? `OpenAPI contract (skipped: ${missing})` : 'OpenAPI contract',
  () => {
    const judges = new Map<Generation, SpecJudge>();
    const strict = new Map<Generation, SpecJudge>();
    beforeAll(() => {
      for (const g of GENERATIONS) {
        judges.set(g, new SpecJudge(g, docs.get(g)!));
        strict.set(g, new SpecJudge(g, docs.get(g)!, { strict: true }));
        for (const [method, template] of ROUTES)
          if (judges.get(g)!.has(method, template)) NEWEST[`${method} ${template}`] = g;
      }
    });

    /**
     * An older spec's errors that a newer one of the same route settles: only nulls, where the
     * newer spec marks the field nullable (2023-09 made a video session's city and referrer URL
     * nullable; 2021-03 had not).
     */
    function settledByNewer(a: Answer, g: Generation, errors: ErrorObject[]): boolean {
      const newest = NEWEST[`${a.method} ${a.template}`]!;
      if (newest === g) return false;
      const nullsOnly = errors.every(
        (e) => e.keyword === 'type' && valueAt(a.body, e.instancePath) === null,
      );
      return (
        nullsOnly &&
        judges.get(newest)!.check(a.method, a.template, a.status, a.body).errors.length === 0
      );
    }

    describe('the judge', () => {
      it('accepts every example the specs give for these routes', () => {
        const failures: string[] = [];
        let count = 0;
        for (const g of GENERATIONS) {
          for (const [method, template, statuses] of ROUTES) {
            for (const status of [...statuses, 200, 400, 404, 429]) {
              for (const example of examples(docs.get(g)!, method, template, status)) {
                count++;
                const { errors } = judges.get(g)!.check(method, template, status, example);
                if (errors.length > 0)
                  failures.push(`${g} ${method} ${template} ${status}: ${describeErrors(errors)}`);
              }
            }
          }
        }
        expect(count).toBeGreaterThan(30);
        expect(failures).toEqual([]);
      });

      it('relaxes date-time only as far as the specs’ own examples go', () => {
        const values: string[] = [];
        for (const g of GENERATIONS)
          walk(docs.get(g), (node) => {
            if (node.format === 'date-time' && typeof node.example === 'string')
              values.push(node.example);
          });
        expect(values.length).toBeGreaterThan(20);
        // A typo in 2024-11 (day 151) is no time at all: no relaxation should take it.
        expect(values.filter((v) => !isExampleDateTime(v))).toEqual(
          values.filter((v) => v === '2024-08-151T10:18:47+00:00'),
        );
        expect(values.filter((v) => !isRfc3339(v))).toContain('2019-06-24T11:45:01.109+00');
        expect(isExampleDateTime('2024-05-28T11:15:07')).toBe(false);
        expect(isExampleDateTime('yesterday')).toBe(false);
      });

      it('needs each relaxation: the strict spec rejects its own examples', () => {
        const rel = examples(
          docs.get('2021-03')!,
          'GET',
          '/analytics/sessions/{sessionId}/events',
          200,
        );
        const relaxedRel = judges.get('2021-03')!;
        const strictRel = strict.get('2021-03')!;
        const template = '/analytics/sessions/{sessionId}/events';
        expect(
          strictRel.check('GET', template, 200, rel[0]).errors.map((e) => e.keyword),
        ).toContain('pattern');
        expect(relaxedRel.check('GET', template, 200, rel[0]).errors).toEqual([]);

        const series = examples(docs.get('2024-11')!, 'GET', '/data/timeseries/{metric}', 200)[0];
        const keywords = strict
          .get('2024-11')!
          .check('GET', '/data/timeseries/{metric}', 200, series)
          .errors.map((e) => `${e.keyword}:${String(e.params.format ?? '')}`);
        expect(keywords).toContain('format:uri');

        const numeric = { context: { metric: 'impression', aggregation: 'count' }, data: '356.2' };
        const name = 'analytics-aggregated-metrics-response';
        expect(strict.get('2024-11')!.checkSchema(name, numeric)).not.toEqual([]);
        expect(judges.get('2024-11')!.checkSchema(name, numeric)).toEqual([]);
        expect(judges.get('2024-11')!.checkSchema(name, { ...numeric, data: 'lots' })).not.toEqual(
          [],
        );

        const referrer = {
          context: { metric: 'play-total', breakdown: 'referrer' },
          data: [],
          pagination: { links: [] },
        };
        const breakdown = 'analytics-metrics-breakdown-response';
        expect(strict.get('2024-11')!.checkSchema(breakdown, referrer)).not.toEqual([]);
        expect(judges.get('2024-11')!.checkSchema(breakdown, referrer)).toEqual([]);
        expect(
          judges.get('2024-11')!.checkSchema(breakdown, {
            ...referrer,
            context: { breakdown: 'planet' },
          }),
        ).not.toEqual([]);
      });
    });

    for (const variance of [false, true]) {
      describe(variance ? 'with variance' : 'without variance', () => {
        const running: RunningEmulator[] = [];
        const answers: Answer[] = [];
        beforeAll(async () => {
          const main = await startEmulator({ preset: 'small', seed: 11, now: NOW, variance });
          running.push(main);
          answers.push(...(await walkAccount(main, NOW, 60)).log.answers);
          // A 404 for an account without the Analytics API, and 429s past a limit.
          const noData = await startEmulator({
            preset: 'tiny',
            now: NOW,
            variance,
            generations: { analytics: false },
          });
          const limited = await startEmulator({
            preset: 'tiny',
            now: NOW,
            variance,
            rateLimit: { perMinute: 1 },
          });
          running.push(noData, limited);
          const off = new AnswerLog(noData);
          await off.login();
          await walkAnalytics(off, NOW);
          const busy = new AnswerLog(limited);
          await busy.login();
          await busy.get('/videos', '/videos');
          await busy.get('/videos', '/videos');
          await busy.get('/live-streams', '/live-streams');
          await busy.get('/data/metrics/{metric}/{aggregation}', '/data/metrics/play/count');
          await busy.get('/data/buckets/{metric}/{breakdown}', '/data/buckets/play/country');
          await busy.get('/data/timeseries/{metric}', '/data/timeseries/play');
          answers.push(...off.answers, ...busy.answers);
        });
        afterAll(() => Promise.all(running.map((r) => r.close())));

        it('validates every answer against each spec that documents its route and status', () => {
          const failures: string[] = [];
          const covered = new Set<string>();
          const settled = new Set<string>();
          for (const a of answers) {
            for (const g of GENERATIONS) {
              const judge = judges.get(g)!;
              if (!judge.has(a.method, a.template)) continue;
              const verdict = judge.check(a.method, a.template, a.status, a.body);
              if (!verdict.documented) continue;
              covered.add(`${g} ${a.method} ${a.template} ${a.status}`);
              if (verdict.errors.length > 0 && settledByNewer(a, g, verdict.errors)) {
                settled.add(`${g} ${a.template}`);
                continue;
              }
              if (verdict.errors.length > 0 && failures.length < 20)
                failures.push(
                  `${g} ${a.method} ${a.url.slice(0, 120)} ${a.status}: ${describeErrors(verdict.errors)}`,
                );
            }
          }
          expect(failures).toEqual([]);
          // Only 2021-03's raw statistics are ever settled by a newer spec.
          for (const s of settled) expect(s).toMatch(/^2021-03 \/analytics\//);
          // Every documented (route, status) this suite can provoke was met and validated.
          const expected: string[] = [];
          for (const g of GENERATIONS) {
            for (const [method, template, statuses] of ROUTES) {
              for (const status of statuses) {
                if (judges.get(g)!.documents(method, template, status))
                  expected.push(`${g} ${method} ${template} ${status}`);
              }
            }
          }
          expect(expected.length).toBeGreaterThan(50);
          expect(expected.filter((e) => !covered.has(e))).toEqual([]);
        });

        it('sends X-RateLimit-* on every non-auth answer, and errors as problem+json', () => {
          const bad: string[] = [];
          for (const a of answers) {
            const type = a.headers.get('content-type');
            if (type !== (a.status < 400 ? 'application/json' : 'application/problem+json'))
              bad.push(`${a.url} ${a.status}: content-type ${type}`);
            if (a.template.startsWith('/auth/')) continue;
            for (const name of ['limit', 'remaining', 'retry-after']) {
              const value = a.headers.get(`x-ratelimit-${name}`);
              if (value === null || !/^\d+$/.test(value))
                bad.push(`${a.url} ${a.status}: x-ratelimit-${name} ${value}`);
            }
          }
          expect(bad.slice(0, 10)).toEqual([]);
        });

        if (variance) {
          it('met the variations it was meant to validate', () => {
            const text = JSON.stringify(answers.map((a) => a.body));
            expect(text).toContain('"futureField"');
            expect(text).toContain('https://docs.api.video/reference/resource-not-found');
            expect(text).toContain('https://docs.api.video/docs/resourcenot_found');
            expect(text).toMatch(/"metricValue":"\d/);
            expect(text).toMatch(/"emittedAt":"\d{4}-\d{2}-\d{2}"/);
            expect(text).toMatch(/"url":null/);
            expect(text).toMatch(
              /"type":"(buffering|quality\.change|fullscreen\.enter|volume\.change)"/,
            );
            const statuses = answers
              .filter(
                (a) => a.template === '/analytics/videos/{videoId}' && !a.url.includes('viNope'),
              )
              .map((a) => a.status);
            expect(statuses).toContain(404);
          });
        }
      });
    }
  },
);
