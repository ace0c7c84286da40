/**
 * The live progress line of `sync` on a terminal (stderr, so stdout stays the summary). On a pipe
 * nothing is drawn. The line fits the terminal's width, dropping its least useful parts first;
 * counts have thousands separators; the ETA shows once there is a rate to base it on.
 */
import cliProgress from 'cli-progress';
import type { SyncSnapshot } from '../sync/bounded.js';

const STAGE_UNITS: Record<string, string> = {
  sessions: 'assets',
  events: 'sessions',
};

const fmt = (n: number) => n.toLocaleString('en-US');

export function eta(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  }
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressLine {
  stage: string;
  bar: string;
  done: number;
  total: number;
  snapshot: SyncSnapshot;
  rate: number;
  remaining: string | undefined;
}

/** The line's parts in order of importance; the last ones go first when the terminal is narrow. */
export function progressText(line: ProgressLine, width: number): string {
  const { progress, retries } = line.snapshot;
  const unit = STAGE_UNITS[progress.stage] ?? '';
  const parts = [
    `${line.stage.padEnd(9)} ${line.bar} ${fmt(line.done)}/${fmt(line.total)} ${unit}`.trimEnd(),
    line.remaining ? `ETA ${line.remaining}` : undefined,
    `${fmt(progress.sessions)} sessions · ${fmt(progress.events)} events`,
    `${fmt(Math.round(line.rate))} req/s`,
    `${fmt(progress.assets)} assets`,
    `${progress.metricDaysDone}/${progress.metricDaysTotal} metric days`,
    retries > 0 ? `${fmt(retries)} retries` : undefined,
  ].filter((p): p is string => p !== undefined);
  let text = parts.join(' | ');
  while (parts.length > 1 && text.length > width) {
    parts.pop();
    text = parts.join(' | ');
  }
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

export function showProgress(read: () => SyncSnapshot | undefined): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  let line: ProgressLine | undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      // Drawn by progressText, to the terminal's width at each frame.
      format: (options, params) => {
        if (!line) return '';
        const size = 20;
        const filled = Math.round(params.progress * size);
        const complete = options.barCompleteString ?? '█';
        const incomplete = options.barIncompleteString ?? '░';
        line.bar = complete.slice(0, filled) + incomplete.slice(0, size - filled);
        return progressText(line, Math.max(20, (process.stderr.columns ?? 80) - 1));
      },
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  let last = { at: Date.now(), requests: 0, done: 0, stage: '' };
  let rate = 0;
  let donePerSecond = 0;
  const timer = setInterval(() => {
    const snapshot = read();
    if (!snapshot) return;
    const { progress, requests } = snapshot;
    const now = Date.now();
    const seconds = (now - last.at) / 1000;
    if (seconds >= 1) {
      rate = (requests - last.requests) / seconds;
      donePerSecond = last.stage === progress.stage ? (progress.done - last.done) / seconds : 0;
      last = { at: now, requests, done: progress.done, stage: progress.stage };
    }
    line = {
      stage: progress.stage,
      bar: '',
      done: progress.done,
      total: progress.total,
      snapshot,
      rate,
      remaining: eta((progress.total - progress.done) / donePerSecond),
    };
    // Drawn from the first snapshot on, so the line never shows an unfilled template.
    if (!started) {
      bar.start(Math.max(1, progress.total), progress.done);
      started = true;
    }
    bar.setTotal(Math.max(1, progress.total));
    bar.update(progress.done);
  }, 200);
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    bar.stop();
  };
}
