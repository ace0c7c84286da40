// Builds what `npx viewership` runs: the CLI and library for Node, and the dashboard's browser
// bundle (charts, map and world atlas included, so neither `serve` nor a report fetches anything).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { __VIEWERSHIP_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

const builds = [
  build({
    ...node,
    entryPoints: {
      cli: 'src/cli/main.ts',
      index: 'src/index.ts',
      'sync-prestart': 'src/sync/prestart.ts',
      'collect-worker': 'src/collect/publish-worker.ts',
    },
    outdir: 'dist',
    // Shared code goes to chunks loaded on demand: `viewership --help` or `query` need not load
    // the API client, and the sync's worker loads only what a sync uses.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  // The sync's worker with its libraries inside: a re-sync is mostly start-up, and Node loads one
  // file much faster than hundreds (DuckDB's client and zod: about half the time, measured).
  // Native code, country names (loaded on first use) and what only PostgreSQL needs stay outside.
  build({
    ...node,
    packages: undefined,
    external: [
      '@duckdb/node-bindings',
      'i18n-iso-countries',
      'pg',
      'pg-copy-streams',
      'pg-connection-string',
    ],
    entryPoints: { 'sync-worker': 'src/sync/worker-entry.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'sync-chunks/[name]-[hash]',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
];
if (existsSync(new URL('../src/dashboard/client/main.ts', import.meta.url))) {
  builds.push(
    build({
      entryPoints: ['src/dashboard/client/main.ts'],
      outfile: 'dist/dashboard/app.js',
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      loader: { '.json': 'json' },
      logLevel: 'warning',
    }),
  );
}
// The collector demo's site: its page with api.video's player analytics module, and its video.
builds.push(
  build({
    entryPoints: ['src/collect/demo-page/page.ts'],
    outfile: 'dist/collect-demo/page.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  }).then(() => {
    mkdirSync(new URL('../dist/collect-demo', import.meta.url), { recursive: true });
    for (const file of ['index.html', 'demo.webm']) {
      copyFileSync(
        new URL(`../src/collect/demo-page/${file}`, import.meta.url),
        new URL(`../dist/collect-demo/${file}`, import.meta.url),
      );
    }
  }),
);
await Promise.all(builds);
if (watch) console.log('built');
