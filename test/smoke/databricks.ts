/**
 * `npm run smoke:databricks`: one month end to end on a real Databricks SQL warehouse. The
 * built-in Strava simulator serves the recorded athlete's newest month; `runPipeline` writes it
 * with `--engine databricks` into a new throwaway schema (`strava_smoke_<random>`) and a new
 * throwaway prefix under STRAVA_LAKEHOUSE_SMOKE_WAREHOUSE; the rows are checked through
 * @databricks/sql; then, whatever happened, the schema is dropped (CASCADE) and the prefix
 * deleted. Without the settings it says what it needs and is skipped (exit 0).
 *
 * The user's own DATABRICKS_SCHEMA is never used: every statement names the throwaway schema.
 * Tests hand in a stand-in for the driver and the store (`SmokeDeps`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type DatabricksConfig, type RawInputs } from '../../src/config.js';
import { CLI_LABELS } from '../../src/cli/inputs.js';
import { AppError } from '../../src/errors.js';
import type { DBSQLClientLike, WarehouseWait } from '../../src/lakehouse/databricks/connection.js';
import { redact } from '../../src/lakehouse/databricks/driver-errors.js';
import { executeStatements } from '../../src/lakehouse/databricks/runner.js';
import { qualifiedName, type Statement } from '../../src/lakehouse/databricks/statements.js';
import { BRONZE, GOLD, SILVER } from '../../src/lakehouse/tables.js';
import { openStore } from '../../src/landing/open.js';
import type { ObjectStore } from '../../src/landing/store.js';
import { runPipeline } from '../../src/pipeline.js';
import type { Progress } from '../../src/progress.js';
import { recordedActivities, startSimulator } from '../../src/simulator/index.js';
import { monthOf, type Month } from '../../src/strava/months.js';
import type { StravaActivity } from '../../src/strava/schema.js';

/** The s3:// location under which the smoke test makes (and deletes) its throwaway prefix. */
export const SMOKE_WAREHOUSE_VAR = 'STRAVA_LAKEHOUSE_SMOKE_WAREHOUSE';

/** What the smoke test needs, for the paragraph printed when it is skipped. */
export const NEEDS =
  'The Databricks smoke test runs one month of the built-in Strava simulator end to end with ' +
  '--engine databricks on a real Databricks SQL warehouse, in a new throwaway schema and a new ' +
  'throwaway S3 prefix that it removes afterwards. It needs DATABRICKS_HOST (the workspace ' +
  "host), DATABRICKS_HTTP_PATH (the SQL warehouse's HTTP path), DATABRICKS_TOKEN (a personal " +
  'access token) or DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET (a service principal), ' +
  `and ${SMOKE_WAREHOUSE_VAR} (s3://bucket/prefix, covered by an external location the ` +
  'warehouse may READ FILES and WRITE FILES on), with AWS credentials for that bucket from the ' +
  "AWS SDK's own settings (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID and " +
  'AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3). Optional: DATABRICKS_CATALOG (default main; ' +
  'the principal needs CREATE SCHEMA there) and DATABRICKS_TABLE_LOCATION (external or managed).';

export interface SmokeDeps {
  env: Readonly<Record<string, string | undefined>>;
  /** Prints one line (the script: stdout). */
  print: (line: string) => void;
  /** A stand-in for @databricks/sql (tests); by default the real driver. */
  client?: DBSQLClientLike;
  wait?: WarehouseWait;
  /** Opens the throwaway warehouse (tests: a folder standing in for S3); by default S3. */
  openStore?: (
    warehouse: string,
    s3: { region?: string; endpoint?: string },
  ) => Promise<ObjectStore>;
  /** The random part of the throwaway names; by default 8 random hex digits. */
  suffix?: string;
}

/** The settings the smoke test needs that `env` lacks (an empty value counts as unset). */
export function missingSettings(env: SmokeDeps['env']): string[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const missing = ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH'].filter((n) => !set(n));
  if (!set('DATABRICKS_TOKEN')) {
    const id = set('DATABRICKS_CLIENT_ID');
    const secret = set('DATABRICKS_CLIENT_SECRET');
    if (id && !secret) missing.push('DATABRICKS_CLIENT_SECRET');
    else if (secret && !id) missing.push('DATABRICKS_CLIENT_ID');
    else if (!id)
      missing.push('DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)');
  }
  if (!set(SMOKE_WAREHOUSE_VAR)) missing.push(SMOKE_WAREHOUSE_VAR);
  return missing;
}

