/**
 * The emulator judges the client, so it must share none of the client's code: a parser both
 * used would hide the same mistake on both sides. It may use only its own files, Node's modules,
 * src/errors.ts (usage errors for its options) and src/listen.ts (binding a port).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const emulatorDir = join(root, 'src/emulator');
const ALLOWED_OUTSIDE = ['src/errors.ts', 'src/listen.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: static imports, re-exports and dynamic imports. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** What a file may import, or why not. */
function verdict(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  if (!specifier.startsWith('.')) return `package ${specifier}`;
  const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
  if (target.startsWith('src/emulator/') || ALLOWED_OUTSIDE.includes(target)) return undefined;
  return target;
}

describe('the emulator is independent of the client', () => {
  it('finds imports the way the check reads them', () => {
    const sample = `import { a } from '../api/period.js';\nimport type { B } from './b.js';\nexport { c } from "../sync/c.js";\nconst d = await import('../calendar.js');\nimport '../dashboard/x.js';`;
    expect(specifiers(sample).sort()).toEqual(
      ['../api/period.js', './b.js', '../sync/c.js', '../calendar.js', '../dashboard/x.js'].sort(),
    );
    const file = join(emulatorDir, 'x.ts');
    expect(verdict(file, '../api/period.js')).toBe('src/api/period.ts');
    expect(verdict(file, '../calendar.js')).toBe('src/calendar.ts');
    expect(verdict(file, '../warehouse/schema.js')).toBe('src/warehouse/schema.ts');
    expect(verdict(file, '../errors.js')).toBeUndefined();
    expect(verdict(file, './period.js')).toBeUndefined();
    expect(verdict(file, 'zod')).toBe('package zod');
  });

  it('imports nothing from src/api, src/sync, src/warehouse, src/dashboard or src/calendar.ts', () => {
    const offences: string[] = [];
    const files = sources(emulatorDir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of [...files, ...ALLOWED_OUTSIDE.map((f) => join(root, f))]) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        const bad = verdict(file, specifier);
        if (bad) offences.push(`${relative(root, file)} imports ${bad}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
