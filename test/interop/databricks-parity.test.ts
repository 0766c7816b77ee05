/**
 * The Databricks engine's statements on open-source Spark 4 + Delta 4 (the closest thing to a
 * Databricks SQL warehouse this machine can run), compared with the embedded engine row for row.
 *
 * Warehouse A is the embedded engine's, filled by the real pipeline (runPipeline) from the Strava
 * simulator serving the real recorded athlete (src/simulator/data/recorded-athlete.json, from
 * dblock/strava-ruby-client, MIT). For every run there, Spark runs the plan the Databricks engine
 * would send for it (planStatements with the run's landing keys, run id and months), every file
 * of sql/ as the runner sends it, into tables in warehouse B. COPY INTO, which fills bronze on
 * Databricks, is not in open-source Spark: sql/10 runs as the equivalent INSERT ... SELECT (its
 * own target and SELECT list over a view of the landing CSV read with its own FORMAT_OPTIONS),
 * once per landing file as COPY INTO loads it, and the suite asserts that the text outside the
 * three replaced spans is the statement's own. After every run B's silver and gold must equal A's,
 * and B's bronze must hold A's bronze rows of each landing file.
 *
 * Runs: 2023-07..2023-09 as one backfill, then 2023-10; then 2023-10 unchanged, 2023-08 after a
 * deletion and an edit, and 2023-07 emptied; last an activity of 2023-09 moved into 2023-10 and
 * back, each time running only the month it moved to. 2023-08 holds activity 9633741340, whose name is the
 * empty string; manual Yoga entries without distance or moving time are added to 2023-08/09.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../src/landing/folder.js';
import { goldMonthsFor } from '../../src/lakehouse/gold.js';
import {
  loadSqlTexts,
  planStatements,
  qualifiedName,
  SQL_FILES,
  type Statement,
} from '../../src/lakehouse/databricks/statements.js';
import { statementError } from '../../src/lakehouse/databricks/driver-errors.js';
import {
  BRONZE,
  GOLD,
  SILVER,
  TABLES,
  schemaString,
  type TableDef,
} from '../../src/lakehouse/tables.js';
import type { RunRecord } from '../../src/runs/record.js';
import { recordedActivities } from '../../src/simulator/index.js';
import type { StravaActivity } from '../../src/strava/schema.js';
import {
  activitiesIn,
  runIn,
  startAthlete,
  type Athlete,
  type Range,
} from '../support/pipeline.js';
import {
  runPlanOnSpark,
  SparkSql,
  type SparkExecuted,
  type SparkResult,
  type SparkValue,
} from '../support/spark-sql.js';

const CATALOG = 'spark_catalog';
const SCHEMA = 'strava_parity';
/** A real activity of 2023-08 whose name is '': silver keeps '' (the column is NOT NULL). */
const EMPTY_NAME_ID = 9633741340;
const EDITED_NAME = 'a "quoted", name\nwith newline';

type Row = Record<string, SparkValue>;

type Executed = SparkExecuted;

/** A landing file taken into B's bronze: its month and the MERGE of it into silver. */
interface LandingStatements {
  month: string;
  merge: Statement;
}

const recorded = recordedActivities();
const texts = loadSqlTexts();
let spark: SparkSql;
let athlete: Athlete;
let scratch: string;
/** Warehouse A: the embedded engine's. */
let embedded: FolderStore;
/** Warehouse B: Spark's tables. */
let onSpark: FolderStore;
/** Every landing file a plan named, in the order the runs came. */
const landings = new Map<string, LandingStatements>();

/** Spark's tables are in B; the landing files COPY INTO reads are A's. */
const warehouseUri = (key: string) => (key.startsWith('landing/') ? embedded : onSpark).uri(key);
/** A table of warehouse A, by path (which Spark takes as text only, not through IDENTIFIER). */
const embeddedTable = (def: TableDef) => `delta.\`${embedded.uri(def.path)}\``;

const table = (def: TableDef) => qualifiedName(CATALOG, SCHEMA, def);
const KEYS: Record<string, string[]> = {
  [SILVER.path]: ['id'],
  [GOLD.path]: ['month', 'sport_type'],
};

/** A manual entry with no distance, no moving time and no heart rate, built from a real one. */
function manualYoga(from: StravaActivity, id: number): StravaActivity {
  const { average_heartrate: _hr, max_heartrate: _max, ...rest } = from;
  return {
    ...rest,
    id,
    name: 'Yoga',
    sport_type: 'Yoga',
    type: 'Yoga',
    distance: 0,
    moving_time: 0,
    elapsed_time: 3600,
    total_elevation_gain: 0,
    manual: true,
    has_heartrate: false,
  } as StravaActivity;
}

