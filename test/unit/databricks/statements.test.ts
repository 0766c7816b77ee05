import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DatabricksError } from '../../../src/errors.js';
import {
  databricksTableName,
  findSqlDir,
  loadSqlTexts,
  planStatements,
  SQL_FILES,
  type PlanInput,
} from '../../../src/lakehouse/databricks/statements.js';
import { parameterNames } from '../../../src/lakehouse/databricks/sql-text.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';

const texts = loadSqlTexts();
const KEY_05 = 'landing/activities/month=2024-05/activities-0123abcd4567ef89.csv';
const KEY_06 = 'landing/activities/month=2024-06/activities-fedcba9876543210.csv';

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  catalog: 'main',
  schema: 'strava',
  tableLocation: 'external',
  warehouseUri: (key) => `s3://lake/athlete/${key}`,
  landings: [
    { month: '2024-05', key: KEY_05 },
    { month: '2024-06', key: KEY_06 },
  ],
  goldMonths: ['2024-05', '2024-06', '2024-07'],
  runId: '20240701T060000Z-abc123',
  ...over,
});

describe('planStatements', () => {
  const plan = planStatements(input(), texts);

  it('creates the schema and tables, takes each landing into bronze then silver, then gold', () => {
    expect(plan.map((s) => s.file)).toEqual([
      'sql/00_create_schema.sql',
      'sql/01_create_bronze.sql',
      'sql/02_create_silver.sql',
      'sql/03_create_gold.sql',
      'sql/10_copy_into_bronze.sql',
      'sql/20_merge_silver.sql',
      'sql/10_copy_into_bronze.sql',
      'sql/20_merge_silver.sql',
      'sql/30_gold.sql',
    ]);
    expect(plan.map((s) => s.months)).toEqual([
      [],
      [],
      [],
      [],
      ['2024-05'],
      ['2024-05'],
      ['2024-06'],
      ['2024-06'],
      ['2024-05', '2024-06', '2024-07'],
    ]);
  });

  it('passes exactly the parameters each statement uses, tables as quoted identifiers', () => {
    for (const s of plan)
      expect(Object.keys(s.params).sort()).toEqual(parameterNames(s.text).sort());
    const [schema, bronze, silver, gold, copy, merge, , , gold30] = plan;
    expect(schema?.params).toEqual({});
    expect(bronze?.params).toEqual({ bronze: '`main`.`strava`.`bronze_activities`' });
    expect(silver?.params).toEqual({ silver: '`main`.`strava`.`silver_activities`' });
    expect(gold?.params).toEqual({ gold: '`main`.`strava`.`gold_monthly_summary`' });
    expect(copy?.params).toEqual({ bronze: '`main`.`strava`.`bronze_activities`' });
    expect(merge?.params).toEqual({
      silver: '`main`.`strava`.`silver_activities`',
      bronze: '`main`.`strava`.`bronze_activities`',
      landing_file: KEY_05,
      month: '2024-05',
    });
    expect(gold30?.params).toEqual({
      gold: '`main`.`strava`.`gold_monthly_summary`',
      silver: '`main`.`strava`.`silver_activities`',
    });
  });

  it('writes external LOCATIONs and the COPY INTO source as literals, keeping line numbers', () => {
    const [, bronze, silver, , copy] = plan;
    expect(bronze?.text).toContain("\nLOCATION 's3://lake/athlete/bronze/activities'\n");
    expect(silver?.text).toContain("\nLOCATION 's3://lake/athlete/silver/activities'\n");
    expect(copy?.text).toContain("FROM 's3://lake/athlete/landing/activities/month=2024-05'\n");
    expect(copy?.text).toContain("FILES = ('activities-0123abcd4567ef89.csv')");
    for (const s of plan) {
      const file = s.file.slice('sql/'.length) as keyof typeof texts;
      expect(s.text.split('\n').length, s.file).toBe(texts[file].split('\n').length);
      expect(s.text, s.file).not.toMatch(/^[^-]*\$\{/m);
    }
  });

  it('uses named parameters only where Databricks documents them', () => {
    const [schema, , , , copy] = plan;
    // CREATE SCHEMA is not among the statements IDENTIFIER() may name: the schema is text.
    expect(schema?.text).toMatch(/^CREATE SCHEMA IF NOT EXISTS `main`\.`strava`$/m);
    expect(parameterNames(schema?.text ?? '')).toEqual([]);
    // COPY INTO takes a parameter for its target only, not in its source, FILES or SELECT list.
    expect(parameterNames(copy?.text ?? '')).toEqual(['bronze']);
    expect(copy?.text).toMatch(/^COPY INTO IDENTIFIER\(:bronze\)$/m);
    expect(copy?.text).toContain(`    '${KEY_05}' AS \`_landing_file\`,\n`);
    expect(copy?.text).toContain("    '20240701T060000Z-abc123' AS `_run_id`,\n");
    expect(copy?.text).toContain("    '2024-05' AS `month`\n");
  });

  it('back-quotes a catalog with hyphens in the text and in every table parameter', () => {
    const hyphenated = planStatements(input({ catalog: 'my-catalog' }), texts);
    expect(hyphenated[0]?.text).toMatch(/^CREATE SCHEMA IF NOT EXISTS `my-catalog`\.`strava`$/m);
    expect(hyphenated[4]?.params).toEqual({ bronze: '`my-catalog`.`strava`.`bronze_activities`' });
  });

  it('refuses names, run ids and months that could break out of their quoting', () => {
    expect(() => planStatements(input({ catalog: 'a`b' }), texts)).toThrow(ConfigError);
    expect(() => planStatements(input({ schema: 'a.b' }), texts)).toThrow(ConfigError);
    expect(() => planStatements(input({ runId: "x' OR '1" }), texts)).toThrow(
      'cannot go into a SQL literal',
    );
    expect(() =>
      planStatements(input({ landings: [{ month: "2024-05'" as '2024-05', key: KEY_05 }] }), texts),
    ).toThrow('is not a month');
  });

  it('names what each statement touches, for permission errors', () => {
    expect(plan[1]?.target).toBe(
      'table `main`.`strava`.`bronze_activities` at s3://lake/athlete/bronze/activities',
    );
    expect(plan[4]?.target).toBe(
      `table \`main\`.\`strava\`.\`bronze_activities\`, reading s3://lake/athlete/${KEY_05}`,
    );
  });

  it('leaves LOCATION out for Unity Catalog managed tables', () => {
    const managed = planStatements(input({ tableLocation: 'managed' }), texts);
    for (const s of managed.slice(1, 4)) {
      expect(s.text).not.toMatch(/^\s*LOCATION/m);
      expect(s.target).not.toContain(' at ');
    }
  });

  it('skips gold when no month is touched', () => {
    const plan0 = planStatements(input({ landings: [], goldMonths: [] }), texts);
    expect(plan0.map((s) => s.file)).toHaveLength(4);
  });

  it('refuses a warehouse location that cannot be written into SQL safely', () => {
    const bad = input({ warehouseUri: (key) => `s3://lake/it's/${key}` });
    expect(() => planStatements(bad, texts)).toThrow(ConfigError);
  });

  it('refuses a sql/ file whose placeholders the plan does not fill', () => {
    const edited = {
      ...texts,
      [SQL_FILES.createSilver]: texts[SQL_FILES.createSilver].replace('\n${location}\n', '\n\n'),
    };
    expect(() => planStatements(input(), edited)).toThrow('02_create_silver.sql has placeholders');
  });
});

describe('the sql/ folder', () => {
  it('is found from the source tree and from a bundle beside it', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    expect(findSqlDir(path.join(root, 'src/lakehouse/databricks'))).toBe(path.join(root, 'sql'));
    expect(findSqlDir(path.join(root, 'dist/chunks'))).toBe(path.join(root, 'sql'));
  });

  it('is a DatabricksError naming where it looked when missing', () => {
    expect(() => findSqlDir('/')).toThrow(DatabricksError);
    expect(() => findSqlDir('/')).toThrow('/sql');
  });

  it('names the tables after their warehouse paths', () => {
    expect([BRONZE, SILVER, GOLD].map(databricksTableName)).toEqual([
      'bronze_activities',
      'silver_activities',
      'gold_monthly_summary',
    ]);
  });
});
