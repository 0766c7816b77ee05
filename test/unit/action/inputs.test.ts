/**
 * How the action reads its inputs: the runner's INPUT_<NAME> variables (upper case, hyphens
 * kept), secrets masked before anything else, and every missing or bad input named as the
 * workflow spells it. Output goes through @actions/core's workflow commands on stdout, which
 * these tests read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildConfig } from '../../../src/config.js';
import { ACTION_LABELS, Inputs, readInputs, run, SECRET_INPUTS } from '../../../src/main.js';

const envName = (input: string) => `INPUT_${input.toUpperCase()}`;

const VALID: Record<string, string> = {
  [Inputs.Month]: '2024-05',
  [Inputs.Warehouse]: 's3://my-bucket/lake',
  [Inputs.Engine]: 'databricks',
  [Inputs.Force]: 'true',
  [Inputs.Lookback]: '3',
  [Inputs.StravaClientId]: '12345',
  [Inputs.StravaClientSecret]: 'cs-0123456789abcdef',
  [Inputs.StravaRefreshToken]: 'rt-fedcba9876543210',
  [Inputs.StravaApiUrl]: 'http://127.0.0.1:8080',
  [Inputs.StravaApiBase]: 'https://api-v3.example',
  [Inputs.StravaOAuthUrl]: 'https://oauth.example',
  [Inputs.GitHubToken]: 'ghs_0123456789',
  [Inputs.RefreshTokenSecretName]: 'MY_STRAVA_TOKEN',
  [Inputs.AwsRegion]: 'eu-west-1',
  [Inputs.S3Endpoint]: 'http://127.0.0.1:9000',
  [Inputs.DatabricksHost]: 'dbc-1.cloud.databricks.com',
  [Inputs.DatabricksHttpPath]: '/sql/1.0/warehouses/abc',
  [Inputs.DatabricksToken]: 'dapi-secret-token',
  [Inputs.DatabricksClientId]: 'sp-id',
  [Inputs.DatabricksClientSecret]: 'sp-secret-value',
  [Inputs.DatabricksCatalog]: 'cat',
  [Inputs.DatabricksSchema]: 'sch',
  [Inputs.DatabricksTableLocation]: 'managed',
  [Inputs.RetentionDays]: '30',
  [Inputs.MaxRequests]: '300',
  [Inputs.NoDetails]: 'true',
  [Inputs.PrivacyRadius]: '500',
  [Inputs.NoCoordinates]: 'true',
  [Inputs.IncludePrivate]: 'false',
  [Inputs.Report]: 'false',
};

let saved: NodeJS.ProcessEnv;
let stdout: string[];
let runnerTemp: string;

beforeEach(() => {
  saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-inputs-'));
  process.env.RUNNER_TEMP = runnerTemp;
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STEP_SUMMARY;
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = saved;
  process.exitCode = undefined;
  fs.rmSync(runnerTemp, { recursive: true, force: true });
});

function setInputs(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) process.env[envName(name)] = value;
}

/** The `::error::` line run() printed, if any. */
const errorLine = () =>
  stdout
    .find((l) => l.startsWith('::error::'))
    ?.trim()
    .slice('::error::'.length);

