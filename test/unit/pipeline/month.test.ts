/**
 * `run --month` end to end on a folder warehouse, the recorded athlete served over real HTTP by
 * the simulator: what one run writes, that re-runs change nothing, that --force redoes the month,
 * and that deletions and edits on Strava reach silver and gold.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ObjectStore } from '../../../src/landing/store.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import {
  activitiesIn,
  activitiesInMonths,
  contentOf,
  dataFilesOnStorage,
  expectGold,
  idsOf,
  logVersions,
  runIn,
  warehouseState,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';

const TABLES = [BRONZE, SILVER, GOLD];

async function storageFiles(store: ObjectStore) {
  return Promise.all(TABLES.map((t) => dataFilesOnStorage(store, t)));
}

describe('one month', () => {
  test('writes bronze, silver and gold for exactly the local month, typed', async () => {
    const recorded = recordedActivities();
    const month = '2020-06';
    const expected = activitiesIn(recorded, month);
    // Local June, UTC July: local-month semantics put it here.
    expect(expected.map((a) => a.id)).toContain(3698831381);
    const a = await athlete();
    const { dir, store } = await warehouse();

    const { records } = await runIn(a, dir, { month });

    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({
      month,
      status: 'ingested',
      activities: expected.length,
      tables: { before: { bronze: null, silver: null, gold: null } },
    });
    expect(record!.tables.after).toEqual({ bronze: 0, silver: 0, gold: 0 });
    expect(record!.landing.key).toMatch(
      new RegExp(`^landing/activities/month=${month}/activities-[0-9a-f]{16}\\.csv$`),
    );

    const silver = new DeltaTable(store, SILVER);
    const snap = (await silver.snapshot())!;
    expect(snap.files.map((f) => f.partitionValues.month)).toEqual([month]);
    const rows = await silver.readRows(snap.files);
    expect(idsOf(rows)).toEqual(expected.map((x) => x.id).sort((x, y) => x - y));
    for (const activity of expected) {
      const row = rows.find((r) => r.id === BigInt(activity.id))!;
      expect(row).toMatchObject({
        month,
        name: activity.name,
        sport_type: activity.sport_type,
        timezone: activity.timezone,
        start_date: BigInt(Date.parse(activity.start_date)) * 1000n,
        start_date_local: BigInt(Date.parse(activity.start_date_local)) * 1000n,
        distance: activity.distance,
        moving_time: BigInt(activity.moving_time),
        elapsed_time: BigInt(activity.elapsed_time),
        average_heartrate: activity.average_heartrate ?? null,
        trainer: activity.trainer,
        private: activity.private,
        gear_id: activity.gear_id ?? null,
      });
    }

    const state = await warehouseState(store);
    expect(state.bronze.rows).toHaveLength(expected.length);
    expect(new Set(state.bronze.rows.map((r) => r._landing_file))).toEqual(
      new Set([record!.landing.key]),
    );
    expect(new Set(state.bronze.rows.map((r) => r._run_id))).toEqual(new Set([record!.runId]));
    // Gold covers the month and the one after; July has no silver rows yet, so no gold rows.
    expect(new Set(state.gold.rows.map((r) => r.month))).toEqual(new Set([month]));
    expectGold(state.gold.rows, expected, [month]);
    // June's gold has no previous month in silver: the change columns are null.
    expect(state.gold.rows.every((r) => r.prev_activity_count === null)).toBe(true);
  });

  test('re-running changes nothing: no commits, no files, status unchanged; even without run records', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    const month = '2024-04';
    await runIn(a, dir, { month });
    const first = await warehouseState(store);
    const files = await storageFiles(store);

    for (let i = 0; i < 3; i++) {
      const { records } = await runIn(a, dir, { month });
      expect(records[0]!.status).toBe('unchanged');
      expect(records[0]!.landing.reused).toBe(true);
      expect(records[0]!.tables.after).toEqual({ bronze: 0, silver: 0, gold: 0 });
    }
    // The run records are only a fast path: without them the tables alone must be idempotent.
    await fs.rm(path.join(dir, '_runs'), { recursive: true });
    const { records } = await runIn(a, dir, { month });
    expect(records[0]!.status).toBe('unchanged');

    expect(await warehouseState(store)).toEqual(first);
    expect(await storageFiles(store)).toEqual(files);
    for (const t of TABLES) expect(await logVersions(store, t)).toEqual([0]);
    expect(first.silver.rows).toHaveLength(new Set(idsOf(first.silver.rows)).size);
  });

  test('--force redoes the month: new silver and gold commits, the same content', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    const month = '2024-04';
    await runIn(a, dir, { month });
    const before = await warehouseState(store);

    const { records } = await runIn(a, dir, { month }, { force: true });
    expect(records[0]).toMatchObject({ status: 'ingested', forced: true });
    const after = await warehouseState(store);
    // Bronze takes a landing file once, forced or not.
    expect(after.bronze.version).toBe(before.bronze.version);
    expect(after.silver.version).toBe(before.silver.version! + 1);
    expect(after.gold.version).toBe(before.gold.version! + 1);
    expect(after.silver.files).not.toEqual(before.silver.files);
    expect(contentOf(after)).toEqual(contentOf(before));

    const again = await runIn(a, dir, { month });
    expect(again.records[0]!.status).toBe('unchanged');
    expect(await warehouseState(store)).toEqual(after);
  });
});

describe('changes on Strava', () => {
  test('a deletion and an edit reach silver and gold (the next month too); bronze keeps both landings', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-04' });
    await runIn(a, dir, { month: '2024-05' });
    const before = await warehouseState(store);
    const landingOf = (month: string) =>
      before.bronze.rows.find((r) => r.month === month)!._landing_file as string;
    const firstLanding = landingOf('2024-04');

    const data = recordedActivities();
    const deleted = 11126692561; // the 42.8 km run of 2024-04
    const edited = 11302441122;
    a.sim.deleteActivity(deleted);
    a.sim.editActivity(edited, { name: 'Renamed on Strava', distance: 16500.5 });
    const changed = activitiesInMonths(data, ['2024-04', '2024-05'])
      .filter((x) => x.id !== deleted)
      .map((x) => (x.id === edited ? { ...x, name: 'Renamed on Strava', distance: 16500.5 } : x));

    const { records } = await runIn(a, dir, { month: '2024-04' });
    expect(records[0]!.status).toBe('ingested');
    expect(records[0]!.landing.key).not.toBe(firstLanding);
    expect(records[0]!.activities).toBe(activitiesIn(data, '2024-04').length - 1);

    const after = await warehouseState(store);
    const april = after.silver.rows.filter((r) => r.month === '2024-04');
    expect(idsOf(april)).toEqual(idsOf(activitiesIn(changed, '2024-04')));
    expect(april.find((r) => r.id === edited)).toMatchObject({
      name: 'Renamed on Strava',
      distance: 16500.5,
    });
    expect(after.silver.filesPerMonth['2024-04']).toBe(1);
    // May's silver partition is untouched; its gold change columns follow April's new totals.
    expect(after.silver.rows.filter((r) => r.month === '2024-05')).toEqual(
      before.silver.rows.filter((r) => r.month === '2024-05'),
    );
    expectGold(after.gold.rows, changed, ['2024-04', '2024-05']);
    const mayRun = after.gold.rows.find((r) => r.month === '2024-05' && r.sport_type === 'Run')!;
    const mayRunBefore = before.gold.rows.find(
      (r) => r.month === '2024-05' && r.sport_type === 'Run',
    )!;
    expect(mayRun.prev_activity_count).toBe((mayRunBefore.prev_activity_count as number) - 1);

    const landings = [...new Set(after.bronze.rows.map((r) => r._landing_file))];
    expect(landings.sort()).toEqual(
      [firstLanding, records[0]!.landing.key, landingOf('2024-05')].sort(),
    );
    expect(after.bronze.rows).toHaveLength(
      before.bronze.rows.length + activitiesIn(changed, '2024-04').length,
    );
    const landed = await store.list('landing/activities/month=2024-04/');
    expect(landed.map((o) => o.key).sort()).toEqual([firstLanding, records[0]!.landing.key].sort());
  });

  test('a month whose last activity was deleted loses its silver partition and its gold rows', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: '2019-12', to: '2020-02' });
    const before = await warehouseState(store);
    expect(before.silver.filesPerMonth['2020-01']).toBe(1);
    expect(before.gold.rows.find((r) => r.month === '2020-02')!.prev_activity_count).toBe(1);

    a.sim.deleteActivity(3001966236); // the one activity of 2020-01
    const { records } = await runIn(a, dir, { month: '2020-01' });
    expect(records[0]).toMatchObject({ status: 'ingested', activities: 0 });

    const after = await warehouseState(store);
    expect(after.silver.filesPerMonth['2020-01']).toBeUndefined();
    expect(after.silver.rows.filter((r) => r.month === '2020-01')).toEqual([]);
    expect(after.gold.rows.filter((r) => r.month === '2020-01')).toEqual([]);
    expect(after.gold.filesPerMonth['2020-01']).toBeUndefined();
    const changed = activitiesInMonths(recordedActivities(), ['2019-12', '2020-02']);
    expectGold(after.gold.rows, changed, ['2019-12', '2020-02']);

    const again = await runIn(a, dir, { month: '2020-01' });
    expect(again.records[0]!.status).toBe('unchanged');
    expect(await warehouseState(store)).toEqual(after);
  });

  test('an empty month records 0 activities, writes no silver rows, and re-runs unchanged', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    const month = '2017-09'; // before the athlete's first activity

    const { records } = await runIn(a, dir, { month });
    expect(records[0]!.activities).toBe(0);
    const landing = await store.get(records[0]!.landing.key);
    expect(new TextDecoder().decode(landing).trim().split('\n')).toHaveLength(1);
    const state = await warehouseState(store);
    expect(state.silver.rows).toEqual([]);
    expect(state.gold.rows).toEqual([]);
    expect(state.bronze.rows).toEqual([]);
    // Bronze still remembers the landing file, so it is never taken twice.
    const bronze = (await new DeltaTable(store, BRONZE).snapshot())!;
    expect([...bronze.txns.keys()]).toEqual([`strava-lakehouse:${records[0]!.landing.key}`]);

    const again = await runIn(a, dir, { month });
    expect(again.records[0]).toMatchObject({ status: 'unchanged', activities: 0 });
    expect(await warehouseState(store)).toEqual(state);
  });
});
