/**
 * `viewership emulator`: the api.video emulator as a server, for demos, tests and users' own
 * setups. Prints the URL and the API key, then serves until SIGINT or SIGTERM.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { EmulatorOptions } from '../../emulator/index.js';
import { examples } from '../help.js';
import { untilStopped } from '../lifecycle.js';
import { integerOption } from '../options.js';
import { DEFAULT_PRESET } from '../../emulator/options.js';
import { isPresetName, PRESET_NAMES } from '../../emulator/presets.js';
import { parseTimestamp } from '../../emulator/timestamps.js';

interface Flags {
  port: string;
  host: string;
  seed: string;
  preset: string;
  videos?: string;
  liveStreams?: string;
  players?: string;
  sessions?: string;
  historyDays?: string;
  latency?: string;
  rateLimit?: string;
  faultRate?: string;
  dropRate?: string;
  slowRate?: string;
  tokenTtl?: string;
  generations: string;
  apiKey?: string;
  liveClock?: boolean;
  now?: string;
  variance?: boolean;
  longSession?: string;
}

const GENERATIONS = ['raw', 'analytics'] as const;

function integer(
  flag: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  return value === undefined ? undefined : integerOption(value, flag, min, max);
}

function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const r = Number(value);
  if (value.trim() === '' || !(r >= 0 && r <= 1)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not a rate between 0 and 1`,
      `e.g. ${flag} 0.05`,
    );
  }
  return r;
}

/** `--now`: milliseconds since the epoch, or an ISO 8601 date-time (a bare day is midnight UTC). */
function instant(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) : parseTimestamp(text);
  if (ms === undefined || !Number.isSafeInteger(ms)) {
    throw new UsageError(
      `--now ${JSON.stringify(value)} is neither an ISO 8601 time nor milliseconds`,
      'e.g. --now 2025-05-28T19:30:00Z or --now 1748460600000',
    );
  }
  return ms;
}

/** The emulator's options from the command line; bad values are usage errors. */
export function emulatorOptions(flags: Flags): EmulatorOptions & { port: number; host: string } {
  if (!isPresetName(flags.preset)) {
    throw new UsageError(
      `--preset ${JSON.stringify(flags.preset)} is not a preset`,
      `use one of ${PRESET_NAMES.join(', ')}`,
    );
  }
  const generations = flags.generations
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  for (const g of generations) {
    if (!(GENERATIONS as readonly string[]).includes(g)) {
      throw new UsageError(
        `--generations names an unknown generation ${JSON.stringify(g)}`,
        `use a comma-separated list of ${GENERATIONS.join(', ')}`,
      );
    }
  }
  if (flags.apiKey !== undefined && flags.apiKey.trim() === '')
    throw new UsageError('--api-key must not be empty');
  if (flags.host.trim() === '')
    throw new UsageError('--host must not be empty', 'e.g. --host 127.0.0.1');
  const perMinute = integer('--rate-limit', flags.rateLimit, 1);
  const faults = {
    serverErrorRate: fraction('--fault-rate', flags.faultRate),
    dropRate: fraction('--drop-rate', flags.dropRate),
    slowRate: fraction('--slow-rate', flags.slowRate),
  };
  const options: EmulatorOptions & { port: number; host: string } = {
    port: integer('--port', flags.port, 0, 65535)!,
    host: flags.host,
    seed: integer('--seed', flags.seed, 0),
    preset: flags.preset,
    videos: integer('--videos', flags.videos, 1),
    liveStreams: integer('--live-streams', flags.liveStreams, 0),
    players: integer('--players', flags.players, 0),
    sessions: integer('--sessions', flags.sessions, 0),
    historyDays: integer('--history-days', flags.historyDays, 1),
    latencyMs: integer('--latency', flags.latency, 0),
    tokenTtlSeconds: integer('--token-ttl', flags.tokenTtl, 1),
    rateLimit: perMinute === undefined ? undefined : { perMinute },
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    generations: { raw: generations.includes('raw'), analytics: generations.includes('analytics') },
    apiKey: flags.apiKey,
    clock: flags.liveClock ? 'live' : 'frozen',
    now: instant(flags.now),
    variance: flags.variance ? true : undefined,
    longSession:
      flags.longSession === undefined
        ? undefined
        : { events: integer('--long-session', flags.longSession, 2)! },
  };
  // Unset flags fall back to the preset's and library's defaults.
  for (const key of Object.keys(options) as Array<keyof typeof options>) {
    if (options[key] === undefined) delete options[key];
  }
  return options;
}

export function registerEmulator(program: Command): void {
  const command = program
    .command('emulator')
    .description('an api.video-compatible emulator for tests and demos')
    .option('--port <port>', 'port to listen on; 0 picks a free one', '8787')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'seed of the synthetic data (same seed, same data)', '1')
    .option('--preset <name>', `account size: ${PRESET_NAMES.join(', ')}`, DEFAULT_PRESET)
    .option('--videos <n>', 'number of videos (overrides the preset)')
    .option('--live-streams <n>', 'number of live streams')
    .option('--players <n>', 'number of players')
    .option('--sessions <n>', 'sessions loaded during the history window')
    .option('--history-days <n>', 'days of history before now')
    .option('--latency <ms>', 'delay added before every response')
    .option('--rate-limit <perMinute>', 'answer 429 past this many requests a minute')
    .option('--fault-rate <r>', 'share of requests answered 500, 502 or 503')
    .option('--drop-rate <r>', 'share of connections dropped without an answer')
    .option('--slow-rate <r>', 'share of requests answered only after 35 s')
    .option('--token-ttl <s>', 'lifetime of access tokens in seconds', undefined)
    .option(
      '--generations <list>',
      'API generations to serve besides auth and catalog',
      'raw,analytics',
    )
    .option('--api-key <key>', 'the API key to accept (default: derived from the seed)')
    .option('--live-clock', 'let time pass: open sessions end and new ones keep arriving')
    .option(
      '--now <time>',
      'pin the clock: ISO 8601 or ms since the epoch (same seed and --now, same bytes)',
    )
    .option('--variance', 'vary answers within what the specs allow (see src/emulator/README.md)')
    .option('--long-session <events>', 'add one session with this many player events')
    .action(async (flags: Flags) => {
      const { startEmulator } = await import('../../emulator/index.js');
      const running = await startEmulator(emulatorOptions(flags));
      // Listening for signals before the URL is said: whoever reads it may stop us at once.
      const stopped = untilStopped(() => running.close());
      process.stdout.write(
        `api.video emulator listening on ${running.url}\nAPI key: ${running.apiKey}\n`,
      );
      await stopped;
    });
  examples(command, [
    ['viewership emulator --port 0 --preset demo', 'prints its URL and the API key it accepts'],
    ['viewership emulator --rate-limit 600 --fault-rate 0.05 --latency 50', 'a harder account'],
  ]);
}
