/**
 * The embedded engine's detail tables on a folder warehouse, read back by the Delta reader:
 * chunk writes, rewrites, idempotent re-writes, races of two engines, activities moved between
 * months or deleted, gear and zones, the detail state and the detail gold.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaProtocolError, QualityError } from '../../../src/errors.js';
import type { SilverSummary } from '../../../src/details/types.js';
import { archiveSummarySha256, summarySha256 } from '../../../src/details/summary-hash.js';
import { activitiesToCsv, parseLandingCsv } from '../../../src/landing/csv.js';
import { landingKey, sha256Hex } from '../../../src/landing/land.js';
import type { FolderStore } from '../../../src/landing/folder.js';
import { DeltaTable, type Row } from '../../../src/lakehouse/delta/table.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from '../../../src/lakehouse/detail-tables.js';
import { IDS_TAG, ROWS_TAG, rowsSha256 } from '../../../src/lakehouse/embedded-details.js';
import { EmbeddedEngine } from '../../../src/lakehouse/embedded.js';
import { longBounds } from '../../../src/lakehouse/id-bounds.js';
import type { TableDef } from '../../../src/lakehouse/tables.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import type { ActivityDetailRows } from '../../../src/details/types.js';
import { activityRows, gearRow, zoneRows } from '../../support/details.js';
import { activitiesIn } from '../../support/pipeline.js';
import { FIXTURES, tempWarehouse } from '../delta/support.js';

const ctx = { runId: 'test', force: false };
const PER_ACTIVITY = [ACTIVITY_DETAILS, LAPS, STREAMS];
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

type Cell = Row[string] | undefined;
const cmp = (x: Cell, y: Cell) => (x === y ? 0 : x! < y! ? -1 : 1);
function sorted(rows: Row[], keys: string[]): Row[] {
  return [...rows].sort((a, b) => {
    for (const k of keys) if (a[k] !== b[k]) return cmp(a[k], b[k]);
    return 0;
  });
}

/** A table's live rows, read by a fresh reader, sorted by its key; and its version. */
async function read(store: FolderStore, def: TableDef, keys = KEYS[def.path]!) {
  const table = new DeltaTable(store, def);
  const snap = await table.snapshot();
  return {
    version: snap?.version ?? null,
    files: snap?.files ?? [],
    rows: sorted(snap ? await table.readRows(snap.files) : [], keys),
  };
}

/** What the per-activity tables should hold after the given activities were written last. */
function expected(activities: ActivityDetailRows[]) {
  return {
    [ACTIVITY_DETAILS.path]: sorted(
      activities.map((a) => a.details),
      KEYS[ACTIVITY_DETAILS.path]!,
    ),
    [LAPS.path]: sorted(
      activities.flatMap((a) => a.laps),
      KEYS[LAPS.path]!,
    ),
    [STREAMS.path]: sorted(
      activities.flatMap((a) => a.streams),
      KEYS[STREAMS.path]!,
    ),
  };
}

async function expectTables(store: FolderStore, activities: ActivityDetailRows[]) {
  const want = expected(activities);
  for (const def of PER_ACTIVITY) {
    expect((await read(store, def)).rows, def.path).toEqual(want[def.path]);
  }
}

const versions = async (store: FolderStore) =>
  Promise.all(PER_ACTIVITY.map(async (def) => (await read(store, def)).version));

const A = () => [
  activityRows(3, '2024-05'),
  activityRows(1, '2024-05', { samples: 90, laps: 3 }),
  activityRows(2, '2024-06', { samples: 30 }),
];

