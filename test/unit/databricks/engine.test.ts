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
import { writeCommit } from '../../../src/lakehouse/delta/log.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { ENGINE_PROPERTY } from '../../../src/lakehouse/table-properties.js';
import { BRONZE, SILVER, type TableDef } from '../../../src/lakehouse/tables.js';
import { runPipeline } from '../../../src/pipeline.js';
import { silentProgress } from '../../../src/progress.js';
import { runRecordKey, type RunRecord } from '../../../src/runs/record.js';
import { pipelineConfig, runIn } from '../../support/pipeline.js';
import { athlete, warehouse } from '../pipeline/harness.js';
import { recordedActivities, RECORDED_MONTH } from '../landing/recorded.js';
import { FakeDriver } from './fake-driver.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const DATABRICKS = {
  host: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
  httpPath: '/sql/1.0/warehouses/abc123',
  token: 'dapi-test',
  catalog: 'main',
  schema: 'strava',
  tableLocation: 'external',
} as const;

function setup(
  tableLocation: 'external' | 'managed' = 'external',
  onStatement: (statement: string) => void = () => {},
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-engine-'));
  dirs.push(root);
  const store = new FolderStore(root);
  const config = {
    databricks: { ...DATABRICKS, tableLocation },
  } as PipelineConfig;
  const driver = new FakeDriver({
    rows: (s) => {
      onStatement(s);
      return s.includes('MERGE INTO') ? [{ num_affected_rows: 7 }] : [];
    },
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

/** A table the embedded engine wrote (`commits` versions, no rows), under the warehouse. */
async function embeddedTable(store: FolderStore, def: TableDef, commits: number) {
  const table = new DeltaTable(store, def);
  for (let i = 0; i < commits; i++) {
    await table.commit(() => ({ add: [], remove: [] }), { operation: 'WRITE' });
  }
}

/** The engine property of a table, read straight from its files (a synchronous look). */
function engineNow(root: string, def: TableDef): string | undefined {
  const dir = path.join(root, def.path, '_delta_log');
  if (!fs.existsSync(dir)) return undefined;
  let engine: string | undefined;
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n')) {
      const meta = (JSON.parse(line) as { metaData?: { configuration: Record<string, string> } })
        .metaData;
      if (meta) engine = meta.configuration[ENGINE_PROPERTY];
    }
  }
  return engine;
}

describe('DatabricksEngine', () => {
  it('runs the month on the warehouse and reports statements, changed months and versions', async () => {
    const { root, store, engine, driver } = setup();
    await embeddedTable(store, SILVER, 3);
    const result = await engine.process([landing()], { runId: 'run-1', force: false });

    // Version 3 is the hand-over (the engine property), before the first statement.
    expect(result.before).toEqual({ bronze: null, silver: 2, gold: null });
    expect(result.after).toEqual({ bronze: null, silver: 3, gold: null });
    expect(engine.handedOver).toEqual(['silver/activities']);
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
    const { store, engine, driver } = setup('managed');
    await embeddedTable(store, SILVER, 1);
    expect(await engine.preflight()).toEqual({ bronze: null, silver: null, gold: null });
    await engine.process([landing()], { runId: 'run-1', force: false });
    expect(driver.executed[1]?.statement).not.toMatch(/^LOCATION/m);
    // Managed tables live in Unity Catalog's storage: nothing under the warehouse is taken over.
    expect(engine.handedOver).toEqual([]);
    expect(await engine.tableProtocols()).toEqual([]);
  });

  it("takes over the embedded engine's tables before its first statement, once", async () => {
    const seen: (string | undefined)[] = [];
    const { root, store, engine, driver } = setup('external', () =>
      seen.push(engineNow(root, SILVER)),
    );
    await embeddedTable(store, BRONZE, 1);
    await embeddedTable(store, SILVER, 1);
    expect(engineNow(root, SILVER)).toBe('embedded');
    await engine.process([landing()], { runId: 'run-1', force: false });
    expect(seen.length).toBe(driver.executed.length);
    expect(new Set(seen)).toEqual(new Set(['databricks']));
    expect(engine.handedOver).toEqual(['bronze/activities', 'silver/activities']);
    // A second month in the same engine: no second hand-over commit.
    const versions = await engine.preflight();
    await engine.process([landing()], { runId: 'run-1', force: false });
    expect(await engine.preflight()).toEqual(versions);
  });

  it("reads each table's protocol from its log after a run", async () => {
    const { store, engine } = setup();
    await embeddedTable(store, SILVER, 1);
    await engine.process([landing()], { runId: 'run-1', force: false });
    expect(await engine.tableProtocols()).toEqual([
      {
        table: 'silver/activities',
        minReaderVersion: 1,
        minWriterVersion: 2,
        readerFeatures: [],
        embeddedReads: true,
      },
    ]);
    // What a SQL warehouse may do on its own: deletion vectors, then a feature nobody reads.
    const upgrade = async (readerFeatures: string[]) => {
      const snap = (await new DeltaTable(store, SILVER).snapshot())!;
      await writeCommit(store, SILVER.path, snap.version + 1, [
        { commitInfo: { timestamp: 0, operation: 'UPGRADE PROTOCOL', operationParameters: {} } },
        {
          protocol: {
            minReaderVersion: 3,
            minWriterVersion: 7,
            readerFeatures,
            writerFeatures: readerFeatures,
          },
        },
      ]);
    };
    await upgrade(['deletionVectors']);
    expect(await engine.tableProtocols()).toMatchObject([
      { minReaderVersion: 3, readerFeatures: ['deletionVectors'], embeddedReads: true },
    ]);
    await upgrade(['deletionVectors', 'variantType']);
    expect(await engine.tableProtocols()).toMatchObject([
      { readerFeatures: ['deletionVectors', 'variantType'], embeddedReads: false },
    ]);
  });

  it("puts the hand-over and every table's protocol on the run's own record", async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: '2024-01', to: '2024-02' });
    const { driver } = setup();
    const config = {
      ...pipelineConfig(a, dir, { month: '2024-03' }),
      engine: 'databricks' as const,
      databricks: DATABRICKS,
    };
    const { records } = await runPipeline(config, {
      fetch: a.fetch,
      store,
      databricks: { client: driver.client },
    });
    expect(records.map((r) => [r.month, r.engine])).toEqual([['2024-03', 'databricks']]);
    const [own] = records;
    expect(own?.handedOver).toEqual([
      'bronze/activities',
      'silver/activities',
      'gold/monthly_summary',
    ]);
    expect(own?.tableProtocols?.map((p) => [p.table, p.minReaderVersion, p.embeddedReads])).toEqual(
      [
        ['bronze/activities', 1, true],
        ['silver/activities', 1, true],
        ['gold/monthly_summary', 1, true],
      ],
    );
    const saved = JSON.parse(
      new TextDecoder().decode((await store.get(runRecordKey('2024-03', own!.runId)))!),
    ) as RunRecord;
    expect(saved.tableProtocols).toEqual(own?.tableProtocols);
  });
});
