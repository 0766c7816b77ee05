/**
 * The GitHub Action: inputs -> one validated config -> the pipeline -> the rotated refresh token
 * written back, outputs, the run record file, artifacts, the HTML report (input `report`) and the
 * job summary.
 *
 * The runner hands inputs over as INPUT_<NAME> variables and does not enforce `required`, so
 * every input is read and checked here, and every secret is masked before anything can log.
 * The pipeline, and the GitHub, artifact and sealing libraries behind runs/, load only after
 * the inputs pass, so a bad input fails fast. Side steps (artifacts, summary) are best effort: they warn and never hide
 * the main result.
 */
import * as core from '@actions/core';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type InputLabels, type PipelineConfig, type RawInputs } from './config.js';
import { ConfigError, errorLine } from './errors.js';
import type { PipelineResult } from './pipeline.js';
import type { Progress } from './progress.js';
import type { GoldRow } from './lakehouse/gold.js';
import { CHART_MONTHS, renderSummary, reportSummary } from './report/summary.js';
import {
  REPORT_ARTIFACT,
  artifactName,
  canUploadArtifacts,
  findPreviousRecordFromArtifacts,
  uploadRecordArtifact,
  uploadReportArtifact,
} from './runs/artifacts.js';
import { createGitHub, parseRepository, type GitHub, type Repo } from './runs/github.js';
import { runRecordKey, type RunRecord } from './runs/record.js';
import { checkSecretName, setRepoSecrets } from './runs/secrets.js';

/** The action's inputs, as action.yml names them. */
export const Inputs = {
  Month: 'month',
  Warehouse: 'warehouse',
  Engine: 'engine',
  Force: 'force',
  Lookback: 'lookback',
  StravaClientId: 'strava-client-id',
  StravaClientSecret: 'strava-client-secret',
  StravaRefreshToken: 'strava-refresh-token',
  StravaApiUrl: 'strava-api-url',
  StravaApiBase: 'strava-api-base',
  StravaOAuthUrl: 'strava-oauth-url',
  GitHubToken: 'github-token',
  RefreshTokenSecretName: 'refresh-token-secret-name',
  AwsRegion: 'aws-region',
  S3Endpoint: 's3-endpoint',
  DatabricksHost: 'databricks-host',
  DatabricksHttpPath: 'databricks-http-path',
  DatabricksToken: 'databricks-token',
  DatabricksClientId: 'databricks-client-id',
  DatabricksClientSecret: 'databricks-client-secret',
  DatabricksCatalog: 'databricks-catalog',
  DatabricksSchema: 'databricks-schema',
  DatabricksTableLocation: 'databricks-table-location',
  RetentionDays: 'retention-days',
  MaxRequests: 'max-requests',
  NoDetails: 'no-details',
  PrivacyRadius: 'privacy-radius',
  NoCoordinates: 'no-coordinates',
  IncludePrivate: 'include-private',
  Report: 'report',
} as const;

export type InputName = (typeof Inputs)[keyof typeof Inputs];

/** The action's outputs, as action.yml names them. */
export const Outputs = {
  Month: 'month',
  Status: 'status',
  Activities: 'activities',
  RunRecord: 'run-record',
  TableVersions: 'table-versions',
  /** The folder holding the HTML report (index.html), when it was built. */
  ReportDir: 'report-dir',
  /** Only when a rotated refresh token could not be written back; masked. */
  RefreshToken: 'refresh-token',
} as const;

export const DEFAULT_REFRESH_TOKEN_SECRET = 'STRAVA_REFRESH_TOKEN';

/** Inputs whose values are masked in the log. */
export const SECRET_INPUTS: readonly InputName[] = [
  Inputs.StravaClientSecret,
  Inputs.StravaRefreshToken,
  Inputs.GitHubToken,
  Inputs.DatabricksToken,
  Inputs.DatabricksClientSecret,
];

/** Every input, typed: the settings the CLI shares, then those of the action alone. */
export interface ActionInputs extends RawInputs {
  force: boolean;
  /** For artifacts of earlier runs and, when it may, the secret write-back; '' for none. */
  githubToken: string;
  /** The repository secret that holds the Strava refresh token. */
  refreshTokenSecretName: string;
  /** Days to keep run-record artifacts; undefined: the repository's default. */
  retentionDays?: number;
  /** Build the HTML report after the run and upload it as an artifact (default true). */
  report: boolean;
}

const label = (name: InputName) => `Input "${name}"`;

