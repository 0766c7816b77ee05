/**
 * Graduating from the embedded engine to Databricks on the same tables, and back, with Spark 4
 * + Delta 4 standing in for the SQL warehouse (as in databricks-parity.test.ts).
 *
 * Warehouse W starts embedded: the real pipeline fills it (with details) from the simulator
 * serving the recorded athlete. Warehouse A is the reference: the embedded engine all along.
 * Delta refuses to register W's tables under sql/'s CREATE TABLE as they are
 * (DELTA_CREATE_TABLE_WITH_DIFFERENT_PROPERTY: sql/ declares the engine property databricks);
 * once taken over (migrateWarehouse, what the Databricks engine does before its first statement)
 * every CREATE of sql/ adopts its table, and the Databricks statements carry on where the
 * embedded engine stopped. The embedded engine then refuses W, until `migrate --to embedded`
 * hands it back; the embedded engine then writes over Spark's files. After every step W's
 * silver and gold equal A's, read by Spark, delta-rs and the embedded reader.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { FolderStore } from '../../src/landing/folder.js';
import {
  DetailPlanner,
  loadDetailSqlTexts,
} from '../../src/lakehouse/databricks/detail-statements.js';
import {
  loadSqlTexts,
  planStatements,
  qualifiedName,
  SQL_FILES,
  type Statement,
} from '../../src/lakehouse/databricks/statements.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { goldMonthsFor } from '../../src/lakehouse/gold.js';
import { ENGINE_TABLES, migrateWarehouse } from '../../src/lakehouse/migrate.js';
import { tableProperties } from '../../src/lakehouse/table-properties.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import type { RunRecord } from '../../src/runs/record.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { deltaRs } from '../support/oracles.js';
import {
  activitiesIn,
  plain,
  runIn,
  sortedBy,
  startAthlete,
  type Athlete,
  type Range,
} from '../support/pipeline.js';
import { runPlanOnSpark, SparkSql, SparkSqlError, type SparkValue } from '../support/spark-sql.js';

const CATALOG = 'spark_catalog';
const SCHEMA = 'strava_graduate';
const recorded = recordedActivities();
let spark: SparkSql;
let athlete: Athlete;
let scratch: string;
/** The reference: the embedded engine all along. */
let reference: FolderStore;
/** The warehouse that graduates: embedded, then Databricks (Spark), then embedded again. */
let graduate: FolderStore;
const loaded = new Map<string, { month: string; merge: Statement }>();

const KEYS: Record<string, string[]> = {
  [SILVER.path]: ['id'],
  [GOLD.path]: ['month', 'sport_type'],
};

/** The plan the Databricks engine sends for the reference's runs, on W's tables (landing: A's). */
function planFor(records: RunRecord[]): Statement[] {
  return planStatements(
    {
      catalog: CATALOG,
      schema: SCHEMA,
      tableLocation: 'external',
      warehouseUri: (key) => (key.startsWith('landing/') ? reference : graduate).uri(key),
      landings: records.map((r) => ({ month: r.month, key: r.landing.key })),
      goldMonths: goldMonthsFor(records.map((r) => r.month)),
      runId: records[0]?.runId ?? 'graduate-ddl',
    },
    loadSqlTexts(),
  );
}

/** The detail tables' DDL, as the Databricks engine sends it before its first detail chunk. */
const detailDdl = () =>
  new DetailPlanner(
    {
      catalog: CATALOG,
      schema: SCHEMA,
      tableLocation: 'external',
      warehouseUri: (key) => graduate.uri(key),
    },
    loadDetailSqlTexts(),
  ).createTables();

const runOnSpark = (plan: Statement[]) =>
  runPlanOnSpark(spark, plan, {
    copyIntoFile: `sql/${SQL_FILES.copyIntoBronze}`,
    loaded,
    landingUri: (key) => reference.uri(key),
  });

/** A table's rows through the embedded reader, ordered by its keys. */
async function embeddedRows(store: FolderStore, def: TableDef): Promise<Record<string, unknown>[]> {
  const table = new DeltaTable(store, def);
  const snap = await table.snapshot();
  return sortedBy(plain(await table.readRows(snap?.files ?? [])), KEYS[def.path] ?? []);
}

const close = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number'
    ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a))
    : JSON.stringify(a) === JSON.stringify(b);

/** W's silver and gold equal A's: through Spark (by path), the embedded reader and delta-rs. */
async function expectGraduateEqualsReference(): Promise<void> {
  for (const def of [SILVER, GOLD]) {
    const keys = KEYS[def.path] as string[];
    const order = `ORDER BY ${keys.map((k) => `\`${k}\``).join(', ')}`;
    const read = (store: FolderStore) =>
      spark.rows(`SELECT * FROM delta.\`${store.uri(def.path)}\` ${order}`);
    const [a, w] = await Promise.all([read(reference), read(graduate)]);
    const differ = (x: Record<string, SparkValue>[], y: Record<string, SparkValue>[]) =>
      x.length !== y.length ||
      x.some((row, i) =>
        def.columns.some((c) => !close(row[c.name] ?? null, y[i]?.[c.name] ?? null)),
      );
    expect(differ(w, a), `${def.path} through Spark`).toBe(false);
    const [ea, ew] = await Promise.all([embeddedRows(reference, def), embeddedRows(graduate, def)]);
    expect(ew.length, def.path).toBe(ea.length);
    const cells = ea.flatMap((row, i) =>
      def.columns
        .filter((c) => !close(row[c.name] ?? null, ew[i]?.[c.name] ?? null))
        .map((c) => `${keys.map((k) => String(row[k])).join(' ')} ${c.name}`),
    );
    expect(cells, `${def.path} through the embedded reader`).toEqual([]);
  }
  const rs = await deltaRs(graduate.uri(SILVER.path));
  const ids = (rows: Record<string, unknown>[]) => rows.map((r) => String(r.id)).sort();
  expect(ids(rs.rows)).toEqual(ids(await embeddedRows(reference, SILVER)));
}

