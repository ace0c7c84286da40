import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { examples } from '../help.js';
import { untilStopped } from '../lifecycle.js';
import {
  hostOption,
  integerOption,
  portOption,
  secondsOption,
  SCHEMA_HELP,
  warehouseOption,
} from '../options.js';

/** `--allow-origin` values: `*`, or exact origins (scheme://host[:port]), comma-separated or repeated. */
export function parseOrigins(values: readonly string[]): string[] | '*' {
  const origins = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (origins.length === 0 || origins.includes('*')) return '*';
  return origins.map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      url = undefined as unknown as URL;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw new UsageError(
        `--allow-origin ${origin} is not an origin`,
        'Give the site as scheme://host[:port], e.g. https://www.example.com (no path), or *.',
      );
    }
    return url.origin;
  });
}

export function registerCollect(program: Command): void {
  const command = program
    .command('collect')
    .description(
      'receive api.video player analytics pings (POST /vod, POST /live) into the warehouse',
    )
    .addOption(
      new Option('--db <file|url>', 'the warehouse: a DuckDB file or a postgres:// URL')
        .default('viewership.duckdb')
        .argParser(warehouseOption),
    )
    .option('--schema <name>', SCHEMA_HELP)
    .option(
      '--host <address>',
      'address to listen on (anything but 127.0.0.1 is reachable from elsewhere)',
      '127.0.0.1',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '8090')
    .option(
      '--allow-origin <origins...>',
      'sites whose pages may send pings (e.g. https://www.example.com); default any (*)',
    )
    .option('--trust-proxy', 'behind a load balancer: the client is the last X-Forwarded-For entry')
    .option(
      '--geo-db <file.mmdb>',
      'a MaxMind-format IP database with cities (default: DB-IP Lite countries)',
    )
    .option(
      '--journal <dir>',
      'where pings are made durable before publishing (default: <db>.journal)',
    )
    .option('--publish-every <seconds>', 'merge the journal into the warehouse this often', '2')
    .option('--rate-limit <n>', 'pings per second per client address (0 = no limit)', '50')
    .action(async (opts) => {
      const port = portOption(opts.port);
      const host = hostOption(opts.host);
      const everyMs = secondsOption(opts.publishEvery, '--publish-every', 0.1, 3600);
      const rateLimit = integerOption(opts.rateLimit, '--rate-limit', 0);
      const allowOrigins = parseOrigins(opts.allowOrigin ?? []);
      const { startCollector } = await import('../../collect/collector.js');
      const collector = await startCollector({
        db: opts.db,
        ...(opts.schema !== undefined && { schema: opts.schema }),
        host,
        port,
        allowOrigins,
        trustProxy: Boolean(opts.trustProxy),
        geoDb: opts.geoDb,
        journal: opts.journal,
        publishEveryMs: everyMs,
        rateLimit,
        rateBurst: Math.max(rateLimit * 4, 1),
        log: (line) => console.error(line),
      });
      // Listening for signals before the URL is said: whoever reads it may stop us at once.
      const stopped = untilStopped(async () => {
        const last = await collector.close();
        const s = collector.stats();
        console.error(
          `collector stopped: ${s.accepted} pings accepted, ${s.refused} refused, ${s.published} published` +
            (last?.status === 'busy' ? ' (the rest waits in the journal)' : ''),
        );
      });
      console.log(
        `collector: ${collector.url} (pingUrl ${collector.url}/vod or ${collector.url}/live)`,
      );
      console.error(
        `journal: ${collector.journal}; sites allowed: ${allowOrigins === '*' ? 'any' : allowOrigins.join(', ')}`,
      );
      await stopped;
    });
  examples(command, [
    ['viewership collect', 'pings on http://127.0.0.1:8090 into viewership.duckdb'],
    [
      'viewership collect --host 0.0.0.0 --trust-proxy --allow-origin https://www.example.com',
      'behind a TLS proxy, for one site',
    ],
    ['viewership collect --db postgres://user@db/analytics', 'into PostgreSQL (several may run)'],
  ]);
}
