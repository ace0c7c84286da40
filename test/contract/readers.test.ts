/**
 * A property test of the client's readers against answers generated from the specs' own schemas
 * (arbitrary.ts): any answer a spec allows is read — its envelope always, each item unless it
 * lacks what keys a row — and every item read becomes a warehouse row. An item set aside is set
 * aside for its key, never for a field the spec allows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { readItems } from '../../src/api/read.js';
import { isApiTimestamp } from '../../src/api/timestamps.js';
import {
  aggregatedMetricSchema,
  breakdownItemSchema,
  listEnvelopeSchema,
  liveStreamSchema,
  metricListEnvelopeSchema,
  playerSchema,
  sessionEventSchema,
  sessionSchema,
  timeseriesItemSchema,
  videoSchema,
  type Entry,
} from '../../src/api/schemas.js';
import {
  eventRows,
  liveStreamRow,
  playerRow,
  sessionRow,
  videoRow,
} from '../../src/sync/flatten.js';
import { arbitraryFor, responseSchema } from './arbitrary.js';
import { GENERATIONS, loadSpecs } from './openapi.js';

const specs = loadSpecs();
const skip = 'missing' in specs;
if (skip) console.warn(`readers.test.ts skipped: ${specs.missing}`);

interface ListRoute {
  path: string;
  item: z.ZodType;
  /** The field that keys the row; an item may be set aside only when it lacks it. */
  key: (item: Record<string, unknown>) => unknown;
  row: (entry: Entry<never>) => unknown;
  metric?: true;
}

const asset = { type: 'video' as const, id: 'vi1', title: 't' };
const ROUTES: ListRoute[] = [
  { path: '/videos', item: videoSchema, key: (i) => i.videoId, row: (e) => videoRow(e, 0n) },
  {
    path: '/live-streams',
    item: liveStreamSchema,
    key: (i) => i.liveStreamId,
    row: (e) => liveStreamRow(e, 0n),
  },
  { path: '/players', item: playerSchema, key: (i) => i.playerId, row: (e) => playerRow(e, 0n) },
  {
    path: '/analytics/videos/{videoId}',
    item: sessionSchema,
    key: (i) => (i.session as Record<string, unknown> | undefined)?.sessionId,
    row: (e) => sessionRow(e, asset),
  },
  {
    path: '/analytics/live-streams/{liveStreamId}',
    item: sessionSchema,
    key: (i) => (i.session as Record<string, unknown> | undefined)?.sessionId,
    row: (e) => sessionRow(e, asset),
  },
  {
    path: '/analytics/sessions/{sessionId}/events',
    item: sessionEventSchema,
    // An event's key is its session and its place: nothing in it is needed.
    key: () => 'always',
    row: (e) => eventRows('ps1', [e], 0),
  },
  {
    path: '/data/buckets/{metric}/{breakdown}',
    item: breakdownItemSchema,
    key: () => 'always',
    row: () => undefined,
    metric: true,
  },
  {
    path: '/data/timeseries/{metric}',
    item: timeseriesItemSchema,
    // A bucket is keyed by its time: one that is not a time cannot be.
    key: (i) =>
      typeof i.emittedAt === 'string' && isApiTimestamp(i.emittedAt, { dateOnly: true })
        ? i.emittedAt
        : undefined,
    row: () => undefined,
    metric: true,
  },
];

const keyed = (value: unknown) => typeof value === 'string' && value.length > 0;

describe.skipIf(skip)('the client reads every answer the specs allow', () => {
  for (const generation of GENERATIONS) {
    for (const route of ROUTES) {
      const spec = skip ? undefined : specs.docs.get(generation)!;
      const schema = spec && responseSchema(spec, route.path);
      it.skipIf(!schema)(`${generation} GET ${route.path}`, () => {
        fc.assert(
          fc.property(arbitraryFor(spec!, schema!), (body) => {
            const envelope = (
              route.metric ? metricListEnvelopeSchema : listEnvelopeSchema
            ).safeParse(body);
            expect(envelope.error?.issues, JSON.stringify(body)).toBeUndefined();
            const data = (body as { data?: unknown[] }).data ?? [];
            const { entries, rejects } = readItems(route.item, data);
            expect(entries.length + rejects.filter((r) => !r.kept).length).toBe(data.length);
            for (const reject of rejects.filter((r) => !r.kept)) {
              const item = reject.raw as Record<string, unknown>;
              expect(keyed(route.key(item)), `${reject.reason} in ${JSON.stringify(item)}`).toBe(
                false,
              );
            }
            for (const entry of entries)
              expect(() => route.row(entry as Entry<never>)).not.toThrow();
          }),
          { numRuns: 150, seed: 20261128 },
        );
      });
    }
    const spec = skip ? undefined : specs.docs.get(generation)!;
    const aggregated = spec && responseSchema(spec, '/data/metrics/{metric}/{aggregation}');
    it.skipIf(!aggregated)(`${generation} GET /data/metrics/{metric}/{aggregation}`, () => {
      fc.assert(
        fc.property(arbitraryFor(spec!, aggregated!), (body) => {
          const parsed = aggregatedMetricSchema.safeParse(body);
          expect(parsed.error?.issues, JSON.stringify(body)).toBeUndefined();
        }),
        { numRuns: 150, seed: 20261128 },
      );
    });
  }
});
