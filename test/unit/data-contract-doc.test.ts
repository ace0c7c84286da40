/** docs/data-contract.md names every table and column src/warehouse/schema.ts defines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINTS, TABLES } from '../../src/warehouse/schema.js';

const doc = readFileSync(join(import.meta.dirname, '../../docs/data-contract.md'), 'utf8');

describe('docs/data-contract.md', () => {
  it.each(Object.values(TABLES))('describes $name and each of its columns', (spec) => {
    expect(doc).toContain(`\`${spec.name}\``);
    for (const column of spec.columns)
      expect(doc, `${spec.name}.${column.name}`).toContain(`\`${column.name}\``);
  });

  it.each(Object.values(CHECKPOINTS))('names the bookkeeping table $name', (spec) => {
    expect(doc).toContain(`\`${spec.name}\``);
  });
});
