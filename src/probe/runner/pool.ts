import { InternalError } from '../../shared/errors.js';

/**
 * Runs `work` over `items` with at most `concurrency` in flight, results in the items' order.
 * Every item runs even when some fail: a failed trial must not abandon the others (nor leave their
 * agents running while the caller unwinds). Returns each item's settled result.
 */
export async function runBoundedSettled<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (!(concurrency >= 1)) throw new InternalError(`runBounded needs a concurrency of at least 1, got ${concurrency}`);
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index] as T, index) };
      } catch (error) {
        results[index] = { status: 'rejected', reason: error };
      }
    }
  };
  const workers = Math.min(Math.floor(Math.min(concurrency, Number.MAX_SAFE_INTEGER)), items.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * As `runBoundedSettled`, for callers that want plain results: once every item has settled, the
 * error of the first failed item (by index, so the same run fails the same way) is thrown.
 */
export async function runBounded<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await runBoundedSettled(items, concurrency, work);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