describe('from the embedded engine to Databricks (Spark) on the same tables, and back', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-graduate-'));
    reference = new FolderStore(path.join(scratch, 'reference'));
    graduate = new FolderStore(path.join(scratch, 'graduate'));
    // Limits far above the runs' needs: details for two months must not wait for a window.
    athlete = await startAthlete(recorded, {
      readLimit: [100_000, 1_000_000],
      overallLimit: [100_000, 1_000_000],
    });
    spark = await SparkSql.start(scratch);
  });

  afterAll(async () => {
    await spark?.stop();
    await athlete?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const both = async (range: Range, opts: { details?: boolean } = {}) => {
    const a = await runIn(athlete, reference.root, range, opts);
    const w = await runIn(athlete, graduate.root, range, opts);
    return { a, w };
  };

  it("Delta will not register the embedded engine's tables under sql/'s CREATE TABLE as they are", async () => {
    await both({ from: '2023-07', to: '2023-08' }, { details: true });
    for (const def of ENGINE_TABLES) {
      const snap = await new DeltaTable(graduate, def).snapshot();
      expect(snap?.metadata.configuration, def.path).toEqual(tableProperties('embedded'));
    }
    const [schema, createBronze] = planFor([]).slice(0, 2) as [Statement, Statement];
    await spark.sql(schema.text, schema.params);
    const refused = await spark
      .sql(createBronze.text, createBronze.params)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SparkSqlError);
    expect((refused as SparkSqlError).condition).toBe('DELTA_CREATE_TABLE_WITH_DIFFERENT_PROPERTY');
  });

  it('after the take-over, every CREATE of sql/ adopts its table as it is and the statements carry on', async () => {
    const details = await Promise.all(
      ENGINE_TABLES.slice(3).map(async (def) => [
        def.path,
        (await embeddedRows(graduate, def)).length,
      ]),
    );
    expect(details.filter(([, n]) => (n as number) > 0).length).toBeGreaterThan(3);

    const handed = await migrateWarehouse(graduate, 'databricks');
    expect(new Set(handed.map((t) => t.outcome))).toEqual(new Set(['changed']));
    // The detail tables' DDL, then the month after on Databricks' statements.
    await runOnSpark(detailDdl());
    const { records } = await runIn(athlete, reference.root, { month: '2023-09' });
    await runOnSpark(planFor(records));
    await expectGraduateEqualsReference();

    // Adopted as they were: the properties, the protocol and the detail rows are W's own.
    for (const def of ENGINE_TABLES) {
      const snap = (await new DeltaTable(graduate, def).snapshot())!;
      expect(snap.metadata.configuration, def.path).toEqual(tableProperties('databricks'));
      expect(snap.protocol, def.path).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
      const [detail] = await spark.rows(`DESCRIBE DETAIL ${qualifiedName(CATALOG, SCHEMA, def)}`);
      expect(detail?.location, def.path).toBe(graduate.uri(def.path).replace(/^\//, 'file:/'));
    }
    const after = await Promise.all(
      ENGINE_TABLES.slice(3).map(async (def) => [
        def.path,
        (await embeddedRows(graduate, def)).length,
      ]),
    );
    expect(after).toEqual(details);

    // A month the embedded engine wrote, edited on Strava and run again on Databricks.
    const [edited] = activitiesIn(recorded, '2023-08');
    athlete.sim.editActivity(edited!.id, { name: 'Edited after graduating' });
    const again = await runIn(athlete, reference.root, { month: '2023-08' });
    await runOnSpark(planFor(again.records));
    await expectGraduateEqualsReference();
    const names = (await embeddedRows(graduate, SILVER)).filter((r) => r.id === edited!.id);
    expect(names.map((r) => r.name)).toEqual(['Edited after graduating']);
  });

  it('the embedded engine refuses the taken-over warehouse, then takes it back after migrate --to embedded', async () => {
    const versions = await Promise.all(
      [BRONZE, SILVER, GOLD].map(
        async (def) => (await new DeltaTable(graduate, def).snapshot())?.version,
      ),
    );
    const refused = await runIn(athlete, graduate.root, { month: '2023-10' }).catch(
      (e: unknown) => e,
    );
    expect(errorLine(refused)).toMatch(
      /is written by the databricks engine .* migrate --to embedded --warehouse/,
    );
    expect(
      await Promise.all(
        [BRONZE, SILVER, GOLD].map(
          async (def) => (await new DeltaTable(graduate, def).snapshot())?.version,
        ),
      ),
    ).toEqual(versions);

    const back = await migrateWarehouse(graduate, 'embedded');
    expect(new Set(back.map((t) => t.outcome))).toEqual(new Set(['changed']));
    // The embedded engine over Spark's files: a new month, and 2023-08 edited once more.
    const [edited] = activitiesIn(recorded, '2023-08');
    athlete.sim.editActivity(edited!.id, { name: 'Edited back home' });
    await both({ from: '2023-08', to: '2023-10' });
    await expectGraduateEqualsReference();
    const silver = (await new DeltaTable(graduate, SILVER).snapshot())!;
    expect(silver.metadata.configuration).toEqual(tableProperties('embedded'));
  });
});