/** How config errors name each setting: as the action input a workflow sets. */
export const ACTION_LABELS: InputLabels = {
  month: label(Inputs.Month),
  from: label(Inputs.Month),
  to: label(Inputs.Month),
  warehouse: label(Inputs.Warehouse),
  engine: label(Inputs.Engine),
  force: label(Inputs.Force),
  lookback: label(Inputs.Lookback),
  clientId: label(Inputs.StravaClientId),
  clientSecret: label(Inputs.StravaClientSecret),
  refreshToken: label(Inputs.StravaRefreshToken),
  apiUrl: label(Inputs.StravaApiUrl),
  apiBase: label(Inputs.StravaApiBase),
  oauthUrl: label(Inputs.StravaOAuthUrl),
  tokenFile: 'The refresh token file',
  awsRegion: label(Inputs.AwsRegion),
  s3Endpoint: label(Inputs.S3Endpoint),
  databricksHost: label(Inputs.DatabricksHost),
  databricksHttpPath: label(Inputs.DatabricksHttpPath),
  databricksToken: label(Inputs.DatabricksToken),
  databricksClientId: label(Inputs.DatabricksClientId),
  databricksClientSecret: label(Inputs.DatabricksClientSecret),
  databricksCatalog: label(Inputs.DatabricksCatalog),
  databricksSchema: label(Inputs.DatabricksSchema),
  databricksTableLocation: label(Inputs.DatabricksTableLocation),
  maxRequests: label(Inputs.MaxRequests),
  noDetails: label(Inputs.NoDetails),
  privacyRadius: label(Inputs.PrivacyRadius),
  noCoordinates: label(Inputs.NoCoordinates),
  includePrivate: label(Inputs.IncludePrivate),
};

/** Reads every input (INPUT_<NAME>), masking secrets first; checks those buildConfig does not. */
export function readInputs(): ActionInputs {
  const get = (name: InputName) => core.getInput(name);
  for (const name of SECRET_INPUTS) {
    const value = get(name);
    if (value) core.setSecret(value);
  }
  return {
    month: get(Inputs.Month),
    warehouse: get(Inputs.Warehouse),
    engine: get(Inputs.Engine),
    force: parseBoolean(get(Inputs.Force), Inputs.Force),
    lookback: get(Inputs.Lookback),
    clientId: get(Inputs.StravaClientId),
    clientSecret: get(Inputs.StravaClientSecret),
    refreshToken: get(Inputs.StravaRefreshToken),
    apiUrl: get(Inputs.StravaApiUrl),
    apiBase: get(Inputs.StravaApiBase),
    oauthUrl: get(Inputs.StravaOAuthUrl),
    awsRegion: get(Inputs.AwsRegion),
    s3Endpoint: get(Inputs.S3Endpoint),
    databricksHost: get(Inputs.DatabricksHost),
    databricksHttpPath: get(Inputs.DatabricksHttpPath),
    databricksToken: get(Inputs.DatabricksToken),
    databricksClientId: get(Inputs.DatabricksClientId),
    databricksClientSecret: get(Inputs.DatabricksClientSecret),
    databricksCatalog: get(Inputs.DatabricksCatalog),
    databricksSchema: get(Inputs.DatabricksSchema),
    databricksTableLocation: get(Inputs.DatabricksTableLocation),
    maxRequests: get(Inputs.MaxRequests),
    noDetails: parseBoolean(get(Inputs.NoDetails), Inputs.NoDetails),
    privacyRadius: get(Inputs.PrivacyRadius),
    noCoordinates: parseBoolean(get(Inputs.NoCoordinates), Inputs.NoCoordinates),
    includePrivate: parseBoolean(get(Inputs.IncludePrivate), Inputs.IncludePrivate),
    githubToken: get(Inputs.GitHubToken),
    refreshTokenSecretName: checkSecretName(
      get(Inputs.RefreshTokenSecretName) || DEFAULT_REFRESH_TOKEN_SECRET,
      label(Inputs.RefreshTokenSecretName),
    ),
    retentionDays: parseRetentionDays(get(Inputs.RetentionDays)),
    // action.yml's default is 'true'; empty (no runner to apply it) means the same.
    report: get(Inputs.Report) === '' ? true : parseBoolean(get(Inputs.Report), Inputs.Report),
  };
}

/** YAML 1.2 core-schema booleans, as the runner passes them; empty is false. */
function parseBoolean(value: string, name: InputName): boolean {
  if (['', 'false', 'False', 'FALSE'].includes(value)) return false;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  throw new ConfigError(`${label(name)} "${value}" is not a boolean.`, 'Use true or false.');
}

function parseRetentionDays(value: string): number | undefined {
  if (!value) return undefined;
  // Plain digits only: Number() would also take "0x10" and "1e1".
  const days = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= 90)) {
    throw new ConfigError(
      `${label(Inputs.RetentionDays)} "${value}" is not a number of days from 1 to 90.`,
      'Give a whole number of days, or leave it empty for the repository default.',
    );
  }
  return days;
}

/** A runner keeps nothing between jobs: the token file is scratch, the secret is what persists. */
function tokenFile(): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'strava-lakehouse', 'refresh-token');
}

