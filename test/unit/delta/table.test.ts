import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, type AddFile, type Row } from '../../../src/lakehouse/delta/table.js';
import { commitKey, readCommit } from '../../../src/lakehouse/delta/log.js';
import { loadSnapshot } from '../../../src/lakehouse/delta/snapshot.js';
import { readParquet } from '../../../src/lakehouse/delta/parquet.js';
import { schemaString } from '../../../src/lakehouse/tables.js';
import { DeltaConflictError, DeltaProtocolError, QualityError } from '../../../src/errors.js';
import { VERSION } from '../../../src/version.js';
import { overriding } from '../../support/stores.js';
import { EVENTS, byId, event, micros, tempWarehouse } from './support.js';
import { tableProperties } from '../../../src/lakehouse/table-properties.js';

const WRITE = { operation: 'WRITE', operationParameters: { mode: 'Append' } };

async function append(table: DeltaTable, rows: Row[]) {
  const add = await table.writeFiles(rows);
  return table.commit(() => ({ add, remove: [] }), WRITE);
}

describe('a new table', () => {
  test('does not exist until its first commit, which writes protocol 1/2 and the definition', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    expect(await table.snapshot()).toBeUndefined();

    const version = await append(table, [event(1, '2024-05')]);
    expect(version).toBe(0);
    const actions = (await readCommit(store, EVENTS.path, 0))!;
    expect(actions.map((a) => Object.keys(a)[0])).toEqual([
      'commitInfo',
      'protocol',
      'metaData',
      'add',
    ]);
    expect(actions[1]!.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const meta = actions[2]!.metaData!;
    expect(meta).toMatchObject({
      format: { provider: 'parquet', options: {} },
      schemaString: schemaString(EVENTS),
      partitionColumns: ['month'],
      configuration: tableProperties('embedded'),
    });
    expect(meta.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(typeof meta.createdTime).toBe('number');

    const snap = (await table.snapshot())!;
    expect(snap.version).toBe(0);
    expect(snap.metadata.id).toBe(meta.id);
    expect(snap.files).toHaveLength(1);
  });

  test('a commit whose builder returns null writes nothing', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    expect(await table.commit(() => null, WRITE)).toBeNull();
    expect(await store.list(EVENTS.path)).toEqual([]);
  });
});

describe('writeFiles', () => {
  test('writes one Hive-style partition file per month, without the partition column inside', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    const adds = await table.writeFiles([
      event(1, '2024-05'),
      event(2, '2024-06'),
      event(3, '2024-05'),
    ]);
    expect(adds.map((a) => a.partitionValues)).toEqual([
      { month: '2024-05' },
      { month: '2024-06' },
    ]);
    for (const add of adds) {
      expect(add.path).toMatch(
        new RegExp(
          `^month=${add.partitionValues.month}/part-00000-[0-9a-f-]{36}\\.c000\\.snappy\\.parquet$`,
        ),
      );
      const bytes = (await store.get(`${EVENTS.path}/${add.path}`))!;
      expect(add.size).toBe(bytes.length);
      expect(add.dataChange).toBe(true);
      const columns = readParquet(bytes).schema.fields.map((f) => f.name);
      expect(columns).toEqual(['id', 'name', 'at', 'score', 'ok']);
    }
    // Nothing is committed yet: the files are invisible to readers.
    expect(await table.snapshot()).toBeUndefined();
  });

  test('stores timestamps as Parquet microseconds adjusted to UTC and reads them back exactly', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    const instants = [
      micros('2024-05-31T23:59:59.999Z') + 999n,
      micros('1969-12-31T23:59:59.000Z') - 1n,
      micros('2262-04-12T00:00:00.000Z'),
      0n,
    ];
    const rows = instants.map((at, i) => event(i + 1, '2024-05', { at }));
    const [add] = await table.writeFiles(rows);
    const arrowType = readParquet((await store.get(`${EVENTS.path}/${add!.path}`))!).getChild(
      'at',
    )!.type;
    expect(String(arrowType)).toBe('Timestamp<MICROSECOND, UTC>');
    await table.commit(() => ({ add: [add!], remove: [] }), WRITE);
    const back = await table.readRows((await table.snapshot())!.files);
    expect(back.sort(byId).map((r) => r.at)).toEqual(instants);
  });

  test('reads back every type, nulls and the partition value as they were written', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    const rows = [
      event(1, '2024-05'),
      { id: 9007199254740993n, name: null, at: null, score: null, ok: null, month: '2024-05' },
      event(3, '2024-05', { name: 'ünïcødé ✓ "quoted", comma', score: -0.5 }),
    ];
    await append(table, rows);
    const back = await new DeltaTable(store, EVENTS).readRows((await table.snapshot())!.files);
    expect(back.sort(byId)).toEqual([...rows].sort(byId));
  });

  test('refuses a row that does not fit its column, naming the table and column', async () => {
    const table = new DeltaTable(tempWarehouse(), EVENTS);
    const error = await table
      .writeFiles([event(1, '2024-05', { score: 'fast' })])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QualityError);
    expect((error as QualityError).message).toBe(
      'demo/events: column "score" expects double, got "fast".',
    );
    await expect(table.writeFiles([event(1, '2024-05', { id: null })])).rejects.toThrow(
      /demo\/events: column "id" expects a non-null long, got null/,
    );
    await expect(table.writeFiles([event(1, '2024-05', { month: null })])).rejects.toThrow(
      /column "month" expects a non-null string/,
    );
  });

  test('writes zstd when asked, and tags the add actions', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS, { compression: 'zstd' });
    const [add] = await table.writeFiles([event(1, '2024-05')], { tags: { landing: 'abc' } });
    expect(add!.path).toMatch(/\.c000\.zstd\.parquet$/);
    expect(add!.tags).toEqual({ landing: 'abc' });
    await table.commit(() => ({ add: [add!], remove: [] }), WRITE);
    expect((await table.readRows([add!]))[0]!.id).toBe(1n);
  });
});