/**
 * The plan the Databricks engine would send for an embedded run, run on Spark; COPY INTO runs as
 * the equivalent INSERT ... SELECT, once per landing file.
 */
async function runOnSpark(records: RunRecord[]): Promise<Executed[]> {
  const plan = planStatements(
    {
      catalog: CATALOG,
      schema: SCHEMA,
      tableLocation: 'external',
      warehouseUri,
      landings: records.map((r) => ({ month: r.month, key: r.landing.key })),
      goldMonths: goldMonthsFor(records.map((r) => r.month)),
      runId: (records[0] as RunRecord).runId,
    },
    texts,
  );
  return runPlanOnSpark(spark, plan, {
    copyIntoFile: `sql/${SQL_FILES.copyIntoBronze}`,
    loaded: landings,
    landingUri: warehouseUri,
  });
}

const affected = (executed: Executed[], file: string) =>
  executed
    .filter((e) => e.file === `sql/${file}`)
    .reduce((n, e) => n + Number(e.rows[0]?.num_affected_rows ?? NaN), 0);

const asObjects = (r: SparkResult): Row[] =>
  r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));

/**
 * B's silver and gold against A's, both read by Spark: the same columns, the same keys in order,
 * every cell equal (timestamps to the microsecond, NULL to NULL). Gold's doubles are sums, which
 * Spark adds in its own order: equal within a relative 1e-9. Returns A's rows.
 */