describe('writeDetails', () => {
  test('one commit per table; the rows read back; files sorted, tagged and bounded by id', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    const chunk = A();
    const result = await engine.writeDetails(
      { activities: chunk, gear: [gearRow('b1', 'Bike')], zones: zoneRows() },
      ctx,
    );
    expect(result).toEqual({
      versions: {
        [ACTIVITY_DETAILS.path]: 0,
        [LAPS.path]: 0,
        [STREAMS.path]: 0,
        [GEAR.path]: 0,
        [ATHLETE_ZONES.path]: 0,
      },
      changedMonths: ['2024-05', '2024-06'],
    });
    await expectTables(store, chunk);
    expect((await read(store, GEAR)).rows).toEqual([gearRow('b1', 'Bike')]);
    expect((await read(store, ATHLETE_ZONES)).rows).toEqual(zoneRows());

    const streams = await read(store, STREAMS);
    const byMonth = Object.fromEntries(streams.files.map((f) => [f.partitionValues.month, f]));
    expect(Object.keys(byMonth).sort()).toEqual(['2024-05', '2024-06']);
    expect(byMonth['2024-05']!.tags?.[IDS_TAG]).toBe('1,3');
    expect(byMonth['2024-06']!.tags?.[IDS_TAG]).toBe('2');
    expect(byMonth['2024-05']!.tags?.[ROWS_TAG]).toMatch(/^[0-9a-f]{64}$/);
    expect(longBounds(byMonth['2024-05']!.stats, 'activity_id')).toEqual({ min: 1n, max: 3n });
    // Written in (activity_id, sample_index) order, so the file reads back in that order.
    const table = new DeltaTable(store, STREAMS);
    const may = await table.readRows([byMonth['2024-05']!], ['activity_id', 'sample_index']);
    expect(may).toEqual(sorted(may, ['activity_id', 'sample_index']));
    expect(may.length).toBe(150);
  });

  test('writing the same chunk again commits nothing', async () => {
    const store = tempWarehouse();
    const chunk = { activities: A(), gear: [gearRow('b1', 'Bike')], zones: zoneRows() };
    await new EmbeddedEngine(store).writeDetails(chunk, ctx);
    const again = await new EmbeddedEngine(store).writeDetails(
      { activities: A().reverse(), gear: [gearRow('b1', 'Bike')], zones: zoneRows() },
      ctx,
    );
    expect(again.changedMonths).toEqual([]);
    expect(Object.values(again.versions)).toEqual([null, null, null, null, null]);
    expect(await versions(store)).toEqual([0, 0, 0]);
    await expectTables(store, A());
  });

  test("a re-fetched activity's rows replace its old rows, the others' untouched", async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    const edited = activityRows(1, '2024-05', { edit: 1, samples: 20, laps: 1 });
    const result = await engine.writeDetails({ activities: [edited], gear: [] }, ctx);
    expect(result.changedMonths).toEqual(['2024-05']);
    expect(await versions(store)).toEqual([1, 1, 1]);
    await expectTables(store, [
      edited,
      activityRows(3, '2024-05'),
      activityRows(2, '2024-06', { samples: 30 }),
    ]);
    // The file that held 1 and 3 was rewritten with 3 only, and says so.
    const files = (await read(store, STREAMS)).files.filter(
      (f) => f.partitionValues.month === '2024-05',
    );
    expect(files.map((f) => f.tags?.[IDS_TAG]).sort()).toEqual(['1', '3']);

    // The first chunk again: not the rows the table holds now, so it is written.
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    expect(await versions(store)).toEqual([2, 2, 2]);
    await expectTables(store, A());
  });

  test('an activity written under another month leaves its old month', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    const moved = activityRows(3, '2024-07');
    const result = await engine.writeDetails({ activities: [moved], gear: [] }, ctx);
    expect(result.changedMonths).toEqual(['2024-05', '2024-07']);
    const now = [
      activityRows(1, '2024-05', { samples: 90, laps: 3 }),
      activityRows(2, '2024-06', { samples: 30 }),
      moved,
    ];
    await expectTables(store, now);
    const streams = await read(store, STREAMS);
    expect(
      streams.rows.filter((r) => r.activity_id === 3n).every((r) => r.month === '2024-07'),
    ).toBe(true);
  });

  test('a detail answered 404 or a manual activity: its laps and streams go', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    const gone = activityRows(1, '2024-05', { status: 'not_found' });
    const manual = activityRows(3, '2024-05', { samples: 0, laps: 0 });
    await engine.writeDetails({ activities: [gone, manual], gear: [] }, ctx);
    await expectTables(store, [gone, manual, activityRows(2, '2024-06', { samples: 30 })]);
    expect((await read(store, STREAMS)).rows.map((r) => r.activity_id)).toEqual(
      Array.from({ length: 30 }, () => 2n),
    );
  });

  test('rows that do not carry their activity id and month are refused before any write', async () => {
    const store = tempWarehouse();
    const bad = activityRows(1, '2024-05');
    bad.streams[5]!.month = '2024-06';
    await expect(
      new EmbeddedEngine(store).writeDetails({ activities: [bad], gear: [] }, ctx),
    ).rejects.toThrow(
      /silver\/streams: a row given for activity 1 \(2024-05\) has activity_id 1 and month 2024-06/,
    );
    const error = await new EmbeddedEngine(store)
      .writeDetails({ activities: [bad], gear: [] }, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QualityError);
    expect(await versions(store)).toEqual([null, null, null]);
  });

  test.each([2, 3])(
    '%i engines racing with the same chunk leave one copy of each row',
    async (n) => {
      const store = tempWarehouse();
      await Promise.all(
        Array.from({ length: n }, () =>
          new EmbeddedEngine(store).writeDetails(
            { activities: A(), gear: [gearRow('b1', 'Bike')] },
            ctx,
          ),
        ),
      );
      await expectTables(store, A());
      expect((await read(store, GEAR)).rows).toEqual([gearRow('b1', 'Bike')]);
    },
  );

  test("engines racing with different rows for the same ids: one writer's rows, once", async () => {
    const store = tempWarehouse();
    await new EmbeddedEngine(store).writeDetails({ activities: A(), gear: [] }, ctx);
    const one = [activityRows(1, '2024-05', { edit: 1 }), activityRows(2, '2024-06', { edit: 1 })];
    const two = [
      activityRows(1, '2024-06', { edit: 2, samples: 10 }),
      activityRows(2, '2024-06', { edit: 2 }),
    ];
    await Promise.all([
      new EmbeddedEngine(store).writeDetails({ activities: one, gear: [] }, ctx),
      new EmbeddedEngine(store).writeDetails({ activities: two, gear: [] }, ctx),
    ]);
    const details = (await read(store, ACTIVITY_DETAILS)).rows;
    const winner =
      details.find((r) => r.activity_id === 1n)!.description === 'activity 1 edit 1' ? one : two;
    await expectTables(store, [...winner, activityRows(3, '2024-05')]);
  });
});

