/**
 * `npm run smoke:databricks` (test/smoke/): skipped with what it needs when the settings are
 * missing; otherwise one month end to end against the fake @databricks/sql driver (fake-driver.ts,
 * the runner's stand-in) with a folder standing in for the throwaway S3 prefix. The fake answers
 * the smoke test's checks from the landing file the run really wrote, as the warehouse would
 * after COPY INTO and MERGE; each test asserts what was sent, in order, and that the schema is
 * dropped and the prefix emptied whatever failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLandingCsv } from '../../../src/landing/csv.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import { monthOf } from '../../../src/strava/months.js';
import {
  missingSettings,
  runSmoke,
  SMOKE_WAREHOUSE_VAR,
  smokeMonth,
} from '../../../test/smoke/databricks.js';
import { FakeDriver, serverError } from './fake-driver.js';

const TOKEN = 'dapi-smoke-secret-0123456789';
const ENV = {
  DATABRICKS_HOST: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
  DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/abc123',
  DATABRICKS_TOKEN: TOKEN,
  // The user's own schema: the smoke test must never name it.
  DATABRICKS_SCHEMA: 'strava',
  [SMOKE_WAREHOUSE_VAR]: 's3://my-bucket/smoke-area/',
};
const SUFFIX = '0a1b2c3d';
const SCHEMA = '`main`.`strava_smoke_0a1b2c3d`';
const PREFIX = 's3://my-bucket/smoke-area/strava-smoke-0a1b2c3d';

/** What the simulator serves for the smoke test's month, computed here on its own. */
const MONTH = recordedActivities()
  .map((a) => monthOf(a.start_date_local))
  .sort()
  .at(-1) as string;
const SERVED = recordedActivities()
  .filter((a) => monthOf(a.start_date_local) === MONTH)
  .map((a) => String(a.id));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * The smoke test with the fake driver and a folder store. `answer` may change what the checks
 * see; by default they see the month's rows of the landing file the run wrote.
 */
async function smoke(
  opts: {
    env?: Record<string, string>;
    answer?: (check: 'silver' | 'gold' | 'bronze', rows: object[]) => object[];
    failStatement?: (statement: string) => unknown;
    openFails?: Error;
  } = {},
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-databricks-'));
  dirs.push(root);
  let opened: string | undefined;
  const landed = (): Record<string, string>[] => {
    const dir = path.join(root, 'landing/activities', `month=${MONTH}`);
    const [file] = fs.readdirSync(dir);
    const key = `landing/activities/month=${MONTH}/${file}`;
    return parseLandingCsv(fs.readFileSync(path.join(root, key), 'utf8'), key);
  };
  const answer = opts.answer ?? ((_check, rows) => rows);
  const driver = new FakeDriver({
    failStatement: opts.failStatement && ((s) => opts.failStatement?.(s)),
    rows: (s) => {
      if (s.includes('FROM IDENTIFIER(:silver) WHERE `month` = :month')) {
        return answer(
          'silver',
          landed().map((r) => ({ id: r.id })),
        );
      }
      if (s.includes('FROM IDENTIFIER(:gold) WHERE `month` = :month')) {
        const bySport = new Map<string, number>();
        for (const r of landed()) {
          const sport = r.sport_type as string;
          bySport.set(sport, (bySport.get(sport) ?? 0) + 1);
        }
        const rows = [...bySport].map(([sport_type, n]) => ({
          sport_type,
          activity_count: String(n),
        }));
        return answer('gold', rows);
      }
      if (s.includes('FROM IDENTIFIER(:bronze) WHERE `_landing_file` = :landing_file')) {
        return answer('bronze', [{ rows: String(landed().length) }]);
      }
      // Delta's metrics row, as COPY INTO and MERGE answer on a new table.
      if (/^(COPY|MERGE) INTO /m.test(s)) return [{ num_affected_rows: landed().length }];
      return [];
    },
  });
  const lines: string[] = [];
  const code = await runSmoke({
    env: opts.env ?? ENV,
    print: (line) => lines.push(line),
    client: driver.client,
    wait: { attempts: 1, intervalMs: 0, sleep: async () => {} },
    openStore: async (warehouse) => {
      if (opts.openFails) throw opts.openFails;
      opened = warehouse;
      return new FolderStore(root);
    },
    suffix: SUFFIX,
  });
  const statements = driver.executed.map((e) => e.statement);
  const left = new FolderStore(root).list('');
  return { code, lines, driver, statements, opened, left: await left };
}

