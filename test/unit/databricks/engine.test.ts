import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../../src/config.js';
import { QualityError } from '../../../src/errors.js';
import { activitiesToCsv, parseLandingCsv } from '../../../src/landing/csv.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { landingKey, sha256Hex } from '../../../src/landing/land.js';
import { DatabricksEngine } from '../../../src/lakehouse/databricks/engine.js';
import type { MonthLanding } from '../../../src/lakehouse/engine.js';
import { silentProgress } from '../../../src/progress.js';
import { recordedActivities, RECORDED_MONTH } from '../landing/recorded.js';
import { FakeDriver } from './fake-driver.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(tableLocation: 'external' | 'managed' = 'external') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-engine-'));
  dirs.push(root);
  const store = new FolderStore(root);
  const config = {
    databricks: {
      host: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      httpPath: '/sql/1.0/warehouses/abc123',
      token: 'dapi-test',
      catalog: 'main',
      schema: 'strava',
      tableLocation,
    },
  } as PipelineConfig;
  const driver = new FakeDriver({
    rows: (s) => (s.includes('MERGE INTO') ? [{ num_affected_rows: 7 }] : []),
  });
  const engine = new DatabricksEngine(
    config,
    store,
    { progress: silentProgress },
    { client: driver.client },
  );
  return { root, store, driver, engine };
}

function landing(activities = recordedActivities()): MonthLanding {
  const csv = activitiesToCsv(activities);
  const bytes = new TextEncoder().encode(csv);
  const key = landingKey(RECORDED_MONTH, bytes);
  return { month: RECORDED_MONTH, key, sha256: sha256Hex(bytes), rows: parseLandingCsv(csv, key) };
}

/** A Delta log as Databricks leaves it under an external table's LOCATION. */
function writeLog(root: string, table: string, versions: number[]) {
  const dir = path.join(root, table, '_delta_log');
  fs.mkdirSync(dir, { recursive: true });
  for (const v of versions)
    fs.writeFileSync(path.join(dir, `${String(v).padStart(20, '0')}.json`), '{}\n');
}

describe('DatabricksEngine', () => {
  it('runs the month on the warehouse and reports statements, changed months and versions', async () => {
    const { root, engine, driver } = setup();
    writeLog(root, 'silver/activities', [0, 1, 2]);
    const result = await engine.process([landing()], { runId: 'run-1', force: false });

    expect(result.before).toEqual({ bronze: null, silver: 2, gold: null });
    expect(result.statements?.map((s) => s.file)).toEqual([
      'sql/00_create_schema.sql',
      'sql/01_create_bronze.sql',
      'sql/02_create_silver.sql',
      'sql/03_create_gold.sql',
      'sql/10_copy_into_bronze.sql',
      'sql/20_merge_silver.sql',
      'sql/30_gold.sql',
    ]);
    expect(result.changedMonths).toEqual(['2018-11', '2018-12']);
    // Gold is merged against all of silver: no months to name.
    expect(driver.executed.at(-1)?.options?.namedParameters).toEqual({
      gold: '`main`.`strava`.`gold_monthly_summary`',
      silver: '`main`.`strava`.`silver_activities`',
    });
    expect(driver.executed[4]?.statement).toContain(
      `FROM '${root}/landing/activities/month=2018-11'`,
    );
  });

  it('stops at the quality gate before connecting', async () => {
    const { engine, driver } = setup();
    const [first, ...rest] = recordedActivities();
    const bad = landing([first!, { ...first!, name: 'the same id again' }, ...rest]);
    await expect(engine.process([bad], { runId: 'run-1', force: false })).rejects.toThrow(
      QualityError,
    );
    expect(driver.connected).toHaveLength(0);
  });

  it('reports no versions for Unity Catalog managed tables, whose logs it cannot see', async () => {
    const { root, engine, driver } = setup('managed');
    writeLog(root, 'silver/activities', [0]);
    expect(await engine.preflight()).toEqual({ bronze: null, silver: null, gold: null });
    await engine.process([landing()], { runId: 'run-1', force: false });
    expect(driver.executed[1]?.statement).not.toMatch(/^LOCATION/m);
  });
});