describe('reconcileDetails', () => {
  const summary = (id: number, month: string): SilverSummary => ({
    id: BigInt(id),
    month,
    summarySha256: '',
    archiveSha256: '',
    manual: false,
    private: false,
    gearId: null,
    startDateLocal: 0n,
  });

  test('takes out deleted activities and the rows of an activity held under an old month', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    // 2 deleted on Strava; 3 moved to July (its details not fetched again yet).
    const months = await engine.reconcileDetails([summary(1, '2024-05'), summary(3, '2024-07')]);
    expect(months).toEqual(['2024-05', '2024-06']);
    await expectTables(store, [activityRows(1, '2024-05', { samples: 90, laps: 3 })]);
    expect(await versions(store)).toEqual([1, 1, 1]);

    expect(await engine.reconcileDetails([summary(1, '2024-05'), summary(3, '2024-07')])).toEqual(
      [],
    );
    expect(await versions(store)).toEqual([1, 1, 1]);
  });

  test('racing a chunk that writes the moved activity under its new month: one copy, there', async () => {
    const store = tempWarehouse();
    await new EmbeddedEngine(store).writeDetails({ activities: A(), gear: [] }, ctx);
    const moved = activityRows(3, '2024-07', { edit: 1 });
    await Promise.all([
      new EmbeddedEngine(store).reconcileDetails([summary(1, '2024-05'), summary(3, '2024-07')]),
      new EmbeddedEngine(store).writeDetails({ activities: [moved], gear: [] }, ctx),
    ]);
    await expectTables(store, [activityRows(1, '2024-05', { samples: 90, laps: 3 }), moved]);
  });

  test('nothing to take out: no commit', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: A(), gear: [] }, ctx);
    const all = [
      summary(1, '2024-05'),
      summary(2, '2024-06'),
      summary(3, '2024-05'),
      summary(4, '2024-08'),
    ];
    expect(await engine.reconcileDetails(all)).toEqual([]);
    expect(await versions(store)).toEqual([0, 0, 0]);
  });
});