const index = (statements: string[], part: string) => statements.findIndex((s) => s.includes(part));

describe('smoke:databricks without its settings', () => {
  it('is skipped, exit 0, naming every variable it needs', async () => {
    const lines: string[] = [];
    const code = await runSmoke({ env: {}, print: (l) => lines.push(l) });
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe('smoke: skipped (no Databricks settings)');
    const text = lines.join('\n');
    for (const name of [
      'DATABRICKS_HOST',
      'DATABRICKS_HTTP_PATH',
      'DATABRICKS_TOKEN',
      'DATABRICKS_CLIENT_ID',
      'DATABRICKS_CLIENT_SECRET',
      'STRAVA_LAKEHOUSE_SMOKE_WAREHOUSE',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'DATABRICKS_CATALOG',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('names exactly what is missing when some are set, and connects to nothing', async () => {
    const driver = new FakeDriver();
    const lines: string[] = [];
    const code = await runSmoke({
      env: { DATABRICKS_HOST: ENV.DATABRICKS_HOST, DATABRICKS_CLIENT_ID: 'sp-id' },
      print: (l) => lines.push(l),
      client: driver.client,
    });
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(
      'smoke: skipped (missing DATABRICKS_HTTP_PATH, DATABRICKS_CLIENT_SECRET, STRAVA_LAKEHOUSE_SMOKE_WAREHOUSE)',
    );
    expect(driver.connected).toEqual([]);
  });

  it.each([
    [
      {},
      [
        'DATABRICKS_HOST',
        'DATABRICKS_HTTP_PATH',
        'DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)',
        SMOKE_WAREHOUSE_VAR,
      ],
    ],
    [{ ...ENV, DATABRICKS_HTTP_PATH: '  ' }, ['DATABRICKS_HTTP_PATH']],
    [{ ...ENV, DATABRICKS_TOKEN: '', DATABRICKS_CLIENT_SECRET: 's' }, ['DATABRICKS_CLIENT_ID']],
    [
      { ...ENV, DATABRICKS_TOKEN: '', DATABRICKS_CLIENT_ID: 'i', DATABRICKS_CLIENT_SECRET: 's' },
      [],
    ],
    [{ ...ENV, [SMOKE_WAREHOUSE_VAR]: '' }, [SMOKE_WAREHOUSE_VAR]],
    [ENV, []],
  ])('missingSettings(%j) is %j', (env, missing) => {
    expect(missingSettings(env)).toEqual(missing);
  });

  it('as `npm run smoke:databricks` builds it: exit 0 and skipped', () => {
    const built = spawnSync(process.execPath, ['test/smoke/build.mjs'], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const run = spawnSync(process.execPath, ['node_modules/.cache/smoke/databricks.mjs'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('DATABRICKS_HTTP_PATH');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('smoke: skipped (no Databricks settings)');
  });
});

describe('smoke:databricks with the settings (fake driver, folder for S3)', () => {
  it('runs the month into the throwaway schema, checks the rows, drops the schema and empties the prefix', async () => {
    const { code, lines, statements, driver, opened, left } = await smoke();
    expect(lines.at(-1)).toBe('smoke: passed');
    expect(code).toBe(0);
    expect(opened).toBe(PREFIX);

    // The run's own statements, then the checks, then the drop, in that order.
    expect(statements[0]).toContain(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const copy = index(statements, 'COPY INTO IDENTIFIER(:bronze)');
    const merge = index(statements, 'MERGE INTO IDENTIFIER(:silver)');
    const silver = index(statements, 'FROM IDENTIFIER(:silver) WHERE `month` = :month');
    const gold = index(statements, 'FROM IDENTIFIER(:gold) WHERE `month` = :month');
    const bronze = index(statements, 'FROM IDENTIFIER(:bronze) WHERE `_landing_file`');
    expect(0 < copy && copy < merge && merge < silver && silver < gold && gold < bronze).toBe(true);
    expect(statements.at(-1)).toBe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    // COPY INTO read the landing under the throwaway prefix (the folder standing in for it).
    expect(statements[copy]).toMatch(/FILES = \('activities-[0-9a-f]+\.csv'\)/);

    // Every table named is in the throwaway schema; the user's DATABRICKS_SCHEMA is never named.
    const options = driver.executed.map((e) => e.options?.namedParameters ?? {});
    const named = options.flatMap((p) => Object.values(p ?? {}).map(String));
    expect(named.filter((v) => v.startsWith('`')).every((v) => v.startsWith(`${SCHEMA}.`))).toBe(
      true,
    );
    expect(JSON.stringify(driver.executed)).not.toContain('`strava`');
    expect(options[silver]).toEqual({ silver: `${SCHEMA}.\`silver_activities\``, month: MONTH });
    expect(options[bronze]).toMatchObject({
      landing_file: expect.stringMatching(
        new RegExp(`^landing/activities/month=${MONTH}/activities-[0-9a-f]+\\.csv$`),
      ),
    });

    expect(lines).toContain(
      `smoke:   silver: ${SERVED.length} rows for ${MONTH}, ${SERVED.length} served: ok`,
    );
    expect(left).toEqual([]);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('fails naming the missing id, and still drops the schema and empties the prefix', async () => {
    const missing = SERVED[0] as string;
    const { code, lines, statements, left } = await smoke({
      answer: (check, rows) =>
        check === 'silver' ? rows.filter((r) => (r as { id: string }).id !== missing) : rows,
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe(`smoke: FAILED: silver for ${MONTH} lacks ${missing}`);
    expect(index(statements, 'FROM IDENTIFIER(:bronze) WHERE `_landing_file`')).toBeGreaterThan(0);
    expect(statements.at(-1)).toBe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    expect(left).toEqual([]);
  });

  it('fails when gold or bronze hold nothing for the month', async () => {
    const { code, lines } = await smoke({
      answer: (check, rows) =>
        check === 'silver' ? rows : check === 'gold' ? [] : [{ rows: '0' }],
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^smoke: FAILED: gold has no rows for ${MONTH}; bronze holds 0 rows from landing/`,
      ),
    );
  });

  it('cleans up after a statement of the run fails, and never prints the token', async () => {
    const { code, lines, statements, left } = await smoke({
      failStatement: (s) =>
        s.includes('MERGE INTO IDENTIFIER(:silver)')
          ? serverError(`[DELTA_MERGE_FAILED] merge refused for token ${TOKEN}`)
          : undefined,
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatch(/^smoke: FAILED: Databricks statement sql\/20_merge_silver\.sql/);
    // No check ran; the drop did.
    expect(index(statements, 'FROM IDENTIFIER(:silver) WHERE `month`')).toBe(-1);
    expect(statements.at(-1)).toBe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    expect(left).toEqual([]);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('says what to drop by hand when the drop fails, and still empties the prefix', async () => {
    const { code, lines, left } = await smoke({
      failStatement: (s) =>
        s.startsWith('DROP SCHEMA') ? serverError('PERMISSION_DENIED') : undefined,
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toContain(`drop the schema ${SCHEMA} by hand`);
    expect(left).toEqual([]);
  });

  it('still drops the schema when the S3 prefix cannot be opened', async () => {
    const { code, lines, statements } = await smoke({
      openFails: new Error('The bucket my-bucket is in another region.'),
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe('smoke: FAILED: The bucket my-bucket is in another region.');
    expect(statements).toEqual([`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`]);
  });

  it('refuses a smoke warehouse that is not on S3 before anything is made', async () => {
    const { code, lines, statements } = await smoke({
      env: { ...ENV, [SMOKE_WAREHOUSE_VAR]: './somewhere' },
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatch(
      /^smoke: FAILED: STRAVA_LAKEHOUSE_SMOKE_WAREHOUSE ".*" is a local folder/,
    );
    expect(statements).toEqual([]);
  });
});

describe('smokeMonth', () => {
  it("is the recorded athlete's newest month, with the ids served for it", () => {
    const { month, ids } = smokeMonth(recordedActivities());
    expect(month).toBe(MONTH);
    expect(ids.map(String).sort()).toEqual([...SERVED].sort());
  });
});
