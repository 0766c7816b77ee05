/**
 * Reading Delta tables this project did not write: Spark- and Databricks-written fixtures
 * (contents documented in test/fixtures/delta-tables/README.md), deletion vectors and column
 * mapping included, and refusing to write the ones whose protocol is beyond reader 1 / writer 2.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaProtocolError } from '../../../src/errors.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { DeltaTable, type Row } from '../../../src/lakehouse/delta/table.js';
import { commitKey } from '../../../src/lakehouse/delta/log.js';
import { EVENTS, FIXTURES, event, fixtureCopy, foreign, tempWarehouse } from './support.js';
import { partitionValueOf } from '../../../src/lakehouse/delta/schema.js';

const fixture = (name: string) => new DeltaTable(new FolderStore(FIXTURES), foreign(name));

async function read(name: string): Promise<{ version: number; rows: Row[] }> {
  const table = fixture(name);
  const snap = (await table.snapshot())!;
  return { version: snap.version, rows: await table.readRows(snap.files) };
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 text of bytes whose length is a multiple of 4 (ZeroMQ RFC 32), to inline a vector. */
function z85(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = bytes.readUInt32BE(i);
    let group = '';
    for (let j = 0; j < 5; j++) {
      group = Z85[value % 85]! + group;
      value = Math.floor(value / 85);
    }
    out += group;
  }
  return out;
}

const sortBy = (key: string) => (a: Row, b: Row) => (String(a[key]) < String(b[key]) ? -1 : 1);

