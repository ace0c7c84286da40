/**
 * The live progress line of `sync` on a terminal (stderr, so stdout stays the summary).
 * On a pipe nothing is drawn. Rates and ETA come from the snapshots the sync's worker sends.
 */
import cliProgress from 'cli-progress';
import type { SyncSnapshot } from '../sync/bounded.js';

const STAGE_UNITS: Record<string, string> = {
  sessions: 'assets',
  events: 'sessions',
};

const fmt = (n: number) => n.toLocaleString('en-US');

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

export function showProgress(read: () => SyncSnapshot | undefined): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        '{stage} {bar} {done}/{total} {unit} | {assets} assets · {sessions} sessions · {events} events · {metricDays} metric days | {rate} req/s · {retries} retries | ETA {remaining}',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = { at: Date.now(), requests: 0, done: 0, stage: '' };
  let rate = 0;
  let donePerSecond = 0;
  const timer = setInterval(() => {
    const snapshot = read();
    if (!snapshot) return;
    const { progress, requests, retries } = snapshot;
    const now = Date.now();
    const seconds = (now - last.at) / 1000;
    if (seconds >= 1) {
      rate = (requests - last.requests) / seconds;
      donePerSecond = last.stage === progress.stage ? (progress.done - last.done) / seconds : 0;
      last = { at: now, requests, done: progress.done, stage: progress.stage };
    }
    // Named `remaining`, not `eta`: cli-progress fills `{eta}` itself, from its own guess.
    const payload = {
      stage: progress.stage.padEnd(9),
      done: fmt(progress.done),
      total: fmt(progress.total),
      unit: STAGE_UNITS[progress.stage] ?? '',
      assets: fmt(progress.assets),
      sessions: fmt(progress.sessions),
      events: fmt(progress.events),
      metricDays: `${progress.metricDaysDone}/${progress.metricDaysTotal}`,
      rate: fmt(Math.round(rate)),
      retries: fmt(retries),
      remaining: eta((progress.total - progress.done) / donePerSecond),
    };
    // Drawn from the first snapshot on, so the line never shows an unfilled template.
    if (!started) {
      bar.start(Math.max(1, progress.total), progress.done, payload);
      started = true;
    }
    bar.setTotal(Math.max(1, progress.total));
    bar.update(progress.done, payload);
  }, 200);
  return () => {
    clearInterval(timer);
    bar.stop();
  };
}
