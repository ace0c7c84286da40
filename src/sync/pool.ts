/**
 * Runs `work` over `items` with at most `concurrency` in progress, pulling items lazily so a
 * source of millions (session ids streamed from the warehouse) is never held in memory.
 * The first failure stops new work; it is rethrown once the work in progress has settled.
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? items[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failed = false;
  let failure: unknown;
  // One puller at a time: async iterators must not be advanced concurrently.
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const result = pulling.then(() => iterator.next());
    pulling = result.catch(() => undefined);
    return result;
  };

  const fail = (error: unknown) => {
    if (!failed) {
      failed = true;
      failure = error;
    }
  };
  const worker = async () => {
    while (!failed) {
      let item: IteratorResult<T>;
      try {
        item = await next();
      } catch (error) {
        return fail(error);
      }
      if (item.done) return;
      try {
        await work(item.value);
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failed) {
    await iterator.return?.();
    throw failure;
  }
}
