/**
 * The lakehouse the embedded engine writes for the real recorded athlete (1,132 activities,
 * 2017-10..2025-10) in a folder, read back by delta-rs and by Spark with Delta Lake: first the
 * backfill, then after re-runs, a deletion and an edit, a crash and two concurrent runs; the
 * commit history as Spark and delta-rs show it; and a table long enough to be checkpointed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FolderStore } from '../../src/landing/folder.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import type { RunRecord } from '../../src/runs/record.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { monthRange } from '../../src/strava/months.js';
import { batchesOf } from '../../src/pipeline.js';
import { SPARK_TYPE, type StravaActivity } from '../../src/strava/schema.js';
import { SparkOracle, deltaRs, SPARK_SQL_TYPE } from '../support/oracles.js';
import {
  ROW_KEYS,
  activitiesIn,
  bundleCli,
  cliEnv,
  expectGold,
  idsOf,
  runCli,
  runIn,
  sortedBy,
  startAthlete,
  tableState,
  type Athlete,
} from '../support/pipeline.js';

const MONTHS = monthRange('2017-10', '2025-10');
/** The backfill's commits per table: one per batch of months (pipeline.ts, ROWS_IN_MEMORY). */
const BACKFILL_COMMITS = batchesOf(
  MONTHS.map((m) => activitiesIn(recordedActivities(), m).length),
).length;
/** Spark's simpleString names of the Delta types in tables.ts. */
let spark: SparkOracle;
let athlete: Athlete;
let dir: string;
let backfill: RunRecord[];
const recorded = recordedActivities();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-lakehouse-'));
  athlete = await startAthlete();
  const writing = runIn(
    athlete,
    dir,
    { from: MONTHS[0]!, to: MONTHS.at(-1)! },
    {
      deps: { runId: 'backfill' },
    },
  );
  [spark, { records: backfill }] = await Promise.all([SparkOracle.start(), writing]);
});

