/**
 * Bad input, table-driven, through the real doors: the bundled CLI (flags and environment) and
 * the bundled action (INPUT_* variables, as the runner passes them), both built by
 * scripts/bundle.mjs into a folder of this test's own; then bad remote data (Strava records,
 * a landing file edited by hand, a damaged Delta log) through the CLI. Every case must exit
 * non-zero with one error line naming the input (the flag, the variable, the action input, the
 * record or the file), leave the warehouse exactly as it was (nothing new, nothing changed),
 * and print no secret. Each flag or input case runs in a folder of its own, against a simulator
 * of its own: a warehouse that wrongly became a relative folder would show in that folder, and a
 * case that can be checked up front must not have sent Strava a single request.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/runs/record.js';
import { commitKey } from '../../src/lakehouse/delta/log.js';
import { readGoldSummary } from '../../src/lakehouse/inspect.js';
import { GOLD, SILVER } from '../../src/lakehouse/tables.js';
import { LeakScan } from '../support/faults.js';
import { cliEnv, startAthlete, type Athlete } from '../support/pipeline.js';
import { bundleDoors, runBundled, type Output } from './support/doors.js';
import { athlete, SPRING_2024 } from './support/harness.js';

const MONTH = '2024-05';
const A_MAY_ACTIVITY = SPRING_2024.find((a) => a.start_date_local.startsWith(MONTH))!.id;

let bundle: string;
let scratch: string;
beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bad-input-'));
  bundle = path.join(scratch, 'dist');
  bundleDoors(bundle);
}, 120_000);
afterAll(async () => {
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

/**
 * Every file under `dir` with a hash of its bytes, and every folder: equal before and after
 * means nothing was written, not even an empty folder.
 */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    const file = path.join(e.parentPath, e.name);
    if (e.isDirectory()) out[`${path.relative(dir, file)}/`] = 'folder';
    if (!e.isFile()) continue;
    out[path.relative(dir, file)] = createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex');
  }
  return out;
}

/** A simulator for one case: one that wrongly got past validation would write, and ask Strava. */
async function withSimulator<T>(fn: (sim: Athlete) => Promise<T>): Promise<T> {
  const sim = await startAthlete(SPRING_2024);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** A fresh, empty warehouse folder and a token folder for one case. */
async function caseDirs() {
  const dir = await fs.mkdtemp(path.join(scratch, 'case-'));
  const warehouse = path.join(dir, 'lakehouse');
  await fs.mkdir(warehouse);
  return { dir, warehouse, tokenFile: path.join(dir, 'token', 'refresh-token') };
}

/** The one error line of a CLI run: stderr is that line alone for a bad flag or variable. */
function cliError(out: Output, { alone }: { alone: boolean }): string {
  expect(out.code, out.stderr).toBe(1);
  const errors = out.stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors, out.stderr).toHaveLength(1);
  if (alone) expect(out.stderr).toBe(`${errors[0]}\n`);
  expect(out.stdout).toBe('');
  return errors[0]!;
}

function expectNoLeaks(out: Output, secrets: string[], where: string) {
  const scan = new LeakScan();
  scan.secret(...secrets);
  scan.actionLog(`${where} stdout`, out.stdout);
  scan.text(`${where} stderr`, out.stderr);
  expect(scan.hits()).toEqual([]);
}

interface CliCase {
  name: string;
  args: string[];
  /** Variables to set (a string) or remove (undefined) from a complete, valid environment. */
  env?: Record<string, string | undefined>;
  /** The part of the message that names the input. */
  names: string;
}

const DATABRICKS_ENV = {
  DATABRICKS_HOST: 'dbc-faults.cloud.databricks.com',
  DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/faults',
  DATABRICKS_TOKEN: 'dapi-faults-token-0c2e4a6b8d1f3e5a',
};
const S3_WH = 's3://faults-bucket/lake';
/** Stands for the case's own warehouse folder in `args`; without it, `--warehouse <it>` is added. */
const WAREHOUSE = '<warehouse>';
/** Stands for the case's own (existing) folder in `env` values. */
const CASE_DIR = '<case>';