/** Progress in the action log: each stage a folded group (the log folds one level only). */
export function actionProgress(): Progress {
  let depth = 0;
  return {
    info: (message) => core.info(message),
    warn: (message) => core.warning(message),
    update: (message) => core.info(message),
    mask: (secret) => core.setSecret(secret),
    async group(name, fn) {
      if (depth > 0) {
        core.info(`-- ${name}`);
        return fn();
      }
      depth++;
      try {
        return await core.group(name, fn);
      } finally {
        depth--;
      }
    },
  };
}

/** The action's entry point. Never throws: a failure becomes `core.setFailed` with one line. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const config = buildConfig(inputs, ACTION_LABELS, { tokenFileDefault: tokenFile() });
    await runAction(inputs, config);
  } catch (err) {
    core.debug(err instanceof Error && err.stack ? err.stack : String(err));
    core.setFailed(errorLine(err));
  }
}

async function runAction(inputs: ActionInputs, config: PipelineConfig): Promise<void> {
  const env = process.env;
  const github = gitHubAccess(inputs.githubToken, env.GITHUB_REPOSITORY);
  const { runPipeline } = await import('./pipeline.js');
  let result: PipelineResult | undefined;
  let failure: unknown;
  try {
    result = await runPipeline(config, {
      progress: actionProgress(),
      github: {
        repository: env.GITHUB_REPOSITORY,
        runId: env.GITHUB_RUN_ID,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        workflow: env.GITHUB_WORKFLOW,
      },
      findPreviousRecord: github && previousRecordFinder(github),
    });
  } catch (err) {
    failure = err;
  }
  // Strava has killed the old token by now: even a failed run must hand the new one on.
  const rotated = result
    ? result.rotatedRefreshToken
    : await rotatedSinceInput(config).catch(() => undefined);
  const writeBackWarning = rotated
    ? await writeBackRefreshToken(rotated, inputs.refreshTokenSecretName, github)
    : undefined;
  if (!result) throw failure;

  const warnings = writeBackWarning ? [writeBackWarning] : [];
  const { records, stoppedEarly } = result;
  if (stoppedEarly) {
    warnings.push(
      `Stopped early: ${stoppedEarly.message} Run again after ${stoppedEarly.resumeAt}.`,
    );
  }

  const files = await writeRecordFiles(records);
  const last = records[records.length - 1];
  core.setOutput(Outputs.Month, last?.month ?? config.to);
  if (last) {
    core.setOutput(Outputs.Status, last.status);
    core.setOutput(Outputs.Activities, last.activities);
    core.setOutput(Outputs.RunRecord, files[files.length - 1]);
    core.setOutput(Outputs.TableVersions, JSON.stringify(last.tables.after));
  }
  await uploadArtifacts(records, files, inputs.retentionDays);
  const report =
    inputs.report && last ? await buildAndUploadReport(last.month, config, inputs) : undefined;
  await writeSummary(records, config, warnings, report);
  if (stoppedEarly) core.setFailed(warnings[warnings.length - 1]!);
}

interface GitHubAccess {
  repo: Repo;
  client: () => Promise<GitHub>;
}

/** The GitHub client, created on first use; undefined without a token or a repository. */
function gitHubAccess(token: string, repository: string | undefined): GitHubAccess | undefined {
  if (!token || !repository) return undefined;
  const repo = parseRepository(repository);
  let client: Promise<GitHub> | undefined;
  return {
    repo,
    client: () => (client ??= createGitHub(token)),
  };
}

/** Earlier records from artifacts are a shortcut only: a failed lookup warns once and moves on. */
function previousRecordFinder(github: GitHubAccess) {
  let warned = false;
  return async (month: string): Promise<RunRecord | undefined> => {
    try {
      return await findPreviousRecordFromArtifacts(await github.client(), github.repo, month);
    } catch (err) {
      if (!warned) core.warning(`Run records of earlier runs were not read: ${errorLine(err)}`);
      warned = true;
      return undefined;
    }
  };
}

/** The pipeline saves a rotated token to the token file first thing, so a failed run finds it there. */
async function rotatedSinceInput(config: PipelineConfig): Promise<string | undefined> {
  const { readRefreshToken } = await import('./strava/token-store.js');
  const saved = await readRefreshToken(config.strava.tokenFile);
  return saved && saved !== config.strava.refreshToken ? saved : undefined;
}

/**
 * Stores the rotated token in the repository secret. If that cannot be done (the default
 * GITHUB_TOKEN may not write secrets), warns loudly and hands the token on as the masked output
 * `refresh-token`; returns the warning for the job summary.
 */
