import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { StoreError } from '../../../src/errors.js';
import { FolderStore } from '../../../src/landing/folder.js';

const text = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : Buffer.from(b).toString();

let root: string;
let store: FolderStore;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'folder-store-'));
  store = new FolderStore(root);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('FolderStore basics', () => {
  test('put, get, head and delete an object in nested folders', async () => {
    await store.put('a/b/c.json', '{"x":1}');
    expect(text(await store.get('a/b/c.json'))).toBe('{"x":1}');
    const info = await store.head('a/b/c.json');
    expect(info).toMatchObject({ key: 'a/b/c.json', size: 7 });
    expect(info!.lastModified).toBeInstanceOf(Date);
    await store.delete('a/b/c.json');
    expect(await store.get('a/b/c.json')).toBeUndefined();
    expect(await store.head('a/b/c.json')).toBeUndefined();
  });

  test('binary bodies are stored byte for byte', async () => {
    const body = new Uint8Array(256).map((_, i) => i);
    await store.put('bin/all-bytes', body);
    expect(await store.get('bin/all-bytes')).toEqual(body);
  });

  test('put replaces an existing object', async () => {
    await store.put('k', 'old');
    await store.put('k', 'new');
    expect(text(await store.get('k'))).toBe('new');
  });

  test('missing objects are undefined, and deleting one is not an error', async () => {
    expect(await store.get('nope/missing')).toBeUndefined();
    expect(await store.head('nope/missing')).toBeUndefined();
    await store.put('file', 'x');
    // A key below a file, and a key that is a folder, hold no object either.
    expect(await store.get('file/below')).toBeUndefined();
    await store.put('dir/inner', 'x');
    expect(await store.get('dir')).toBeUndefined();
    expect(await store.head('dir')).toBeUndefined();
    await expect(store.delete('nope/missing')).resolves.toBeUndefined();
  });

  test('list matches keys by string prefix, relative to the root, sorted', async () => {
    const keys = ['b/2', 'a/1', 'ab/3', 'a/sub/4', 'top', 'a/0'];
    for (const k of keys) await store.put(k, k);
    const list = async (prefix: string) => (await store.list(prefix)).map((o) => o.key);
    expect(await list('')).toEqual(['a/0', 'a/1', 'a/sub/4', 'ab/3', 'b/2', 'top']);
    expect(await list('a/')).toEqual(['a/0', 'a/1', 'a/sub/4']);
    expect(await list('a')).toEqual(['a/0', 'a/1', 'a/sub/4', 'ab/3']);
    expect(await list('a/s')).toEqual(['a/sub/4']);
    expect(await list('missing/')).toEqual([]);
    expect((await store.list('top'))[0]).toMatchObject({ key: 'top', size: 3 });
  });

  test('uri is the absolute file path', () => {
    expect(store.uri('x/y.csv')).toBe(path.join(root, 'x', 'y.csv'));
    expect(store.root).toBe(root);
  });

  test('keys that would leave the root, and relative roots, are refused', async () => {
    for (const key of ['../escape', 'a/../../b', '/abs', 'a//b', '', './a']) {
      await expect(store.put(key, 'x'), key).rejects.toBeInstanceOf(StoreError);
    }
    expect(() => new FolderStore('relative/dir')).toThrow(StoreError);
  });

  test('a failed write names the operation and the path', async () => {
    await store.put('blocker', 'a file where a folder should be');
    const err = await store.put('blocker/child.json', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toContain(
      `Folder write ${path.join(root, 'blocker', 'child.json')} failed`,
    );
    expect((err as StoreError).hint).toBeTruthy();
  });
});

describe('FolderStore.putIfAbsent', () => {
  test('creates once, then refuses without touching the object', async () => {
    expect(await store.putIfAbsent('log/0.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('log/0.json', 'second')).toBe(false);
    expect(text(await store.get('log/0.json'))).toBe('first');
    // No temporary file is left behind by either call.
    expect(await fs.readdir(path.join(root, 'log'))).toEqual(['0.json']);
  });

  test('of many concurrent callers exactly one wins, and its content is whole', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => `writer ${i} `.repeat(50_000));
    const results = await Promise.all(bodies.map((b) => store.putIfAbsent('log/1.json', b)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await store.get('log/1.json'))).toBe(bodies[results.indexOf(true)]);
    expect(await fs.readdir(path.join(root, 'log'))).toEqual(['1.json']);
  });
});

/**
 * Other processes use the real FolderStore, bundled once with esbuild (child processes cannot
 * import TypeScript on Node 20).
 */
describe('FolderStore across processes', () => {
  let bundleDir: string;
  let bundle: string;
  beforeAll(async () => {
    bundleDir = await fs.mkdtemp(path.join(os.tmpdir(), 'folder-bundle-'));
    const outfile = path.join(bundleDir, 'folder.mjs');
    await build({
      entryPoints: [path.resolve('src/landing/folder.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    bundle = pathToFileURL(outfile).href;
  });
  afterAll(async () => {
    await fs.rm(bundleDir, { recursive: true, force: true });
  });

  /** A payload that proves itself whole: index i, then a fixed length of the byte i % 256. */
  const PAYLOAD_JS = `(i) => {
    const b = Buffer.alloc(4_000_000 + (i % 97) * 13, i % 256);
    b.writeUInt32LE(i, 0);
    return b;
  }`;
  function expectWholePayload(buf: Uint8Array | undefined): number {
    expect(buf).toBeDefined();
    const b = Buffer.from(buf!);
    const i = b.readUInt32LE(0);
    expect(b.length).toBe(4_000_000 + (i % 97) * 13);
    expect(b.subarray(4).every((x) => x === i % 256)).toBe(true);
    return i;
  }

  function child(script: string, env: Record<string, string>): ChildProcess {
    const program = `
      const { FolderStore } = await import(${JSON.stringify(bundle)});
      const store = new FolderStore(process.env.ROOT);
      const payload = ${PAYLOAD_JS};
      ${script}`;
    return spawn(process.execPath, ['--input-type=module', '-e', program], {
      env: { ...process.env, ROOT: root, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
  }

  const exited = (p: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) resolve(p.exitCode);
      else p.once('exit', (code) => resolve(code));
    });

  test('of several processes racing for one key exactly one wins, content intact', async () => {
    const key = '_delta_log/00000000000000000007.json';
    const writers = Array.from({ length: 5 }, (_, i) =>
      child(
        `process.stdin.once('data', async () => {
           const won = await store.putIfAbsent(${JSON.stringify(key)}, payload(${i + 1}));
           process.stdout.write(JSON.stringify({ won }) + '\\n');
         });
         process.stdout.write('ready\\n');`,
        {},
      ),
    );
    const replies = writers.map((w) =>
      createInterface({ input: w.stdout! })[Symbol.asyncIterator](),
    );
    const next = async (r: AsyncIterator<string>) => (await r.next()).value as string;
    // Release them together, once every process has loaded and is listening.
    expect(await Promise.all(replies.map(next))).toEqual(writers.map(() => 'ready'));
    for (const w of writers) w.stdin!.end('go');
    const results = (await Promise.all(replies.map(next))).map(
      (l) => JSON.parse(l) as { won: boolean },
    );
    expect(await Promise.all(writers.map(exited))).toEqual(writers.map(() => 0));
    expect(results.filter((r) => r.won)).toHaveLength(1);
    const winner = results.findIndex((r) => r.won) + 1;
    expect(expectWholePayload(await store.get(key))).toBe(winner);
  });

  test('readers never see a partial object, even when the writer is killed mid-put', async () => {
    const key = 'silver/activities/part-0.parquet';
    const writer = child(
      `for (let i = 1; ; i++) {
         await store.put(${JSON.stringify(key)}, payload(i));
         process.stdout.write(i + '\\n');
       }`,
      {},
    );
    const lines = createInterface({ input: writer.stdout! });
    let written = 0;
    let reads = 0;
    let readerDone = false;
    let readerFailed = false;
    // Read concurrently with the writer: every object seen must be whole.
    const reader = (async () => {
      try {
        while (!readerDone) {
          const got = await store.get(key);
          if (got !== undefined) {
            expectWholePayload(got);
            reads++;
          }
          await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        readerFailed = true;
        throw err;
      }
    })();
    for await (const line of lines) {
      written = Number(line);
      if (written >= 5 && (reads >= 3 || readerFailed)) break;
    }
    writer.kill('SIGKILL');
    await exited(writer);
    readerDone = true;
    await reader;

    const last = expectWholePayload(await store.get(key));
    expect(last).toBeGreaterThanOrEqual(written);
    expect((await store.list('')).map((o) => o.key)).toEqual([key]);
  });
});