const CLI_CASES: CliCase[] = [
  {
    name: 'a month 13',
    args: ['run', '--month', '2024-13'],
    names: '--month "2024-13" is not a real month',
  },
  {
    name: 'a two-digit year',
    args: ['run', '--month', '24-05'],
    names: '--month "24-05" is not a month in YYYY-MM form',
  },
  {
    name: 'a month in the future',
    args: ['run', '--month', '2999-01'],
    names: '--month "2999-01" is in the future',
  },
  {
    name: 'a month before 2000',
    args: ['run', '--month', '1999-12'],
    names: '--month "1999-12" is not a real month',
  },
  {
    name: '--month without a value, at the end',
    args: ['run', '--warehouse', WAREHOUSE, '--month'],
    names: "Option '--month <value>' argument missing",
  },
  {
    name: '--month followed by another flag',
    args: ['run', '--month', '--warehouse', WAREHOUSE],
    names: "Option '--month' argument is ambiguous",
  },
  {
    name: 'a range the wrong way round',
    args: ['backfill', '--from', '2024-06', '--to', '2024-01'],
    names: '--from 2024-06 is after --to 2024-01',
  },
  {
    name: 'a range without an end',
    args: ['backfill', '--from', '2024-01'],
    names: 'backfill needs --from and --to',
  },
  {
    name: 'a range end that is not a month',
    args: ['backfill', '--from', '2024-01', '--to', '2024-1x'],
    names: '--to "2024-1x"',
  },
  {
    name: '--from given to run',
    args: ['run', '--from', '2024-01'],
    names: '--from does not apply to `run`',
  },
  {
    name: '--month given to backfill',
    args: ['backfill', '--month', '2024-01', '--from', '2024-01', '--to', '2024-02'],
    names: '--month does not apply to `backfill`',
  },
  {
    name: 'a lookback beyond 24 months',
    args: ['run', '--month', '2024-05', '--lookback', '25'],
    names: '--lookback "25" is not a number of months from 0 to 24',
  },
  {
    name: 'a lookback that is not a whole number',
    args: ['run', '--lookback', '1e1'],
    names: '--lookback "1e1" is not a number of months from 0 to 24',
  },
  {
    name: '--lookback given to backfill',
    args: ['backfill', '--lookback', '1', '--from', '2024-01', '--to', '2024-02'],
    names: '--lookback does not apply to `backfill`',
  },
  {
    name: '--month given to inspect',
    args: ['inspect', '--month', '2024-01'],
    names: '--month does not apply to `inspect`',
  },
  { name: 'an unknown flag', args: ['run', '--bogus'], names: "'--bogus'" },
  { name: 'a value for a switch', args: ['run', '--force=yes'], names: "'--force'" },
  { name: 'an unknown command', args: ['frobnicate'], names: 'Unknown command "frobnicate"' },
  { name: 'an extra argument', args: ['run', 'extra'], names: 'Unexpected argument "extra"' },
  {
    name: 'a warehouse above the current folder',
    args: ['run', '--warehouse', '../outside'],
    names: '--warehouse "../outside" contains ".."',
  },
  {
    name: 'a warehouse prefix with ..',
    args: ['run', '--warehouse', 's3://faults-bucket/a/../b'],
    names: '--warehouse "s3://faults-bucket/a/../b" contains ".."',
  },
  {
    name: 'a bucket name S3 refuses',
    args: ['run', '--warehouse', 's3://Bad_Bucket/lake'],
    names: '--warehouse "s3://Bad_Bucket/lake" does not name a valid S3 bucket',
  },
  {
    name: 'a warehouse over http',
    args: ['run', '--warehouse', 'https://example.com/lake'],
    names: '--warehouse "https://example.com/lake" uses an unsupported scheme',
  },
  {
    name: 'an empty prefix segment',
    args: ['run', '--warehouse', 's3://faults-bucket//lake'],
    names: '--warehouse "s3://faults-bucket//lake" has an empty path segment',
  },
  ...[
    's3:/faults-bucket/lake',
    's3//faults-bucket/lake',
    's3:faults-bucket/lake',
    'S3://faults-bucket',
    's3a://faults-bucket/lake',
  ].map((w): CliCase => ({
    name: `a near-miss of an S3 URI: ${w}`,
    args: ['run', '--warehouse', w],
    names: `--warehouse "${w}" is not an S3 URI. Write s3://bucket/prefix`,
  })),
  ...['my..bucket', '192.168.5.4', 'xn--faults', 'faults--ol-s3'].map((b): CliCase => ({
    name: `a bucket name S3 refuses: ${b}`,
    args: ['run', '--warehouse', `s3://${b}/lake`],
    names: `--warehouse "s3://${b}/lake" does not name a valid S3 bucket`,
  })),
  {
    name: 'a token file that is a folder',
    args: ['run', '--month', MONTH],
    env: { STRAVA_TOKEN_FILE: CASE_DIR },
    names: `STRAVA_TOKEN_FILE "${CASE_DIR}" cannot be written: it is a folder.`,
  },
  {
    name: 'a token file under something that is not a folder',
    args: ['run', '--month', MONTH],
    env: { STRAVA_TOKEN_FILE: '/dev/null/strava/refresh-token' },
    names:
      'STRAVA_TOKEN_FILE "/dev/null/strava/refresh-token" cannot be written: /dev/null is not a folder.',
  },
  {
    name: 'auth with a token file that is a folder',
    args: ['auth', '--no-browser'],
    env: { STRAVA_TOKEN_FILE: CASE_DIR },
    names: `STRAVA_TOKEN_FILE "${CASE_DIR}" cannot be written: it is a folder.`,
  },
  {
    name: 'auth with a token file under something that is not a folder',
    args: ['auth', '--no-browser'],
    env: { STRAVA_TOKEN_FILE: '/dev/null/refresh-token' },
    names:
      'STRAVA_TOKEN_FILE "/dev/null/refresh-token" cannot be written: /dev/null is not a folder.',
  },
  {
    name: 'an unknown engine',
    args: ['run', '--engine', 'spark'],
    names: '--engine "spark" is not an engine',
  },
  {
    name: 'databricks without a host',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    names: 'DATABRICKS_HOST is not set',
  },
  {
    name: 'databricks without a token',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    env: { ...DATABRICKS_ENV, DATABRICKS_TOKEN: undefined },
    names: 'DATABRICKS_TOKEN is not set',
  },
  {
    name: 'SQL in the catalog name',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    env: { ...DATABRICKS_ENV, DATABRICKS_CATALOG: 'main; DROP TABLE x' },
    names: 'DATABRICKS_CATALOG "main; DROP TABLE x" is not a valid catalog name',
  },
  {
    name: 'a hyphen in the schema name',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    env: { ...DATABRICKS_ENV, DATABRICKS_SCHEMA: 'strava-lake' },
    names: 'DATABRICKS_SCHEMA "strava-lake" is not a valid identifier',
  },
  {
    name: 'a quoted schema name',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    env: { ...DATABRICKS_ENV, DATABRICKS_SCHEMA: '`strava`' },
    names: 'DATABRICKS_SCHEMA "`strava`" is not a valid identifier',
  },
  {
    name: 'an unknown table location',
    args: ['run', '--engine', 'databricks', '--warehouse', S3_WH],
    env: { ...DATABRICKS_ENV, DATABRICKS_TABLE_LOCATION: 'elsewhere' },
    names: 'DATABRICKS_TABLE_LOCATION "elsewhere" is not a table location',
  },
  {
    name: 'databricks with a warehouse that cannot go into SQL',
    args: ['run', '--engine', 'databricks', '--warehouse', "s3://faults-bucket/it's-lake"],
    env: DATABRICKS_ENV,
    names: `--warehouse "s3://faults-bucket/it's-lake" has characters that cannot go into a Databricks SQL statement.`,
  },
  {
    name: 'databricks on a local folder',
    args: ['run', '--engine', 'databricks'],
    env: DATABRICKS_ENV,
    names: 'is a local folder, which a Databricks SQL warehouse cannot read',
  },
  {
    name: 'no client id',
    args: ['run'],
    env: { STRAVA_CLIENT_ID: undefined },
    names: 'STRAVA_CLIENT_ID is not set',
  },
  {
    name: 'a blank client secret',
    args: ['run'],
    env: { STRAVA_CLIENT_SECRET: '   ' },
    names: 'STRAVA_CLIENT_SECRET is not set',
  },
  {
    name: 'no refresh token and none saved',
    args: ['run'],
    env: { STRAVA_REFRESH_TOKEN: undefined },
    names: 'STRAVA_REFRESH_TOKEN is not set and there is no saved token at',
  },
  {
    name: 'an API URL that is not a URL',
    args: ['run'],
    env: { STRAVA_API_URL: 'not a url' },
    names: 'STRAVA_API_URL "not a url" is not a URL',
  },
];

