/**
 * Extract, stage 3: every player event of every session that needs them — sessions never
 * fetched, and sessions that were still open when last fetched (their events were incomplete).
 *
 * Session ids stream from the warehouse in keyset pages, so a million pending sessions cost a
 * page of memory. A session's events are always fetched whole and stored with its checkpoint in
 * one transaction: after any interruption a session has all its events or is fetched again.
 */
import { ResourceNotFoundError } from '../api/errors.js';
import type { Row } from '../warehouse/schema.js';
import { eventRows } from './flatten.js';
import { forEachConcurrent } from './pool.js';
import { micros, type SyncContext } from './context.js';

interface Pending {
  session_id: string;
  ended: boolean;
}

const PENDING = `
  FROM main.sessions s LEFT JOIN viewership.session_checkpoints c USING (session_id)
  WHERE (c.session_id IS NULL OR NOT c.final)`;

async function* pendingSessions(ctx: SyncContext, pageSize = 5000): AsyncGenerator<Pending> {
  let after = '';
  for (;;) {
    const page = await ctx.db.exclusive(() =>
      ctx.db.rows<Pending>(
        `SELECT s.session_id, s.ended_at IS NOT NULL AS ended ${PENDING} AND s.session_id > $1
         ORDER BY s.session_id LIMIT ${pageSize}`,
        [after],
      ),
    );
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.session_id;
  }
}

async function syncSessionEvents(ctx: SyncContext, session: Pending): Promise<void> {
  const rows: Row[] = [];
  try {
    for await (const page of ctx.client.sessionEvents(session.session_id)) {
      rows.push(...eventRows(session.session_id, page.items, rows.length));
      await ctx.raw?.response('session-events', page.request, page.body);
    }
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    // The API no longer has this session's events: keep what is stored, stop asking.
    ctx.warnings.push(`session ${session.session_id} has no events any more (404)`);
    await ctx.batcher.add('session_checkpoints', [
      {
        session_id: session.session_id,
        event_count: 0,
        final: true,
        fetched_at: micros(Date.now()),
      },
    ]);
    return;
  }
  await ctx.batcher.add('session_events', rows);
  await ctx.batcher.add('session_checkpoints', [
    {
      session_id: session.session_id,
      event_count: rows.length,
      final: session.ended,
      fetched_at: micros(Date.now()),
    },
  ]);
  ctx.progress.events += rows.length;
}

export async function syncEvents(ctx: SyncContext): Promise<void> {
  ctx.progress.stage = 'events';
  ctx.progress.done = 0;
  ctx.progress.total = Number(
    await ctx.db.exclusive(() => ctx.db.scalar<bigint>(`SELECT count(*) ${PENDING}`)),
  );
  await forEachConcurrent(pendingSessions(ctx), ctx.options.workers, async (session) => {
    await syncSessionEvents(ctx, session);
    ctx.progress.done++;
  });
  await ctx.batcher.flush();
}
