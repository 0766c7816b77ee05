/**
 * The pipeline on an S3 warehouse (the moto server): the same tables as a folder warehouse,
 * idempotent re-runs, changes on Strava, races settled by S3 conditional puts (in one process
 * and as CLI processes), and a CLI killed between data files and commit.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FolderStore } from '../../src/landing/folder.js';
import { S3Store } from '../../src/landing/s3.js';
import { DETAIL_TABLES, STREAMS } from '../../src/lakehouse/detail-tables.js';
import { BRONZE, GOLD, SILVER } from '../../src/lakehouse/tables.js';
import type { RunRecord } from '../../src/runs/record.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { createBucket, motoEndpoint, motoEnv, useMotoCredentials } from '../support/moto.js';
import {
  activitiesIn,
  bundleCli,
  cliEnv,
  contentOf,
  dataFilesOnStorage,
  expectCleanLogs,
  idsOf,
  orphanFiles,
  recordingProgress,
  runCli,
  runIn,
  startAthlete,
  tableState,
  warehouseState,
  type Athlete,
} from '../support/pipeline.js';
import { ARCHIVE_ACTIVITIES } from '../../src/lakehouse/archive-table.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let bundle: string;
beforeAll(async () => {
  useMotoCredentials();
  bundle = await bundleCli();
});
afterAll(async () => {
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
});

async function athlete(activities?: Parameters<typeof startAthlete>[0]): Promise<Athlete> {
  const a = await startAthlete(activities);
  cleanups.push(() => a.close());
  return a;
}

/** A fresh bucket: the warehouse URI and a store on it. */
async function s3Warehouse(label: string) {
  const uri = `s3://${await createBucket(label)}/lakehouse`;
  return { uri, store: new S3Store(uri, { endpoint: motoEndpoint() }) };
}

async function folderWarehouse() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-s3cmp-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return { dir, store: new FolderStore(dir) };
}

const onS3 = (a: Athlete, uri: string, range: Parameters<typeof runIn>[2], force = false) =>
  runIn(a, uri, range, { s3Endpoint: motoEndpoint(), force });

const TABLES = [BRONZE, SILVER, GOLD];

/** A normal run prints no warning: none of Node's, none of the AWS SDK's (an unsupported Node, a body of unknown length). */
function expectNoWarnings(stderr: string) {
  expect(stderr.split('\n').filter((l) => /warn|deprecat|unknown length/i.test(l))).toEqual([]);
}

describe('a month on S3', () => {
  test('writes the same tables as a folder, and re-runs change nothing', async () => {
    const a = await athlete();
    const { uri, store } = await s3Warehouse('month');
    const folder = await folderWarehouse();

    const { records } = await onS3(a, uri, { month: '2024-04' });
    await runIn(a, folder.dir, { month: '2024-04' });

    expect(records[0]).toMatchObject({ status: 'ingested', activities: 16 });
    expect(records[0]!.landing.key).toMatch(/^landing\/activities\/month=2024-04\//);
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await warehouseState(folder.store)));
    expect(idsOf(state.silver.rows)).toEqual(idsOf(activitiesIn(recordedActivities(), '2024-04')));
    const files = await Promise.all(TABLES.map((t) => dataFilesOnStorage(store, t)));

    for (let i = 0; i < 2; i++) {
      const again = await onS3(a, uri, { month: '2024-04' });
      expect(again.records[0]!.status).toBe('unchanged');
    }
    expect(await warehouseState(store)).toEqual(state);
    expect(await Promise.all(TABLES.map((t) => dataFilesOnStorage(store, t)))).toEqual(files);
    expect((await store.list('_runs/month=2024-04/')).length).toBe(3);
  });

  test('a deletion and an edit reach silver and gold; --force redoes the month', async () => {
    const a = await athlete();
    const { uri, store } = await s3Warehouse('changes');
    await onS3(a, uri, { from: '2024-04', to: '2024-05' });
    a.sim.deleteActivity(11126692561);
    a.sim.editActivity(11302441122, { name: 'Renamed on Strava', distance: 16500.5 });

    const { records } = await onS3(a, uri, { month: '2024-04' });

    expect(records[0]!.status).toBe('ingested');
    const state = await warehouseState(store);
    const april = state.silver.rows.filter((r) => r.month === '2024-04');
    expect(april.map((r) => r.id)).not.toContain(11126692561);
    expect(april.find((r) => r.id === 11302441122)).toMatchObject({
      name: 'Renamed on Strava',
      distance: 16500.5,
    });
    expect(state.silver.version).toBe(1);
    expect(new Set(state.bronze.rows.map((r) => r._landing_file)).size).toBe(3);

    const forced = await onS3(a, uri, { month: '2024-04' }, true);
    expect(forced.records[0]!.status).toBe('ingested');
    const after = await warehouseState(store);
    expect(after.silver.version).toBe(2);
    expect(contentOf(after)).toEqual(contentOf(state));
  });
});