describe.concurrent('CLI flags and environment', () => {
  test.each(CLI_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { dir, warehouse, tokenFile } = await caseDirs();
    await withSimulator(async (sim) => {
      const env: NodeJS.ProcessEnv = {
        ...cliEnv(sim),
        STRAVA_TOKEN_FILE: tokenFile,
        AWS_REGION: 'us-east-1',
      };
      for (const [k, v] of Object.entries(c.env ?? {})) {
        if (v === undefined) delete env[k];
        else env[k] = v.replace(CASE_DIR, dir);
      }
      // auth takes no warehouse; every other command gets the case's own.
      const args =
        c.args.includes('--warehouse') || c.args[0] === 'auth'
          ? c.args.map((a) => (a === WAREHOUSE ? warehouse : a))
          : [...c.args, '--warehouse', warehouse];
      const before = await snapshot(dir);

      const out = await runBundled(bundle, 'cli.js', args, { ...env }, dir);

      const line = cliError(out, { alone: true });
      expect(line).toContain(c.names.replace(CASE_DIR, dir));
      expect(await snapshot(dir)).toEqual(before);
      expect(sim.sim.state.requests).toEqual([]);
      expectNoLeaks(out, sim.secrets(), c.name);
    });
  });
});

interface ActionCase {
  name: string;
  inputs: Record<string, string>;
  names: string;
}

