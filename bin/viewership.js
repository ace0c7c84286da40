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
const [command, ...args] = process.argv.slice(2);
if (command === 'sync' && !args.some((a) => a === '--help' || a === '-h')) {
  // The sync's worker starts loading now, while the CLI loads and reads the command line.
  const { prestartSyncWorker } = await import(new URL('../dist/sync-prestart.js', entry).href);
  prestartSyncWorker(args);
}
await import(entry.href);
