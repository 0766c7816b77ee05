/**
 * The bundled action (a fresh build of dist/index.js) run the way the runner runs it: a child process with
 * INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_REPOSITORY, GITHUB_RUN_ID and
 * RUNNER_TEMP, against the Strava simulator (which rotates the refresh token on every refresh),
 * the fake GitHub REST API and a folder warehouse.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/runs/record.js';
import {
  recordedActivities,
  startSimulator,
  type Simulator,
} from '../../../src/simulator/index.js';
import { findPreviousRecordFromArtifacts } from '../../../src/runs/artifacts.js';
import { createGitHub } from '../../../src/runs/github.js';
import { readSingleFileZip } from '../../../src/runs/zip.js';
import { monthOf } from '../../../src/strava/months.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';

const MONTH = '2025-09';
const CLIENT = {
  clientId: 'e2e-client',
  clientSecret: 'e2e-client-secret-3f9a',
  refreshToken: 'e2e-refresh-0b1c',
};
const WRITER = 'ghp_SecretsWriterToken0001';
const READER = 'ghs_WorkflowToken0002';
const SECRET = 'STRAVA_REFRESH_TOKEN';

let sim: Simulator;
let github: FakeGitHub;
let tmp: string;
let warehouse: string;
let bundleDir: string;
/** The record of the first run, which later runs compare with. */
let firstRecord: RunRecord;
/** Every secret value the action was handed or made: none may show outside a mask command. */
const secrets = new Set<string>([CLIENT.clientSecret, CLIENT.refreshToken, WRITER, READER]);