describe('races on S3 conditional puts', () => {
  test('4 runs of the same month in one process', async () => {
    const racers = await Promise.all([1, 2, 3, 4].map(() => athlete()));
    const { uri, store } = await s3Warehouse('race');

    const runs = await Promise.all(
      racers.map(async (a, i) => {
        const progress = recordingProgress();
        await runIn(
          a,
          uri,
          { month: '2024-05' },
          {
            s3Endpoint: motoEndpoint(),
            deps: { runId: `race-${i}`, progress },
          },
        );
        return { runId: `race-${i}`, lines: progress.lines };
      }),
    );

    await expectCleanLogs(store, runs);
    const clean = await folderWarehouse();
    await runIn(racers[0]!, clean.dir, { month: '2024-05' });
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await warehouseState(clean.store)));
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
  });

  test('CLI processes running the same and the neighbouring month', async () => {
    const months = ['2024-05', '2024-04', '2024-05'];
    const racers = await Promise.all(months.map(() => athlete()));
    const { uri, store } = await s3Warehouse('race-cli');

    const results = await Promise.all(
      racers.map((a, i) =>
        runCli(
          bundle,
          ['run', '--month', months[i]!, '--lookback', '0', '--warehouse', uri, '--json'],
          cliEnv(a, motoEnv()),
        ),
      ),
    );

    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (const r of results) expectNoWarnings(r.stderr);
    await expectCleanLogs(
      store,
      results.map((r) => ({
        runId: (JSON.parse(r.stdout) as RunRecord).runId,
        lines: r.stderr.split('\n'),
      })),
    );
    const clean = await folderWarehouse();
    await runIn(racers[0]!, clean.dir, { month: '2024-04' });
    await runIn(racers[0]!, clean.dir, { month: '2024-05' });
    expect(contentOf(await warehouseState(store))).toEqual(
      contentOf(await warehouseState(clean.store)),
    );
  });
});

describe('a CLI killed between data files and commit on S3', () => {
  test.each([SILVER, GOLD])('before the $path commit: re-run ends as a clean run', async (def) => {
    const a = await athlete();
    const { uri, store } = await s3Warehouse('crash');
    const env = cliEnv(a, motoEnv());
    const args = ['run', '--month', '2024-05', '--lookback', '0', '--warehouse', uri];

    const killed = await runCli(bundle, args, env, { crashBeforeCommit: def.path });

    expect(killed.signal).toBe('SIGKILL');
    const orphans = await orphanFiles(store, def);
    expect(orphans.length).toBeGreaterThan(0);
    expect((await warehouseState(store))[def === SILVER ? 'silver' : 'gold'].version).toBeNull();

    const rerun = await runCli(bundle, args, env);
    expect(rerun.code, rerun.stderr).toBe(0);
    const clean = await folderWarehouse();
    await runIn(a, clean.dir, { month: '2024-05' });
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await warehouseState(clean.store)));
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
    expect(await orphanFiles(store, def)).toEqual(orphans);
  });
});

describe('the CLI on S3', () => {
  test('inspect reads the tables through AWS_ENDPOINT_URL_S3', async () => {
    const a = await athlete();
    const { uri, store } = await s3Warehouse('inspect');
    // With details (capped, within one window of the simulator's real limits): the detail
    // tables are written through S3's conditional puts too, and inspect lists them.
    await runIn(
      a,
      uri,
      { from: '2024-01', to: '2024-02' },
      { s3Endpoint: motoEndpoint(), details: true, maxRequests: 60 },
    );
    // Every table inspect lists; the account-export table stays uncreated by an API run.
    const defs = [BRONZE, SILVER, GOLD, ...DETAIL_TABLES, ARCHIVE_ACTIVITIES];
    const states = await Promise.all(defs.map((d) => tableState(store, d)));
    expect(states[defs.indexOf(STREAMS)]!.rows.length).toBeGreaterThan(0);

    const result = await runCli(
      bundle,
      ['inspect', '--warehouse', uri, '--json'],
      cliEnv(a, motoEnv()),
    );

    expect(result.code, result.stderr).toBe(0);
    expectNoWarnings(result.stderr);
    const info = JSON.parse(result.stdout) as {
      warehouse: string;
      tables: { table: string; version: number; rows: number; files: number }[];
    };
    expect(info.warehouse).toBe(uri);
    expect(info.tables.map((t) => [t.table, t.version, t.files, t.rows])).toEqual(
      defs.map((d, i) => [
        d.path,
        states[i]!.version,
        states[i]!.files.length,
        states[i]!.rows.length,
      ]),
    );
  });
});
