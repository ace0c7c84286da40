/**
 * Reading what came in: a page's items one by one. An item with a field that cannot be read (a
 * date that is not one, text where a number belongs) is kept without that field, and the field
 * is reported; an item that cannot be keyed without it (no session id, say) is set aside whole
 * with its reason. Either way its neighbours are kept and `raw` has it as sent.
 */
import type { z } from 'zod';
import type { Entry, ItemReject } from './schemas.js';

/** Fields left out of one item, at most, before it counts as unreadable. */
const MAX_DROPPED = 20;

type Path = ReadonlyArray<PropertyKey>;

function without(item: unknown, path: Path): unknown {
  if (path.length === 0 || item === null || typeof item !== 'object') return item;
  const [head, ...rest] = path;
  if (Array.isArray(item)) {
    // An element that cannot be read leaves the list, rather than a hole in it.
    const copy = [...item];
    if (rest.length === 0) copy.splice(Number(head), 1);
    else copy[Number(head)] = without(copy[Number(head)], rest);
    return copy;
  }
  const copy = { ...item } as Record<PropertyKey, unknown>;
  if (rest.length === 0) delete copy[head as PropertyKey];
  else copy[head as PropertyKey] = without(copy[head as PropertyKey], rest);
  return copy;
}

function at(item: unknown, path: Path): unknown {
  let value = item;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

/**
 * Reads one item: as it is, or without the fields that could not be read. Undefined `value` means
 * it could not be read at all (a field it cannot do without failed).
 */
export function readItem<T extends z.ZodType>(
  schema: T,
  raw: unknown,
): { value?: z.infer<T>; dropped: string[]; reason?: string } {
  let item = raw;
  const dropped: string[] = [];
  for (;;) {
    const parsed = schema.safeParse(item);
    if (parsed.success) return { value: parsed.data, dropped };
    const leaf = parsed.error.issues[0]!.path;
    // Wrong while absent: a field the item cannot do without (or the item itself is wrong).
    if (leaf.length === 0 || at(item, leaf) === undefined || dropped.length >= MAX_DROPPED) {
      return { dropped, reason: describeIssues(parsed.error, item) };
    }
    dropped.push(describeIssues(parsed.error, item).split('; ')[0]!);
    item = without(item, leaf);
  }
}

export function readItems<T extends z.ZodType>(
  schema: T,
  data: readonly unknown[],
): { entries: Array<Entry<z.infer<T>>>; rejects: ItemReject[] } {
  const entries: Array<Entry<z.infer<T>>> = [];
  const rejects: ItemReject[] = [];
  data.forEach((raw, index) => {
    const { value, dropped, reason } = readItem(schema, raw);
    if (reason !== undefined) {
      rejects.push({ index, reason, raw, kept: false });
      return;
    }
    entries.push({ value: value as z.infer<T>, raw, index });
    for (const field of dropped) {
      rejects.push({ index, reason: `${field}; the item is kept without it`, raw, kept: true });
    }
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
