/**
 * The same lakehouse checks as lakehouse-folder.test.ts on an S3 warehouse (the moto server),
 * read back by delta-rs over S3. Spark is left out here: reading s3a:// needs hadoop-aws and the
 * AWS SDK jars, which the oracles do not install; Spark's reading of the very same files is
 * covered on the folder warehouse.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { S3Store } from '../../src/landing/s3.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import type { RunRecord } from '../../src/runs/record.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { batchesOf } from '../../src/pipeline.js';
import { monthRange } from '../../src/strava/months.js';
import { SPARK_TYPE, type StravaActivity } from '../../src/strava/schema.js';
import { createBucket, motoEndpoint, motoEnv, useMotoCredentials } from '../support/moto.js';
import { deltaRs } from '../support/oracles.js';
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
const recorded = recordedActivities();

let athlete: Athlete;
let uri: string;
let store: S3Store;
let backfill: RunRecord[];

beforeAll(async () => {
  useMotoCredentials();
  uri = `s3://${await createBucket('lakehouse')}/warehouse`;
  store = new S3Store(uri, { endpoint: motoEndpoint() });
  athlete = await startAthlete();
  ({ records: backfill } = await runIn(
    athlete,
    uri,
    { from: MONTHS[0]!, to: MONTHS.at(-1)! },
    { s3Endpoint: motoEndpoint(), deps: { runId: 'backfill' } },
  ));
});

afterAll(async () => {
  await athlete?.close();
});

/** delta-rs over S3 and the engine's own reader, rows sorted alike. */
async function readBoth(def: TableDef, on: S3Store = store) {
  const [rs, ours] = await Promise.all([
    deltaRs(on.uri(def.path), motoEndpoint()),
    tableState(on, def),
  ]);
  return { rs, ours, rows: sortedBy(rs.rows, ROW_KEYS[def.path]!) };
}

async function expectSilver(expected: StravaActivity[]) {
  const view = await readBoth(SILVER);
  expect(view.rows).toEqual(view.ours.rows);
  expect(idsOf(view.rows)).toEqual(idsOf(expected));
  const byId = new Map(expected.map((a) => [a.id, a]));
  for (const row of view.rows) {
    const a = byId.get(row.id as number)!;
    expect(row.start_date, `${a.id}`).toBe(Date.parse(a.start_date) * 1000);
    expect(row.name, `${a.id}`).toBe(a.name);
    expect(row.distance, `${a.id}`).toBe(a.distance);
  }
  for (const month of MONTHS) {
    expect(idsOf(view.rows.filter((r) => r.month === month)), month).toEqual(
      idsOf(activitiesIn(expected, month)),
    );
  }
  return view;
}

describe('the backfill of the recorded athlete on S3', () => {
  test('silver: every activity once in its local month, typed, partitioned by month', async () => {
    const view = await expectSilver(recorded);
    expect(view.rs.version).toBe(BACKFILL_COMMITS - 1);
    expect(view.rs.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(view.rs.metadata.partitionColumns).toEqual(['month']);
    expect(view.rs.schema).toEqual(
      SILVER.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
    );
    const perMonth = view.rs.files
      .map((f) => [f.partitionValues.month, f.numRecords])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(perMonth).toEqual(MONTHS.map((m) => [m, activitiesIn(recorded, m).length]));
  });

  test('bronze and gold', async () => {
    const bronze = await readBoth(BRONZE);
    expect(bronze.rows).toEqual(bronze.ours.rows);
    expect(bronze.rows).toHaveLength(recorded.length);
    expect(new Set(bronze.rows.map((r) => r._landing_file))).toEqual(
      new Set(backfill.filter((r) => r.activities).map((r) => r.landing.key)),
    );
    const gold = await readBoth(GOLD);
    expect(gold.rows).toEqual(gold.ours.rows);
    expectGold(gold.rows, recorded, MONTHS);
  });
});

describe('after re-runs, changes, a crash and a race on S3', () => {
  test('delta-rs sees the same, correct silver and gold, and every commit', async () => {
    const bundle = await bundleCli();
    const deleted = 11126692561;
    const edited = 11439607313;
    const changed = recorded
      .filter((a) => a.id !== deleted)
      .map((a) => (a.id === edited ? { ...a, name: 'Edited on Strava', distance: 21400.5 } : a));
    const second = await startAthlete(changed);
    const s3 = { s3Endpoint: motoEndpoint() };
    try {
      for (let i = 0; i < 2; i++) await runIn(athlete, uri, { month: '2024-04' }, s3);
      athlete.sim.deleteActivity(deleted);
      athlete.sim.editActivity(edited, { name: 'Edited on Strava', distance: 21400.5 });
      await runIn(athlete, uri, { month: '2024-04' }, { ...s3, deps: { runId: 'deletion' } });
      const killed = await runCli(
        bundle,
        ['run', '--month', '2024-05', '--warehouse', uri],
        cliEnv(athlete, motoEnv()),
        { crashBeforeCommit: SILVER.path },
      );
      expect(killed.signal).toBe('SIGKILL');
      await Promise.all(
        [athlete, second].map((a, i) =>
          runIn(a, uri, { month: '2024-05' }, { ...s3, deps: { runId: `race-${i}` } }),
        ),
      );
    } finally {
      await second.close();
      await fs.rm(bundle, { recursive: true, force: true });
    }

    const silver = await expectSilver(changed);
    const runIds = silver.rs.history.map((h) => h.runId).reverse();
    expect(runIds).toEqual([
      ...Array<string>(BACKFILL_COMMITS).fill('backfill'),
      'deletion',
      expect.stringMatching(/^race-[01]$/),
    ]);
    expect(silver.rs.history.every((h) => h.engineInfo?.startsWith('strava-lakehouse/'))).toBe(
      true,
    );
    const gold = await readBoth(GOLD);
    expect(gold.rows).toEqual(gold.ours.rows);
    expectGold(gold.rows, changed, ['2024-04', '2024-05', '2024-06']);
  });
});

describe('a checkpointed table on S3', () => {
  test('delta-rs reads it the same, also with the commits before the checkpoint removed', async () => {
    const root = `s3://${await createBucket('lakehouse-cp')}/warehouse`;
    const cp = new S3Store(root, { endpoint: motoEndpoint() });
    for (const month of monthRange('2024-01', '2024-12')) {
      await runIn(athlete, root, { month }, { s3Endpoint: motoEndpoint() });
    }
    expect(
      await cp.head(`${SILVER.path}/_delta_log/00000000000000000010.checkpoint.parquet`),
    ).toBeDefined();
    const before = await readBoth(SILVER, cp);
    expect(before.rs.version).toBe(11);
    expect(before.rows).toEqual(before.ours.rows);

    for (let v = 0; v < 10; v++) {
      await cp.delete(`${SILVER.path}/_delta_log/${String(v).padStart(20, '0')}.json`);
    }
    const after = await readBoth(SILVER, cp);
    expect(after.rs.version).toBe(11);
    expect(after.rows).toEqual(before.ours.rows);
    expect(after.ours.rows).toEqual(before.ours.rows);
  });
});
