/** Running `viewership collect` as a user would, and sending it pings as the module would. */
import type { ChildProcess } from 'node:child_process';
import { finished, startCli, type CliResult } from './cli.js';

export interface CollectorProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then its exit. */
  stop(): Promise<CliResult>;
  exited: Promise<CliResult>;
}

export async function startCollectorCli(args: string[]): Promise<CollectorProcess> {
  const child = startCli(['collect', '--port', '0', ...args]);
  const exited = finished(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /collector: (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    void exited.then((r) => reject(new Error(`collect exited early (${r.code}): ${stderr}`)));
  });
  return {
    url,
    child,
    output: () => ({ stdout, stderr }),
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Health {
  state: string;
  accepted: number;
  refused: number;
  journaled: number;
  published: number;
  backlog: number;
  warehouseBusy: boolean;
}

export async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/health`)).json()) as Health;
}

/** Waits until every ping journaled so far is in the warehouse. */
export async function untilPublished(url: string, timeoutMs = 30_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(url);
    if (h.published >= h.journaled && h.backlog === 0 && !h.warehouseBusy) return h;
    if (Date.now() > deadline) throw new Error(`not published: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();

export interface PingEvent {
  type: string;
  emitted_at: string;
  at?: number;
  from?: number;
  to?: number;
}

/** A ping as @api.video/player-analytics builds it. */
export function modulePing(options: {
  loadedAt: number;
  emittedAt?: number;
  videoId?: string;
  liveStreamId?: string;
  sessionId?: string;
  referrer?: string;
  events: PingEvent[];
}): string {
  return JSON.stringify({
    emitted_at: iso(options.emittedAt ?? Date.now()),
    session: {
      loaded_at: iso(options.loadedAt),
      referrer: options.referrer ?? '',
      metadata: [],
      ...(options.sessionId && { session_id: options.sessionId }),
      ...(options.liveStreamId
        ? { live_stream_id: options.liveStreamId }
        : { video_id: options.videoId ?? 'vi1' }),
    },
    events: options.events,
  });
}

/** POSTs a body the way the module does: no content type of its own (fetch says text/plain). */
export function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers });
}
