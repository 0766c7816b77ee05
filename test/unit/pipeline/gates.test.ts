/**
 * The gates in front of the tables, end to end: a landing file changed after landing, duplicate
 * activity ids, and a table whose Delta protocol this writer must not touch. Each fails with a
 * message naming the file, the ids or the table and feature, and writes nothing.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaProtocolError, QualityError } from '../../../src/errors.js';
import { EmbeddedEngine } from '../../../src/lakehouse/embedded.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { activitiesToCsv, parseLandingCsv } from '../../../src/landing/csv.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import {
  activitiesIn,
  bundleCli,
  cliEnv,
  dataFilesOnStorage,
  filesUnder,
  runCli,
  runIn,
  warehouseState,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/delta-tables');
const TABLES = [BRONZE, SILVER, GOLD];

describe('the landing hash check', () => {
  test('a landing file edited by hand fails the run, naming it, before any table is written', async () => {
    const month = '2024-04';
    const a = await athlete();
    // Learn the name this month lands under, then plant an edited file there in a new warehouse.
    const scratch = await warehouse();
    const { records } = await runIn(a, scratch.dir, { month });
    const key = records[0]!.landing.key;
    const original = new TextDecoder().decode(await scratch.store.get(key));
    const { dir, store } = await warehouse();
    const edited = original.replace(',5060.9,', ',5000,');
    expect(edited).not.toBe(original);
    await store.put(key, edited);

    const failure = await runIn(a, dir, { month }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(store.uri(key));
    expect((failure as Error).message).toContain('does not match its content hash');
    for (const t of TABLES) expect(await store.list(`${t.path}/`)).toEqual([]);
    expect(await store.list('_runs/')).toEqual([]);

    // The hint: delete the file and re-run.
    await store.delete(key);
    const rerun = await runIn(a, dir, { month });
    expect(rerun.records[0]!.status).toBe('ingested');
    expect(new TextDecoder().decode(await store.get(key))).toBe(original);
  });

  test('an edited landing file of a month already in the tables fails a forced re-run, leaving the tables', async () => {
    const month = '2024-04';
    const a = await athlete();
    const { dir, store } = await warehouse();
    const { records } = await runIn(a, dir, { month });
    const before = await warehouseState(store);
    const key = records[0]!.landing.key;
    const text = new TextDecoder().decode(await store.get(key));
    expect(text).toContain(',5060.9,');
    await store.put(key, text.replace(',5060.9,', ',5000,'));

    await expect(runIn(a, dir, { month }, { force: true })).rejects.toThrow(
      'does not match its content hash',
    );
    expect(await warehouseState(store)).toEqual(before);
  });
});

describe('the quality gate', () => {
  const month = '2024-04';
  const landingOf = (rows: Record<string, string>[]) => ({
    month,
    key: `landing/activities/month=${month}/activities-crafted.csv`,
    sha256: 'c'.repeat(64),
    rows,
  });
  const realRows = () =>
    parseLandingCsv(activitiesToCsv(activitiesIn(recordedActivities(), month)), 'crafted');

  // The simulator keys activities by id (as Strava does), and the client de-duplicates pages,
  // so duplicates can only reach the engine through a landing file: crafted here.
  test('duplicate ids fail naming them, and nothing is written to a new warehouse', async () => {
    const { store } = await warehouse();
    const rows = realRows();
    const engine = new EmbeddedEngine(store);

    const failure = await engine
      .process([landingOf([...rows, rows[3]!, rows[7]!])], { runId: 'dup', force: false })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(QualityError);
    const message = (failure as QualityError).message;
    expect(message).toContain('duplicate activity ids');
    expect(message).toContain(rows[3]!.id);
    expect(message).toContain(rows[7]!.id);
    expect(await store.list('')).toEqual([]);
  });

  test('duplicate ids leave existing tables and storage exactly as they were', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month });
    const before = await warehouseState(store);
    const files = await Promise.all(TABLES.map((t) => dataFilesOnStorage(store, t)));
    const rows = realRows();

    await expect(
      new EmbeddedEngine(store).process([landingOf([...rows, rows[0]!])], {
        runId: 'dup',
        force: true,
      }),
    ).rejects.toThrow(`duplicate activity ids ${rows[0]!.id}`);

    expect(await warehouseState(store)).toEqual(before);
    expect(await Promise.all(TABLES.map((t) => dataFilesOnStorage(store, t)))).toEqual(files);
  });
});

describe('the protocol gate', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleCli();
  });
  afterAll(async () => {
    if (bundle) await fs.rm(bundle, { recursive: true, force: true });
  });

  test.each([
    [
      'table-with-dv-small',
      'reader version 3 / writer version 7 with table features deletionVectors',
    ],
    // Column mapping predates table features: the legacy versions say it.
    [
      'table_with_column_mapping',
      'reader version 2 / writer version 5 with table features columnMapping',
    ],
  ])(
    'silver with the protocol of %s: run fails naming the table and "%s", writing nothing',
    async (fixture, requirement) => {
      const a = await athlete();
      const { dir } = await warehouse();
      const log = path.join(dir, SILVER.path, '_delta_log');
      await fs.cp(path.join(FIXTURES, fixture, '_delta_log'), log, { recursive: true });
      const planted = await filesUnder(dir);

      const result = await runCli(
        bundle,
        ['run', '--month', '2024-04', '--lookback', '0', '--warehouse', dir],
        cliEnv(a),
      );

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^error: silver\/activities requires Delta /);
      expect(lines.at(-1)).toContain(requirement);
      expect(lines.at(-1)).toContain('A warehouse belongs to one engine');
      // Refused before Strava was asked and before anything was landed or recorded.
      expect(a.sim.state.requests).toEqual([]);
      expect(await filesUnder(dir)).toEqual(planted);
    },
  );

  test('in process: DeltaProtocolError, and the token file untouched', async () => {
    const a = await athlete();
    const { dir } = await warehouse();
    await fs.cp(
      path.join(FIXTURES, 'table-with-dv-small', '_delta_log'),
      path.join(dir, SILVER.path, '_delta_log'),
      { recursive: true },
    );
    await expect(runIn(a, dir, { month: '2024-04' })).rejects.toBeInstanceOf(DeltaProtocolError);
    await expect(fs.stat(a.tokenFile)).rejects.toThrow(/ENOENT/);
  });
});
