/**
 * Tables written by the embedded DeltaTable in a folder, read back by delta-rs and by Spark with
 * Delta Lake; and Spark-written tables read by DeltaTable, checked against the same oracles.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FolderStore } from '../../src/landing/folder.js';
import { BRONZE, SILVER } from '../../src/lakehouse/tables.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { inspectWarehouse } from '../../src/lakehouse/inspect.js';
import { SPARK_TYPE } from '../../src/strava/schema.js';
import { SparkOracle, deltaRs, SPARK_SQL_TYPE } from '../support/oracles.js';
import { recordedActivities } from '../unit/landing/recorded.js';
import { comparable, monthAt, writeHistory, type History } from './delta-scenario.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/delta-tables');
/** Spark's simpleString names of the Delta types in tables.ts. */
let spark: SparkOracle;
let dir: string;
let store: FolderStore;
let history: History;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-interop-'));
  store = new FolderStore(dir);
  [spark, history] = await Promise.all([SparkOracle.start(), writeHistory(store)]);
});

afterAll(async () => {
  await spark?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const silverPath = () => path.join(dir, SILVER.path);
const bronzePath = () => path.join(dir, BRONZE.path);

describe('silver written by DeltaTable', () => {
  test('delta-rs sees version 12, the schema, every row and the partitions', async () => {
    const view = await deltaRs(silverPath());
    expect(view.version).toBe(12);
    expect(view.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(view.metadata.partitionColumns).toEqual(['month']);
    expect(view.schema).toEqual(
      SILVER.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
    );
    expect(comparable(view.rows, ['id'])).toEqual(comparable(history.silver, ['id']));
    const months = new Set(view.files.map((f) => f.partitionValues.month));
    expect([...months].sort()).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9].map(monthAt));
    expect(view.files.reduce((n, f) => n + (f.numRecords ?? 0), 0)).toBe(history.silver.length);
    expect(view.history.map((h) => h.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(view.history[0]).toMatchObject({
      operation: 'WRITE',
      runId: `run-${monthAt(2)}`,
      month: monthAt(2),
    });
    expect(view.history.every((h) => h.engineInfo?.startsWith('strava-lakehouse/'))).toBe(true);
  });

  test('Spark reads the same rows, with start_date a timestamp in UTC', async () => {
    const { schema, rows } = await spark.read(silverPath());
    expect(schema.map((f) => [f.name, f.type])).toEqual(
      SILVER.columns.map((c) => [c.name, SPARK_SQL_TYPE[c.type]]),
    );
    expect(comparable(rows, ['id'])).toEqual(comparable(history.silver, ['id']));
    for (const activity of recordedActivities().slice(0, 5)) {
      const row = rows.find((r) => r.id === activity.id)!;
      expect(row.start_date).toBe(Date.parse(activity.start_date) * 1000);
    }
  });

  test("Spark's DESCRIBE HISTORY and DESCRIBE DETAIL show the commits and the table", async () => {
    const historyRows = await spark.sql(`DESCRIBE HISTORY delta.\`${silverPath()}\``);
    expect(historyRows.map((h) => h.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const overwrite = historyRows.find((h) => h.version === 9)!;
    expect(overwrite).toMatchObject({
      operation: 'WRITE',
      operationParameters: {
        mode: 'Overwrite',
        partitionBy: '["month"]',
        predicate: `["month = '${monthAt(0)}'"]`,
      },
      readVersion: 8,
      isBlindAppend: false,
      engineInfo: expect.stringMatching(/^strava-lakehouse\//),
    });
    const [detail] = await spark.sql(`DESCRIBE DETAIL delta.\`${silverPath()}\``);
    const snap = (await new DeltaTable(store, SILVER).snapshot())!;
    expect(detail).toMatchObject({
      format: 'delta',
      id: snap.metadata.id,
      partitionColumns: ['month'],
      numFiles: snap.files.length,
      minReaderVersion: 1,
      minWriterVersion: 2,
    });
  });

  test('with the commits before the checkpoint deleted, delta-rs, Spark and DeltaTable still agree', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-interop-cp-'));
    try {
      fs.cpSync(dir, copy, { recursive: true });
      const log = path.join(copy, SILVER.path, '_delta_log');
      expect(fs.existsSync(path.join(log, '00000000000000000010.checkpoint.parquet'))).toBe(true);
      for (let v = 0; v < 10; v++) fs.rmSync(path.join(log, `${String(v).padStart(20, '0')}.json`));

      const expected = comparable(history.silver, ['id']);
      const tablePath = path.join(copy, SILVER.path);
      const view = await deltaRs(tablePath);
      expect(view.version).toBe(12);
      expect(comparable(view.rows, ['id'])).toEqual(expected);
      expect(comparable((await spark.read(tablePath)).rows, ['id'])).toEqual(expected);
      const table = new DeltaTable(new FolderStore(copy), SILVER);
      expect(comparable(await table.readRows((await table.snapshot())!.files), ['id'])).toEqual(
        expected,
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('bronze written by DeltaTable', () => {
  test('delta-rs and Spark read each landing file once, with the txn versions in the log', async () => {
    const expected = comparable(history.bronze, ['_landing_file', 'id']);
    const view = await deltaRs(bronzePath());
    expect(view.version).toBe(2);
    expect(comparable(view.rows, ['_landing_file', 'id'])).toEqual(expected);
    const { rows, schema } = await spark.read(bronzePath());
    expect(schema.find((f) => f.name === '_ingested_at')!.type).toBe('timestamp');
    expect(comparable(rows, ['_landing_file', 'id'])).toEqual(expected);
    const snap = (await new DeltaTable(store, BRONZE).snapshot())!;
    expect([...snap.txns.keys()].sort()).toEqual([...history.bronzeAppIds].sort());
  });
});

describe('Spark-written tables read by DeltaTable', () => {
  const reader = (name: string) =>
    new DeltaTable(new FolderStore(FIXTURES), {
      path: name,
      columns: [],
      partitionColumns: [],
      description: name,
    });
  const ours = async (name: string) => {
    const table = reader(name);
    const snap = (await table.snapshot())!;
    return { snap, rows: await table.readRows(snap.files) };
  };

  test.each([
    'simple_table',
    'simple_table_with_checkpoint',
    'delta-0.8.0-partitioned',
    'delta-0.8.0-null-partition',
    'delta-2.2.0-partitioned-types',
  ])('%s: the same version and rows as delta-rs', async (name) => {
    const view = await deltaRs(path.join(FIXTURES, name));
    const { snap, rows } = await ours(name);
    expect(snap.version).toBe(view.version);
    const keys = view.schema.map((f) => f.name);
    expect(comparable(rows, keys)).toEqual(comparable(view.rows, keys));
  });

  test('table_with_edge_timestamps: the same rows as Spark, year 9999 included', async () => {
    const name = 'table_with_edge_timestamps';
    const sparkRows = (await spark.read(path.join(FIXTURES, name))).rows;
    const { rows } = await ours(name);
    expect(comparable(rows, ['SOME_VALUE'])).toEqual(comparable(sparkRows, ['SOME_VALUE']));
    expect(rows.map((r) => r.BIG_DATE)).toContain(
      BigInt(Date.parse('9999-12-31T00:00:00Z')) * 1000n,
    );
  });
});

describe('tables with deletion vectors and column mapping, read by DeltaTable', () => {
  const ours = async (store: FolderStore, name: string) => {
    const table = new DeltaTable(store, {
      path: name,
      columns: [],
      partitionColumns: [],
      description: name,
    });
    const snap = (await table.snapshot())!;
    return { snap, rows: await table.readRows(snap.files) };
  };

  test.each(['table-with-dv-small', 'table_with_column_mapping'])(
    '%s: the same version and rows as delta-rs (its DataFusion scan) and Spark',
    async (name) => {
      const view = await deltaRs(path.join(FIXTURES, name), undefined, 'query');
      const { snap, rows } = await ours(new FolderStore(FIXTURES), name);
      expect(snap.version).toBe(view.version);
      const keys = view.schema.map((f) => f.name);
      expect(rows.length).toBeGreaterThan(0);
      expect(comparable(rows, keys)).toEqual(comparable(view.rows, keys));
      const sparkRows = (await spark.read(path.join(FIXTURES, name))).rows;
      expect(comparable(rows, keys)).toEqual(comparable(sparkRows, keys));
    },
  );

  test('a table Spark writes with deletion vectors (scattered, ranged and single deletes over three 16-bit blocks) and a renamed column', async () => {
    const warehouse = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-interop-dv-'));
    try {
      const name = 'dv_cm';
      const where = `delta.\`${path.join(warehouse, name)}\``;
      await spark.sql(
        `CREATE TABLE ${where} (id BIGINT, label STRING, part STRING) USING delta PARTITIONED BY (part) ` +
          `TBLPROPERTIES ('delta.enableDeletionVectors' = 'true', 'delta.columnMapping.mode' = 'name')`,
      );
      // One file per partition: 150k rows in `a` span three 16-bit blocks, 10 rows in `b`.
      await spark.sql(
        `INSERT INTO ${where} SELECT /*+ REPARTITION(1) */ id, concat('row ', id), 'a' FROM range(0, 150000)`,
      );
      await spark.sql(
        `INSERT INTO ${where} SELECT /*+ REPARTITION(1) */ id, concat('row ', id), 'b' FROM range(0, 10)`,
      );
      await spark.sql(`ALTER TABLE ${where} RENAME COLUMN label TO title`);
      // Scattered (over 4096 in a block: a bitset), a long range, a few single rows, also in `b`.
      await spark.sql(`DELETE FROM ${where} WHERE part = 'a' AND id % 7 = 0 AND id < 65536`);
      await spark.sql(`DELETE FROM ${where} WHERE part = 'a' AND id BETWEEN 70000 AND 120000`);
      await spark.sql(`DELETE FROM ${where} WHERE id IN (3, 140001, 149999)`);

      const tablePath = path.join(warehouse, name);
      const { snap, rows } = await ours(new FolderStore(warehouse), name);
      expect(snap.protocol.readerFeatures).toEqual(
        expect.arrayContaining(['deletionVectors', 'columnMapping']),
      );
      expect(snap.files.every((f) => f.deletionVector)).toBe(true);
      const keys = ['part', 'id'];
      const expected = comparable((await spark.read(tablePath)).rows, keys);
      expect(Object.keys(expected[0]!).sort()).toEqual(['id', 'part', 'title']);
      expect(rows).toHaveLength(expected.length);
      expect(comparable(rows, keys)).toEqual(expected);
      const view = await deltaRs(tablePath, undefined, 'query');
      expect(comparable(view.rows, keys)).toEqual(expected);
    } finally {
      fs.rmSync(warehouse, { recursive: true, force: true });
    }
  });

  test('silver after Spark deletes rows with deletion vectors: read and inspected, never written', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-interop-dv-silver-'));
    try {
      fs.cpSync(dir, copy, { recursive: true });
      const where = `delta.\`${path.join(copy, SILVER.path)}\``;
      // What a SQL warehouse does when the workspace turns deletion vectors on.
      await spark.sql(
        `ALTER TABLE ${where} SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')`,
      );
      const gone = history.silver.slice(0, 3).map((r) => r.id as bigint);
      await spark.sql(`DELETE FROM ${where} WHERE id IN (${gone.join(', ')})`);

      const copyStore = new FolderStore(copy);
      const table = new DeltaTable(copyStore, SILVER);
      const snap = (await table.snapshot())!;
      expect(snap.protocol.readerFeatures).toContain('deletionVectors');
      expect(snap.files.some((f) => f.deletionVector)).toBe(true);
      const expected = comparable((await spark.read(path.join(copy, SILVER.path))).rows, ['id']);
      expect(expected).toHaveLength(history.silver.length - gone.length);
      expect(comparable(await table.readRows(snap.files), ['id'])).toEqual(expected);
      const { tables } = await inspectWarehouse(copyStore);
      expect(tables.find((t) => t.table === SILVER.path)!.rows).toBe(expected.length);
      expect(() => table.assertWritable(snap)).toThrow(
        /requires Delta reader version 3 \/ writer version 7 with table features .*deletionVectors.*; strava-lakehouse writes only reader 1 \/ writer 2 tables without table features\./,
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
