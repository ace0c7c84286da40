/**
 * Reading what came in: a page's items one by one (an item that does not fit is set aside with
 * its reason, its neighbours are kept), and validation issues described with the field's path and
 * what was there.
 */
import type { z } from 'zod';
import type { Entry, ItemReject } from './schemas.js';

export function readItems<T extends z.ZodType>(
  schema: T,
  data: readonly unknown[],
): { entries: Array<Entry<z.infer<T>>>; rejects: ItemReject[] } {
  const entries: Array<Entry<z.infer<T>>> = [];
  const rejects: ItemReject[] = [];
  data.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) entries.push({ value: parsed.data, raw, index });
    else rejects.push({ index, reason: describeIssues(parsed.error, raw), raw });
  });
  return { entries, rejects };
}

/** The first few validation issues, each with its field path and what was there. */
export function describeIssues(error: z.ZodError, body: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      let value: unknown = body;
      for (const key of issue.path)
        value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
      const shown =
        value === undefined ? ' (absent)' : ` (got ${JSON.stringify(value)?.slice(0, 60)})`;
      return `${path || '(item)'}: ${issue.message}${shown}`;
    })
    .join('; ');
}
