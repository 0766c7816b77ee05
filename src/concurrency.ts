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

/**
 * Tasks submitted one at a time as their input arrives (a month as the Strava sweep completes
 * it), at most `limit` running. `submit` waits for a free slot, so a fast producer is held back
 * instead of piling work up in memory, and throws the first task's failure so the producer
 * stops. `drain` waits for every started task, then throws the first failure if there was one.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async submit(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    while (this.running.size >= this.limit) {
      await Promise.race(this.running);
      this.throwIfFailed();
    }
    const run: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for every started task to settle, without throwing: for a producer that failed. */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }

  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
