/**
 * Bounded concurrency for storage requests: on S3 each request mostly waits on the network, so
 * a backfill of hundreds of months should not wait for them one at a time.
 */

/** How many storage requests one step keeps in flight. */
export const STORAGE_CONCURRENCY = 8;

/**
 * `fn` over `items` with at most `limit` calls in flight; results in the items' order. After a
 * failure no further call starts, and once the started ones have settled the error of the
 * earliest failed item is thrown, as a loop would have.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < items.length && errors.size === 0) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        errors.set(i, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.size) throw errors.get(Math.min(...errors.keys()));
  return results;
}