const ACTION_CASES: ActionCase[] = [
  {
    name: 'a month without its leading zero',
    inputs: { month: '2024-5' },
    names: 'Input "month" "2024-5" is not a month in YYYY-MM form',
  },
  { name: 'force as yes', inputs: { force: 'yes' }, names: 'Input "force" "yes" is not a boolean' },
  {
    name: 'zero retention days',
    inputs: { 'retention-days': '0' },
    names: 'Input "retention-days" "0" is not a number of days from 1 to 90',
  },
  ...['0x10', '1e1', '91'].map((days): ActionCase => ({
    name: `retention days written ${days}`,
    inputs: { 'retention-days': days },
    names: `Input "retention-days" "${days}" is not a number of days from 1 to 90`,
  })),
  {
    name: 'a warehouse that is a near-miss of an S3 URI',
    inputs: { warehouse: 's3:/faults-bucket/lake' },
    names: 'Input "warehouse" "s3:/faults-bucket/lake" is not an S3 URI',
  },
  {
    name: 'a secret name GitHub reserves',
    inputs: { 'refresh-token-secret-name': 'GITHUB_STRAVA' },
    names: 'Input "refresh-token-secret-name" "GITHUB_STRAVA" is not a valid secret name',
  },
  {
    name: 'a warehouse prefix with ..',
    inputs: { warehouse: 's3://faults-bucket/../lake' },
    names: 'Input "warehouse" "s3://faults-bucket/../lake" contains ".."',
  },
  {
    name: 'an unknown engine',
    inputs: { engine: 'duckdb' },
    names: 'Input "engine" "duckdb" is not an engine',
  },
  {
    name: 'a catalog starting with a digit',
    inputs: {
      engine: 'databricks',
      warehouse: S3_WH,
      'databricks-host': DATABRICKS_ENV.DATABRICKS_HOST,
      'databricks-http-path': DATABRICKS_ENV.DATABRICKS_HTTP_PATH,
      'databricks-token': DATABRICKS_ENV.DATABRICKS_TOKEN,
      'databricks-catalog': '1abc',
    },
    names: 'Input "databricks-catalog" "1abc" is not a valid catalog name',
  },
  {
    name: 'an unknown table location',
    inputs: {
      engine: 'databricks',
      warehouse: S3_WH,
      'databricks-host': DATABRICKS_ENV.DATABRICKS_HOST,
      'databricks-http-path': DATABRICKS_ENV.DATABRICKS_HTTP_PATH,
      'databricks-token': DATABRICKS_ENV.DATABRICKS_TOKEN,
      'databricks-table-location': 'hive',
    },
    names: 'Input "databricks-table-location" "hive" is not a table location',
  },
  {
    name: 'no client id',
    inputs: { 'strava-client-id': '' },
    names: 'Input "strava-client-id" is not set',
  },
  {
    name: 'an API URL that is not a URL',
    inputs: { 'strava-api-url': 'http//missing-colon' },
    names: 'Input "strava-api-url" "http//missing-colon" is not a URL',
  },
];

