/**
 * The official api.video OpenAPI specs as a judge of the emulator's answers: each answer's body is
 * validated against the response schema its route and status have in a generation's spec.
 *
 * The specs are never part of the repository: they are read from the directory in
 * APIVIDEO_OPENAPI_DIR, else from their usual place beside the repository (see specDir);
 * when neither holds them, `loadSpecs` says where it looked and the tests skip.
 *
 * Where a spec contradicts itself, the schema is relaxed as little as its own text demands, and
 * each relaxation names the part of the spec that demands it (openapi.test.ts checks that each
 * one is needed and enough):
 *
 *   date-time    `format: date-time` accepts the spellings the specs' own examples give
 *                (`2019-06-24T11:45:01.109+00`, `2024-05-28 11:15:07+00:00`), not only RFC 3339.
 *   uri          `format: uri` accepts the relative references every pagination example uses.
 *   rel          2021-03 restricts a pagination link's `rel` to `^self$`; its examples use
 *                first, next and last too.
 *   numeric      2024-11's float metrics may be numeric strings: the schema's example of `data`
 *                is `'356.2'`.
 *   context      2024-11's `context` enums (metric, breakdown, aggregation) take every value the
 *                route's path parameter of that name allows (`referrer`, `play-total`, `peak`…).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const GENERATIONS = ['2021-03', '2023-09', '2024-11'] as const;
export type Generation = (typeof GENERATIONS)[number];

type Json = Record<string, unknown>;
export type Spec = Json & { paths: Record<string, Record<string, Json>> };

export interface Specs {
  dir: string;
  docs: Map<Generation, Spec>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function specDir(): string {
  return process.env.APIVIDEO_OPENAPI_DIR ?? join(ROOT, '../shared/reference/apivideo-openapi');
}

/** The three specs, or why they cannot be read. */
export function loadSpecs(): Specs | { missing: string } {
  const dir = specDir();
  const docs = new Map<Generation, Spec>();
  for (const generation of GENERATIONS) {
    const file = join(dir, `api.video-openapi-${generation}.yaml`);
    if (!existsSync(file)) {
      return {
        missing: `the api.video OpenAPI specs are not at ${file}; set APIVIDEO_OPENAPI_DIR to the directory that holds api.video-openapi-{2021-03,2023-09,2024-11}.yaml`,
      };
    }
    docs.set(generation, parse(readFileSync(file, 'utf8')) as Spec);
  }
  return { dir, docs };
}

// ---- formats ------------------------------------------------------------------------------

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
/** RFC 3339, plus an hours-only or colon-less offset and a space for the `T`, as examples show. */
const EXAMPLE_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

export function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

export function isExampleDateTime(value: string): boolean {
  return EXAMPLE_DATE_TIME.test(value);
}

export function isUriReference(value: string): boolean {
  try {
    new URL(value, 'https://ws.api.video');
    return !/\s/.test(value);
  } catch {
    return false;
  }
}

export function isAbsoluteUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const NUMERIC = '^-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$';

// ---- relaxations --------------------------------------------------------------------------

function walk(node: unknown, visit: (obj: Json) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node && typeof node === 'object') {
    visit(node as Json);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

const ANALYTICS_CONTEXTS: Record<string, string> = {
  'analytics-aggregated-metrics-response': '/data/metrics/{metric}/{aggregation}',
  'analytics-metrics-breakdown-response': '/data/buckets/{metric}/{breakdown}',
  'analytics-metrics-over-time-response': '/data/timeseries/{metric}',
};

/** A copy of the spec with the relaxations above applied; `strict` skips them. */
export function relaxed(spec: Spec, generation: Generation): Spec {
  const doc = structuredClone(spec);
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
  if (generation === '2021-03') {
    const rel = (schemas.pagination_link!.properties as Record<string, Json>).rel!;
    delete rel.pattern;
  }
  if (generation === '2024-11') {
    for (const [name, path] of Object.entries(ANALYTICS_CONTEXTS)) {
      const schema = schemas[name]!;
      const context = (schema.properties as Record<string, Json>).context!;
      const fields = context.properties as Record<string, Json>;
      const params = doc.paths[path]!.get!.parameters as Json[];
      for (const param of params) {
        const field = fields[param.name as string];
        const allowed = (param.schema as Json | undefined)?.enum as string[] | undefined;
        if (field?.enum && allowed)
          field.enum = [...new Set([...(field.enum as string[]), ...allowed])];
      }
      walk(schema, (node) => {
        if (node.type === 'number' && node.format === 'float') {
          delete node.type;
          node.anyOf = [{ type: 'number' }, { type: 'string', pattern: NUMERIC }];
        }
      });
    }
  }
  return doc;
}

// ---- validation ---------------------------------------------------------------------------

export interface Verdict {
  /** False when the spec documents no JSON body for this route and status. */
  documented: boolean;
  errors: ErrorObject[];
}

/** Validates answers against one generation's spec. */
export class SpecJudge {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(
    readonly generation: Generation,
    readonly spec: Spec,
    options: { strict?: boolean } = {},
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const strict = options.strict ?? false;
    this.ajv.addFormat('date-time', strict ? isRfc3339 : isExampleDateTime);
    this.ajv.addFormat('uri', strict ? isAbsoluteUri : isUriReference);
    for (const format of ['float', 'date', 'period', 'string', 'binary'])
      this.ajv.addFormat(format, true);
    this.ajv.addSchema(strict ? spec : relaxed(spec, generation), 'spec');
  }

  /** Whether the spec has this route (a path template such as `/videos/{videoId}`). */
  has(method: string, template: string): boolean {
    return Boolean(this.spec.paths[template]?.[method.toLowerCase()]);
  }

  documents(method: string, template: string, status: number): boolean {
    return this.validator(method, template, status) !== null;
  }

  check(method: string, template: string, status: number, body: unknown): Verdict {
    const validate = this.validator(method, template, status);
    if (!validate) return { documented: false, errors: [] };
    return { documented: true, errors: validate(body) ? [] : [...(validate.errors ?? [])] };
  }

  /** Validates a value against a named component schema (for the spec's own examples). */
  checkSchema(name: string, value: unknown): ErrorObject[] {
    const validate = this.ajv.compile({ $ref: `spec#/components/schemas/${name}` });
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  private validator(method: string, template: string, status: number): ValidateFunction | null {
    const key = `${method} ${template} ${status}`;
    if (!this.compiled.has(key)) {
      const responses = this.spec.paths[template]?.[method.toLowerCase()]?.responses as
        Record<string, Json> | undefined;
      const schema = (
        (responses?.[String(status)]?.content as Json | undefined)?.['application/json'] as
          Json | undefined
      )?.schema;
      const pointer = [
        'paths',
        template,
        method.toLowerCase(),
        'responses',
        String(status),
        'content',
        'application/json',
        'schema',
      ]
        .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/');
      this.compiled.set(key, schema ? this.ajv.compile({ $ref: `spec#/${pointer}` }) : null);
    }
    return this.compiled.get(key)!;
  }
}

export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('; ');
}
