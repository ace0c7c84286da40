#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/ by `npm run build`, which `npm ci` runs via `prepare`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'viewership: the CLI is not built yet.\n  Run `npm ci` (or `npm run build`) in the project folder.',
  );
  process.exit(2);
}
await import(entry.href);