async function writeBackRefreshToken(
  token: string,
  secretName: string,
  github: GitHubAccess | undefined,
): Promise<string | undefined> {
  core.setSecret(token);
  try {
    if (!github) {
      throw new ConfigError(
        `${label(Inputs.GitHubToken)} or GITHUB_REPOSITORY is not set, so no secret can be written.`,
      );
    }
    const { owner, repo } = github.repo;
    await setRepoSecrets(await github.client(), owner, repo, { [secretName]: token });
    core.info(`Strava rotated the refresh token; the secret ${secretName} now holds the new one.`);
    return undefined;
  } catch (err) {
    core.setOutput(Outputs.RefreshToken, token);
    const warning =
      `Strava rotated the refresh token, and the secret ${secretName} could not be updated: ` +
      `${errorLine(err)} The next run will fail unless ${secretName} is set to the new token, ` +
      `which this step gives as its masked output "${Outputs.RefreshToken}".`;
    core.warning(warning);
    return warning;
  }
}

/** Each record as a file on the runner, laid out as in the warehouse's `_runs/`. */
async function writeRecordFiles(records: RunRecord[]): Promise<string[]> {
  const root = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'strava-lakehouse');
  const files: string[] = [];
  for (const r of records) {
    const file = path.join(root, runRecordKey(r.month, r.runId));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
    files.push(file);
  }
  return files;
}

async function uploadArtifacts(
  records: RunRecord[],
  files: string[],
  retentionDays: number | undefined,
): Promise<void> {
  if (!records.length) return;
  if (!canUploadArtifacts()) {
    core.notice(
      'Not on a GitHub runner (no ACTIONS_RUNTIME_TOKEN): run records are not uploaded as artifacts.',
    );
    return;
  }
  const replace = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1') > 1;
  for (const [i, r] of records.entries()) {
    try {
      await uploadRecordArtifact(files[i]!, r.month, { retentionDays, replace });
    } catch (err) {
      core.warning(`The artifact ${artifactName(r.month)} was not uploaded: ${errorLine(err)}`);
    }
  }
}

/** Where the report went: its folder, and the artifact's page when it was uploaded. */
interface ReportOutcome {
  dir: string;
  url?: string;
}

/**
 * Builds the HTML report of the warehouse (headline month: the run's month) into
 * RUNNER_TEMP/strava-lakehouse-report, sets the output `report-dir`, and uploads it as the
 * artifact `strava-lakehouse-report` on a runner. A failure is a warning: the run stands.
 */
async function buildAndUploadReport(
  month: string,
  config: PipelineConfig,
  inputs: ActionInputs,
): Promise<ReportOutcome | undefined> {
  const dir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'strava-lakehouse-report');
  try {
    const { buildReport } = await import('./report/html/index.js');
    const built = await buildReport({
      warehouse: config.warehouse,
      s3: config.s3,
      out: dir,
      month,
      privacyRadiusM: config.privacy.radiusM,
      includePrivate: config.privacy.includePrivate,
    });
    core.info(
      `Report: ${built.file} (${(built.bytes / 1024).toFixed(0)} KiB, ${(built.ms / 1000).toFixed(1)} s)`,
    );
    core.setOutput(Outputs.ReportDir, dir);
  } catch (err) {
    core.warning(`The report was not built: ${errorLine(err)}`);
    return undefined;
  }
  if (!canUploadArtifacts()) {
    core.notice(`Not on a GitHub runner: the report is not uploaded (it is in ${dir}).`);
    return { dir };
  }
  try {
    const replace = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1') > 1;
    const id = await uploadReportArtifact(dir, { retentionDays: inputs.retentionDays, replace });
    const env = process.env;
    const server = env.GITHUB_SERVER_URL || 'https://github.com';
    const url =
      id !== undefined && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}`
        : undefined;
    return { dir, url };
  } catch (err) {
    core.warning(`The artifact ${REPORT_ARTIFACT} was not uploaded: ${errorLine(err)}`);
    return { dir };
  }
}

async function writeSummary(
  records: RunRecord[],
  config: PipelineConfig,
  warnings: string[],
  report?: ReportOutcome,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const month = records[records.length - 1]?.month;
  let gold: GoldRow[] = [];
  if (month) {
    try {
      // Figures as they may be published: private activities left out unless asked.
      const { readPublishedSummary } = await import('./lakehouse/inspect.js');
      gold = await readPublishedSummary(
        config.warehouse,
        config.s3,
        month,
        CHART_MONTHS,
        config.privacy,
      );
    } catch (err) {
      core.warning(`The job summary shows no gold table: ${errorLine(err)}`);
    }
  }
  try {
    await core.summary
      .addRaw(renderSummary(records, gold, { warnings }))
      .addRaw(report ? reportSummary(report) : '')
      .write();
  } catch (err) {
    core.warning(`The job summary was not written: ${errorLine(err)}`);
  }
}
