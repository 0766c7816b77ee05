/** S3Store against a real S3-compatible server (moto), one bucket per test. */
import { GetObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, test, vi } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { S3Store } from '../../src/landing/s3.js';
import {
  motoClient,
  motoEndpoint,
  motoStore,
  countCommands,
  uniqueBucketName,
} from '../support/moto.js';

const text = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : Buffer.from(b).toString();

describe('S3Store basics', () => {
  test('put, get, head and delete under the prefix', async () => {
    const store = await motoStore('basics');
    await store.put('a/b/c.json', '{"x":1}');
    expect(text(await store.get('a/b/c.json'))).toBe('{"x":1}');
    const info = await store.head('a/b/c.json');
    expect(info).toMatchObject({ key: 'a/b/c.json', size: 7 });
    expect(info!.lastModified).toBeInstanceOf(Date);
    // The object really sits under the store's prefix in the bucket.
    const raw = await motoClient().send(
      new GetObjectCommand({ Bucket: store.bucket, Key: 'warehouse/a/b/c.json' }),
    );
    expect(await raw.Body!.transformToString()).toBe('{"x":1}');
    await store.delete('a/b/c.json');
    expect(await store.get('a/b/c.json')).toBeUndefined();
    expect(await store.head('a/b/c.json')).toBeUndefined();
    await expect(store.delete('a/b/c.json')).resolves.toBeUndefined();
  });

  test('binary bodies are stored byte for byte, and put replaces', async () => {
    const store = await motoStore('binary');
    const body = new Uint8Array(256).map((_, i) => i);
    await store.put('bin', 'old');
    await store.put('bin', body);
    expect(await store.get('bin')).toEqual(body);
  });

  test('empty, text and binary bodies go up with their length: the SDK has nothing to warn about', async () => {
    const store = await motoStore('length');
    // Without a length, the SDK prints "Stream of unknown length" for each upload (console.warn).
    const warn = vi.spyOn(console, 'warn');
    try {
      await store.put('empty', '');
      await store.put('text', 'héllo');
      await store.put('bin', new Uint8Array([1, 2, 3]));
      expect(await store.putIfAbsent('new-empty', '')).toBe(true);
      expect(warn.mock.calls).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    expect(text(await store.get('text'))).toBe('héllo');
    expect((await store.head('empty'))?.size).toBe(0);
  });

  test('uri and root name the bucket and prefix', async () => {
    const store = await motoStore('uri', 'lake/house');
    expect(store.root).toBe(`s3://${store.bucket}/lake/house`);
    expect(store.uri('silver/x.parquet')).toBe(`s3://${store.bucket}/lake/house/silver/x.parquet`);
  });

  test('list matches by string prefix, relative keys, and never crosses the store prefix', async () => {
    const store = await motoStore('list', 'wh');
    const sibling = new S3Store(`s3://${store.bucket}/wh2`, { endpoint: motoEndpoint() });
    await sibling.put('a/1', 'not ours');
    for (const k of ['b/2', 'a/1', 'ab/3', 'a/sub/4', 'top']) await store.put(k, k);
    const list = async (prefix: string) => (await store.list(prefix)).map((o) => o.key);
    expect(await list('')).toEqual(['a/1', 'a/sub/4', 'ab/3', 'b/2', 'top']);
    expect(await list('a/')).toEqual(['a/1', 'a/sub/4']);
    expect(await list('a')).toEqual(['a/1', 'a/sub/4', 'ab/3']);
    expect(await list('missing/')).toEqual([]);
    expect((await store.list('top'))[0]).toMatchObject({ key: 'top', size: 3 });
    expect((await sibling.list('')).map((o) => o.key)).toEqual(['a/1']);
  });

  test('list follows continuation tokens past 1,000 keys', async () => {
    const store = await motoStore('pages');
    const keys = Array.from({ length: 1_050 }, (_, i) => `p/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, '')));
    }
    const count = countCommands(store.client);
    expect((await store.list('p/')).map((o) => o.key)).toEqual(keys);
    expect(count('ListObjectsV2Command')).toBe(2);
  });
});

describe('S3Store.putIfAbsent', () => {
  test('moto honours If-None-Match: * with 412 PreconditionFailed', async () => {
    const store = await motoStore('conditional');
    const client = motoClient();
    const put = () =>
      client.send(
        new PutObjectCommand({ Bucket: store.bucket, Key: 'k', Body: 'x', IfNoneMatch: '*' }),
      );
    await put();
    const err = await put().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
  });

  test('creates once, then refuses without touching the object', async () => {
    const store = await motoStore('pia');
    expect(await store.putIfAbsent('_delta_log/00000000000000000000.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('_delta_log/00000000000000000000.json', 'second')).toBe(false);
    expect(text(await store.get('_delta_log/00000000000000000000.json'))).toBe('first');
  });

  test('of many concurrent callers exactly one wins, and its content is what is stored', async () => {
    const store = await motoStore('race');
    const bodies = Array.from({ length: 16 }, (_, i) => `writer ${i} `.repeat(10_000));
    const results = await Promise.all(
      bodies.map((b) => store.putIfAbsent('_delta_log/00000000000000000001.json', b)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await store.get('_delta_log/00000000000000000001.json'))).toBe(
      bodies[results.indexOf(true)],
    );
  });

  /**
   * Simulates a connection lost on the first attempt (ECONNRESET, which the SDK retries),
   * either after the server stored the object (`after`) or before the request left (`before`).
   * The requests themselves are real; only the first answer is dropped.
   */
  function loseFirstAnswer(store: S3Store, when: 'before' | 'after'): () => number {
    // Counts PutObject attempts as they reach the wire, the SDK's own retry included.
    let sent = 0;
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutObjectCommand') return next(args);
        sent++;
        const lost = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        if (sent === 1 && when === 'before') throw lost();
        const result = await next(args);
        if (sent === 1) throw lost();
        return result;
      },
      { step: 'deserialize', name: 'loseFirstAnswer', priority: 'high' },
    );
    return () => sent;
  }

  test('a retried put whose first attempt landed is reported as written', async () => {
    const store = await motoStore('lost-answer');
    const sent = loseFirstAnswer(store, 'after');
    expect(await store.putIfAbsent('_delta_log/00000000000000000002.json', 'mine')).toBe(true);
    expect(sent()).toBe(2);
    expect(text(await store.get('_delta_log/00000000000000000002.json'))).toBe('mine');
  });

  test("a retried put that meets another writer's object is reported as refused", async () => {
    const store = await motoStore('lost-request');
    await store.put('_delta_log/00000000000000000003.json', 'theirs');
    const sent = loseFirstAnswer(store, 'before');
    expect(await store.putIfAbsent('_delta_log/00000000000000000003.json', 'mine')).toBe(false);
    expect(sent()).toBe(2);
    expect(text(await store.get('_delta_log/00000000000000000003.json'))).toBe('theirs');
  });
});

describe('S3Store.putIfAbsent on 409 ConditionalRequestConflict', () => {
  /**
   * moto does not implement 409, so the first `conflicts` PutObject attempts
   * are answered here with the error S3 sends while another conditional write is in flight.
   */
  function conflictFirst(store: S3Store, conflicts: number): () => number {
    let attempts = 0;
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutObjectCommand') return next(args);
        if (++attempts <= conflicts) {
          throw new S3ServiceException({
            name: 'ConditionalRequestConflict',
            $fault: 'client',
            $metadata: { httpStatusCode: 409 },
            message: 'A conflicting conditional operation is currently in progress',
          });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'conflictFirst', priority: 'high' },
    );
    return () => attempts;
  }

  test('is retried until the server decides', async () => {
    const store = await motoStore('conflict');
    const attempts = conflictFirst(store, 2);
    expect(await store.putIfAbsent('_delta_log/00000000000000000004.json', 'mine')).toBe(true);
    expect(attempts()).toBe(3);
    expect(text(await store.get('_delta_log/00000000000000000004.json'))).toBe('mine');
  });

  test('gives up after a bounded number of tries with a StoreError', async () => {
    const store = await motoStore('conflict-forever');
    const attempts = conflictFirst(store, Infinity);
    const err = await store.putIfAbsent('k', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toContain(
      `S3 PutObject s3://${store.bucket}/warehouse/k failed: ConditionalRequestConflict`,
    );
    expect(attempts()).toBe(6);
    expect(await store.get('k')).toBeUndefined();
  });
});

describe('S3Store errors', () => {
  test('a missing bucket is a clear StoreError for every call that can tell', async () => {
    const bucket = uniqueBucketName('absent');
    const store = new S3Store(`s3://${bucket}/wh`, { endpoint: motoEndpoint() });
    motoClient(); // dummy credentials for this process
    for (const [call, attempt] of [
      ['PutObject', () => store.put('k.json', 'x')],
      ['PutObject', () => store.putIfAbsent('k.json', 'x')],
      ['GetObject', () => store.get('k.json')],
      ['ListObjectsV2', () => store.list('')],
    ] as const) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err, call).toBeInstanceOf(StoreError);
      const line = (err as StoreError).line;
      expect(line).toContain(`S3 ${call} s3://${bucket}/wh/`);
      expect(line).toContain('NoSuchBucket');
      expect(line).toContain(`Create the bucket "${bucket}"`);
      expect(line).not.toContain(process.env.AWS_SECRET_ACCESS_KEY);
    }
  });
});