describe('snapshot', () => {
  test('a table that has seen a version reads forward: it sees other writers, past checkpoints, as a fresh load does', async () => {
    const store = tempWarehouse();
    const reader = new DeltaTable(store, EVENTS);
    const writer = new DeltaTable(store, EVENTS);
    await append(writer, [event(1, '2024-05')]);
    expect((await reader.snapshot())!.version).toBe(0);

    // Past a checkpoint (every 10 versions), with a txn and a replaced partition on the way.
    for (let i = 2; i <= 13; i++) await append(writer, [event(i, i % 2 ? '2024-05' : '2024-06')]);
    const add = await writer.writeFiles([event(99, '2024-06')]);
    await writer.commit(
      (latest) => ({
        add,
        remove: latest!.files.filter((f) => f.partitionValues.month === '2024-06'),
        txns: [{ appId: 'app', version: 3 }],
      }),
      WRITE,
    );
    const fresh = (await loadSnapshot(store, EVENTS.path))!;
    const seen = (await reader.snapshot())!;
    expect(seen.version).toBe(13);
    expect(seen).toEqual(fresh);

    // Nothing new: the same snapshot back, for one read of the next commit.
    let gets = 0;
    const counted = new DeltaTable(
      overriding(store, { get: (k) => (gets++, store.get(k)) }),
      EVENTS,
    );
    await counted.snapshot();
    gets = 0;
    expect(await counted.snapshot()).toEqual(fresh);
    expect(gets).toBe(1);
  });
});

