import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { syncInWorker, type SyncSnapshot } from '../../sync/bounded.js';
import { DEFAULT_CONCURRENCY } from '../../sync/defaults.js';
import type { SyncSummary } from '../../sync/run.js';
import { DB_HELP, integerOption, positiveNumberOption, SCHEMA_HELP } from '../options.js';
import { showProgress } from '../progress.js';

const fmt = (n: number) => n.toLocaleString('en-US');

export function summaryLine(s: SyncSummary): string {
  const added = s.rowsAdded;
  const parts = [
    `synced ${fmt(s.fetched.assets)} assets, ${fmt(s.fetched.sessions)} sessions, ${fmt(s.fetched.events)} events, ${fmt(s.fetched.metricRows)} metric rows`,
    `added ${fmt(s.rowsAddedTotal)} rows (${fmt(added.sessions ?? 0)} sessions, ${fmt(added.session_events ?? 0)} events)`,
    `in ${(s.durationMs / 1000).toFixed(1)} s`,
    `${fmt(s.requests)} requests, ${fmt(s.retries)} retries, ${fmt(s.rateLimited)} rate-limited`,
  ];
  let line = parts.join(' · ');
  if (s.missingGenerations.length > 0) {
    line += ` · not available on this account: ${s.missingGenerations.join(', ')} API`;
  }
  if (s.warnings.length > 0) line += ` · ${s.warnings.length} warning(s)`;
  return line;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('copy the account from the API into the warehouse (incremental, resumable)')
    .option('--api-key <key>', 'api.video API key (default: $APIVIDEO_API_KEY)')
    .addOption(
      new Option('--env <env>', 'api.video environment')
        .choices(['production', 'sandbox'])
        .default('production'),
    )
    .option('--base-url <url>', 'any base URL instead of --env (e.g. the emulator)')
    .option('--db <file|url>', DB_HELP, 'viewership.duckdb')
    .option('--schema <name>', SCHEMA_HELP)
    .option('--from <day>', 'first UTC day to sync, YYYY-MM-DD (default: the start of the history)')
    .option('--to <day>', 'last UTC day to sync, YYYY-MM-DD (default: today)')
    .option('--raw-dir <dir>', 'also keep every API response as JSON/NDJSON in this folder')
    .option('--concurrency <n>', 'requests in flight at once', String(DEFAULT_CONCURRENCY))
    .option('--timeout <seconds>', 'per-request timeout', '30')
    .option('--retries <n>', 'attempts per request on 5xx, timeouts and dropped connections', '8')
    .option('--basic-auth', 'authenticate with HTTP Basic instead of a bearer token')
    .option('--no-metrics', 'skip the Analytics API (/data) snapshot')
    .option(
      '--lock-wait <seconds>',
      'how long to wait while another process holds the warehouse (a reader, or another sync)',
      '5',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts) => {
      const apiKey: string | undefined = opts.apiKey ?? process.env.APIVIDEO_API_KEY;
      if (!apiKey) {
        throw new UsageError('no API key', 'Pass --api-key KEY or set APIVIDEO_API_KEY.');
      }
      const concurrency = integerOption(opts.concurrency, '--concurrency', 1, 256);
      const timeout = positiveNumberOption(opts.timeout, '--timeout');
      const retries = integerOption(opts.retries, '--retries', 1, 100);
      const lockWait = Number(opts.lockWait);
      if (!(lockWait >= 0))
        throw new UsageError(`--lock-wait ${opts.lockWait} is not a number of seconds`);
      let latest: SyncSnapshot | undefined;
      const stop = opts.json ? () => undefined : showProgress(() => latest);
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
            rawDir: opts.rawDir,
            concurrency,
            timeoutMs: timeout * 1000,
            retry: { maxAttempts: retries },
            lockWaitMs: lockWait * 1000,
            metrics: opts.metrics,
          },
          (snapshot) => (latest = snapshot),
        );
        stop();
        console.log(opts.json ? JSON.stringify(summary) : summaryLine(summary));
      } finally {
        stop();
      }
    });
}
