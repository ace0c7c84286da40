/**
 * What the API sent that could not be read is kept, never a reason to lose the rest: items a page
 * set aside, and whole answers that could not be read, go to the `rejects` table with the request,
 * the reason and the body as sent. The run counts them by endpoint and names them in its summary.
 */
import { ResponseShapeError } from '../api/errors.js';
import type { Page, RequestInfo } from '../api/schemas.js';
import { micros, type SyncContext } from './context.js';

async function keep(
  ctx: SyncContext,
  request: RequestInfo,
  reason: string,
  raw: string | null,
): Promise<void> {
  const seq = ctx.rejected++;
  ctx.rejectsByEndpoint.set(
    request.endpoint,
    (ctx.rejectsByEndpoint.get(request.endpoint) ?? 0) + 1,
  );
  await ctx.batcher.add('rejects', [
    {
      run_id: ctx.runId,
      seq,
      rejected_at: micros(ctx.now()),
      endpoint: request.endpoint,
      request: JSON.stringify({ path: request.path, query: request.query }),
      reason,
      raw,
    },
  ]);
}

/** The items of a page that could not be read. */
export async function keepItemRejects(ctx: SyncContext, page: Page<unknown>): Promise<void> {
  for (const reject of page.rejects) {
    await keep(
      ctx,
      page.request,
      `data[${reject.index}]: ${reject.reason}`,
      JSON.stringify(reject.raw) ?? null,
    );
  }
}

/** A whole answer that could not be read; the caller says what is incomplete because of it. */
export async function keepUnreadableAnswer(
  ctx: SyncContext,
  error: ResponseShapeError,
): Promise<void> {
  const request = error.request ?? { endpoint: error.endpoint, path: '', query: {} };
  await keep(ctx, request, error.detail, error.text ?? null);
}

/**
 * Runs one unit of work (a listing, an asset's sessions, a session's events, a metric): an answer
 * that cannot be read is kept in `rejects` and named in a warning, and the unit reports itself
 * incomplete (false) so its checkpoint stays open and the next run tries it again.
 */
export async function tolerant(
  ctx: SyncContext,
  what: string,
  work: () => Promise<void>,
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (!(error instanceof ResponseShapeError)) throw error;
    await keepUnreadableAnswer(ctx, error);
    ctx.warnings.push(
      `${what} is incomplete: ${error.endpoint} answered what viewership cannot read (kept in rejects)`,
    );
    return false;
  }
}
