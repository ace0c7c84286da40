/**
 * The examples in docs/*.md: fenced blocks whose info string says `example` (```sql example,
 * ```ini example=name.service) are run or checked by the tests, so the docs cannot drift from
 * what works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocExample {
  file: string;
  /** The fence's language: sql, python, sh, cron, ini, yaml. */
  lang: string;
  /** `example=NAME`: a file name for it (unit files, workflows). */
  name: string | undefined;
  code: string;
  line: number;
}

export const DOCS = join(import.meta.dirname, '../../docs');

export function examples(file: string): DocExample[] {
  const text = readFileSync(join(DOCS, file), 'utf8');
  const found: DocExample[] = [];
  const fence = /^```(\w+) example(?:=(\S+))?\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(fence)) {
    found.push({
      file,
      lang: m[1]!,
      name: m[2],
      code: m[3]!,
      line: text.slice(0, m.index).split('\n').length,
    });
  }
  return found;
}

/** Every `viewership <command> …` invocation in a text: the command and its long flags. */
export function viewershipCommands(text: string): Array<{ command: string; flags: string[] }> {
  const found: Array<{ command: string; flags: string[] }> = [];
  for (const m of text.matchAll(
    /\bviewership (sync|query|export|serve|report|demo|migrate)\b([^\n&|;]*)/g,
  )) {
    const flags = [...m[2]!.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]!);
    found.push({ command: m[1]!, flags });
  }
  return found;
}

/** A cron schedule's five fields, each a valid value, range, list or step. */
export function validCronSchedule(fields: string[]): boolean {
  const limits: Array<[number, number]> = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
  ];
  if (fields.length !== 5) return false;
  return fields.every((field, i) => {
    const [lo, hi] = limits[i]!;
    return field.split(',').every((part) => {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return false;
      const nums = [m[2], m[3], m[4]].filter((n): n is string => n !== undefined).map(Number);
      const [a, b] = [m[2], m[3]].map((n) => (n === undefined ? undefined : Number(n)));
      if (m[4] !== undefined && Number(m[4]) < 1) return false;
      return (
        nums.slice(0, m[4] === undefined ? nums.length : -1).every((n) => n >= lo && n <= hi) &&
        (a === undefined || b === undefined || a <= b)
      );
    });
  });
}
