/**
 * From zero to a scheduled lakehouse, with the real parts this machine can run: `auth
 * --github-repo` sets the secrets (fake GitHub), `init` writes the workflow, and the action then
 * runs from the workflow's `with:` block the way the runner would: expressions evaluated against
 * the repository's secrets and a dispatch's inputs, INPUT_* variables with action.yml's defaults
 * for the rest, GITHUB_OUTPUT and RUNNER_TEMP. The action runs in this process (src/main.ts
 * run(), which dist/index.js only calls): test/unit/action/dist.test.ts rebuilds dist/ in its
 * set-up, so another file spawning dist/index.js at the same time would race it.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAuth } from '../../../src/cli/auth.js';
import { initOptions, runInit } from '../../../src/cli/init.js';
import {
  DEFAULT_ACTION,
  GITHUB_TOKEN_SECRET,
  WORKFLOW_PATH,
} from '../../../src/cli/workflow-template.js';
import { run } from '../../../src/main.js';
import {
  recordedActivities,
  startSimulator,
  type Simulator,
} from '../../../src/simulator/index.js';
import { monthOf } from '../../../src/strava/months.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { captureOutput, captureProgress } from '../auth/support.js';
import { inputEnv, type Contexts } from './expressions.js';
import { lintWorkflow, parseWorkflow } from './workflow-lint.js';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const MONTH = '2025-09';
const CLIENT = {
  clientId: '80808',
  clientSecret: 'first-run-client-secret-77aa',
  refreshToken: 'never-used',
};
const WRITER = 'github_pat_SecretsWriter0003';
const WORKFLOW_TOKEN = 'ghs_WorkflowToken0004';

let sim: Simulator;
let github: FakeGitHub;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-first-run-'));
  // A first run fetches the month's details too (about 100 requests with the lookback): limits
  // above one 15-minute window's 100, so the run is not paced for real minutes here (pacing under
  // Strava's own limits has its own suite, test/faults/details.test.ts).
  sim = await startSimulator({ ...CLIENT, readLimit: [1_000, 10_000] });
  github = await startFakeGitHub({
    tokens: {
      [WRITER]: { actionsRead: true, secretsWrite: true },
      [WORKFLOW_TOKEN]: { actionsRead: true },
    },
  });
});

afterAll(async () => {
  await sim?.close();
  await github?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter`, the value, the delimiter. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

/** Runs the action in this process with `env` as the step's environment. */
async function runStep(env: Record<string, string>): Promise<{ exitCode: number; log: string }> {
  const saved = { ...process.env };
  const log: string[] = [];
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  delete process.env.ACTIONS_RUNTIME_TOKEN;
  Object.assign(process.env, env);
  const write = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      log.push(String(chunk));
      return true;
    });
  try {
    await run();
    return { exitCode: Number(process.exitCode ?? 0), log: log.join('') };
  } finally {
    write.mockRestore();
    process.env = saved;
    process.exitCode = undefined;
  }
}

describe('auth, init, push: the first scheduled run', () => {
  it('runs the action from the generated with: block and ingests the month', async () => {
    // 1. auth --github-repo: the athlete clicks Authorize (the test follows the URL).
    const log = captureProgress();
    const authDone = runAuth(
      {
        oauthUrl: sim.url,
        clientId: CLIENT.clientId,
        clientSecret: CLIENT.clientSecret,
        tokenFile: path.join(tmp, 'config', 'refresh-token'),
        port: 0,
        timeoutMs: 20_000,
        github: {
          repo: { owner: github.owner, repo: github.repo },
          token: WRITER,
          apiUrl: github.url,
        },
      },
      { out: captureOutput().stream, progress: log.progress },
    );
    await fetch(await log.waitFor(/http\S+\/oauth\/authorize\?\S+/));
    expect(await authDone).toBe(0);

    // 2. init into the repository folder.
    const repoDir = path.join(tmp, 'repo');
    await fs.mkdir(repoDir);
    const warehouse = path.join(tmp, 'lakehouse');
    await runInit(initOptions({ dir: repoDir, warehouse }, {}), {
      out: captureOutput().stream,
      progress: captureProgress().progress,
    });
    const text = await fs.readFile(path.join(repoDir, WORKFLOW_PATH), 'utf8');
    expect(lintWorkflow(text)).toEqual([]);
    const workflow = parseWorkflow(text) as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    const step = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses === DEFAULT_ACTION)!;

    // 3. A dispatch of MONTH: the repository's secrets (those auth set, plus the writer token
    // the header asks for) and the runner's inputs.
    const contexts: Contexts = {
      inputs: { month: MONTH, force: false },
      secrets: { ...Object.fromEntries(github.secrets), [GITHUB_TOKEN_SECRET]: WRITER },
      github: { token: WORKFLOW_TOKEN },
      vars: {},
    };
    const action = yaml.load(await fs.readFile('action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const runnerTemp = await fs.mkdtemp(path.join(tmp, 'runner-'));
    const outputFile = path.join(runnerTemp, 'output');
    await fs.writeFile(outputFile, '');
    const inputs = inputEnv(step.with!, action.inputs, contexts);
    expect(inputs).toMatchObject({
      INPUT_MONTH: MONTH,
      INPUT_FORCE: 'false',
      INPUT_WAREHOUSE: warehouse,
      'INPUT_STRAVA-CLIENT-ID': CLIENT.clientId,
      'INPUT_STRAVA-CLIENT-SECRET': CLIENT.clientSecret,
      'INPUT_GITHUB-TOKEN': WRITER,
    });
    const issued = sim.state.refreshToken;
    expect(inputs['INPUT_STRAVA-REFRESH-TOKEN']).toBe(issued);

    const step3 = await runStep({
      ...inputs,
      // The one input the workflow leaves to its default that a test must point elsewhere.
      'INPUT_STRAVA-API-URL': sim.url,
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
      GITHUB_API_URL: github.url,
      GITHUB_RUN_ID: '777',
      GITHUB_RUN_ATTEMPT: '1',
      RUNNER_TEMP: runnerTemp,
    });
    expect(step3.log).not.toMatch(/^::error::/m);
    expect(step3.exitCode).toBe(0);

    const expected = recordedActivities().filter(
      (a) => monthOf(a.start_date_local) === MONTH,
    ).length;
    expect(expected).toBeGreaterThan(0);
    expect(parseOutputs(await fs.readFile(outputFile, 'utf8'))).toMatchObject({
      month: MONTH,
      status: 'ingested',
      activities: String(expected),
    });
    await expect(
      fs.stat(path.join(warehouse, 'silver', 'activities', '_delta_log')),
    ).resolves.toBeTruthy();
    // The first run also fetched the month's details, every table of them.
    for (const table of ['silver/activity_details', 'silver/streams', 'gold/hr_zones_monthly']) {
      await expect(fs.stat(path.join(warehouse, table, '_delta_log'))).resolves.toBeTruthy();
    }
    // Strava rotated the token auth stored; the action wrote the new one to the same secret.
    expect(sim.state.refreshToken).not.toBe(issued);
    expect(github.secrets.get('STRAVA_REFRESH_TOKEN')).toBe(sim.state.refreshToken);
    // The secrets from the with: block were masked before anything else was printed.
    const unmasked = step3.log
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(step3.log).toContain(`::add-mask::${CLIENT.clientSecret}`);
    expect(unmasked).not.toContain(CLIENT.clientSecret);
    expect(unmasked).not.toContain(issued);
  });
});