async function expectSparkEqualsEmbedded(): Promise<{ silver: Row[]; gold: Row[] }> {
  const out: Row[][] = [];
  for (const def of [SILVER, GOLD]) {
    const keys = KEYS[def.path] as string[];
    const order = `ORDER BY ${keys.map((k) => `\`${k}\``).join(', ')}`;
    const fromA = await spark.sql(`SELECT * FROM ${embeddedTable(def)} ${order}`);
    const fromB = await spark.sql(`SELECT * FROM IDENTIFIER(:t) ${order}`, { t: table(def) });
    expect(fromB.columns, def.path).toEqual(fromA.columns);
    const a = asObjects(fromA);
    const b = asObjects(fromB);
    const keyOf = (r: Row) => keys.map((k) => r[k]).join(' ');
    expect(b.map(keyOf), `${def.path} keys`).toEqual(a.map(keyOf));
    const sums = new Set(def === GOLD ? def.columns.filter((c) => c.type === 'double') : []);
    const differences = a.flatMap((ra, i) =>
      def.columns.flatMap((c) => {
        const e = ra[c.name] ?? null;
        const s = b[i]?.[c.name] ?? null;
        const same =
          sums.has(c) && typeof e === 'number' && typeof s === 'number'
            ? Math.abs(s - e) <= 1e-9 * Math.max(1, Math.abs(e))
            : s === e;
        return same
          ? []
          : [`${keyOf(ra)} ${c.name}: Spark ${JSON.stringify(s)}, embedded ${JSON.stringify(e)}`];
      }),
    );
    expect(differences, def.path).toEqual([]);
    out.push(a);
  }
  const [silver, gold] = out as [Row[], Row[]];
  return { silver, gold };
}

/** Runs a range on the embedded engine, then its plan on Spark, and compares the two. */
async function runBoth(range: Range) {
  const { records } = await runIn(athlete, embedded.root, range);
  expect(records.map((r) => r.status)).toEqual(records.map(() => 'ingested'));
  const executed = await runOnSpark(records);
  return { records, executed, ...(await expectSparkEqualsEmbedded()) };
}

describe('sql/ on Spark 4 + Delta 4 against the embedded engine', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-parity-'));
    embedded = new FolderStore(path.join(scratch, 'embedded'));
    onSpark = new FolderStore(path.join(scratch, 'spark'));
    athlete = await startAthlete(recorded);
    for (const [i, month] of ['2023-08', '2023-09'].entries()) {
      const from = activitiesIn(recorded, month)[0] as StravaActivity;
      athlete.sim.addActivity(manualYoga(from, 90_000_000_000 + i));
    }
    spark = await SparkSql.start(scratch);
  });

  afterAll(async () => {
    await spark?.stop();
    await athlete?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('builds the same silver and gold over a backfill and the month after', async () => {
    await runBoth({ from: '2023-07', to: '2023-09' });
    const { silver, gold } = await runBoth({ month: '2023-10' });

    // The cases the rules single out are really in the data.
    expect(silver.find((r) => r.id === String(EMPTY_NAME_ID))?.name).toBe('');
    expect(new Set(gold.map((r) => r.month))).toEqual(
      new Set(['2023-07', '2023-08', '2023-09', '2023-10']),
    );
    const row = (month: string, sport: string) =>
      gold.find((r) => r.month === month && r.sport_type === sport);
    expect(row('2023-08', 'Run')?.prev_activity_count).not.toBeNull();
    expect(row('2023-10', 'Swim')?.prev_distance).toBeNull(); // no Swim in 2023-09
    expect(row('2023-08', 'Hike')).toBeUndefined(); // 2023-07's only Hike leaves no row
    const yoga = row('2023-09', 'Yoga');
    expect([yoga?.average_speed, yoga?.average_heartrate, yoga?.prev_distance]).toEqual([
      null,
      null,
      0,
    ]);
    expect([yoga?.distance_change_pct, yoga?.moving_time_change_pct]).toEqual([null, null]);
  });

  it('creates the tables with the schemas of src/lakehouse/tables.ts at reader 1 / writer 2', async () => {
    for (const def of TABLES) {
      const log = path.join(onSpark.root, def.path, '_delta_log', '00000000000000000000.json');
      const meta = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as Record<string, { schemaString?: string; partitionColumns?: string[] }>,
        )
        .find((a) => a.metaData)?.metaData;
      const fields = (s: string) =>
        (
          JSON.parse(s) as { fields: { name: string; type: string; nullable: boolean }[] }
        ).fields.map(({ name, type, nullable }) => ({ name, type, nullable }));
      expect(fields(meta?.schemaString ?? '{"fields":[]}'), def.path).toEqual(
        fields(schemaString(def)),
      );
      expect(meta?.partitionColumns).toEqual([...def.partitionColumns]);
      // Delta's own DESCRIBE DETAIL takes no IDENTIFIER() on open-source Spark.
      const [detail] = await spark.rows(`DESCRIBE DETAIL ${table(def)}`);
      expect([detail?.minReaderVersion, detail?.minWriterVersion], def.path).toEqual([1, 2]);
    }
  });

  it('changes nothing when a month is sent again with the same data', async () => {
    const { records } = await runIn(athlete, embedded.root, { month: '2023-10' });
    expect(records.map((r) => [r.status, r.landing.reused])).toEqual([['unchanged', true]]);
    // The pipeline skips such a month before any engine; with --force, or without the earlier
    // run record, Databricks gets the same statements again and must leave every row alone.
    const executed = await runOnSpark(records);
    expect(affected(executed, SQL_FILES.mergeSilver)).toBe(0);
    expect(affected(executed, SQL_FILES.gold)).toBe(0);
    await expectSparkEqualsEmbedded();
  });

  it('follows Strava when an activity is deleted and another edited', async () => {
    const month = '2023-08';
    const inMonth = activitiesIn(recorded, month);
    // The month's only Swim: its gold row must go too.
    const gone = inMonth.find((a) => a.sport_type === 'Swim') as StravaActivity;
    const edited = inMonth.find(
      (a) => a.sport_type === 'Run' && a.id !== EMPTY_NAME_ID,
    ) as StravaActivity;
    expect(inMonth.filter((a) => a.sport_type === 'Swim')).toEqual([gone]);
    athlete.sim.deleteActivity(gone.id);
    athlete.sim.editActivity(edited.id, { name: EDITED_NAME, distance: 1234.5 });

    const { executed, silver, gold } = await runBoth({ month });
    expect(affected(executed, SQL_FILES.mergeSilver)).toBe(2); // one update, one delete
    // 2023-08 Run (distance), 2023-08 Swim (gone), 2023-09 Run (its previous month).
    expect(affected(executed, SQL_FILES.gold)).toBe(3);
    expect(silver.find((r) => r.id === String(gone.id))).toBeUndefined();
    expect(silver.find((r) => r.id === String(edited.id))).toMatchObject({
      name: EDITED_NAME,
      distance: 1234.5,
    });
    expect(silver.find((r) => r.id === String(EMPTY_NAME_ID))?.name).toBe('');
    expect(gold.filter((r) => r.month === month).map((r) => r.sport_type)).toEqual(['Run', 'Yoga']);
  });

  it('drops a month from silver and gold when Strava has nothing left in it', async () => {
    const month = '2023-07';
    for (const a of activitiesIn(recorded, month)) athlete.sim.deleteActivity(a.id);
    const { records, silver, gold } = await runBoth({ month });
    expect(records.map((r) => r.activities)).toEqual([0]);
    expect(silver.some((r) => r.month === month)).toBe(false);
    expect(gold.some((r) => r.month === month)).toBe(false);
    // The month after now has nothing to compare with.
    const next = gold.filter((r) => r.month === '2023-08');
    expect(next.length).toBeGreaterThan(0);
    expect(next.map((r) => [r.prev_activity_count, r.distance_change])).toEqual(
      next.map(() => [null, null]),
    );
  });

  it("loads each landing file through COPY INTO's own SELECT list and FORMAT_OPTIONS as the embedded bronze holds it, and merges it into the same silver", async () => {
    const newest = new Map([...landings].map(([key, l]) => [l.month, key]));
    expect([...newest.keys()].sort()).toEqual(['2023-07', '2023-08', '2023-09', '2023-10']);
    let emptyNames = 0;
    for (const [key, { month, merge }] of landings) {
      const order = 'ORDER BY CAST(`id` AS BIGINT)';
      const ofKey = `WHERE \`_landing_file\` = :f ${order}`;
      const loaded = await spark.sql(`SELECT * FROM IDENTIFIER(:t) ${ofKey}`, {
        t: table(BRONZE),
        f: key,
      });
      const bronze = await spark.sql(`SELECT * FROM ${embeddedTable(BRONZE)} ${ofKey}`, { f: key });
      expect(loaded.columns, key).toEqual(bronze.columns);
      // The CSV reader takes an empty cell as NULL; the embedded engine keeps ''. The load time
      // is the only lineage that differs (the run id is the embedded run's).
      const at = bronze.columns.indexOf('_ingested_at');
      const comparable = (rows: SparkValue[][]) =>
        rows.map((r) => r.map((v, i) => (i === at ? null : v === '' ? null : v)));
      expect(comparable(loaded.rows), key).toEqual(comparable(bronze.rows));
      const [id, name] = ['id', 'name'].map((c) => bronze.columns.indexOf(c)) as [number, number];
      const emptyName = (rows: SparkValue[][]) =>
        rows.filter((r) => r[id] === String(EMPTY_NAME_ID)).map((r) => r[name]);
      if (emptyName(bronze.rows).length) {
        expect([emptyName(loaded.rows), emptyName(bronze.rows)], key).toEqual([[null], ['']]);
        emptyNames += 1;
      }
      if (newest.get(month) !== key) continue;
      // Merging the newest landing of a month again changes nothing: silver is already its own.
      const [metrics] = await spark.rows(merge.text, merge.params);
      expect(metrics?.num_affected_rows, key).toBe('0');
    }
    // Both landings of 2023-08 hold it; the newer one's NULL name went through the MERGEs.
    expect(emptyNames).toBe(2);
  });

  it('names the file and line when Spark rejects a statement', async () => {
    const edited = texts[SQL_FILES.gold].replace('sum(`distance`)', 'sum(`distnce`)');
    const plan = planStatements(
      {
        catalog: CATALOG,
        schema: SCHEMA,
        tableLocation: 'external',
        warehouseUri,
        landings: [],
        goldMonths: ['2023-08'],
        runId: 'x',
      },
      { ...texts, [SQL_FILES.gold]: edited },
    );
    const broken = plan.at(-1) as Statement;
    const err = await spark.sql(broken.text, broken.params).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The runner's mapping, fed Spark's own message: the line is the file's line.
    const line = edited.split('\n').findIndex((l) => l.includes('sum(`distnce`)')) + 1;
    expect(statementError(broken, err, []).message).toMatch(
      new RegExp(`^Databricks statement sql/30_gold.sql line ${line} failed: \\[UNRESOLVED_COLUMN`),
    );
  });

  it('moves an activity across months and back: one row, in its month, and gold corrected in the month it left', async () => {
    const moved = activitiesIn(recorded, '2023-09').find(
      (a) => a.sport_type === 'Run',
    ) as StravaActivity;
    const monthsOf = (silver: Row[]) =>
      silver.filter((r) => r.id === String(moved.id)).map((r) => r.month);
    const runs = (gold: Row[], month: string) =>
      gold.find((r) => r.month === month && r.sport_type === 'Run')?.activity_count;
    const before = await expectSparkEqualsEmbedded();

    athlete.sim.moveActivity(moved.id, '2023-10-03T08:00:00');
    const there = await runBoth({ month: '2023-10' });
    expect(monthsOf(there.silver)).toEqual(['2023-10']);
    // Gold of the month it left (not a month of the run) counts one Run fewer.
    expect(Number(runs(there.gold, '2023-09'))).toBe(Number(runs(before.gold, '2023-09')) - 1);
    expect(Number(runs(there.gold, '2023-10'))).toBe(Number(runs(before.gold, '2023-10')) + 1);

    athlete.sim.moveActivity(moved.id, moved.start_date_local.slice(0, 19));
    const back = await runBoth({ month: '2023-09' });
    expect(monthsOf(back.silver)).toEqual(['2023-09']);
    expect(back.gold).toEqual(before.gold);
  });
});
