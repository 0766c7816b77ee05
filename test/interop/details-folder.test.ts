/**
 * The detail tables the embedded engine writes (silver/activity_details, laps, streams, gear,
 * athlete_zones and the three detail gold tables), read back by delta-rs and by Spark with
 * Delta Lake after chunk writes, a re-fetch, a removal by reconcile and the gold refresh; and
 * delta-rs skipping streams files by activity_id from their statistics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ActivityDetailRows } from '../../src/details/types.js';
import { activitiesToCsv, parseLandingCsv } from '../../src/landing/csv.js';
import { FolderStore } from '../../src/landing/folder.js';
import { landingKey, sha256Hex } from '../../src/landing/land.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  DETAIL_TABLES,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from '../../src/lakehouse/detail-tables.js';
import { EmbeddedEngine } from '../../src/lakehouse/embedded.js';
import type { TableDef } from '../../src/lakehouse/tables.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { SPARK_TYPE } from '../../src/strava/schema.js';
import { activityRows, gearRow, zoneRows } from '../support/details.js';
import { SparkOracle, deltaRs, runPython, SPARK_SQL_TYPE } from '../support/oracles.js';
import { activitiesIn, plain, sortedBy } from '../support/pipeline.js';

const MONTHS = ['2024-05', '2024-06'];
const SAMPLES = 400;
const ctx = { runId: 'interop-details', force: false };
const KEYS: Record<string, string[]> = {
  [ACTIVITY_DETAILS.path]: ['activity_id'],
  [LAPS.path]: ['activity_id', 'lap_index'],
  [STREAMS.path]: ['activity_id', 'sample_index'],
  [GEAR.path]: ['id'],
  [ATHLETE_ZONES.path]: ['zone_type', 'zone_index'],
  [GOLD_GEAR.path]: ['month', 'gear_id', 'sport_type'],
  [GOLD_HR_ZONES.path]: ['month', 'sport_type', 'zone_index'],
  [GOLD_BESTS.path]: ['month', 'sport_type', 'effort'],
};
let spark: SparkOracle;
let dir: string;
/** The activities whose details are written, ascending ids, with their final rows. */
let written: ActivityDetailRows[];

/** Two activities a chunk, in id order, so each chunk's streams file has tight id bounds. */
async function writeWarehouse(): Promise<ActivityDetailRows[]> {
  const engine = new EmbeddedEngine(new FolderStore(dir));
  for (const month of MONTHS) {
    const csv = activitiesToCsv(activitiesIn(recordedActivities(), month));
    const bytes = new TextEncoder().encode(csv);
    await engine.process(
      [
        {
          month,
          key: landingKey(month, bytes),
          sha256: sha256Hex(bytes),
          rows: parseLandingCsv(csv, month),
        },
      ],
      ctx,
    );
  }
  const chosen = MONTHS.flatMap((m) =>
    activitiesIn(recordedActivities(), m)
      .sort((a, b) => a.id - b.id)
      .slice(0, 6)
      .map((a) => ({ a, m })),
  );
  const rows = chosen.map(({ a, m }, i) =>
    activityRows(a.id, m, {
      samples: SAMPLES + i,
      heartrate: a.sport_type === 'Swim' ? null : (s) => 100 + ((s + i) % 90),
      best1km: a.sport_type === 'Run' ? 240 + i : null,
      best5min: a.sport_type === 'Run' ? 200 + i : null,
    }),
  );
  // A detail row of an activity silver does not have (deleted on Strava since): reconcile drops it.
  const ghost = activityRows(1, '2024-05', { samples: 10 });
  for (let i = 0; i < rows.length; i += 2) {
    await engine.writeDetails(
      {
        activities: rows.slice(i, i + 2),
        gear: i === 0 ? [gearRow('g17367794', 'Trail shoe')] : [],
        ...(i === 0 ? { zones: zoneRows() } : {}),
      },
      ctx,
    );
  }
  await engine.writeDetails({ activities: [ghost], gear: [gearRow('b1', 'Bike')] }, ctx);
  // One activity re-fetched with other rows.
  const refetched = activityRows(chosen[2]!.a.id, chosen[2]!.m, {
    samples: 123,
    edit: 7,
    best1km: 199,
  });
  rows[2] = refetched;
  await engine.writeDetails({ activities: [refetched], gear: [] }, ctx);
  await engine.reconcileDetails((await engine.detailState()).activities);
  await engine.refreshDetailGold(undefined, ctx);
  return rows;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-details-'));
  [spark, written] = await Promise.all([SparkOracle.start(), writeWarehouse()]);
});

afterAll(async () => {
  await spark?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function readAll(def: TableDef) {
  const uri = path.join(dir, def.path);
  const keys = KEYS[def.path]!;
  const table = new DeltaTable(new FolderStore(dir), def);
  const snap = await table.snapshot();
  const [rs, sp, ours] = await Promise.all([
    deltaRs(uri),
    spark.read(uri),
    table.readRows(snap!.files),
  ]);
  return {
    rs,
    sp,
    version: snap!.version,
    ours: sortedBy(plain(ours), keys),
    rsRows: sortedBy(rs.rows, keys),
    spRows: sortedBy(sp.rows, keys),
  };
}

describe.each(DETAIL_TABLES.map((def) => [def.path, def] as const))('%s', (_, def) => {
  test('delta-rs and Spark read the rows the engine wrote, with its schema', async () => {
    const view = await readAll(def);
    expect(view.ours.length).toBeGreaterThan(0);
    expect(view.rsRows).toEqual(view.ours);
    expect(view.spRows).toEqual(view.ours);
    expect(view.rs.version).toBe(view.version);
    expect(view.rs.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(view.rs.metadata.partitionColumns).toEqual([...def.partitionColumns]);
    expect(view.rs.schema).toEqual(
      def.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
    );
    expect(view.sp.schema.map((f) => [f.name, f.type])).toEqual(
      def.columns.map((c) => [c.name, SPARK_SQL_TYPE[c.type]]),
    );
  });
});

test('the per-activity tables hold each written activity once, the re-fetched one as re-fetched', async () => {
  const ids = written.map((a) => Number(a.activityId));
  const details = await readAll(ACTIVITY_DETAILS);
  expect(details.rsRows.map((r) => r.activity_id)).toEqual(ids);
  const streams = await readAll(STREAMS);
  expect(streams.rsRows).toEqual(
    sortedBy(plain(written.flatMap((a) => a.streams)), KEYS[STREAMS.path]!),
  );
  const laps = await readAll(LAPS);
  expect(laps.spRows).toEqual(sortedBy(plain(written.flatMap((a) => a.laps)), KEYS[LAPS.path]!));
  expect(streams.rsRows.filter((r) => r.activity_id === ids[2]).length).toBe(123);
});

test('delta-rs skips streams files by activity_id: one id scans one file of many', async () => {
  const ids = written.map((a) => Number(a.activityId));
  const answer = await runPython<{
    files: number;
    scans: { value: number; files: number; rows: number }[];
  }>('delta_rs_skipping.py', {
    uri: path.join(dir, STREAMS.path),
    column: 'activity_id',
    values: [...ids, 1],
  });
  expect(answer.files).toBeGreaterThanOrEqual(6);
  for (const [i, scan] of answer.scans.slice(0, -1).entries()) {
    expect(scan.files, `activity ${scan.value}`).toBe(1);
    expect(scan.rows, `activity ${scan.value}`).toBe(written[i]!.streams.length);
  }
  // The deleted activity: no file may hold it.
  expect(answer.scans.at(-1)).toEqual({ value: 1, files: 0, rows: 0 });
});
