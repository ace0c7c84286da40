/**
 * What the page reads off a retention curve and a session's events, the same in serve and in a
 * report. Bundled into the browser: no Node.
 */
import type { SessionEvent, VideoRetention } from './types.js';

export interface DropOff {
  /** Seconds into the video where the fall starts. */
  position: number;
  /** Share of the sessions that played lost before the next point. */
  share: number;
}

/**
 * The biggest falls between neighbouring points, largest first: where viewers leave. The fall
 * into the video's last point is the video ending, not viewers leaving, so it is left out, and
 * so is any fall under 2% of the sessions that played. Falls closer than a tenth of the video
 * to a bigger one are the same drop-off, not another.
 */
export function dropOffs(r: VideoRetention, n = 3): DropOff[] {
  if (r.played === 0) return [];
  const falls: Array<DropOff & { i: number }> = [];
  for (let i = 0; i + 2 < r.viewers.length; i++) {
    const share = (r.viewers[i]! - r.viewers[i + 1]!) / r.played;
    if (share >= 0.02) falls.push({ i, position: i * r.step, share });
  }
  falls.sort((a, b) => b.share - a.share || a.i - b.i);
  const apart = Math.max(1, Math.round(r.viewers.length / 10));
  const chosen: Array<DropOff & { i: number }> = [];
  for (const f of falls) {
    if (chosen.length >= n) break;
    if (chosen.every((c) => Math.abs(c.i - f.i) >= apart)) chosen.push(f);
  }
  return chosen.map(({ position, share }) => ({ position, share }));
}

export interface Stretch {
  start: number;
  end: number;
}

/**
 * A session's play stretches by the watch_seconds rule (docs/data-contract.md), each drawn as
 * [start, start + the seconds it counted]: play/resume start one at at_position; a seek while
 * playing ends it at from_position and starts one at to_position; pause/end end it at
 * at_position; ready ends it uncounted; one still open after the last event counts nothing.
 * (src/warehouse/model.ts computes the same sum in SQL.)
 */
export function playStretches(events: SessionEvent[]): Stretch[] {
  const out: Stretch[] = [];
  let open: { pos: number; t: number } | undefined;
  const close = (pos: number | null, t: number) => {
    if (open && pos !== null) {
      const counted = Math.min(Math.max(0, pos - open.pos), Math.max(0, (t - open.t) / 1000));
      if (counted > 0) out.push({ start: open.pos, end: open.pos + counted });
    }
    open = undefined;
  };
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const t = Date.parse(e.emitted_at);
    if (e.type === 'play' || e.type === 'resume') {
      // A play while playing restarts the stretch uncounted.
      open = e.at_position === null ? undefined : { pos: e.at_position, t };
    } else if (e.type.startsWith('seek.')) {
      if (!open) continue;
      close(e.from_position, t);
      if (e.to_position !== null) open = { pos: e.to_position, t };
    } else if (e.type === 'pause' || e.type === 'end') {
      close(e.at_position, t);
    } else if (e.type === 'ready') {
      open = undefined;
    }
  }
  return out;
}