describe('Spark-written tables', () => {
  test('simple_table: removes in every later version leave ids 5, 7, 9 at version 4', async () => {
    const { version, rows } = await read('simple_table');
    expect(version).toBe(4);
    expect(rows.map((r) => r.id).sort()).toEqual([5n, 7n, 9n]);
  });

  test('simple_table_with_checkpoint: version 10 from the checkpoint, 11 integer rows', async () => {
    const { version, rows } = await read('simple_table_with_checkpoint');
    expect(version).toBe(10);
    expect(rows.map((r) => r.version).sort((a, b) => Number(a) - Number(b))).toEqual([
      0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  test('simple_table_with_checkpoint still loads when the commits before the checkpoint are gone', async () => {
    const store = fixtureCopy('simple_table_with_checkpoint');
    const log = path.join(store.root, 'simple_table_with_checkpoint', '_delta_log');
    for (let v = 0; v < 10; v++) fs.rmSync(path.join(log, `${String(v).padStart(20, '0')}.json`));
    const table = new DeltaTable(store, foreign('simple_table_with_checkpoint'));
    const snap = (await table.snapshot())!;
    expect(snap.version).toBe(10);
    expect(await table.readRows(snap.files)).toHaveLength(11);
  });

  test('delta-0.8.0-partitioned: partition values come back as columns', async () => {
    const { rows } = await read('delta-0.8.0-partitioned');
    expect(rows.sort(sortBy('value'))).toEqual([
      { value: '1', year: '2020', month: '1', day: '1' },
      { value: '2', year: '2020', month: '2', day: '3' },
      { value: '3', year: '2020', month: '2', day: '5' },
      { value: '4', year: '2021', month: '4', day: '5' },
      { value: '5', year: '2021', month: '12', day: '4' },
      { value: '6', year: '2021', month: '12', day: '20' },
      { value: '7', year: '2021', month: '12', day: '20' },
    ]);
  });

  test('delta-0.8.0-null-partition: a null partition value reads as null', async () => {
    const { rows } = await read('delta-0.8.0-null-partition');
    expect(rows.sort(sortBy('v'))).toEqual([
      { k: 'A', v: 1n },
      { k: null, v: 2n },
    ]);
  });

  test('delta-2.2.0-partitioned-types: an integer partition column reads as a number', async () => {
    const { rows } = await read('delta-2.2.0-partitioned-types');
    expect(rows.sort(sortBy('c1'))).toEqual([
      { c1: 4, c2: 'c', c3: 5 },
      { c1: 5, c2: 'b', c3: 6 },
      { c1: 6, c2: 'a', c3: 4 },
    ]);
  });

  test('table_with_edge_timestamps: legacy INT96 timestamps match the stats Spark wrote, year 9999 included', async () => {
    const table = fixture('table_with_edge_timestamps');
    const snap = (await table.snapshot())!;
    for (const file of snap.files) {
      // One row per file, so Spark's min equals the value (stats are millisecond ISO text).
      const { minValues } = JSON.parse(file.stats!) as {
        minValues: Record<string, string | number>;
      };
      const [row] = await table.readRows([file]);
      expect(row).toEqual({
        BIG_DATE: BigInt(Date.parse(minValues.BIG_DATE as string)) * 1000n,
        NORMAL_DATE: BigInt(Date.parse(minValues.NORMAL_DATE as string)) * 1000n,
        SOME_VALUE: minValues.SOME_VALUE,
      });
    }
    expect(snap.files).toHaveLength(2);
  });
});

describe('tables Databricks writes: deletion vectors and column mapping', () => {
  test('table-with-dv-small: the deletion vector drops rows 0 and 9 of the file', async () => {
    const { version, rows } = await read('table-with-dv-small');
    expect(version).toBe(1);
    expect(rows.map((r) => r.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('table-with-dv-small: an inline copy of the same deletion vector reads the same', async () => {
    const name = 'table-with-dv-small';
    const store = fixtureCopy(name);
    const root = path.join(store.root, name);
    const dvFile = fs.readFileSync(
      path.join(root, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin'),
    );
    // The bitmap of the file (after its version byte and size), Z85-encoded into the log.
    const bitmap = dvFile.subarray(5, 5 + 36);
    const padded = Buffer.concat([bitmap, Buffer.alloc((4 - (bitmap.length % 4)) % 4)]);
    const log = path.join(root, '_delta_log', '00000000000000000001.json');
    const actions = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const a of actions) {
      if (a.add)
        a.add.deletionVector = {
          storageType: 'i',
          pathOrInlineDv: z85(padded),
          sizeInBytes: 36,
          cardinality: 2,
        };
    }
    fs.writeFileSync(log, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
    fs.rmSync(path.join(root, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin'));
    const table = new DeltaTable(store, foreign(name));
    const snap = (await table.snapshot())!;
    expect((await table.readRows(snap.files)).map((r) => r.value)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  test('a commit that adds the file with a new deletion vector before removing it with the old one keeps the new one', async () => {
    const name = 'table-with-dv-small';
    const store = fixtureCopy(name);
    const add = fs
      .readFileSync(path.join(store.root, name, '_delta_log', '00000000000000000001.json'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { add?: { path: string; deletionVector: object } })
      .find((a) => a.add);
    // A RoaringBitmapArray deleting row 1 only: magic, one bucket (key 0), one array container.
    const bitmap = Buffer.alloc(36);
    let at = bitmap.writeUInt32LE(1681511377, 0);
    for (const v of [1, 0, 0, 12346, 1]) at = bitmap.writeUInt32LE(v, at);
    at = bitmap.writeUInt16LE(0, at);
    at = bitmap.writeUInt16LE(0, at);
    at = bitmap.writeUInt32LE(16, at);
    bitmap.writeUInt16LE(1, at);
    const inline = {
      storageType: 'i',
      pathOrInlineDv: z85(bitmap),
      sizeInBytes: 34,
      cardinality: 1,
    };
    const old = add!.add!;
    const commit = [
      { add: { ...old, deletionVector: inline } },
      {
        remove: {
          path: old.path,
          deletionTimestamp: 1,
          dataChange: true,
          deletionVector: old.deletionVector,
        },
      },
    ];
    expect(
      await store.putIfAbsent(
        commitKey(name, 2),
        `${commit.map((a) => JSON.stringify(a)).join('\n')}\n`,
      ),
    ).toBe(true);
    const table = new DeltaTable(store, foreign(name));
    const snap = (await table.snapshot())!;
    expect(snap.files).toHaveLength(1);
    expect((await table.readRows(snap.files)).map((r) => r.value)).toEqual([
      0, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  test('table_with_column_mapping: physical columns and partition values under their logical names', async () => {
    const { rows } = await read('table_with_column_mapping');
    expect(rows.sort(sortBy('Super Name'))).toEqual([
      { 'Company Very Short': 'BMS', 'Super Name': 'Anthony Johnson' },
      { 'Company Very Short': 'BMS', 'Super Name': 'Mr. Daniel Ferguson MD' },
      { 'Company Very Short': 'BMS', 'Super Name': 'Nathan Bennett' },
      { 'Company Very Short': 'BMS', 'Super Name': 'Stephanie Mcgrath' },
      { 'Company Very Short': 'BME', 'Super Name': 'Timothy Lamb' },
    ]);
    const table = fixture('table_with_column_mapping');
    const snap = (await table.snapshot())!;
    expect(await table.readRows(snap.files, ['Super Name'])).toHaveLength(5);
    // Filtering files by a partition column goes through its physical name, as in the log.
    const company = partitionValueOf(snap.metadata, 'Company Very Short');
    expect(snap.files.map((f) => Object.keys(f.partitionValues))).not.toContainEqual([
      'Company Very Short',
    ]);
    const bme = snap.files.filter((f) => company(f) === 'BME');
    expect((await table.readRows(bme, ['Super Name'])).map((r) => r['Super Name'])).toEqual([
      'Timothy Lamb',
    ]);
    expect(snap.files.map(company).sort()).toEqual(
      snap.files.map(() => expect.stringMatching(/^BM[SE]$/)),
    );
  });
});

describe('the protocol gate', () => {
  test.each([
    [
      'table-with-dv-small',
      'table-with-dv-small requires Delta reader version 3 / writer version 7 with table features deletionVectors; strava-lakehouse writes only reader 1 / writer 2 tables without table features.',
    ],
    [
      'table_with_column_mapping',
      'table_with_column_mapping requires Delta reader version 2 / writer version 5 with table features columnMapping; strava-lakehouse writes only reader 1 / writer 2 tables without table features.',
    ],
  ])('refuses to write %s, naming the table and what it requires', async (name, message) => {
    const store = fixtureCopy(name);
    const table = new DeltaTable(store, foreign(name));
    const snap = await table.snapshot();
    expect(() => table.assertWritable(snap)).toThrow(DeltaProtocolError);
    expect(() => table.assertWritable(snap)).toThrow(message);

    const logBefore = fs.readdirSync(path.join(store.root, name, '_delta_log')).sort();
    let built = false;
    await expect(
      table.commit(() => ((built = true), { add: [], remove: [] }), { operation: 'WRITE' }),
    ).rejects.toThrow(message);
    expect(built).toBe(false);
    expect(fs.readdirSync(path.join(store.root, name, '_delta_log')).sort()).toEqual(logBefore);
  });

  test('reads them: the deletion vector and column mapping are applied', async () => {
    for (const name of ['table-with-dv-small', 'table_with_column_mapping']) {
      const table = fixture(name);
      const snap = (await table.snapshot())!;
      await expect(table.readRows(snap.files)).resolves.not.toHaveLength(0);
    }
  });

  test('refuses to read a reader feature it does not implement, naming it', async () => {
    const store = fixtureCopy('table-with-dv-small');
    const protocol = {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'v2Checkpoint'],
      writerFeatures: ['deletionVectors', 'v2Checkpoint'],
    };
    const table = new DeltaTable(store, foreign('table-with-dv-small'));
    await store.putIfAbsent(
      commitKey('table-with-dv-small', 2),
      `${JSON.stringify({ protocol })}\n`,
    );
    const snap = (await table.snapshot())!;
    await expect(table.readRows(snap.files)).rejects.toThrow(
      'table-with-dv-small requires Delta reader version 3 / writer version 7 with table features deletionVectors, v2Checkpoint; strava-lakehouse reads Delta reader versions 1 and 2, and version 3 with table features deletionVectors, columnMapping (not v2Checkpoint).',
    );
  });

  test('refuses writer-2 tables whose rules it does not follow: append-only, column invariants', async () => {
    const store = tempWarehouse();
    const table = new DeltaTable(store, EVENTS);
    const add = await table.writeFiles([event(1, '2024-05')]);
    await table.commit(() => ({ add, remove: [] }), { operation: 'WRITE' });
    const meta = (await table.snapshot())!.metadata;
    const invariants = JSON.stringify({
      type: 'struct',
      fields: [
        {
          name: 'id',
          type: 'long',
          nullable: false,
          metadata: { 'delta.invariants': '{"expression":{"expression":"id > 0"}}' },
        },
      ],
    });
    const cases = [
      [
        { ...meta, configuration: { 'delta.appendOnly': 'true' } },
        /append-only Delta table \(delta.appendOnly=true\)/,
      ],
      [{ ...meta, schemaString: invariants }, /has Delta column invariants/],
    ] as const;
    for (const [v, [metaData, message]] of cases.entries()) {
      // Another engine changed the table's metadata.
      expect(
        await store.putIfAbsent(commitKey(EVENTS.path, v + 1), `${JSON.stringify({ metaData })}\n`),
      ).toBe(true);
      const snap = await table.snapshot();
      expect(() => table.assertWritable(snap)).toThrow(message);
    }
  });

  test('lets reader 1 / writer 2 tables through, and a table that does not exist yet', async () => {
    const table = fixture('simple_table');
    expect(() => table.assertWritable(undefined)).not.toThrow();
    expect(() => table.assertWritable()).not.toThrow();
    const snap = await table.snapshot();
    expect(() => table.assertWritable(snap)).not.toThrow();
  });
});