describe('readInputs', () => {
  it('reads every input from INPUT_<NAME>, upper case with hyphens kept, into one typed object', () => {
    setInputs(VALID);
    // The underscore spelling is not what the runner sets: it must not be read.
    process.env.INPUT_STRAVA_CLIENT_ID = 'not-this';
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(VALID).sort());
    expect(readInputs()).toEqual({
      month: '2024-05',
      warehouse: 's3://my-bucket/lake',
      engine: 'databricks',
      force: true,
      lookback: '3',
      clientId: '12345',
      clientSecret: 'cs-0123456789abcdef',
      refreshToken: 'rt-fedcba9876543210',
      apiUrl: 'http://127.0.0.1:8080',
      apiBase: 'https://api-v3.example',
      oauthUrl: 'https://oauth.example',
      githubToken: 'ghs_0123456789',
      refreshTokenSecretName: 'MY_STRAVA_TOKEN',
      awsRegion: 'eu-west-1',
      s3Endpoint: 'http://127.0.0.1:9000',
      databricksHost: 'dbc-1.cloud.databricks.com',
      databricksHttpPath: '/sql/1.0/warehouses/abc',
      databricksToken: 'dapi-secret-token',
      databricksClientId: 'sp-id',
      databricksClientSecret: 'sp-secret-value',
      databricksCatalog: 'cat',
      databricksSchema: 'sch',
      databricksTableLocation: 'managed',
      retentionDays: 30,
      maxRequests: '300',
      noDetails: true,
      privacyRadius: '500',
      noCoordinates: true,
      includePrivate: false,
      report: false,
    });
  });

  it('masks every secret input, and nothing else, before returning', () => {
    setInputs(VALID);
    readInputs();
    const masked = stdout
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.trim().slice(12));
    expect(masked.sort()).toEqual(SECRET_INPUTS.map((name) => VALID[name]).sort());
    expect(SECRET_INPUTS).toEqual(
      expect.arrayContaining([
        Inputs.StravaClientSecret,
        Inputs.StravaRefreshToken,
        Inputs.GitHubToken,
        Inputs.DatabricksToken,
        Inputs.DatabricksClientSecret,
      ]),
    );
  });

  it('gives the documented defaults for empty optional inputs', () => {
    const inputs = readInputs();
    expect(inputs.force).toBe(false);
    expect(inputs.refreshTokenSecretName).toBe('STRAVA_REFRESH_TOKEN');
    expect(inputs.retentionDays).toBeUndefined();
    // action.yml's default for report is 'true': empty means the same.
    expect(inputs.report).toBe(true);
  });

  it.each([
    [Inputs.Force, 'yes', 'Input "force" "yes" is not a boolean.'],
    [Inputs.NoDetails, 'no', 'Input "no-details" "no" is not a boolean.'],
    [Inputs.NoCoordinates, '1', 'Input "no-coordinates" "1" is not a boolean.'],
    [Inputs.Report, 'yes', 'Input "report" "yes" is not a boolean.'],
    [
      Inputs.RetentionDays,
      '91',
      'Input "retention-days" "91" is not a number of days from 1 to 90.',
    ],
    [
      Inputs.RetentionDays,
      '1.5',
      'Input "retention-days" "1.5" is not a number of days from 1 to 90.',
    ],
    ...['0x10', '1e1', '0', '+5', '007.0'].map((v): [string, string, string] => [
      Inputs.RetentionDays,
      v,
      `Input "retention-days" "${v}" is not a number of days from 1 to 90.`,
    ]),
    [
      Inputs.RefreshTokenSecretName,
      'GITHUB_X',
      'Input "refresh-token-secret-name" "GITHUB_X" is not a valid secret name.',
    ],
  ])('refuses %s = %s, naming the input', (name, value, message) => {
    setInputs({ [name]: value });
    expect(() => readInputs()).toThrow(message);
  });

  it('lets config errors name action inputs', () => {
    setInputs({ ...VALID, [Inputs.Month]: '2024-13' });
    expect(() => buildConfig(readInputs(), ACTION_LABELS)).toThrow(
      'Input "month" "2024-13" is not a real month.',
    );
    setInputs({ ...VALID, [Inputs.Lookback]: '25' });
    expect(() => buildConfig(readInputs(), ACTION_LABELS)).toThrow(
      'Input "lookback" "25" is not a number of months from 0 to 24.',
    );
    setInputs({ ...VALID, [Inputs.DatabricksTableLocation]: 'elsewhere' });
    expect(() => buildConfig(readInputs(), ACTION_LABELS)).toThrow(
      'Input "databricks-table-location" "elsewhere" is not a table location.',
    );
  });
});

describe('run', () => {
  const STRAVA = {
    [Inputs.StravaClientId]: VALID[Inputs.StravaClientId]!,
    [Inputs.StravaClientSecret]: VALID[Inputs.StravaClientSecret]!,
    [Inputs.StravaRefreshToken]: VALID[Inputs.StravaRefreshToken]!,
  };

  it.each([Inputs.StravaClientId, Inputs.StravaClientSecret, Inputs.StravaRefreshToken])(
    'fails with one line naming the missing required input %s (the runner does not enforce required)',
    async (missing) => {
      setInputs({ ...STRAVA, [missing]: '' });
      await run();
      expect(process.exitCode).toBe(1);
      expect(errorLine()).toMatch(new RegExp(`^Input "${missing}" is not set`));
    },
  );

  it('names the Databricks inputs that engine databricks needs', async () => {
    setInputs({ ...STRAVA, [Inputs.Engine]: 'databricks', [Inputs.Warehouse]: 's3://bucket/lake' });
    await run();
    expect(errorLine()).toBe(`Input "databricks-host" is not set. Set it to your workspace host.`);
  });

  it('says first that engine databricks needs an s3:// warehouse', async () => {
    setInputs({ ...STRAVA, [Inputs.Engine]: 'databricks' });
    await run();
    expect(errorLine()).toMatch(
      /^Input "warehouse" "\.\/lakehouse" is a local folder, which a Databricks SQL warehouse cannot read\./,
    );
  });

  it('never prints a secret outside the masking commands when it fails', async () => {
    setInputs({ ...VALID, [Inputs.Month]: 'May' });
    await run();
    expect(errorLine()).toMatch(/^Input "month" "May" is not a month in YYYY-MM form/);
    const printed = stdout.filter((l) => !l.startsWith('::add-mask::')).join('');
    for (const name of SECRET_INPUTS) expect(printed).not.toContain(VALID[name]);
  });
});
