/**
 * Extract, stage 3: every player event of every session that needs them — sessions never
 * fetched, and sessions that were still open when last fetched (their events were incomplete).
 *
 * Session ids stream from the warehouse in keyset pages, so a million pending sessions cost a
 * page of memory; a session's events stream page by page into the loader, its figures folded as
 * they pass, so a session of 500,000 events costs a page too. The session's figures and its
 * checkpoint go in with its last page: after any interruption a session without its checkpoint is
 * fetched again from its first event, which replaces whatever part of it was stored.
 */
import { ResourceNotFoundError } from '../api/errors.js';
import type { PendingSession } from '../warehouse/destination.js';
import { SessionFigures } from '../warehouse/figures.js';
import { eventRows } from './flatten.js';
import { forEachConcurrent } from './pool.js';
import { countSkipped, micros, openCutoff, type SyncContext } from './context.js';
import { keepItemRejects, tolerant } from './rejects.js';

async function* pendingSessions(ctx: SyncContext, pageSize = 5000): AsyncGenerator<PendingSession> {
  let after = '';
  for (;;) {
    const page = await ctx.store.pendingSessions(after, pageSize, openCutoff(ctx));
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.sessionId;
  }
}

async function syncSessionEvents(ctx: SyncContext, session: PendingSession): Promise<void> {
  const figures = new SessionFigures(session.sessionId);
  let seq = 0;
  let whole: boolean;
  try {
    whole = await tolerant(ctx, `the events of session ${session.sessionId}`, async () => {
      for await (const page of ctx.client.sessionEvents(session.sessionId)) {
        const rows = eventRows(session.sessionId, page.entries, seq);
        seq += page.size;
        for (const row of rows) {
          figures.add({
            type: row.type as string | null,
            emittedAt: row.emitted_at as bigint | null,
            at: row.at_position as number | null,
            from: row.from_position as number | null,
            to: row.to_position as number | null,
          });
        }
        await ctx.batcher.add('session_events', rows);
        await keepItemRejects(ctx, page);
        await ctx.raw?.response('session-events', page.request, page.body);
        ctx.progress.events += rows.length;
      }
    });
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    // The session's own route: the API no longer has it. Keep what is stored, mark it, stop asking.
    ctx.warnings.push(
      `session ${session.sessionId} is gone (404 on its events): it is marked, its stored events kept`,
    );
    ctx.batcher.mark({ kind: 'session-gone', sessionId: session.sessionId, at: ctx.now() });
    return;
  }
  // Not read to its end: no figures, no checkpoint; the next run fetches it again.
  if (!whole) return;
  const { stats, spans } = figures.rows();
  await ctx.batcher.add('session_stats', [stats]);
  await ctx.batcher.add('watch_spans', spans);
  await ctx.batcher.add('session_checkpoints', [
    {
      session_id: session.sessionId,
      event_count: seq,
      final: session.ended,
      fetched_at: micros(ctx.now()),
    },
  ]);
}

export async function syncEvents(ctx: SyncContext): Promise<void> {
  ctx.progress.stage = 'events';
  ctx.progress.done = 0;
  const counts = await ctx.store.sessionCounts();
  ctx.progress.total = counts.pending;
  countSkipped(ctx, 'sessions whose events are stored for good', counts.final);
  await forEachConcurrent(pendingSessions(ctx), ctx.options.workers, async (session) => {
    await syncSessionEvents(ctx, session);
    ctx.progress.done++;
  });
  await ctx.batcher.flush();
}
