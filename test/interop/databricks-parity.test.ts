/**
 * The Databricks engine's statements, run on open-source Spark 4 + Delta 4 (the closest thing to
 * a Databricks SQL warehouse this machine can run): every portable file of sql/ exactly as the
 * runner sends it, with the same named parameters. COPY INTO, which only Databricks has, is
 * replaced by an INSERT built from its own SELECT list and FORMAT_OPTIONS.
 *
 * Data: real recorded activities (src/simulator/data/recorded-athlete.json, from
 * dblock/strava-ruby-client, MIT), landed as the pipeline lands them, five months in a row, then
 * re-runs: unchanged, with an activity deleted and one renamed, and with the month emptied.
 * After each run silver and gold must equal what the TypeScript rules (parseCell in
 * src/strava/schema.ts, computeGold in src/lakehouse/gold.ts) make of the same CSV.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLandingCsv } from '../../src/landing/csv.js';
import { FolderStore } from '../../src/landing/folder.js';
import { landMonth } from '../../src/landing/land.js';
import { computeGold, goldMonthsFor, type SilverForGold } from '../../src/lakehouse/gold.js';
import {
  loadSqlTexts,
  planStatements,
  qualifiedName,
  SQL_FILES,
  type Statement,
} from '../../src/lakehouse/databricks/statements.js';
import { BRONZE, GOLD, SILVER, TABLES, schemaString } from '../../src/lakehouse/tables.js';
import { addMonths, monthOf, type Month } from '../../src/strava/months.js';
import {
  ACTIVITY_FIELDS,
  parseCell,
  validateActivity,
  type StravaActivity,
} from '../../src/strava/schema.js';
import { statementError } from '../../src/lakehouse/databricks/driver-errors.js';
import { copyIntoStandIn, SparkSql, type SparkValue } from '../support/spark-sql.js';

const RECORDED = new URL('../../src/simulator/data/recorded-athlete.json', import.meta.url);
const MONTHS: Month[] = ['2024-11', '2024-12', '2025-01', '2025-02', '2025-03'];
const CATALOG = 'spark_catalog';
const SCHEMA = 'strava_parity';

type Row = Record<string, SparkValue>;

let spark: SparkSql;
let scratch: string;
let store: FolderStore;
const texts = loadSqlTexts();
const loadedLandings = new Set<string>();
/** Silver as the rules say it should be: id -> typed row, kept as a MERGE keeps it. */
const expectedSilver = new Map<string, Row>();
const touchedGoldMonths = new Set<Month>();

function recordedByMonth(): Map<Month, StravaActivity[]> {
  const { activities } = JSON.parse(fs.readFileSync(RECORDED, 'utf8')) as { activities: unknown[] };
  const byMonth = new Map<Month, StravaActivity[]>();
  for (const raw of activities) {
    const a = validateActivity(raw);
    const m = monthOf(a.start_date_local);
    if (!MONTHS.includes(m)) continue;
    byMonth.set(m, [...(byMonth.get(m) ?? []), a]);
  }
  return byMonth;
}

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

/** One silver row from a landing-CSV row, by the rules of parseCell; values as Spark returns them. */
function silverRow(cells: Record<string, string>, month: Month): Row {
  const row: Row = {};
  for (const f of ACTIVITY_FIELDS) {
    const v = parseCell(f, cells[f.name]);
    row[f.name] = typeof v === 'bigint' ? v.toString() : v;
  }
  row.month = month;
  return row;
}

/** Runs a month as the Databricks runner would, and records what silver should now hold. */
async function runMonth(month: Month, activities: StravaActivity[], runId: string) {
  const landed = await landMonth(store, month, activities);
  const plan = planStatements(
    {
      catalog: CATALOG,
      schema: SCHEMA,
      tableLocation: 'external',
      warehouseUri: (key) => store.uri(key),
      landings: [{ month, key: landed.key }],
      goldMonths: goldMonthsFor([month]),
      runId,
    },
    texts,
  );
  const results = new Map<string, Row[]>();
  for (const st of plan) {
    if (st.file === `sql/${SQL_FILES.copyIntoBronze}`) {
      await copyIntoStandIn(spark, st, loadedLandings);
      continue;
    }
    results.set(st.file, await spark.rows(st.text, st.params));
  }

  // What MERGE should make of it: the file's ids inserted or updated, the month's others gone.
  const text = Buffer.from((await store.get(landed.key)) ?? new Uint8Array()).toString('utf8');
  const cells = parseLandingCsv(text, landed.key);
  const ids = new Set(cells.map((c) => c.id));
  for (const [id, row] of expectedSilver) {
    if (row.month === month && !ids.has(id)) expectedSilver.delete(id);
  }
  for (const c of cells) expectedSilver.set(c.id as string, silverRow(c, month));
  for (const m of goldMonthsFor([month])) touchedGoldMonths.add(m);
  return { landed, plan, results };
}