/** The variables that would make the smoke test run, set or not. */
const SETTINGS = [
  'DATABRICKS_HOST',
  'DATABRICKS_HTTP_PATH',
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_ID',
  'DATABRICKS_CLIENT_SECRET',
  SMOKE_WAREHOUSE_VAR,
];

/** The month the smoke test runs: the recorded athlete's newest, and what the simulator serves for it. */
export function smokeMonth(activities: readonly StravaActivity[]): {
  month: Month;
  ids: bigint[];
} {
  const month = activities
    .map((a) => monthOf(a.start_date_local))
    .sort()
    .at(-1) as Month;
  const ids = activities
    .filter((a) => monthOf(a.start_date_local) === month)
    .map((a) => BigInt(a.id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { month, ids };
}

const SIMULATED_APP = {
  clientId: 'smoke',
  clientSecret: 'smoke-secret',
  refreshToken: 'smoke-refresh',
};

/** `line` with the values of the secret variables of `env` replaced by `***`. */
export function redactSecrets(line: string, env: SmokeDeps['env']): string {
  const secrets = [
    env.DATABRICKS_TOKEN,
    env.DATABRICKS_CLIENT_SECRET,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
  ].filter((s): s is string => Boolean(s?.trim()));
  return redact(line, secrets);
}

/** Runs the smoke test; the exit code (0: passed or skipped, 1: failed). */
export async function runSmoke(deps: SmokeDeps): Promise<number> {
  const { env } = deps;
  const print = (line: string) => deps.print(redactSecrets(line, env));
  const say = (line: string) => print(`smoke: ${line}`);

  const missing = missingSettings(env);
  if (missing.length) {
    print(NEEDS);
    const none = SETTINGS.every((n) => !env[n]?.trim());
    say(`skipped (${none ? 'no Databricks settings' : `missing ${missing.join(', ')}`})`);
    return 0;
  }

  const suffix = deps.suffix ?? randomBytes(4).toString('hex');
  const schema = `strava_smoke_${suffix}`;
  const base = (env[SMOKE_WAREHOUSE_VAR] as string).trim().replace(/\/+$/, '');
  const warehouse = `${base}/strava-smoke-${suffix}`;
  const activities = recordedActivities();
  const { month, ids } = smokeMonth(activities);
  const tokenDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strava-lakehouse-smoke-'));
  const sim = await startSimulator({ activities, ...SIMULATED_APP });
  const failures: string[] = [];
  try {
    const raw: RawInputs = {
      month,
      lookback: '0',
      warehouse,
      engine: 'databricks',
      awsRegion: env.AWS_REGION,
      s3Endpoint: env.AWS_ENDPOINT_URL_S3,
      databricksHost: env.DATABRICKS_HOST,
      databricksHttpPath: env.DATABRICKS_HTTP_PATH,
      databricksToken: env.DATABRICKS_TOKEN,
      databricksClientId: env.DATABRICKS_CLIENT_ID,
      databricksClientSecret: env.DATABRICKS_CLIENT_SECRET,
      databricksCatalog: env.DATABRICKS_CATALOG,
      // Never the user's DATABRICKS_SCHEMA: the schema is made here and dropped at the end.
      databricksSchema: schema,
      databricksTableLocation: env.DATABRICKS_TABLE_LOCATION,
      apiUrl: sim.url,
      tokenFile: path.join(tokenDir, 'refresh-token'),
      ...SIMULATED_APP,
    };
    let config;
    try {
      config = buildConfig(raw, { ...CLI_LABELS, warehouse: SMOKE_WAREHOUSE_VAR });
    } catch (err) {
      // Nothing was made yet: nothing to clean up.
      failures.push(lineOf(err));
      return finish(say, failures);
    }
    const databricks = config.databricks as DatabricksConfig;
    const { host, httpPath } = databricks;
    say(
      `workspace ${host} ${httpPath} (${databricks.token ? 'personal access token' : 'service principal'}), catalog ${databricks.catalog}`,
    );
    say(
      `throwaway schema ${qualifiedName(databricks.catalog, schema)}, throwaway prefix ${warehouse}`,
    );
    let store: ObjectStore | undefined;
    const session = {
      config: databricks,
      progress: indented(print),
      client: deps.client,
      wait: deps.wait,
    };
    try {
      store = await (deps.openStore ?? openStore)(warehouse, config.s3);
      say(
        `step 1/4: run ${month} (${ids.length} activities from the built-in simulator) with --engine databricks`,
      );
      const result = await runPipeline(config, {
        progress: indented(print),
        store,
        databricks: { client: deps.client, wait: deps.wait },
      });
      const record = result.records.find((r) => r.month === month);
      if (!record) throw new Error(`the run wrote no record for ${month}`);
      say(
        `step 1/4: ${record.status}, ${record.activities} activities, ${record.statements?.length ?? 0} statements, landing ${record.landing.key}`,
      );
      // A new prefix and a new schema: anything but ingested means the run wrote nothing.
      if (record.status !== 'ingested') {
        failures.push(`the run of ${month} was ${record.status} on a new warehouse`);
      }
      if (record.activities !== ids.length) {
        failures.push(
          `the run landed ${record.activities} activities for ${month}; the simulator serves ${ids.length}`,
        );
      }
      const landingKey = record.landing.key;
      say('step 2/4: check the rows');
      const checks = checkStatements(databricks.catalog, schema, month, landingKey);
      const [silver, gold, bronze] = await executeStatements(checks, session);
      failures.push(
        ...checkRows(
          { month, ids, landingKey },
          {
            silver: silver?.rows ?? [],
            gold: gold?.rows ?? [],
            bronze: bronze?.rows ?? [],
          },
          (line) => say(`  ${line}`),
        ),
      );
    } catch (err) {
      failures.push(lineOf(err));
    } finally {
      say(`step 3/4: drop schema ${qualifiedName(databricks.catalog, schema)} (CASCADE)`);
      try {
        await executeStatements([dropSchemaStatement(databricks.catalog, schema)], session);
      } catch (err) {
        failures.push(
          `cleanup: ${lineOf(err)} (drop the schema ${qualifiedName(databricks.catalog, schema)} by hand if it exists)`,
        );
      }
      say(`step 4/4: delete ${warehouse}`);
      try {
        // No store: it could not be opened, so nothing was written through it.
        const deleted = store ? await deleteAll(store) : 0;
        say(`step 4/4: deleted ${deleted} object(s)`);
      } catch (err) {
        failures.push(`cleanup: ${lineOf(err)} (delete ${warehouse} by hand)`);
      }
    }
    return finish(say, failures);
  } finally {
    await sim.close();
    await fs.rm(tokenDir, { recursive: true, force: true });
  }
}

function finish(say: (line: string) => void, failures: readonly string[]): number {
  if (!failures.length) {
    say('passed');
    return 0;
  }
  say(`FAILED: ${failures.join('; ')}`);
  return 1;
}

/** One line for an error: an AppError's message and hint, anything else its message. */
function lineOf(err: unknown): string {
  if (err instanceof AppError) return err.line;
  return err instanceof Error ? err.message : String(err);
}

/** The pipeline's progress, as indented plain lines of the smoke test's output. */
function indented(print: (line: string) => void): Progress {
  return {
    info: (m) => print(`  ${m}`),
    warn: (m) => print(`  warning: ${m}`),
    update: (m) => print(`  ${m}`),
    group: async (name, fn) => {
      print(`  == ${name}`);
      return fn();
    },
  };
}

/**
 * The three checks, as statements of their own: table names through `IDENTIFIER(:name)` (a table
 * a query reads) and the month and landing key as named parameters in expressions, the same
 * documented constructs as sql/. In order: silver's ids, gold's rows and bronze's rows, of the month.
 */
export function checkStatements(
  catalog: string,
  schema: string,
  month: Month,
  landingKey: string,
): Statement[] {
  const table = (def: typeof SILVER) => qualifiedName(catalog, schema, def);
  const statement = (
    file: string,
    text: string,
    params: Record<string, string>,
    target: string,
  ): Statement => ({ file, text, params, target, months: [] });
  return [
    statement(
      'smoke/check_silver',
      'SELECT CAST(`id` AS STRING) AS `id` FROM IDENTIFIER(:silver) WHERE `month` = :month',
      { silver: table(SILVER), month },
      `table ${table(SILVER)}`,
    ),
    statement(
      'smoke/check_gold',
      'SELECT `sport_type`, CAST(`activity_count` AS STRING) AS `activity_count` FROM IDENTIFIER(:gold) WHERE `month` = :month',
      { gold: table(GOLD), month },
      `table ${table(GOLD)}`,
    ),
    statement(
      'smoke/check_bronze',
      'SELECT CAST(count(*) AS STRING) AS `rows` FROM IDENTIFIER(:bronze) WHERE `_landing_file` = :landing_file',
      { bronze: table(BRONZE), landing_file: landingKey },
      `table ${table(BRONZE)}`,
    ),
  ];
}

/**
 * `DROP SCHEMA IF EXISTS` the throwaway schema with its tables (CASCADE). The name is written
 * into the text back-quoted and checked, as sql/00 does for CREATE SCHEMA: IDENTIFIER() does not
 * document DROP SCHEMA either. External tables' files stay: the prefix is deleted separately.
 */
export function dropSchemaStatement(catalog: string, schema: string): Statement {
  const name = qualifiedName(catalog, schema);
  return {
    file: 'smoke/drop_schema',
    text: `DROP SCHEMA IF EXISTS ${name} CASCADE`,
    params: {},
    target: `schema ${name}`,
    months: [],
  };
}

/**
 * What the checks found against what the simulator serves: silver holds exactly the month's
 * ids, gold has rows whose activity counts add up to them, bronze took the landing file's rows.
 * Prints one line per check; returns the failures.
 */
export function checkRows(
  expected: { month: Month; ids: readonly bigint[]; landingKey: string },
  found: { silver: readonly object[]; gold: readonly object[]; bronze: readonly object[] },
  print: (line: string) => void,
): string[] {
  const failures: string[] = [];
  const { month, ids, landingKey } = expected;
  const silverIds = found.silver.map((r) => BigInt(String(field(r, 'id'))));
  const want = new Set(ids);
  const got = new Set(silverIds);
  const lacking = ids.filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !want.has(id));
  const twice = silverIds.length - got.size;
  if (lacking.length || extra.length || twice) {
    const parts = [
      lacking.length ? `lacks ${lacking.join(', ')}` : '',
      extra.length ? `has ${extra.join(', ')}, which the simulator does not serve` : '',
      twice ? `holds ${twice} id(s) twice` : '',
    ].filter(Boolean);
    failures.push(`silver for ${month} ${parts.join(', ')}`);
  }
  print(
    `silver: ${silverIds.length} rows for ${month}, ${ids.length} served: ${failures.length ? 'FAILED' : 'ok'}`,
  );

  const goldCount = found.gold.reduce<number>((n, r) => n + Number(field(r, 'activity_count')), 0);
  const goldOk = found.gold.length > 0 && goldCount === ids.length;
  if (!goldOk) {
    failures.push(
      found.gold.length
        ? `gold for ${month} counts ${goldCount} activities; silver has ${ids.length}`
        : `gold has no rows for ${month}`,
    );
  }
  print(
    `gold: ${found.gold.length} rows for ${month}, ${goldCount} activities: ${goldOk ? 'ok' : 'FAILED'}`,
  );

  const bronzeRows = found.bronze.length ? Number(field(found.bronze[0] as object, 'rows')) : 0;
  const bronzeOk = bronzeRows === ids.length;
  if (!bronzeOk) {
    failures.push(
      `bronze holds ${bronzeRows} rows from ${landingKey}; it should hold ${ids.length}`,
    );
  }
  print(`bronze: ${bronzeRows} rows from ${landingKey}: ${bronzeOk ? 'ok' : 'FAILED'}`);
  return failures;
}

function field(row: object, name: string): unknown {
  return (row as Record<string, unknown>)[name];
}

/** Deletes every object of the throwaway warehouse; how many there were. */
async function deleteAll(store: ObjectStore): Promise<number> {
  const objects = await store.list('');
  for (const o of objects) await store.delete(o.key);
  return objects.length;
}
