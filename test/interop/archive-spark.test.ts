/**
 * Every table an archive import writes, read back by Spark with Delta Lake and by delta-rs, equal
 * to what the embedded reader gives, with the schema the table definitions declare: bronze,
 * silver, gold, silver/archive_activities and the detail tables the activity files fill (FIT
 * encoded with Garmin's SDK, GPX and TCX generated, see test/support/activity-files.ts), over two
 * local months and an activity without a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importArchive } from '../../src/archive/import.js';
import { ARCHIVE_ACTIVITIES } from '../../src/lakehouse/archive-table.js';
import { DETAIL_TABLES } from '../../src/lakehouse/detail-tables.js';
import { TABLES, type TableDef } from '../../src/lakehouse/tables.js';
import { FolderStore } from '../../src/landing/folder.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { SPARK_TYPE } from '../../src/strava/schema.js';
import { fitFile, gpxFile, gz, tcxFile } from '../support/activity-files.js';
import { activitiesCsv, writeZip } from '../support/archive.js';
import { SparkOracle, deltaRs, SPARK_SQL_TYPE } from '../support/oracles.js';
import { ROW_KEYS, sortedBy, tableState } from '../support/pipeline.js';

let dir: string;
let warehouse: string;
let spark: SparkOracle;

/** Three activities with files (400 s at 4 m/s: a best 1 km, and 5-min power) (one just before midnight UTC on a month's last day) and a manual one. */
async function importExport(): Promise<void> {
  const recorded = recordedActivities();
  const withFiles = recorded.filter((a) => !a.manual).slice(0, 3);
  const manual = { ...recorded.find((a) => !a.manual)!, manual: true };
  const starts = ['2025-06-30T22:30:00Z', '2025-07-02T06:00:00Z', '2025-07-03T17:00:00Z'];
  const activities = [
    ...withFiles.map((a, i) => ({ ...a, id: 9001 + i, start_date: starts[i]! })),
    { ...manual, id: 9004, start_date: '2025-06-15T08:00:00Z' },
  ];
  const names: Record<number, string> = {
    9001: 'activities/9001.fit.gz',
    9002: 'activities/9002.gpx',
    9003: 'activities/9003.tcx.gz',
    9004: '',
  };
  const spec = (i: number) => ({
    start: new Date(starts[i]!),
    samples: 400,
    speed: 4,
    origin: [45.764, 4.8357] as [number, number],
    laps: 2,
    fitOffsetS: 7200,
  });
  const zip = path.join(dir, 'export.zip');
  await writeZip(zip, [
    { name: 'activities.csv', data: activitiesCsv(activities, '2025', true, (a) => names[a.id]!) },
    { name: names[9001]!, data: gz(fitFile(spec(0))) },
    { name: names[9002]!, data: gpxFile(spec(1)) },
    { name: names[9003]!, data: gz(tcxFile(spec(2))) },
  ]);
  await importArchive({
    archive: zip,
    warehouse,
    timezone: 'Europe/Paris',
    skipBadFiles: false,
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-archive-spark-'));
  warehouse = path.join(dir, 'wh');
  [spark] = await Promise.all([SparkOracle.start(), importExport()]);
});

afterAll(async () => {
  await spark?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ALL: readonly TableDef[] = [...TABLES, ARCHIVE_ACTIVITIES, ...DETAIL_TABLES];
/**
 * Tables an import has nothing for: an export holds no gear ids and no heart rate zones (so no
 * time in zones either).
 */
const NOT_WRITTEN = new Set([
  'silver/gear',
  'silver/athlete_zones',
  'gold/gear_monthly',
  'gold/hr_zones_monthly',
]);

test('the import wrote every table but those an export has nothing for', async () => {
  const written = await Promise.all(
    ALL.map(async (def) => [def.path, (await tableState(new FolderStore(warehouse), def)).version]),
  );
  expect(written.filter(([, v]) => v === null).map(([p]) => p)).toEqual(
    ALL.map((d) => d.path).filter((p) => NOT_WRITTEN.has(p)),
  );
});

describe.each(ALL.filter((d) => !NOT_WRITTEN.has(d.path)).map((d) => [d.path, d] as const))(
  '%s',
  (_, def) => {
    test('Spark and delta-rs read the rows the import wrote, with its schema', async () => {
      const uri = path.join(warehouse, def.path);
      const keys = ROW_KEYS[def.path]!;
      const [ours, rs, sp] = await Promise.all([
        tableState(new FolderStore(warehouse), def),
        deltaRs(uri),
        spark.read(uri),
      ]);
      expect(ours.rows.length).toBeGreaterThan(0);
      expect(sortedBy(rs.rows, keys)).toEqual(ours.rows);
      expect(sortedBy(sp.rows, keys)).toEqual(ours.rows);
      expect(rs.version).toBe(ours.version);
      expect(rs.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
      expect(rs.metadata.partitionColumns).toEqual([...def.partitionColumns]);
      expect(rs.schema).toEqual(
        def.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
      );
      expect(sp.schema.map((f) => [f.name, f.type])).toEqual(
        def.columns.map((c) => [c.name, SPARK_SQL_TYPE[c.type]]),
      );
    });
  },
);

test('the activity at 22:30 UTC on 30 June is in July by its FIT offset; the manual one in June', async () => {
  const silver = await spark.sql(
    `SELECT id, month FROM delta.\`${path.join(warehouse, 'silver/activities')}\` ORDER BY id`,
  );
  expect(silver.map((r) => [r.id, r.month])).toEqual([
    [9001, '2025-07'],
    [9002, '2025-07'],
    [9003, '2025-07'],
    [9004, '2025-06'],
  ]);
  const gold = await spark.sql(
    `SELECT month, SUM(activity_count) AS n FROM delta.\`${path.join(warehouse, 'gold/monthly_summary')}\` GROUP BY month ORDER BY month`,
  );
  expect(gold.map((r) => [r.month, Number(r.n)])).toEqual([
    ['2025-06', 1],
    ['2025-07', 3],
  ]);
});
