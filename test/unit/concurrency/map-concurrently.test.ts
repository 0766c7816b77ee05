import { describe, expect, test } from 'vitest';
import { TaskPool, mapConcurrently } from '../../../src/concurrency.js';

/** A promise the test settles by hand, so the order of completion is chosen, not timed. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('mapConcurrently', () => {
  test('keeps at most `limit` calls in flight and returns results in the items’ order', async () => {
    const pending = Array.from({ length: 5 }, () => deferred<string>());
    const started: number[] = [];
    const done = mapConcurrently([0, 1, 2, 3, 4], 2, (item) => {
      started.push(item);
      return pending[item]!.promise;
    });
    await flush();
    expect(started).toEqual([0, 1]);
    pending[1]!.resolve('b');
    await flush();
    expect(started).toEqual([0, 1, 2]);
    pending[2]!.resolve('c');
    pending[0]!.resolve('a');
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    pending[4]!.resolve('e');
    pending[3]!.resolve('d');
    await expect(done).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  test('after a failure starts nothing new and throws the earliest failed item’s error', async () => {
    const pending = Array.from({ length: 6 }, () => deferred<number>());
    const started: number[] = [];
    const done = mapConcurrently([0, 1, 2, 3, 4, 5], 3, (item) => {
      started.push(item);
      return pending[item]!.promise;
    });
    await flush();
    pending[2]!.reject(new Error('item 2'));
    await flush();
    pending[1]!.reject(new Error('item 1'));
    pending[0]!.resolve(0);
    await expect(done).rejects.toThrow('item 1');
    expect(started).toEqual([0, 1, 2]);
  });

  test('a call that throws before returning a promise counts as a failed item', async () => {
    await expect(
      mapConcurrently(['ok', 'bad'], 4, async (item) => {
        if (item === 'bad') throw new Error('bad item');
        return item;
      }),
    ).rejects.toThrow('bad item');
    await expect(
      mapConcurrently([1], 4, () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  test('no items: no calls, no results', async () => {
    let calls = 0;
    await expect(mapConcurrently([], 8, async () => ++calls)).resolves.toEqual([]);
    expect(calls).toBe(0);
  });
});

describe('TaskPool', () => {
  test('submit waits for a free slot, so at most `limit` tasks run', async () => {
    const pool = new TaskPool(2);
    const pending = Array.from({ length: 3 }, () => deferred<void>());
    const started: number[] = [];
    const submitted: number[] = [];
    const producer = (async () => {
      for (const i of [0, 1, 2]) {
        await pool.submit(() => {
          started.push(i);
          return pending[i]!.promise;
        });
        submitted.push(i);
      }
    })();
    await flush();
    expect(started).toEqual([0, 1]);
    expect(submitted).toEqual([0, 1]);
    pending[0]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    await producer;
    let drained = false;
    const drain = pool.drain().then(() => (drained = true));
    await flush();
    expect(drained).toBe(false);
    pending[1]!.resolve();
    pending[2]!.resolve();
    await drain;
    expect(drained).toBe(true);
  });

  test('after a failure, submit throws it (the producer stops) and drain throws it once all settled', async () => {
    const pool = new TaskPool(2);
    const slow = deferred<void>();
    let slowDone = false;
    await pool.submit(() => slow.promise.then(() => void (slowDone = true)));
    await pool.submit(() => Promise.reject(new Error('landing failed')));
    await flush();
    await expect(pool.submit(async () => {})).rejects.toThrow('landing failed');
    const drained = pool.drain().catch((e: unknown) => e);
    await flush();
    expect(slowDone).toBe(false);
    slow.resolve();
    expect(((await drained) as Error).message).toBe('landing failed');
    expect(slowDone).toBe(true);
  });

  test('settle waits for running tasks without throwing', async () => {
    const pool = new TaskPool(1);
    await pool.submit(() => Promise.reject(new Error('x')));
    await expect(pool.settle()).resolves.toBeUndefined();
    await expect(pool.drain()).rejects.toThrow('x');
  });
});