describe('commit', () => {
  test('replays removes: a replaced partition keeps only its new files', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    await append(table, [event(1, '2024-05'), event(2, '2024-06')]);
    await append(table, [event(3, '2024-05')]);
    const replacement = await table.writeFiles([event(4, '2024-05'), event(5, '2024-05')]);
    const version = await table.commit(
      (snap) => ({
        add: replacement,
        remove: snap!.files.filter((f) => f.partitionValues.month === '2024-05'),
      }),
      {
        operation: 'WRITE',
        operationParameters: { mode: 'Overwrite', predicate: ["month = '2024-05'"] },
      },
    );
    expect(version).toBe(2);
    const snap = (await new DeltaTable(store, EVENTS).snapshot())!;
    expect(snap.files).toHaveLength(2);
    const ids = (await table.readRows(snap.files)).map((r) => r.id).sort();
    expect(ids).toEqual([2n, 4n, 5n]);
    expect(snap.tombstones.map((r) => r.path).sort()).toHaveLength(2);

    const removes = (await readCommit(store, EVENTS.path, 2))!.filter((a) => a.remove);
    expect(removes).toHaveLength(2);
    for (const { remove } of removes) {
      expect(remove).toMatchObject({
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: { month: '2024-05' },
      });
      expect(typeof remove!.deletionTimestamp).toBe('number');
      expect(typeof remove!.size).toBe('number');
    }
  });

  test('records commitInfo the way Spark does, plus the engine, run and month', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    await append(table, [event(1, '2024-05')]);
    const add = await table.writeFiles([event(2, '2024-05'), event(3, '2024-05')]);
    await table.commit(() => ({ add, remove: [] }), {
      operation: 'WRITE',
      operationParameters: {
        mode: 'Overwrite',
        partitionBy: ['month'],
        predicate: "month = '2024-05'",
      },
      runId: 'run-42',
      month: '2024-05',
    });
    const [first] = (await readCommit(store, EVENTS.path, 1))!;
    expect(first!.commitInfo).toMatchObject({
      operation: 'WRITE',
      operationParameters: {
        mode: 'Overwrite',
        partitionBy: '["month"]',
        predicate: "month = '2024-05'",
      },
      readVersion: 0,
      isBlindAppend: true,
      operationMetrics: { numFiles: '1', numOutputRows: '2', numRemovedFiles: '0' },
      engineInfo: `strava-lakehouse/${VERSION}`,
      runId: 'run-42',
      month: '2024-05',
    });
    expect(Math.abs(first!.commitInfo!.timestamp - Date.now())).toBeLessThan(60_000);
  });

  test('records txn versions per application id, latest wins', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    const commitTxn = (txns: { appId: string; version: number }[]) =>
      table.commit(() => ({ add: [], remove: [], txns }), WRITE);
    await commitTxn([{ appId: 'landing/a.csv', version: 1 }]);
    await commitTxn([
      { appId: 'landing/b.csv', version: 1 },
      { appId: 'landing/a.csv', version: 2 },
    ]);
    const snap = (await new DeltaTable(store, EVENTS).snapshot())!;
    expect([...snap.txns].sort()).toEqual([
      ['landing/a.csv', 2],
      ['landing/b.csv', 1],
    ]);
    const txn = (await readCommit(store, EVENTS.path, 1))!.find((a) => a.txn)!.txn!;
    expect(txn.appId).toBe('landing/b.csv');
    expect(typeof txn.lastUpdated).toBe('number');
  });

  test('concurrent commits get contiguous versions, overwrite nothing, and each retry sees the winner', async () => {
    const store = tempWarehouse();
    await append(new DeltaTable(store, EVENTS), [event(0, '2024-01')]);
    const writers = 8;
    // Each writer appends one row, and its final (winning) builder call must see every earlier commit.
    const seen = new Map<number, number>();
    const results = await Promise.all(
      Array.from({ length: writers }, async (_, i) => {
        const table = new DeltaTable(store, EVENTS);
        const add = await table.writeFiles([event(i + 1, '2024-02')]);
        let lastSeen = -1;
        let lastFiles: AddFile[] = [];
        const version = await table.commit((snap) => {
          lastSeen = snap!.version;
          lastFiles = snap!.files;
          return { add, remove: [] };
        }, WRITE);
        seen.set(version!, lastSeen);
        return { version: version!, filesSeen: lastFiles.length, path: add[0]!.path };
      }),
    );
    const versions = results.map((r) => r.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
    for (const { version, filesSeen, path: added } of results) {
      expect(seen.get(version)).toBe(version - 1);
      expect(filesSeen).toBe(version);
      // The log entry of each version is the one its winner wrote.
      const adds = (await readCommit(store, EVENTS.path, version))!.filter((a) => a.add);
      expect(adds.map((a) => a.add!.path)).toEqual([added]);
    }
    const snap = (await new DeltaTable(store, EVENTS).snapshot())!;
    const ids = (await new DeltaTable(store, EVENTS).readRows(snap.files)).map((r) => Number(r.id));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: writers + 1 }, (_, i) => i));
  });

  test('gives up with DeltaConflictError naming the table and version when every attempt loses', async () => {
    const store = tempWarehouse();
    await append(new DeltaTable(store, EVENTS), [event(1, '2024-05')]);
    // A store where some other writer always wins the race for the next version.
    const losing = Object.assign(Object.create(store) as typeof store, {
      putIfAbsent: async () => false,
    });
    let builds = 0;
    const table = new DeltaTable(losing, EVENTS);
    const error = await table
      .commit(() => (builds++, { add: [], remove: [] }), WRITE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaConflictError);
    expect((error as Error).message).toMatch(
      /^demo\/events: gave up committing version 1 after 20 attempts/,
    );
    expect(builds).toBe(20);
    expect(fs.existsSync(path.join(store.root, commitKey(EVENTS.path, 1)))).toBe(false);
  });

  test('adds new nullable columns of a newer definition with a metaData action, refuses incompatible ones', async () => {
    const store = tempWarehouse();
    await append(new DeltaTable(store, EVENTS), [event(1, '2024-05')]);
    const wider = {
      ...EVENTS,
      columns: [...EVENTS.columns, { name: 'extra', type: 'string' as const, nullable: true }],
    };
    const table = new DeltaTable(store, wider);
    await append(table, [event(2, '2024-05', { extra: 'x' })]);
    const meta = (await readCommit(store, EVENTS.path, 1))!.find((a) => a.metaData)!.metaData!;
    expect(meta.schemaString).toBe(schemaString(wider));
    const rows = await table.readRows((await table.snapshot())!.files);
    expect(rows.sort(byId).map((r) => r.extra)).toEqual([null, 'x']);

    const retyped = {
      ...EVENTS,
      columns: EVENTS.columns.map((c) =>
        c.name === 'score' ? { ...c, type: 'string' as const } : c,
      ),
    };
    const error = await append(new DeltaTable(store, retyped), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeltaProtocolError);
    expect((error as DeltaProtocolError).message).toBe(
      'demo/events: column "score" is double in the table but string here, so this version of strava-lakehouse cannot write it.',
    );
  });
});
