/**
 * A backfill is a range of months fetched in one sweep and processed in one set of commits: it
 * must leave the same tables as running the same months one by one, in any order.
 */
import { describe, expect, test } from 'vitest';
import { recordedActivities } from '../../../src/simulator/index.js';
import { monthRange } from '../../../src/strava/months.js';
import {
  activitiesIn,
  contentOf,
  expectGold,
  idsOf,
  logVersions,
  runIn,
  warehouseState,
} from '../../support/pipeline.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import { athlete, warehouse } from './harness.js';

describe('backfill', () => {
  test('the whole recorded history: every activity once in its local month, gold summed per month', async () => {
    const recorded = recordedActivities();
    const a = await athlete();
    const { dir, store } = await warehouse();

    const { records } = await runIn(a, dir, { from: '2017-10', to: '2025-10' });

    const months = monthRange('2017-10', '2025-10');
    expect(records.map((r) => r.month)).toEqual(months);
    expect(records.every((r) => r.status === 'ingested')).toBe(true);
    expect(records.map((r) => r.activities)).toEqual(
      months.map((m) => activitiesIn(recorded, m).length),
    );
    // One sweep: every record counts the same requests, far fewer than one sweep per month.
    expect(new Set(records.map((r) => r.stravaRequests)).size).toBe(1);
    expect(records[0]!.stravaRequests).toBeLessThan(months.length);

    const state = await warehouseState(store);
    expect(idsOf(state.silver.rows)).toEqual(idsOf(recorded));
    for (const row of state.silver.rows) {
      const activity = recorded.find((x) => x.id === row.id)!;
      expect(row.month).toBe(activity.start_date_local.slice(0, 7));
    }
    expect(Object.keys(state.silver.filesPerMonth).sort()).toEqual(months);
    expect(state.bronze.rows).toHaveLength(recorded.length);
    expectGold(state.gold.rows, recorded, months);
    // One commit per table for the whole range.
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);

    const again = await runIn(a, dir, { from: '2017-10', to: '2025-10' });
    expect(again.records.every((r) => r.status === 'unchanged')).toBe(true);
    expect(await warehouseState(store)).toEqual(state);
  });

  test.each([
    ['in order', false],
    ['newest first', true],
  ])('equals month-by-month runs of the same months (%s)', async (_label, reverse) => {
    const months = monthRange('2023-11', '2024-06');
    const a = await athlete();
    const backfilled = await warehouse();
    const monthly = await warehouse();

    await runIn(a, backfilled.dir, { from: months[0]!, to: months.at(-1)! });
    for (const month of reverse ? [...months].reverse() : months) {
      await runIn(a, monthly.dir, { month });
    }

    const b = await warehouseState(backfilled.store);
    const m = await warehouseState(monthly.store);
    expect(contentOf(m)).toEqual(contentOf(b));
    expect(b.silver.rows.length).toBeGreaterThan(100);
    // Month by month makes one silver commit per month, contiguous.
    expect(await logVersions(monthly.store, SILVER)).toEqual(months.map((_, i) => i));
  });
});
