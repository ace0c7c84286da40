/**
 * The live progress line of `sync` on a terminal (stderr, so stdout stays the summary).
 * On a pipe nothing is drawn. Rates and ETA come from the progress counters sampled over time.
 */
import cliProgress from 'cli-progress';
import type { ApiVideoClient } from '../api/client.js';
import type { SyncProgress } from '../sync/context.js';

const STAGE_UNITS: Record<string, string> = {
  sessions: 'assets',
  events: 'sessions',
  metrics: 'days',
};

const fmt = (n: number) => n.toLocaleString('en-US');

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

export function showProgress(progress: Readonly<SyncProgress>, client: ApiVideoClient): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        '{stage} {bar} {done}/{total} {unit} | {assets} assets · {sessions} sessions · {events} events | {rate} req/s · {retries} retries | ETA {eta}',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0);
  let last = { at: Date.now(), requests: 0, done: 0, stage: progress.stage };
  let rate = 0;
  let donePerSecond = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const seconds = (now - last.at) / 1000;
    if (seconds >= 1) {
      rate = (client.stats.requests - last.requests) / seconds;
      donePerSecond = last.stage === progress.stage ? (progress.done - last.done) / seconds : 0;
      last = {
        at: now,
        requests: client.stats.requests,
        done: progress.done,
        stage: progress.stage,
      };
    }
    bar.setTotal(Math.max(1, progress.total));
    bar.update(progress.done, {
      stage: progress.stage.padEnd(9),
      done: fmt(progress.done),
      total: fmt(progress.total),
      unit: STAGE_UNITS[progress.stage] ?? '',
      assets: fmt(progress.assets),
      sessions: fmt(progress.sessions),
      events: fmt(progress.events),
      rate: fmt(Math.round(rate)),
      retries: fmt(client.stats.retries),
      eta: eta((progress.total - progress.done) / donePerSecond),
    });
  }, 200);
  return () => {
    clearInterval(timer);
    bar.stop();
  };
}