interface ActionRun {
  runId: string;
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter`, the value, the delimiter. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

let runs = 0;

/**
 * One step in a new workflow run (or in a re-run attempt of `rerunOf`): a fresh RUNNER_TEMP,
 * inputs as the runner passes them, and (unless `artifacts` is false) the runtime token and
 * results URL that let it upload artifacts.
 */
async function runAction(
  inputs: Record<string, string>,
  { artifacts = true, rerunOf }: { artifacts?: boolean; rerunOf?: string } = {},
): Promise<ActionRun> {
  const runId = rerunOf ?? String(4242 + runs++);
  const runnerTemp = fs.mkdtempSync(path.join(tmp, 'runner-'));
  const outputFile = path.join(runnerTemp, 'output');
  const summaryFile = path.join(runnerTemp, 'summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: rerunOf ? '2' : '1',
    GITHUB_WORKFLOW: 'Strava lakehouse',
    GITHUB_API_URL: github.url,
    RUNNER_TEMP: runnerTemp,
    ...(artifacts && {
      ACTIONS_RUNTIME_TOKEN: github.runtimeToken(`run-${runId}`, 'job-1'),
      ACTIONS_RESULTS_URL: `${github.url}/`,
    }),
  };
  // Details only where a test asks for them (no-details: 'false'): the rest are about the list.
  for (const [name, value] of Object.entries({ 'no-details': 'true', ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  const child = spawn(process.execPath, [path.join(bundleDir, 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    runId,
    code,
    stdout,
    stderr,
    outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    runnerTemp,
  };
}

const baseInputs = (refreshToken: string, githubToken = WRITER): Record<string, string> => ({
  month: MONTH,
  warehouse,
  'strava-client-id': CLIENT.clientId,
  'strava-client-secret': CLIENT.clientSecret,
  'strava-refresh-token': refreshToken,
  'strava-api-url': sim.url,
  'github-token': githubToken,
});

/** No secret in the log (outside `::add-mask::`), the outputs but `refresh-token`, the summary or the record. */
function expectNoSecretLeaks(run: ActionRun) {
  const log = (run.stdout + run.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const { 'refresh-token': _handedOn, ...outputs } = run.outputs;
  const record = run.outputs['run-record']
    ? fs.readFileSync(run.outputs['run-record'], 'utf8')
    : '';
  for (const s of secrets) {
    for (const [where, text] of Object.entries({
      log,
      outputs: JSON.stringify(outputs),
      summary: run.summary,
      record,
    })) {
      expect(text.includes(s), `${where} shows a secret`).toBe(false);
    }
  }
}

const recordOf = (run: ActionRun) =>
  JSON.parse(fs.readFileSync(run.outputs['run-record']!, 'utf8')) as RunRecord;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-action-'));
  // The bundle as scripts/bundle.mjs builds dist/, into a folder of this test's own.
  bundleDir = path.join(tmp, 'dist');
  execFileSync(process.execPath, ['scripts/bundle.mjs', bundleDir], { stdio: 'inherit' });
  warehouse = path.join(tmp, 'lakehouse');
  sim = await startSimulator(CLIENT);
  github = await startFakeGitHub({
    tokens: {
      [WRITER]: { actionsRead: true, secretsWrite: true },
      [READER]: { actionsRead: true },
    },
  });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await github?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('dist/index.js as the runner runs it', () => {
  const expected = recordedActivities().filter((a) => monthOf(a.start_date_local) === MONTH).length;

  it('ingests the month, sets the outputs, writes the record and summary, and writes the rotated token back', async () => {
    expect(expected).toBeGreaterThan(0);
    const run = await runAction({ ...baseInputs(CLIENT.refreshToken), 'retention-days': '30' });
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);

    expect(run.outputs).toMatchObject({
      month: MONTH,
      status: 'ingested',
      activities: String(expected),
    });
    const record = (firstRecord = recordOf(run));
    expect(run.outputs['run-record']!.startsWith(run.runnerTemp)).toBe(true);
    expect(record).toMatchObject({
      month: MONTH,
      status: 'ingested',
      activities: expected,
      forced: false,
      // The default lookback: the two months before, in the same sweep.
      rechecked: ['2025-07', '2025-08'],
    });
    expect(record.github).toMatchObject({
      repository: `${github.owner}/${github.repo}`,
      runId: '4242',
    });
    expect(JSON.parse(run.outputs['table-versions']!)).toEqual(record.tables.after);
    // The same record sits in the warehouse.
    expect(fs.existsSync(path.join(warehouse, `_runs/month=${MONTH}/${record.runId}.json`))).toBe(
      true,
    );

    expect(run.summary).toContain(`## Strava lakehouse: ${MONTH} (re-checked 2025-07, 2025-08)`);
    expect(run.summary).toContain(`| ${MONTH} | ingested | ${expected} |`);
    expect(run.summary).toMatch(/```mermaid\nxychart-beta\n/);
    expect(run.stdout).toMatch(/^::group::.*Strava/m);

    // Earlier records were looked up among the artifacts of the repository, and this run's
    // record was uploaded as the month's artifact, kept for the days asked.
    expect(github.requests.map((r) => r.path)).toContain(
      `/repos/${github.owner}/${github.repo}/actions/artifacts?name=strava-lakehouse-${MONTH}&per_page=100`,
    );
    const octokit = await createGitHub(READER, github.url);
    const repo = { owner: github.owner, repo: github.repo };
    expect(await findPreviousRecordFromArtifacts(octokit, repo, MONTH)).toEqual(record);
    const [artifact] = github.artifacts;
    expect(Math.round((Date.parse(artifact!.expiresAt!) - Date.now()) / 86_400_000)).toBe(30);
    // Strava rotated the token; the secret now holds the one Strava accepts, and it was masked.
    const rotated = sim.state.refreshToken;
    secrets.add(rotated);
    expect(rotated).not.toBe(CLIENT.refreshToken);
    expect(github.secrets.get(SECRET)).toBe(rotated);
    expect(run.stdout).toContain(`::add-mask::${rotated}`);
    expect(run.outputs['refresh-token']).toBeUndefined();
    // The report (input report, default true): built into RUNNER_TEMP, uploaded, linked.
    expect(run.outputs['report-dir']).toBe(path.join(run.runnerTemp, 'strava-lakehouse-report'));
    const html = fs.readFileSync(path.join(run.outputs['report-dir']!, 'index.html'), 'utf8');
    expect(html).toContain(`<h1>Strava lakehouse: ${MONTH}</h1>`);
    const report = github.artifacts.find(
      (a) => a.name === 'strava-lakehouse-report' && a.runBackendId === `run-${run.runId}`,
    );
    expect(report).toBeDefined();
    expect(run.summary).toMatch(
      /### Report\n\nThe HTML report of the lakehouse: \[the artifact strava-lakehouse-report\]\(\S+\/actions\/runs\/4242\/artifacts\/\d+\)/,
    );
    expectNoSecretLeaks(run);
  });

  it('re-dispatching the unchanged month (with the written-back token) reports unchanged', async () => {
    const run = await runAction({ ...baseInputs(github.secrets.get(SECRET)!), report: 'false' });
    expect(run.code).toBe(0);
    // report: false builds and uploads no report.
    expect(run.outputs['report-dir']).toBeUndefined();
    expect(run.summary).not.toContain('### Report');
    expect(run.outputs).toMatchObject({
      month: MONTH,
      status: 'unchanged',
      activities: String(expected),
    });
    expect(JSON.parse(run.outputs['table-versions']!)).toEqual(firstRecord.tables.after);
    secrets.add(sim.state.refreshToken);
    expect(github.secrets.get(SECRET)).toBe(sim.state.refreshToken);
    expectNoSecretLeaks(run);
  });

  let unchangedRun: ActionRun;

  it('knows the month is unchanged from the artifact alone when the warehouse lost its records', async () => {
    fs.rmSync(path.join(warehouse, '_runs'), { recursive: true });
    const run = (unchangedRun = await runAction(baseInputs(github.secrets.get(SECRET)!)));
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('unchanged');
    // Skipped on the earlier record's word: the engine did not even look at the month.
    expect(run.stdout).not.toMatch(/^::group::Process/m);
    secrets.add(sim.state.refreshToken);
    expectNoSecretLeaks(run);
  });

  it('force redoes the month; as a re-run attempt, its record replaces the first attempt artifact', async () => {
    const before = sim.state.requests.length;
    const run = await runAction(
      { ...baseInputs(github.secrets.get(SECRET)!), force: 'true' },
      { rerunOf: unchangedRun.runId },
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'ingested', activities: String(expected) });
    expect(recordOf(run).forced).toBe(true);
    expect(sim.state.requests.length).toBeGreaterThan(before);
    expect(run.stdout).not.toContain('::warning::');
    // Each month of the sweep (the month and its lookback) has its own record artifact.
    const ofRun = github.artifacts.filter((a) => a.runBackendId === `run-${run.runId}`);
    expect(ofRun.map((a) => a.name).sort()).toEqual([
      ...['2025-07', '2025-08', MONTH].map((m) => `strava-lakehouse-${m}`),
      'strava-lakehouse-report',
    ]);
    const own = ofRun.find((a) => a.name === `strava-lakehouse-${MONTH}`)!;
    expect(JSON.parse(readSingleFileZip(own.zip).data.toString())).toEqual(recordOf(run));
    secrets.add(sim.state.refreshToken);
    expectNoSecretLeaks(run);
  });

  it('writes the rotated token back even when the run fails after Strava rotated it', async () => {
    sim.setFaults({ inactiveApp: true });
    try {
      const run = await runAction(baseInputs(github.secrets.get(SECRET)!));
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^::error::.*Inactive/m);
      const rotated = sim.state.refreshToken;
      secrets.add(rotated);
      expect(github.secrets.get(SECRET)).toBe(rotated);
      expectNoSecretLeaks(run);
    } finally {
      sim.setFaults({ inactiveApp: false });
    }
  });

  it('with a token that may not write secrets, warns and hands the rotated token on as a masked output', async () => {
    const run = await runAction(baseInputs(github.secrets.get(SECRET)!, READER), {
      artifacts: false,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::notice::Not on a GitHub runner');
    const rotated = sim.state.refreshToken;
    secrets.add(rotated);
    expect(github.secrets.get(SECRET)).not.toBe(rotated);
    expect(run.stdout).toMatch(
      new RegExp(
        `^::warning::Strava rotated the refresh token, and the secret ${SECRET} could not be updated: .*403.*The next run will fail`,
        'm',
      ),
    );
    const maskAt = run.stdout.indexOf(`::add-mask::${rotated}`);
    expect(maskAt).toBeGreaterThanOrEqual(0);
    expect(run.outputs['refresh-token']).toBe(rotated);
    expect(run.summary).toContain('> [!WARNING]');
    expectNoSecretLeaks(run);
  });

  it('loads no network, crypto, compression or process module before the inputs pass', () => {
    // Node's own modules as the process ends, after failing on the first missing input. Output
    // goes to a file: a pipe would load net for stdout, as it does on a runner.
    const preload = path.join(tmp, 'loaded-modules.mjs');
    const listFile = path.join(tmp, 'loaded-modules.txt');
    const logFile = path.join(tmp, 'no-inputs.log');
    fs.writeFileSync(
      preload,
      `import fs from 'node:fs';\nprocess.on('exit', () => fs.writeFileSync(${JSON.stringify(listFile)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const log = fs.openSync(logFile, 'w');
    const child = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(preload).href, path.join(bundleDir, 'index.js')],
      { env: { PATH: process.env.PATH, HOME: tmp }, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    expect(child.status).toBe(1);
    expect(fs.readFileSync(logFile, 'utf8')).toMatch(/^::error::Input "strava-client-id"/m);
    const loaded = fs
      .readFileSync(listFile, 'utf8')
      .split('\n')
      .filter((m) => m.startsWith('NativeModule '))
      .map((m) => m.slice('NativeModule '.length));
    expect(loaded).toContain('fs'); // the list is the real one
    const heavy = [
      'internal/deps/undici/undici', // fetch
      'http',
      'https',
      'http2',
      'net',
      'tls',
      'dns',
      'crypto',
      'zlib',
      'child_process',
      'worker_threads',
    ];
    expect(loaded.filter((m) => heavy.includes(m))).toEqual([]);
  });

  it('fails fast, naming the input, when a required input is missing', async () => {
    const run = await runAction({ ...baseInputs('x'), 'strava-client-id': '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Input "strava-client-id" is not set\./m);
    expect(run.outputs).toEqual({});
  });
});

describe('dist/index.js with details', () => {
  it('fetches details within max-requests and says in the summary what is done and queued', async () => {
    const details = path.join(tmp, 'lakehouse-details');
    const run = await runAction({
      ...baseInputs(sim.state.refreshToken),
      warehouse: details,
      lookback: '0',
      'no-details': 'false',
      'max-requests': '20',
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    secrets.add(sim.state.refreshToken);
    const record = recordOf(run);
    expect(record.stravaRequests).toBeLessThanOrEqual(20);
    const d = record.details!;
    expect(d.fetched).toBeGreaterThan(0);
    expect(d.fetched + d.queued).toBe(record.activities);
    expect(d.stoppedBy).toBe('max-requests');
    expect(run.summary).toContain('### Activity details');
    expect(run.summary).toContain(
      `${d.withDetails} activities have details; fetched for ${d.fetched} activities this run`,
    );
    expect(run.summary).toMatch(/run again \(or with a larger --max-requests\)/);
    expect(fs.existsSync(path.join(details, 'silver/streams/_delta_log'))).toBe(true);
    expectNoSecretLeaks(run);
  });
});