describe('gear and zones', () => {
  test('gear is upserted by id; the same rows again commit nothing', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails(
      { activities: [], gear: [gearRow('b1', 'Bike'), gearRow('g1', 'Shoe')] },
      ctx,
    );
    const r = await engine.writeDetails(
      { activities: [], gear: [gearRow('b1', 'Bike 2', 5000), gearRow('b2', 'Gravel')] },
      ctx,
    );
    expect(r.versions[GEAR.path]).toBe(1);
    expect((await read(store, GEAR)).rows).toEqual([
      gearRow('b1', 'Bike 2', 5000),
      gearRow('b2', 'Gravel'),
      gearRow('g1', 'Shoe'),
    ]);
    const same = await engine.writeDetails(
      { activities: [], gear: [gearRow('b2', 'Gravel')] },
      ctx,
    );
    expect(same.versions[GEAR.path]).toBeNull();
  });

  test('zones replace the table when different, and only then', async () => {
    const store = tempWarehouse();
    const engine = new EmbeddedEngine(store);
    await engine.writeDetails({ activities: [], gear: [], zones: zoneRows() }, ctx);
    const same = await engine.writeDetails(
      { activities: [], gear: [], zones: zoneRows().reverse() },
      ctx,
    );
    expect(same.versions[ATHLETE_ZONES.path]).toBeNull();
    const other = await engine.writeDetails(
      { activities: [], gear: [], zones: zoneRows([0, 130]) },
      ctx,
    );
    expect(other.versions[ATHLETE_ZONES.path]).toBe(1);
    expect((await read(store, ATHLETE_ZONES)).rows).toEqual(zoneRows([0, 130]));
    // No zones given: the table is left alone.
    const none = await engine.writeDetails({ activities: [], gear: [] }, ctx);
    expect(none.versions[ATHLETE_ZONES.path]).toBeUndefined();
  });
});

/** The recorded athlete's May 2024 in silver. */
async function withSilver(store: FolderStore, month = '2024-05') {
  const engine = new EmbeddedEngine(store);
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
  return engine;
}

const RUN_A = 11532690306; // Run, 2024-05-30, shoe g17367794
const RUN_B = 11516552109; // Run, 2024-05-28
const SWIM = 11540988885; // Swim, 2024-05-31, no gear

test('detailState: silver summaries with their hashes, what was fetched, gear ids, zones time', async () => {
  const store = tempWarehouse();
  const engine = await withSilver(store);
  const empty = await engine.detailState();
  expect(empty.fetched.size).toBe(0);
  expect(empty.archived.size).toBe(0);
  expect(empty.gearIds.size).toBe(0);
  expect(empty.zonesFetchedAt).toBeUndefined();
  const may = activitiesIn(recordedActivities(), '2024-05');
  expect(empty.activities.map((a) => a.id).sort()).toEqual(may.map((a) => BigInt(a.id)).sort());

  const archived = activityRows(RUN_B, '2024-05', { summarySha256: 'def' });
  archived.details = { ...archived.details, status: 'archive' };
  await engine.writeDetails(
    {
      activities: [activityRows(RUN_A, '2024-05', { summarySha256: 'abc' }), archived],
      gear: [gearRow('g17367794', 'Shoe')],
      zones: zoneRows(),
    },
    ctx,
  );
  const state = await engine.detailState();
  expect(state.fetched).toEqual(
    new Map([
      [BigInt(RUN_B), 'def'],
      [BigInt(RUN_A), 'abc'],
    ]),
  );
  // The status column is read: only the row from the account export counts as archived.
  expect(state.archived).toEqual(new Set([BigInt(RUN_B)]));
  expect(state.gearIds).toEqual(new Set(['g17367794']));
  expect(state.zonesFetchedAt).toBe(Date.parse('2024-06-01T00:00:00Z'));
  const silver = new DeltaTable(store, SILVER);
  const rows = await silver.readRows((await silver.snapshot())!.files);
  const a = state.activities.find((x) => x.id === BigInt(RUN_A))!;
  const row = rows.find((r) => r.id === BigInt(RUN_A))!;
  expect(a).toEqual({
    id: BigInt(RUN_A),
    month: '2024-05',
    summarySha256: summarySha256(row),
    archiveSha256: archiveSummarySha256(row),
    manual: false,
    private: false,
    gearId: 'g17367794',
    startDateLocal: BigInt(Date.parse('2024-05-30T08:34:19Z')) * 1000n,
  });
});