describe.concurrent('action inputs', () => {
  test.each(ACTION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { dir, warehouse } = await caseDirs();
    const runnerTemp = path.join(dir, 'runner');
    await fs.mkdir(runnerTemp);
    await withSimulator(async (sim) => {
      const inputs: Record<string, string> = {
        month: MONTH,
        warehouse,
        'strava-client-id': cliEnv(sim).STRAVA_CLIENT_ID!,
        'strava-client-secret': cliEnv(sim).STRAVA_CLIENT_SECRET!,
        'strava-refresh-token': cliEnv(sim).STRAVA_REFRESH_TOKEN!,
        'strava-api-url': sim.sim.url,
        ...c.inputs,
      };
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        RUNNER_TEMP: runnerTemp,
      };
      for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
      const before = await snapshot(dir);

      const out = await runBundled(bundle, 'index.js', [], env, dir);

      expect(out.code, out.stdout + out.stderr).toBe(1);
      const errors = out.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      expect(errors, out.stdout).toHaveLength(1);
      expect(errors[0]).toContain(c.names);
      // One line: a newline would show as %0A in the workflow command.
      expect(errors[0]).not.toContain('%0A');
      expect(await snapshot(dir)).toEqual(before);
      expect(sim.sim.state.requests).toEqual([]);
      expectNoLeaks(out, sim.secrets(), c.name);
    });
  });
});

describe('bad remote data', () => {
  interface RemoteCase {
    name: string;
    /** Spoils something after a first clean run of the month. */
    spoil: (ctx: { a: Athlete; warehouse: string; record: RunRecord }) => Promise<void>;
    args?: string[];
    names: string | RegExp;
  }

  const REMOTE_CASES: RemoteCase[] = [
    {
      name: 'an activity without an id',
      spoil: async ({ a }) => a.sim.editActivity(A_MAY_ACTIVITY, { id: undefined }),
      names: 'Strava activity (missing id): required field "id" is missing.',
    },
    {
      name: 'an activity whose distance is text',
      spoil: async ({ a }) => a.sim.editActivity(A_MAY_ACTIVITY, { distance: 'far' }),
      names: `Strava activity ${A_MAY_ACTIVITY}: field "distance" should be`,
    },
    {
      name: 'an activity whose start date is not a date',
      spoil: async ({ a }) => a.sim.editActivity(A_MAY_ACTIVITY, { start_date_local: 'yesterday' }),
      names: `Strava activity ${A_MAY_ACTIVITY}: field "start_date_local"`,
    },
    ...(
      [
        ['start_date_local', '2024-05-45T99:00:00Z'],
        ['start_date_local', '2024-05-31T23:59:60Z'],
        ['start_date', '2024-04-31T22:00:00Z'],
      ] as const
    ).map(([field, value]): RemoteCase => ({
      name: `an activity whose ${field} is no real instant: ${value}`,
      spoil: async ({ a }) => a.sim.editActivity(A_MAY_ACTIVITY, { [field]: value }),
      names: `Strava activity ${A_MAY_ACTIVITY}: field "${field}" should be a real instant`,
    })),
    {
      name: 'an activity with a negative elapsed_time',
      spoil: async ({ a }) => a.sim.editActivity(A_MAY_ACTIVITY, { elapsed_time: -60 }),
      names: new RegExp(
        `^error: Data quality check failed for landing/activities/month=2024-05/activities-[0-9a-f]{16}\\.csv: negative or non-finite measures in ${A_MAY_ACTIVITY} \\(elapsed_time -60\\)`,
      ),
    },
    {
      name: 'a landing CSV edited by hand',
      spoil: async ({ warehouse, record }) => {
        const file = path.join(warehouse, record.landing.key);
        const text = await fs.readFile(file, 'utf8');
        await fs.writeFile(file, text.replace(/,Run,/, ',Ride,'));
      },
      names:
        /^error: Landing file .*landing\/activities\/month=2024-05\/activities-[0-9a-f]{16}\.csv does not match its content hash/,
    },
    {
      name: 'a landing CSV edited by hand, re-run with --force',
      spoil: async ({ warehouse, record }) => {
        const file = path.join(warehouse, record.landing.key);
        await fs.appendFile(file, '');
        const text = await fs.readFile(file, 'utf8');
        await fs.writeFile(file, text.replace(/\n$/, '\n\n'));
      },
      args: ['--force'],
      names: /does not match its content hash/,
    },
    {
      name: 'a Delta log entry cut short',
      spoil: async ({ warehouse }) => {
        const file = path.join(warehouse, commitKey(SILVER.path, 0));
        const text = await fs.readFile(file, 'utf8');
        await fs.writeFile(file, text.slice(0, Math.floor(text.length / 2)));
      },
      names:
        /^error: silver\/activities: commit .*_delta_log\/0{20}\.json is not valid newline-delimited JSON\./,
    },
  ];

  test.each(REMOTE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const a = await athlete(SPRING_2024);
    const { warehouse, tokenFile } = await caseDirs();
    const env = { ...cliEnv(a), STRAVA_TOKEN_FILE: tokenFile };
    const first = await runBundled(
      bundle,
      'cli.js',
      // One month alone, so --json prints its one record.
      ['run', '--month', MONTH, '--lookback', '0', '--warehouse', warehouse, '--json'],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    await c.spoil({ a, warehouse, record: JSON.parse(first.stdout) as RunRecord });
    const before = await snapshot(warehouse);

    const out = await runBundled(
      bundle,
      'cli.js',
      ['run', '--month', MONTH, '--lookback', '0', '--warehouse', warehouse, ...(c.args ?? [])],
      env,
    );

    const line = cliError(out, { alone: false });
    if (typeof c.names === 'string') expect(line).toContain(c.names);
    else expect(line).toMatch(c.names);
    expect(await snapshot(warehouse)).toEqual(before);
    a.noteTokens();
    const scan = new LeakScan();
    scan.secret(...a.secrets());
    scan.text('first stdout', first.stdout);
    scan.text('first stderr', first.stderr);
    scan.text('stdout', out.stdout);
    scan.text('stderr', out.stderr);
    await scan.folder(warehouse);
    expect(scan.hits()).toEqual([]);
  });
});

