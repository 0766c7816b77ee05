/**
 * Killed at every step, then re-run. A child process runs the pipeline (child-run.ts) on a
 * warehouse that already holds April, for May, and kills itself with SIGKILL at one boundary:
 * after the token refresh, after landing, before and after each table's commit, before the run
 * record. Nothing gets to clean up. Then the month is re-run in this process, and the warehouse
 * must equal one clean run into a fresh warehouse: the same rows, ids and values, the same live
 * files byte for byte (bronze, whose rows name their run, compared without that lineage), the
 * same log versions; the crash's data files are still there and referenced by no commit.
 * Strava rotates the refresh token on every refresh, so the re-run only works with the token
 * the killed run saved.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BRONZE, GOLD, SILVER } from '../../src/lakehouse/tables.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { LeakScan } from '../support/faults.js';
import { deltaRs } from '../support/oracles.js';
import {
  activitiesInMonths,
  contentOf,
  idsOf,
  orphanFiles,
  pipelineConfig,
  runIn,
  warehouseState,
  type Athlete,
  type WarehouseState,
} from '../support/pipeline.js';
import {
  BOUNDARIES,
  TABLE_DEFS,
  committedBefore,
  uncommittedFilesOf,
  type TableName,
} from './support/boundaries.js';
import { bundleChild, runChild } from './support/child.js';
import {
  athlete,
  expectWholeLog,
  liveFileDigests,
  warehouse,
  type Warehouse,
  type WarehouseKind,
} from './support/harness.js';

const BEFORE = '2024-04';
const MONTH = '2024-05';
const TABLES: TableName[] = ['bronze', 'silver', 'gold'];

let bundle: string;
beforeAll(async () => {
  bundle = await bundleChild();
});
afterAll(async () => {
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
});

const run = (a: Athlete, wh: Warehouse, month: string) =>
  runIn(a, wh.uri, { month }, { s3Endpoint: wh.s3Endpoint });

interface Reference {
  state: WarehouseState;
  digests: Record<'silver' | 'gold', Record<string, string[]>>;
}

async function digestsOf(wh: Warehouse) {
  return {
    silver: await liveFileDigests(wh.store, SILVER),
    gold: await liveFileDigests(wh.store, GOLD),
  };
}

describe.each<WarehouseKind>(['folder', 's3'])('on a %s warehouse', (kind) => {
  let reference: Reference;
  beforeAll(async () => {
    // One clean run of each month into a fresh warehouse: what every crashed warehouse must become.
    const a = await athlete();
    const wh = await warehouse(kind);
    await run(a, wh, BEFORE);
    await run(a, wh, MONTH);
    reference = { state: await warehouseState(wh.store), digests: await digestsOf(wh) };
  });

  test.each(BOUNDARIES)('killed at %s, then re-run', async (boundary) => {
    const a = await athlete();
    const wh = await warehouse(kind);
    await run(a, wh, BEFORE);
    const before = await warehouseState(wh.store);
    const tokenBefore = (await fs.readFile(a.tokenFile, 'utf8')).trim();

    const killed = await runChild(bundle, pipelineConfig(a, wh.uri, { month: MONTH }, wh), {
      crashAt: boundary,
      env: wh.env,
    });

    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.marker?.boundary).toBe(boundary);
    // The killed run's refresh rotated the token, and what it saved is what Strava now accepts.
    const saved = (await fs.readFile(a.tokenFile, 'utf8')).trim();
    expect(saved).not.toBe(tokenBefore);
    expect(saved).toBe(a.sim.state.refreshToken);

    const crashed = await warehouseState(wh.store);
    const committed = committedBefore(boundary);
    for (const t of TABLES) {
      expect(crashed[t].version, t).toBe(before[t].version! + (committed.includes(t) ? 1 : 0));
      if (!committed.includes(t)) expect(crashed[t], t).toEqual(before[t]);
    }
    const landed = await wh.store.list(`landing/activities/month=${MONTH}/`);
    expect(landed.length).toBe(boundary === 'after-token' ? 0 : 1);
    expect(await wh.store.list(`_runs/month=${MONTH}/`)).toEqual([]);
    const orphans = Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, await orphanFiles(wh.store, TABLE_DEFS[t])])),
    ) as Record<TableName, string[]>;
    const uncommitted = uncommittedFilesOf(boundary);
    for (const t of TABLES) {
      if (t === uncommitted) {
        expect(orphans[t].length, t).toBeGreaterThan(0);
        expect(
          orphans[t].every((f) => f.startsWith(`month=`)),
          t,
        ).toBe(true);
      } else {
        expect(orphans[t], t).toEqual([]);
      }
    }

    const rerun = await run(a, wh, MONTH);

    // The re-run authenticated with the token the killed run saved (the first one is dead).
    const tokenCalls = a.sim.state.requests.filter((r) => r.path === '/oauth/token');
    expect(tokenCalls.at(-1)).toMatchObject({ refreshToken: saved, status: 200 });
    const finishedByCrash = boundary === 'after-gold-commit' || boundary === 'before-run-record';
    expect(rerun.records.map((r) => [r.month, r.status])).toEqual([
      [MONTH, finishedByCrash ? 'unchanged' : 'ingested'],
    ]);
    const state = await warehouseState(wh.store);
    expect(contentOf(state)).toEqual(contentOf(reference.state));
    for (const t of TABLES) expect(state[t].version, t).toBe(reference.state[t].version);
    for (const t of TABLES) await expectWholeLog(wh.store, TABLE_DEFS[t]);
    expect(idsOf(state.silver.rows)).toEqual(
      idsOf(activitiesInMonths(recordedActivities(), [BEFORE, MONTH])),
    );
    expect(await digestsOf(wh)).toEqual(reference.digests);
    expect(await wh.store.list(`_runs/month=${MONTH}/`)).toHaveLength(1);
    // The crash's files are still on storage, never referenced, and nothing new was orphaned.
    for (const t of TABLES)
      expect(await orphanFiles(wh.store, TABLE_DEFS[t]), t).toEqual(orphans[t]);
    if (uncommitted) {
      // An independent reader agrees: delta-rs sees the committed files only.
      const def = TABLE_DEFS[uncommitted];
      const seen = await deltaRs(wh.store.uri(def.path), wh.s3Endpoint);
      expect(seen.version).toBe(state[uncommitted].version);
      expect(seen.files.map((f) => decodeURI(f.path)).sort()).toEqual(
        state[uncommitted].files.map((f) => decodeURI(f)).sort(),
      );
      expect(seen.rows).toHaveLength(state[uncommitted].rows.length);
    }

    const scan = new LeakScan();
    scan.secret(...a.secrets(), ...killed.tokens);
    scan.text('child stdout', killed.stdout);
    scan.text('child stderr', killed.stderr);
    await scan.store(wh.store);
    expect(scan.hits()).toEqual([]);
  });
});

describe.each<WarehouseKind>(['folder', 's3'])(
  'a backfill in batches, on a %s warehouse',
  (kind) => {
    // A budget of one row makes every month a batch of its own: a crash can then hit inside the
    // first batch or between the first and the second.
    const RANGE = { from: '2024-01', to: '2024-04' };
    const backfill = (a: Athlete, wh: Warehouse) =>
      runIn(a, wh.uri, RANGE, { s3Endpoint: wh.s3Endpoint, deps: { rowsInMemory: 1 } });
    let reference: WarehouseState;
    beforeAll(async () => {
      const wh = await warehouse(kind);
      await backfill(await athlete(), wh);
      reference = await warehouseState(wh.store);
    });

    test.each(['before-silver-commit', 'after-gold-commit'] as const)(
      'killed at the first batch’s %s, then re-run',
      async (boundary) => {
        const a = await athlete();
        const wh = await warehouse(kind);
        const killed = await runChild(bundle, pipelineConfig(a, wh.uri, RANGE, wh), {
          crashAt: boundary,
          env: wh.env,
          rowsInMemory: 1,
        });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        const crashed = await warehouseState(wh.store);
        // The first batch (January) is all or partly in; no later month reached silver.
        expect(crashed.silver.rows.every((r) => r.month === RANGE.from)).toBe(true);

        const rerun = await backfill(a, wh);

        expect(rerun.records.map((r) => r.status)).toEqual([
          boundary === 'after-gold-commit' ? 'unchanged' : 'ingested',
          'ingested',
          'ingested',
          'ingested',
        ]);
        const state = await warehouseState(wh.store);
        expect(contentOf(state)).toEqual(contentOf(reference));
        for (const t of TABLES) expect(state[t].version, t).toBe(reference[t].version);
        for (const t of TABLES) await expectWholeLog(wh.store, TABLE_DEFS[t]);
        expect(idsOf(state.silver.rows)).toEqual(
          idsOf(
            activitiesInMonths(recordedActivities(), ['2024-01', '2024-02', '2024-03', '2024-04']),
          ),
        );
      },
    );
  },
);

test('the boundaries cover every step in order', () => {
  expect(BOUNDARIES.map((b) => [b, committedBefore(b).join('+'), uncommittedFilesOf(b)])).toEqual([
    ['after-token', '', undefined],
    ['after-landing', '', undefined],
    ['before-bronze-commit', '', 'bronze'],
    ['after-bronze-commit', 'bronze', undefined],
    ['before-silver-commit', 'bronze', 'silver'],
    ['after-silver-commit', 'bronze+silver', undefined],
    ['before-gold-commit', 'bronze+silver', 'gold'],
    ['after-gold-commit', 'bronze+silver+gold', undefined],
    ['before-run-record', 'bronze+silver+gold', undefined],
  ]);
  expect([BRONZE, SILVER, GOLD]).toEqual(TABLES.map((t) => TABLE_DEFS[t]));
});