const table = (def: (typeof TABLES)[number]) => qualifiedName(CATALOG, SCHEMA, def);
const affected = (rows: Row[] | undefined) => Number(rows?.[0]?.num_affected_rows ?? NaN);

async function sparkSilver(): Promise<Row[]> {
  return spark.rows(`SELECT * FROM IDENTIFIER(:t) ORDER BY id`, { t: table(SILVER) });
}

function expectedSilverRows(): Row[] {
  return [...expectedSilver.values()].sort((a, b) =>
    BigInt(a.id as string) < BigInt(b.id as string) ? -1 : 1,
  );
}

function expectedGoldRows(): Row[] {
  const silver: SilverForGold[] = expectedSilverRows().map((r) => ({
    month: r.month as string,
    sport_type: r.sport_type as string,
    distance: r.distance as number,
    moving_time: BigInt(r.moving_time as string),
    elapsed_time: BigInt(r.elapsed_time as string),
    total_elevation_gain: r.total_elevation_gain as number | null,
    average_heartrate: r.average_heartrate as number | null,
  }));
  return computeGold(silver, [...touchedGoldMonths]).map((g) =>
    Object.fromEntries(
      Object.entries(g).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
    ),
  );
}

async function sparkGold(): Promise<Row[]> {
  return spark.rows(`SELECT * FROM IDENTIFIER(:t) ORDER BY month, sport_type`, { t: table(GOLD) });
}

