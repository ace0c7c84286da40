import { defineConfig } from 'vitest/config';
import { hasPostgresBinaries } from './test/helpers/pg-cluster.js';

const shared = { testTimeout: 60_000, hookTimeout: 60_000 };

/** The sync suites that run once per destination: DuckDB (default), then PostgreSQL. */
const BOTH_DESTINATIONS = [
  'test/integration/sync.test.ts',
  'test/integration/sync-faults.test.ts',
  'test/integration/sync-account.test.ts',
];
const postgres = Boolean(process.env.VIEWERSHIP_TEST_PG) || hasPostgresBinaries();

export default defineConfig({
  test: {
    // Builds the CLI, and starts a throwaway PostgreSQL cluster when there is none (see there).
    globalSetup: ['test/global-setup.ts'],
    // Integration tests spawn the CLI and an emulator each; two cores run two files at a time.
    maxWorkers: 2,
    projects: [
      { test: { name: 'default', include: ['test/**/*.test.ts'], ...shared } },
      ...(postgres
        ? [
            {
              test: {
                name: 'postgres',
                include: BOTH_DESTINATIONS,
                provide: { destination: 'postgres' as const },
                ...shared,
              },
            },
          ]
        : []),
    ],
  },
});
