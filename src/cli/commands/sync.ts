import type { Command } from 'commander';
import { Option } from 'commander';
import { syncInWorker, type SyncSnapshot } from '../../sync/bounded.js';
import { DEFAULT_CONCURRENCY } from '../../sync/defaults.js';
import type { SyncSummary } from '../../sync/run.js';
import { printable } from '../../text.js';
import { examples } from '../help.js';
import { stopOnSignals, type Stopping } from '../lifecycle.js';
import {
  nowFromEnvironment,
  apiKeyOption,
  DB_HELP,
  integerOption,
  SCHEMA_HELP,
  outputFolderOption,
  secondsOption,
  warehouseOption,
} from '../options.js';
import { showProgress } from '../progress.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** The end of a run in a few lines: what it did, what it cost, and anything to look at. */
export function summaryLines(s: SyncSummary): string[] {
  const added = s.rowsAdded;
  const parts = [
    `${s.status === 'interrupted' ? 'interrupted after syncing' : 'synced'} ${fmt(s.fetched.assets)} assets, ${fmt(s.fetched.sessions)} sessions, ${fmt(s.fetched.events)} events, ${fmt(s.fetched.metricRows)} metric rows`,
    `added ${fmt(s.rowsAddedTotal)} rows (${fmt(added.sessions ?? 0)} sessions, ${fmt(added.session_events ?? 0)} events)`,
    `in ${(s.durationMs / 1000).toFixed(1)} s`,
    `${fmt(s.requests)} requests, ${fmt(s.retries)} retries, ${fmt(s.rateLimited)} rate-limited`,
  ];
  const lines = [parts.join(' · ')];
  for (const step of s.migrated) lines.push(`  the warehouse was migrated to ${step}`);
  if (s.missingGenerations.length > 0) {
    lines.push(`  not available on this account: ${s.missingGenerations.join(', ')} API`);
  }
  if (s.rejected > 0) {
    const where = Object.entries(s.rejectsByEndpoint)
      .map(([endpoint, n]) => `${endpoint} ×${fmt(n)}`)
      .join(', ');
    lines.push(
      `  ${fmt(s.rejected)} item(s) the API sent could not be read (${where}): kept in the rejects table`,
    );
  }
  const shown = s.warnings.slice(0, 10);
  for (const warning of shown) lines.push(`  warning: ${printable(warning)}`);
  if (s.warnings.length > shown.length) {
    lines.push(`  … and ${fmt(s.warnings.length - shown.length)} more warnings in sync_runs`);
  }
  return lines;
}

/** One line, for `demo`'s repeated syncs. */
export const summaryLine = (s: SyncSummary): string => summaryLines(s).join('\n');

export function registerSync(program: Command): void {
  const command = program
    .command('sync')
    .description('copy the account from the API into the warehouse (incremental, resumable)')
    .option(
      '--api-key-file <file>',
      'read the API key from a file, or - for stdin (unlike --api-key, other users cannot see it in the process list)',
    )
    .option('--api-key <key>', 'api.video API key (default: $APIVIDEO_API_KEY); visible in `ps`')
    .addOption(
      new Option('--env <env>', 'api.video environment')
        .choices(['production', 'sandbox'])
        .default('production'),
    )
    .option(
      '--base-url <url>',
      'any base URL instead of --env (e.g. the emulator), without credentials',
    )
    .addOption(
      new Option('--db <file|url>', `${DB_HELP}; created if missing`)
        .default('viewership.duckdb')
        .argParser(warehouseOption),
    )
    .option('--schema <name>', SCHEMA_HELP)
    .option('--from <day>', 'first UTC day to sync, YYYY-MM-DD (default: the start of the history)')
    .option('--to <day>', 'last UTC day to sync, YYYY-MM-DD (default: today)')
    .option('--raw-dir <dir>', 'also keep every API response as JSON/NDJSON in this folder')
    .option('--concurrency <n>', 'requests in flight at once (1-256)', String(DEFAULT_CONCURRENCY))
    .option('--timeout <seconds>', 'per-request timeout (0.1-3600)', '30')
    .option(
      '--retries <n>',
      'attempts per request on 5xx, timeouts and dropped connections (1-100)',
      '8',
    )
    .option('--basic-auth', 'authenticate with HTTP Basic instead of a bearer token')
    .option('--no-metrics', 'skip the Analytics API (/data) snapshot')
    .option(
      '--lock-wait <seconds>',
      'how long to wait while another process holds the warehouse, or another sync its PostgreSQL schema (0-3600)',
      '5',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts) => {
      const apiKey = apiKeyOption(opts);
      const concurrency = integerOption(opts.concurrency, '--concurrency', 1, 256);
      const timeoutMs = secondsOption(opts.timeout, '--timeout', 0.1, 3600);
      const retries = integerOption(opts.retries, '--retries', 1, 100);
      const lockWaitMs = secondsOption(opts.lockWait, '--lock-wait', 0, 3600);
      const rawDir =
        opts.rawDir === undefined ? undefined : outputFolderOption(opts.rawDir, '--raw-dir');
      let latest: SyncSnapshot | undefined;
      const stopProgress = opts.json ? () => undefined : showProgress(() => latest);
      const stopping: Stopping = stopOnSignals({
        onFirst: () => {
          stopProgress();
          console.error(
            'stopping: no new request; committing what is complete… (Ctrl-C again to quit at once)',
          );
        },
        onSecond: stopProgress,
      });
      try {
        const summary = await syncInWorker(
          {
            db: opts.db,
            schema: opts.schema,
            apiKey,
            env: opts.env,
            baseUrl: opts.baseUrl,
            auth: opts.basicAuth ? 'basic' : 'bearer',
            from: opts.from,
            to: opts.to,
            rawDir,
            concurrency,
            timeoutMs,
            retry: { maxAttempts: retries },
            lockWaitMs,
            metrics: opts.metrics,
            ...nowFromEnvironment(),
          },
          (snapshot) => (latest = snapshot),
          stopping.signal,
        );
        stopProgress();
        if (opts.json) console.log(JSON.stringify(summary));
        else console.log(summaryLines(summary).join('\n'));
        if (summary.status === 'interrupted') {
          console.error(
            `viewership: the sync was stopped; what it fetched whole is stored (run ${summary.runId}, interrupted)\n  Run the same command again to resume where it stopped.`,
          );
          process.exitCode = stopping.exitCode();
        }
      } finally {
        stopProgress();
        stopping.dispose();
      }
    });
  examples(command, [
    ['export APIVIDEO_API_KEY=…; viewership sync', 'the whole account into viewership.duckdb'],
    ['viewership sync --api-key-file ~/.apivideo-key --db team.duckdb', 'the key from a file'],
    ['viewership sync --from 2025-01-01 --to 2025-01-31', 'one month only'],
    ['viewership sync --env sandbox --raw-dir raw/', 'a sandbox key; keep every response'],
    [
      'PGPASSWORD=… viewership sync --db postgres://viewership@db.example.com:5432/analytics',
      'into PostgreSQL (docs/postgres.md)',
    ],
  ]);
}
