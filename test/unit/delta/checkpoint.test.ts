import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ObjectStore } from '../../../src/landing/store.js';
import { readCheckpoint } from '../../../src/lakehouse/delta/checkpoint.js';
import { checkpointKey, commitKey, readCommit } from '../../../src/lakehouse/delta/log.js';
import { DeltaTable, type Snapshot } from '../../../src/lakehouse/delta/table.js';
import { EVENTS, FIXTURES, event, tempWarehouse } from './support.js';

const LOG = `${EVENTS.path}/_delta_log/`;
const WRITE = { operation: 'WRITE', operationParameters: { mode: 'Append' } };

/** Commits `n` versions: appends to months 2024-01.., one txn each, every third replacing a month. */
async function commits(table: DeltaTable, n: number, from = 0) {
  for (let v = from; v < from + n; v++) {
    const month = `2024-${String((v % 4) + 1).padStart(2, '0')}`;
    const add = await table.writeFiles([event(v, month)]);
    await table.commit(
      (snap) => ({
        add,
        remove:
          v % 3 === 2 ? (snap?.files ?? []).filter((f) => f.partitionValues.month === month) : [],
        txns: [{ appId: `app-${v % 2}`, version: v }],
      }),
      WRITE,
    );
  }
}

/** A store that counts calls by method, over a real folder store. */
function counting(store: ObjectStore) {
  const calls: string[] = [];
  const wrapped: ObjectStore = Object.create(store) as ObjectStore;
  for (const method of ['get', 'list', 'put', 'putIfAbsent', 'head'] as const) {
    (wrapped as unknown as Record<string, unknown>)[method] = (...args: [string]) => {
      calls.push(`${method} ${args[0]}`);
      return (store[method] as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  return { store: wrapped, calls };
}

const comparableSnapshot = (s: Snapshot) => ({
  version: s.version,
  protocol: s.protocol,
  metadata: s.metadata,
  files: [...s.files].sort((a, b) => a.path.localeCompare(b.path)),
  txns: [...s.txns].sort(),
  tombstones: s.tombstones.map((r) => r.path).sort(),
});

describe('checkpoints', () => {
  test('version 10 writes a checkpoint and _last_checkpoint; versions 1-9 do not', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    await commits(table, 10);
    expect((await store.list(LOG)).some((o) => o.key.includes('checkpoint'))).toBe(false);
    await commits(table, 1, 10);
    const snap = (await table.snapshot())!;
    expect(snap.version).toBe(10);
    expect(await store.head(checkpointKey(EVENTS.path, 10))).toBeDefined();
    const hint = JSON.parse(Buffer.from((await store.get(`${LOG}_last_checkpoint`))!).toString());
    // protocol + metaData + 2 txns + live files + tombstones
    expect(hint).toEqual({ version: 10, size: 4 + snap.files.length + snap.tombstones.length });
  });

  test('the checkpoint holds the same state as replaying the JSON commits', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    await commits(table, 11);
    const fromJson = new Map<string, unknown>();
    for (let v = 0; v <= 10; v++) {
      for (const a of (await readCommit(store, EVENTS.path, v))!) {
        if (a.add) fromJson.set(a.add.path, a.add);
        if (a.remove) fromJson.delete(a.remove.path);
      }
    }
    const actions = readCheckpoint((await store.get(checkpointKey(EVENTS.path, 10)))!, 'test');
    const adds = actions.filter((a) => a.add).map((a) => a.add);
    expect(adds.sort((a, b) => a!.path.localeCompare(b!.path))).toEqual(
      [...fromJson.values()].sort((a, b) =>
        (a as { path: string }).path.localeCompare((b as { path: string }).path),
      ),
    );
    expect(
      actions
        .filter((a) => a.txn)
        .map((a) => [a.txn!.appId, a.txn!.version])
        .sort(),
    ).toEqual([
      ['app-0', 10],
      ['app-1', 9],
    ]);
    expect(actions.find((a) => a.protocol)!.protocol).toEqual({
      minReaderVersion: 1,
      minWriterVersion: 2,
    });
    expect(actions.find((a) => a.metaData)!.metaData).toEqual(
      (await readCommit(store, EVENTS.path, 0))![2]!.metaData,
    );
    for (const { remove } of actions.filter((a) => a.remove)) {
      expect(remove).toMatchObject({ dataChange: true, extendedFileMetadata: true });
    }
  });

  test('a table still loads, unchanged, when the commits before its checkpoint are deleted', async () => {
    const store = tempWarehouse();
    await commits(new DeltaTable(store, EVENTS), 13);
    const before = (await new DeltaTable(store, EVENTS).snapshot())!;
    for (let v = 0; v < 10; v++) await store.delete(commitKey(EVENTS.path, v));
    const after = (await new DeltaTable(store, EVENTS).snapshot())!;
    expect(after.version).toBe(12);
    expect(comparableSnapshot(after)).toEqual(comparableSnapshot(before));
    const table = new DeltaTable(store, EVENTS);
    expect(await table.readRows(after.files)).toHaveLength(after.files.length);
  });

  test('with _last_checkpoint a snapshot reads the checkpoint and later commits, without listing', async () => {
    const folder = tempWarehouse();
    await commits(new DeltaTable(folder, EVENTS), 23);
    const { store, calls } = counting(folder);
    const snap = (await new DeltaTable(store, EVENTS).snapshot())!;
    expect(snap.version).toBe(22);
    expect(calls.filter((c) => c.startsWith('list'))).toEqual([]);
    const gets = calls.map((c) => c.slice(`get ${LOG}`.length));
    expect(gets).toContain('00000000000000000020.checkpoint.parquet');
    expect(gets).not.toContain('00000000000000000010.checkpoint.parquet');
    // Commits 21 and 22, fetched in one batch of 8 whose other six find nothing.
    expect(
      gets
        .filter((g) => g.endsWith('.json'))
        .map((g) => Number(g.slice(0, 20)))
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 8 }, (_, i) => 21 + i));
  });

  test('without _last_checkpoint the log is listed and the newest checkpoint is used', async () => {
    const folder = tempWarehouse();
    await commits(new DeltaTable(folder, EVENTS), 23);
    const expected = comparableSnapshot((await new DeltaTable(folder, EVENTS).snapshot())!);
    for (const hint of ['{not json', undefined]) {
      if (hint) await folder.put(`${LOG}_last_checkpoint`, hint);
      else await folder.delete(`${LOG}_last_checkpoint`);
      const { store, calls } = counting(folder);
      const snap = (await new DeltaTable(store, EVENTS).snapshot())!;
      expect(comparableSnapshot(snap)).toEqual(expected);
      expect(calls.filter((c) => c.startsWith('list'))).toHaveLength(1);
      expect(calls).toContain(`get ${LOG}00000000000000000020.checkpoint.parquet`);
      expect(calls).not.toContain(`get ${LOG}00000000000000000005.json`);
    }
  });

  test('a failed checkpoint write does not fail the commit; readers replay the JSON instead', async () => {
    const folder = tempWarehouse();
    await commits(new DeltaTable(folder, EVENTS), 10);
    const broken: ObjectStore = Object.assign(Object.create(folder) as ObjectStore, {
      put: (key: string, body: Uint8Array | string) =>
        key.includes('checkpoint') ? Promise.reject(new Error('disk full')) : folder.put(key, body),
    });
    const warnings: string[] = [];
    const table = new DeltaTable(broken, EVENTS, { warn: (m) => warnings.push(m) });
    const add = await table.writeFiles([event(100, '2024-09')]);
    expect(await table.commit(() => ({ add, remove: [] }), WRITE)).toBe(10);
    expect(warnings).toEqual([
      'demo/events: checkpoint at version 10 was not written (disk full); readers replay the commits instead.',
    ]);
    expect(await folder.head(checkpointKey(EVENTS.path, 10))).toBeUndefined();
    const snap = (await new DeltaTable(folder, EVENTS).snapshot())!;
    expect(snap.version).toBe(10);
    expect(snap.files.some((f) => f.path === add[0]!.path)).toBe(true);
  });

  test('tombstones older than the 7-day retention are dropped from the checkpoint', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    await commits(table, 1);
    // A remove from 8 days ago, as a commit file another writer could have left.
    const old = Date.now() - 8 * 24 * 3600 * 1000;
    const first = (await table.snapshot())!.files[0]!;
    await store.putIfAbsent(
      commitKey(EVENTS.path, 1),
      `${JSON.stringify({ remove: { path: first.path, deletionTimestamp: old, dataChange: true } })}\n`,
    );
    await commits(table, 9, 1);
    const actions = readCheckpoint((await store.get(checkpointKey(EVENTS.path, 10)))!, 'test');
    const tombstones = actions.filter((a) => a.remove).map((a) => a.remove!.path);
    expect(tombstones).not.toContain(first.path);
    expect(tombstones.length).toBeGreaterThan(0);
  });

  test("reads Spark's own checkpoint into the same actions as its JSON commits", async () => {
    const name = 'simple_table_with_checkpoint';
    const bytes = fs.readFileSync(
      path.join(FIXTURES, name, '_delta_log', '00000000000000000010.checkpoint.parquet'),
    );
    const actions = readCheckpoint(bytes, name);
    expect(actions).toHaveLength(13);
    const live = actions.filter((a) => a.add).map((a) => a.add!.path);
    const log = path.join(FIXTURES, name, '_delta_log');
    const replayed = new Set<string>();
    for (let v = 0; v <= 10; v++) {
      for (const line of fs
        .readFileSync(path.join(log, `${String(v).padStart(20, '0')}.json`), 'utf8')
        .split('\n')) {
        if (!line) continue;
        const a = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
        if (a.add) replayed.add(a.add.path);
        if (a.remove) replayed.delete(a.remove.path);
      }
    }
    expect(live.sort()).toEqual([...replayed].sort());
  });
});
