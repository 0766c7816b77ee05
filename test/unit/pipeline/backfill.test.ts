/**
 * A backfill is a range of months fetched in one sweep and processed in batches of months (one
 * set of commits per batch of about ROWS_IN_MEMORY rows): it must leave the same tables as
 * running the same months one by one, in any order, and as any other batch size.
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
import { ROWS_IN_MEMORY, batchesOf } from '../../../src/pipeline.js';
import { overriding } from '../../support/stores.js';

import { athlete, warehouse } from './harness.js';

describe('batchesOf', () => {
  test('cuts consecutive months into batches of at most the limit, a bigger month alone', () => {
    expect(batchesOf([3, 0, 5, 2, 9, 1], 5)).toEqual([[0, 1], [2], [3], [4], [5]]);
    expect(batchesOf([0, 0, 2, 3], 5)).toEqual([[0, 1, 2, 3]]);
    expect(batchesOf([], 5)).toEqual([]);
  });
});

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
    // One commit per table per batch of months.
    const batches = batchesOf(months.map((m) => activitiesIn(recorded, m).length)).length;
    expect(batches).toBeGreaterThan(1);
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([
      batches - 1,
      batches - 1,
      batches - 1,
    ]);

    const again = await runIn(a, dir, { from: '2017-10', to: '2025-10' });
    expect(again.records.every((r) => r.status === 'unchanged')).toBe(true);
    expect(await warehouseState(store)).toEqual(state);
  });

  test('any batch size leaves the same tables: one batch, the default, and a month a batch', async () => {
    const a = await athlete();
    const range = { from: '2023-01', to: '2024-12' };
    const states = [];
    for (const rowsInMemory of [Number.MAX_SAFE_INTEGER, ROWS_IN_MEMORY, 1]) {
      const { dir, store } = await warehouse();
      const { records } = await runIn(a, dir, range, { deps: { rowsInMemory } });
      expect(records.every((r) => r.status === 'ingested')).toBe(true);
      states.push(await warehouseState(store));
    }
    const [one, byDefault, perMonth] = states;
    expect(one!.silver.version).toBe(0);
    expect(perMonth!.silver.version).toBeGreaterThan(byDefault!.silver.version ?? -1);
    expect(contentOf(byDefault!)).toEqual(contentOf(one!));
    expect(contentOf(perMonth!)).toEqual(contentOf(one!));
    expect(one!.silver.rows.length).toBeGreaterThan(ROWS_IN_MEMORY / 10);
  });

  test('a landing file edited between landing and its batch is refused, and no later batch is written', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    // A budget of one row: no month's rows stay in memory, each batch reads its landing file
    // back, so an edit made after landing must be caught there.
    let edited = '';
    const editing = overriding(store, {
      get: async (key) => {
        if (!edited && key.startsWith('landing/activities/month=2024-03/')) {
          edited = key;
          const body = new TextDecoder().decode(await store.get(key));
          await store.put(key, body.replace(/\n(\d+),/, '\n999$1,'));
        }
        return store.get(key);
      },
    });
    const failure = await runIn(
      a,
      dir,
      { from: '2024-01', to: '2024-05' },
      { deps: { rowsInMemory: 1, store: editing } },
    ).catch((e: unknown) => e);
    expect(edited).not.toBe('');
    expect((failure as Error).message).toContain('does not match its content hash');
    const state = await warehouseState(store);
    expect(state.silver.rows.some((r) => String(r.month) >= '2024-03')).toBe(false);
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