/** Gold equal to the rules: exact, but sums of doubles to 1e-9 (Spark adds in its own order). */
function expectGoldEqual(actual: Row[], expected: Row[]) {
  expect(actual.map((r) => `${r.month} ${r.sport_type}`)).toEqual(
    expected.map((r) => `${r.month} ${r.sport_type}`),
  );
  for (const [i, exp] of expected.entries()) {
    const act = actual[i] as Row;
    for (const c of GOLD.columns) {
      const e = exp[c.name] ?? null;
      const a = act[c.name] ?? null;
      const where = `${exp.month} ${exp.sport_type} ${c.name}`;
      if (c.type === 'double' && typeof e === 'number' && typeof a === 'number') {
        expect(Math.abs(a - e), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
      } else {
        expect(a, where).toEqual(e);
      }
    }
  }
}

describe('sql/ on Spark 4 + Delta 4', () => {
  const byMonth = recordedByMonth();

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-parity-'));
    store = new FolderStore(path.join(scratch, 'warehouse'));
    spark = await SparkSql.start(scratch);
  });

  afterAll(async () => {
    await spark?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('creates the tables with the schemas of src/lakehouse/tables.ts at reader 1 / writer 2', async () => {
    const [first] = MONTHS as [Month];
    await runMonth(first, byMonth.get(first) ?? [], 'run-0');
    for (const def of TABLES) {
      const log = path.join(store.root, def.path, '_delta_log', '00000000000000000000.json');
      const actions = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as Record<string, { schemaString?: string; partitionColumns?: string[] }>,
        );
      const meta = actions.find((a) => a.metaData)?.metaData;
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

  it('builds silver and gold over five months like the TypeScript rules', async () => {
    const yogaFrom = byMonth.get('2025-02')?.[0] as StravaActivity;
    for (const [i, month] of MONTHS.entries()) {
      const activities = [...(byMonth.get(month) ?? [])];
      // No distance and no moving time: average_speed NULL, and next month's changes in % NULL.
      if (month === '2025-02' || month === '2025-03')
        activities.push(manualYoga(yogaFrom, 90_000_000_000 + i));
      await runMonth(month, activities, `run-${i}`);
    }
    expect(await sparkSilver()).toEqual(expectedSilverRows());
    const gold = await sparkGold();
    expectGoldEqual(gold, expectedGoldRows());
    // The cases the rules single out are really in the data.
    const yoga = gold.filter((r) => r.sport_type === 'Yoga');
    expect(yoga.map((r) => [r.month, r.average_speed, r.distance_change_pct])).toEqual([
      ['2025-02', null, null],
      ['2025-03', null, null],
    ]);
    expect(
      gold.some(
        (r) => r.sport_type === 'AlpineSki' && r.month === '2025-01' && r.prev_distance === null,
      ),
    ).toBe(true);
    expect(new Set(gold.map((r) => r.month))).toEqual(new Set(MONTHS));
  });

  it('changes nothing when a month is re-run with the same data', async () => {
    const month = '2025-01';
    const before = await sparkGold();
    const { results } = await runMonth(month, byMonth.get(month) ?? [], 'run-again');
    expect(affected(results.get(`sql/${SQL_FILES.mergeSilver}`))).toBe(0);
    expect(affected(results.get(`sql/${SQL_FILES.gold}`))).toBe(0);
    expect(await sparkSilver()).toEqual(expectedSilverRows());
    expect(await sparkGold()).toEqual(before);
  });

  it('follows Strava when an activity is deleted and another renamed', async () => {
    const month = '2025-01';
    const [gone, renamed, ...rest] = byMonth.get(month) ?? [];
    const newName = 'Evening "Run", with\na second line';
    const activities = [{ ...(renamed as StravaActivity), name: newName }, ...rest];
    const { landed, results } = await runMonth(month, activities, 'run-edit');

    expect(affected(results.get(`sql/${SQL_FILES.mergeSilver}`))).toBe(2); // one update, one delete
    const silver = await sparkSilver();
    expect(silver).toEqual(expectedSilverRows());
    expect(silver.find((r) => r.id === String(gone?.id))).toBeUndefined();
    expect(silver.find((r) => r.id === String(renamed?.id))?.name).toBe(newName);
    expectGoldEqual(await sparkGold(), expectedGoldRows());

    // Bronze keeps both landings of the month, each once, with the name byte for byte.
    const bronze = await spark.rows(
      'SELECT _landing_file, count(*) AS n FROM IDENTIFIER(:t) WHERE month = :m GROUP BY _landing_file',
      { t: table(BRONZE), m: month },
    );
    expect(bronze).toHaveLength(2);
    expect(bronze.find((r) => r._landing_file === landed.key)?.n).toBe(String(activities.length));
    const [row] = await spark.rows(
      'SELECT name, _run_id FROM IDENTIFIER(:t) WHERE _landing_file = :f AND id = :id',
      { t: table(BRONZE), f: landed.key, id: String(renamed?.id) },
    );
    expect(row).toEqual({ name: newName, _run_id: 'run-edit' });
  });

  it('drops a month from silver and gold when Strava has nothing left in it', async () => {
    const month = '2025-02';
    await runMonth(month, [], 'run-empty');
    const silver = await sparkSilver();
    expect(silver).toEqual(expectedSilverRows());
    expect(silver.some((r) => r.month === month)).toBe(false);
    const gold = await sparkGold();
    expectGoldEqual(gold, expectedGoldRows());
    expect(gold.some((r) => r.month === month)).toBe(false);
    // The month after now has nothing to compare with.
    const next = gold.filter((r) => r.month === addMonths(month, 1));
    expect(next.length).toBeGreaterThan(0);
    expect(next.map((r) => [r.prev_activity_count, r.distance_change])).toEqual(
      next.map(() => [null, null]),
    );
  });

  it('names the file and line when Spark rejects a statement', async () => {
    const edited = texts[SQL_FILES.gold].replace('sum(`distance`)', 'sum(`distnce`)');
    const plan = planStatements(
      {
        catalog: CATALOG,
        schema: SCHEMA,
        tableLocation: 'external',
        warehouseUri: (key) => store.uri(key),
        landings: [],
        goldMonths: ['2025-01'],
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
});
