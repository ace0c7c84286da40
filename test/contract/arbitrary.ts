/**
 * Answers generated from a spec's own response schemas (fast-check arbitraries): every field the
 * schema allows, optional ones present or not, nullable ones sometimes null, unknown fields added,
 * date-times in the spellings the specs' examples use. What the readers must take.
 */
import fc from 'fast-check';
import type { Spec } from './openapi.js';

type Schema = Record<string, unknown>;

function resolve(spec: Spec, schema: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === 'string') {
    const path = s.$ref.replace(/^#\//, '').split('/');
    s = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], spec) as Schema;
  }
  return s;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A date-time as RFC 3339 and as the specs' examples spell it. */
export const dateTime = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2017, 0, 1), max: Date.UTC(2030, 11, 31) }),
    fraction: fc.constantFrom('', '.1', '.109', '.123456', '.123456789'),
    zone: fc.constantFrom('Z', 'z', '+00:00', '+00', '-07:30', '+0530', '+01:00'),
    separator: fc.constantFrom('T', ' ', 't'),
  })
  .map(({ ms, fraction, zone, separator }) => {
    const d = new Date(ms);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    return `${date}${separator}${time}${fraction}${zone}`;
  });

const unknownField = fc.dictionary(
  fc.constantFrom('futureField', 'newThing', 'x-extra'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 })),
  { maxKeys: 2 },
);

export function arbitraryFor(spec: Spec, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(spec, schema);
  const value = baseArbitrary(spec, s, depth);
  return s.nullable === true ? fc.oneof(value, fc.constant(null)) : value;
}

function baseArbitrary(spec: Spec, s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(s.allOf)) {
    const parts = (s.allOf as Schema[]).map((p) => arbitraryFor(spec, p, depth));
    return fc.tuple(...parts).map((objects) => Object.assign({}, ...objects));
  }
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      if (depth > 4) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        model[name] = arbitraryFor(spec, property, depth + 1);
      }
      return fc
        .tuple(
          fc.record(model, { requiredKeys: [...required].filter((k) => k in model) }),
          unknownField,
        )
        .map(([known, extra]) => ({ ...extra, ...known }));
    }
    case 'array':
      return fc.array(arbitraryFor(spec, (s.items ?? {}) as Schema, depth + 1), { maxLength: 4 });
    case 'string':
      if (s.format === 'date-time') return dateTime;
      return fc.string({ maxLength: 12 });
    case 'integer':
      return fc.integer({ min: -1000, max: 100_000 });
    case 'number':
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 1000 }),
      );
    case 'boolean':
      return fc.boolean();
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.constant(null));
  }
}

/** The 200 answer's schema of `GET path` in a spec, if the spec has the route. */
export function responseSchema(spec: Spec, path: string): Schema | undefined {
  const get = spec.paths[path]?.get as Schema | undefined;
  const responses = get?.responses as Record<string, Schema> | undefined;
  const content = responses?.['200']?.content as Record<string, Schema> | undefined;
  return content?.['application/json']?.schema as Schema | undefined;
}
