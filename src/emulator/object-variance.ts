/**
 * Varying one API object within its spec: some optional fields left out, nullable ones sent as
 * null, and fields no spec describes added (a later API may add any). Which, for each object, is
 * a function of the seed and the object's identity, so an object is always sent alike and the
 * ground truth can hand out exactly what was sent.
 */
import type { Variance } from './variance.js';

export interface ObjectRules {
  /** Fields the specs leave optional: candidates to leave out. Never a required one. */
  optional: readonly string[];
  /** Fields a spec marks nullable: candidates to send as null. */
  nullable?: readonly string[];
}

export interface Varied<T> {
  object: T;
  /** What was done, e.g. `absent:title`, `null:languageOrigin`, `extra-fields`. */
  applied: string[];
}

/** Fields no spec describes, as a later API version could add. */
export const EXTRA_FIELDS: Readonly<Record<string, unknown>> = {
  futureField: 'a field none of the specs describes',
  futureObject: { nested: [1, 'two', null], flag: true },
};

export function varyObject<T extends Record<string, unknown>>(
  object: T,
  rules: ObjectRules,
  variance: Variance,
  aspect: number,
  id: number,
): Varied<T> {
  if (!variance.varies(aspect, id)) return { object, applied: [] };
  const out: Record<string, unknown> = { ...object };
  const applied: string[] = [];
  const present = rules.optional.filter((field) => field in out);
  // One field left out always, a second one on some objects.
  for (let k = 1; k <= 2 && present.length > 0; k++) {
    if (k === 2 && variance.draw(aspect, id, 10) < 0.5) break;
    const field = present.splice(variance.bits(aspect, id, k) % present.length, 1)[0]!;
    delete out[field];
    applied.push(`absent:${field}`);
  }
  for (const field of rules.nullable ?? []) {
    if (field in out && out[field] !== null && variance.draw(aspect, id, 20) < 0.5) {
      out[field] = null;
      applied.push(`null:${field}`);
    }
  }
  if (variance.draw(aspect, id, 30) < 0.5) {
    Object.assign(out, EXTRA_FIELDS);
    applied.push('extra-fields');
  }
  return { object: out as T, applied };
}