afterAll(async () => {
  await spark?.close();
  await athlete?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const tablePath = (def: TableDef, root = dir) => path.join(root, def.path);

/** delta-rs, Spark and the engine's own reader: each reader's rows of a table, sorted alike. */
async function readAll(def: TableDef, root = dir) {
  const keys = ROW_KEYS[def.path]!;
  const [rs, sp, ours] = await Promise.all([
    deltaRs(tablePath(def, root)),
    spark.read(tablePath(def, root)),
    tableState(new FolderStore(root), def),
  ]);
  return {
    rs,
    sp,
    ours,
    rsRows: sortedBy(rs.rows, keys),
    spRows: sortedBy(sp.rows, keys),
  };
}

function expectSchemas(def: TableDef, view: Awaited<ReturnType<typeof readAll>>) {
  expect(view.rs.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  expect(view.rs.metadata.partitionColumns).toEqual(['month']);
  expect(view.rs.schema).toEqual(
    def.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
  );
  expect(view.sp.schema.map((f) => [f.name, f.type])).toEqual(
    def.columns.map((c) => [c.name, SPARK_SQL_TYPE[c.type]]),
  );
}

/** Silver as every reader sees it equals `expected`: ids, local months, UTC start times, names. */
async function expectSilver(expected: StravaActivity[]) {
  const view = await readAll(SILVER);
  expect(view.rsRows).toEqual(view.ours.rows);
  expect(view.spRows).toEqual(view.ours.rows);
  expect(idsOf(view.rsRows)).toEqual(idsOf(expected));
  const byId = new Map(expected.map((a) => [a.id, a]));
  for (const row of view.rsRows) {
    const a = byId.get(row.id as number)!;
    expect(row.start_date, `${a.id}`).toBe(Date.parse(a.start_date) * 1000);
    expect(row.start_date_local, `${a.id}`).toBe(Date.parse(a.start_date_local) * 1000);
    expect(row.name, `${a.id}`).toBe(a.name);
    expect(row.distance, `${a.id}`).toBe(a.distance);
  }
  for (const month of MONTHS) {
    const ids = idsOf(view.rsRows.filter((r) => r.month === month));
    expect(ids, month).toEqual(idsOf(activitiesIn(expected, month)));
  }
  return view;
}

describe('the backfill of the recorded athlete', () => {
  test('silver: every activity once, in its local month, start_date a UTC timestamp, to both readers', async () => {
    const view = await expectSilver(recorded);
    expectSchemas(SILVER, view);
    expect(view.rs.version).toBe(BACKFILL_COMMITS - 1);
    // One file per month, each with that month's partition value and row count.
    const perMonth = view.rs.files
      .map((f) => [f.partitionValues.month, f.numRecords])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(perMonth).toEqual(MONTHS.map((m) => [m, activitiesIn(recorded, m).length]));
    expect(view.sp.schema.find((f) => f.name === 'start_date')!.type).toBe('timestamp');
  });

  test('bronze: each landing file once, with its rows as text', async () => {
    const view = await readAll(BRONZE);
    expectSchemas(BRONZE, view);
    expect(view.rsRows).toEqual(view.ours.rows);
    expect(view.spRows).toEqual(view.ours.rows);
    expect(view.rsRows).toHaveLength(recorded.length);
    for (const record of backfill) {
      const rows = view.rsRows.filter((r) => r.month === record.month);
      expect(rows.length, record.month).toBe(record.activities);
      expect(new Set(rows.map((r) => r._landing_file))).toEqual(
        record.activities ? new Set([record.landing.key]) : new Set(),
      );
    }
    expect(new Set(view.rsRows.map((r) => r._run_id))).toEqual(new Set(['backfill']));
    expect(typeof view.rsRows[0]!.id).toBe('string');
  });

  test('gold: monthly totals and month-over-month change, summed independently', async () => {
    const view = await readAll(GOLD);
    expectSchemas(GOLD, view);
    expect(view.rsRows).toEqual(view.ours.rows);
    expect(view.spRows).toEqual(view.ours.rows);
    expectGold(view.rsRows, recorded, MONTHS);
  });
});

describe('after re-runs, changes, a crash and a race', () => {
  test('both readers see the same, correct silver and gold', async () => {
    const bundle = await bundleCli();
    const deleted = 11126692561;
    const edited = 11439607313;
    const changed = recorded
      .filter((a) => a.id !== deleted)
      .map((a) => (a.id === edited ? { ...a, name: 'Edited on Strava', distance: 21400.5 } : a));
    const second = await startAthlete(changed);
    try {
      for (let i = 0; i < 2; i++) await runIn(athlete, dir, { month: '2024-04' });
      athlete.sim.deleteActivity(deleted);
      athlete.sim.editActivity(edited, { name: 'Edited on Strava', distance: 21400.5 });
      await runIn(athlete, dir, { month: '2024-04' }, { deps: { runId: 'deletion' } });
      // Killed before committing May's new silver; then two runs of May at once.
      const env = cliEnv(athlete);
      const args = ['run', '--month', '2024-05', '--warehouse', dir];
      const killed = await runCli(bundle, args, env, { crashBeforeCommit: SILVER.path });
      expect(killed.signal).toBe('SIGKILL');
      await Promise.all(
        [athlete, second].map((a, i) =>
          runIn(a, dir, { month: '2024-05' }, { deps: { runId: `race-${i}` } }),
        ),
      );
    } finally {
      await second.close();
      fs.rmSync(bundle, { recursive: true, force: true });
    }

    await expectSilver(changed);
    const gold = await readAll(GOLD);
    expect(gold.rsRows).toEqual(gold.ours.rows);
    expect(gold.spRows).toEqual(gold.ours.rows);
    expectGold(gold.rsRows, changed, ['2024-04', '2024-05', '2024-06']);
  });

  test("Spark's DESCRIBE HISTORY and delta-rs show the commits with our engineInfo and run ids", async () => {
    const history = await spark.sql(`DESCRIBE HISTORY delta.\`${tablePath(SILVER)}\``);
    const versions = history.map((h) => h.version as number);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(versions.at(-1)).toBe(0);
    expect(versions.length).toBeGreaterThanOrEqual(3);
    for (const h of history) {
      expect(h).toMatchObject({
        operation: 'WRITE',
        engineInfo: expect.stringMatching(/^strava-lakehouse\//),
        operationParameters: { mode: 'Overwrite', partitionBy: '["month"]' },
      });
    }
    expect(history.find((h) => h.version === BACKFILL_COMMITS)).toMatchObject({
      readVersion: BACKFILL_COMMITS - 1,
      isBlindAppend: false,
      operationParameters: { predicate: `["month = '2024-04'"]` },
    });

    const rs = await deltaRs(tablePath(SILVER));
    expect(rs.history.map((h) => h.version)).toEqual(versions);
    const runIds = rs.history.map((h) => h.runId).reverse();
    expect(runIds.slice(0, BACKFILL_COMMITS + 1)).toEqual([
      ...Array<string>(BACKFILL_COMMITS).fill('backfill'),
      'deletion',
    ]);
    // May was replaced by one of the racers (the crashed run never committed to silver).
    expect(runIds.slice(BACKFILL_COMMITS + 1)).toHaveLength(1);
    expect(['race-0', 'race-1']).toContain(runIds.at(-1));
  });
});

describe('a table with more than ten commits', () => {
  test('is checkpointed and reads the same in both, also with the early commits removed', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-lakehouse-cp-'));
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-lakehouse-cp-copy-'));
    try {
      const months = monthRange('2024-01', '2024-12');
      for (const month of months) await runIn(athlete, root, { month });
      const log = path.join(root, SILVER.path, '_delta_log');
      expect(fs.existsSync(path.join(log, '00000000000000000010.checkpoint.parquet'))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(log, '_last_checkpoint'), 'utf8'))).toMatchObject(
        { version: 10 },
      );

      const history = await spark.sql(`DESCRIBE HISTORY delta.\`${tablePath(SILVER, root)}\``);
      expect(history.map((h) => h.version)).toEqual(months.map((_, i) => 11 - i));

      const full = await readAll(SILVER, root);
      expect(full.rs.version).toBe(11);
      expect(full.rsRows).toEqual(full.ours.rows);
      expect(full.spRows).toEqual(full.ours.rows);
      expect(full.ours.rows.length).toBeGreaterThan(150);

      fs.cpSync(root, copy, { recursive: true });
      for (const def of [BRONZE, SILVER, GOLD]) {
        const copyLog = path.join(copy, def.path, '_delta_log');
        for (let v = 0; v < 10; v++)
          fs.rmSync(path.join(copyLog, `${String(v).padStart(20, '0')}.json`));
      }
      for (const def of [SILVER, GOLD]) {
        const trimmed = await readAll(def, copy);
        const original = await tableState(new FolderStore(root), def);
        expect(trimmed.rs.version, def.path).toBe(11);
        expect(trimmed.rsRows, def.path).toEqual(original.rows);
        expect(trimmed.spRows, def.path).toEqual(original.rows);
        expect(trimmed.ours.rows, def.path).toEqual(original.rows);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
