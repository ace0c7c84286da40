import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { hasPostgresBinaries, startThrowawayCluster } from './helpers/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL database the tests may create schemas in; '' when there is none. */
    pgUrl: string;
    /** Which destination the parametrized sync suites write to (see vitest.config.ts). */
    destination: 'duckdb' | 'postgres';
  }
}

/**
 * Integration and browser tests run the built CLI and bundle: build them once, first.
 * PostgreSQL tests get a server: VIEWERSHIP_TEST_PG if set (.ci/run starts one), else a
 * throwaway cluster started here when the binaries exist, else they are skipped.
 */
export default function setup(project: TestProject): (() => void) | undefined {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const given = process.env.VIEWERSHIP_TEST_PG;
  if (given) {
    project.provide('pgUrl', given);
    return undefined;
  }
  if (!hasPostgresBinaries()) {
    console.warn(
      'PostgreSQL tests skipped: set VIEWERSHIP_TEST_PG=postgres://… or install the server (apt-get install -y postgresql).',
    );
    project.provide('pgUrl', '');
    return undefined;
  }
  const cluster = startThrowawayCluster({ fast: true });
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