test('refreshDetailGold: gear, time in zones and bests of the month; unchanged, no commit', async () => {
  const store = tempWarehouse();
  const engine = await withSilver(store);
  await engine.writeDetails(
    {
      activities: [
        activityRows(RUN_A, '2024-05', { best1km: 300 }),
        activityRows(RUN_B, '2024-05', { best1km: 300, heartrate: null, best5min: 210 }),
        activityRows(SWIM, '2024-05', { heartrate: null }),
      ],
      gear: [gearRow('g17367794', 'Shoe')],
      zones: zoneRows(),
    },
    ctx,
  );
  expect(await engine.refreshDetailGold(['2024-05'], ctx)).toEqual(['2024-05']);

  const runs = activitiesIn(recordedActivities(), '2024-05')
    .filter((a) => a.gear_id === 'g17367794')
    .sort((x, y) => x.id - y.id);
  expect((await read(store, GOLD_GEAR)).rows).toEqual([
    {
      month: '2024-05',
      gear_id: 'g17367794',
      gear_name: 'Shoe',
      sport_type: 'Run',
      activity_count: BigInt(runs.length),
      distance: runs.reduce((s, a) => s + a.distance, 0),
      moving_time: BigInt(runs.reduce((s, a) => s + a.moving_time, 0)),
    },
  ]);
  // RUN_A: 60 samples a second apart at 100..159 bpm, the last counting 1 s.
  expect(
    (await read(store, GOLD_HR_ZONES)).rows.map((r) => [r.sport_type, r.zone_index, r.seconds]),
  ).toEqual([
    ['Run', 1n, 20n],
    ['Run', 2n, 30n],
    ['Run', 3n, 10n],
    ['Run', 4n, 0n],
  ]);
  expect((await read(store, GOLD_BESTS)).rows).toEqual([
    {
      month: '2024-05',
      sport_type: 'Run',
      effort: '1km',
      value: 300,
      unit: 's',
      activity_id: BigInt(RUN_B),
    },
    {
      month: '2024-05',
      sport_type: 'Run',
      effort: '5min',
      value: 210,
      unit: 'W',
      activity_id: BigInt(RUN_B),
    },
  ]);

  const before = await Promise.all(
    [GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS].map((d) => read(store, d)),
  );
  expect(await engine.refreshDetailGold(undefined, ctx)).toEqual([]);
  const after = await Promise.all(
    [GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS].map((d) => read(store, d)),
  );
  expect(after.map((t) => t.version)).toEqual(before.map((t) => t.version));

  // RUN_B re-fetched with a better 1 km: only bests change.
  await engine.writeDetails(
    { activities: [activityRows(RUN_B, '2024-05', { best1km: 290, heartrate: null })], gear: [] },
    ctx,
  );
  expect(await engine.refreshDetailGold(['2024-05'], ctx)).toEqual(['2024-05']);
  const bests = await read(store, GOLD_BESTS);
  expect(bests.rows.map((r) => [r.effort, r.value, r.activity_id])).toEqual([
    ['1km', 290, BigInt(RUN_B)],
  ]);
  expect((await read(store, GOLD_GEAR)).version).toBe(before[0]!.version);
});

test('preflight refuses a detail table this writer must not write, before any write', async () => {
  const store = tempWarehouse();
  await fs.cp(
    path.join(FIXTURES, 'table-with-dv-small', '_delta_log'),
    path.join(store.root, STREAMS.path, '_delta_log'),
    { recursive: true },
  );
  await expect(new EmbeddedEngine(store).preflight()).rejects.toBeInstanceOf(DeltaProtocolError);
});

test('rowsSha256 tells apart null, types, cell and row boundaries, and long text', () => {
  const h = (rows: Row[]) => rowsSha256(rows, ['a', 'b']);
  const variants: Row[][] = [
    [{ a: null, b: 'x' }],
    [{ a: '', b: 'x' }],
    [{ a: 'null', b: 'x' }],
    [{ a: 1n, b: 'x' }],
    [{ a: 1, b: 'x' }],
    [{ a: true, b: 'x' }],
    [{ a: 'ab', b: 'c' }],
    [{ a: 'a', b: 'bc' }],
    [
      { a: 'a', b: 'b' },
      { a: 'c', b: null },
    ],
    [
      { a: 'a', b: 'b' },
      { a: null, b: 'c' },
    ],
    [{ a: 'x'.repeat(70_000), b: 'é' }],
    [{ a: 'x'.repeat(70_000), b: 'e' }],
  ];
  const hashes = variants.map(h);
  expect(new Set(hashes).size).toBe(variants.length);
  // A missing cell is null; the same rows hash the same.
  expect(h([{ b: 'x' }])).toBe(hashes[0]);
  expect(h(structuredClone(variants[10]!))).toBe(hashes[10]);
});