describe('a damaged Parquet file', () => {
  /** The live data files of one partition of a table under a folder warehouse. */
  async function partitionFiles(warehouse: string, table: string, month: string) {
    const dir = path.join(warehouse, table, `month=${month}`);
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.parquet'));
    return names.map((n) => path.join(dir, n));
  }

  /** Zeroes the footer's length and magic number: the file no longer reads as Parquet. */
  async function damageFooter(file: string) {
    const bytes = await fs.readFile(file);
    bytes.fill(0, bytes.length - 8);
    await fs.writeFile(file, bytes);
  }

  test('is named with its table and path, and the command the error names writes it again', async () => {
    const a = await athlete(SPRING_2024);
    const { warehouse, tokenFile } = await caseDirs();
    const env = { ...cliEnv(a), STRAVA_TOKEN_FILE: tokenFile };
    // Runs of one month: a lookback would rewrite April's silver as a matter of course.
    const cli = (...args: string[]) =>
      runBundled(
        bundle,
        'cli.js',
        [...args, ...(args[0] === 'run' ? ['--lookback', '0'] : []), '--warehouse', warehouse],
        env,
      );
    const first = await cli('backfill', '--from', '2024-04', '--to', MONTH);
    expect(first.code, first.stderr).toBe(0);

    // May's gold is computed from April's silver too: a forced May reads it.
    const [april] = await partitionFiles(warehouse, SILVER.path, '2024-04');
    await damageFooter(april!);
    const out = await cli('run', '--month', MONTH, '--force');
    const line = cliError(out, { alone: false });
    expect(line).toMatch(
      /^error: silver\/activities: data file (\S+) is not a readable Parquet file \(.+\)\. Write it again with `strava-lakehouse run --month 2024-04 --force` \(in the action: month 2024-04, force true\)\.$/,
    );
    expect(line).toContain(` ${april} `);

    const rewrite = await cli('run', '--month', '2024-04', '--force');
    expect(rewrite.code, rewrite.stderr).toBe(0);
    const again = await cli('run', '--month', MONTH, '--force');
    expect(again.code, again.stderr).toBe(0);

    // Gold too: the forced run of its month writes it without reading the damaged file.
    const [gold] = await partitionFiles(warehouse, GOLD.path, MONTH);
    await damageFooter(gold!);
    const goldRewrite = await cli('run', '--month', MONTH, '--force');
    expect(goldRewrite.code, goldRewrite.stderr).toBe(0);
    const rows = await readGoldSummary(warehouse, {}, MONTH, 1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.month === MONTH)).toBe(true);
    a.noteTokens();
    const scan = new LeakScan();
    scan.secret(...a.secrets());
    for (const o of [first, out, rewrite, again, goldRewrite]) scan.text('stderr', o.stderr);
    expect(scan.hits()).toEqual([]);
  });
});
