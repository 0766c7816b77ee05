/**
 * Secrets stay secret through the doors, with faults on the way. The bundled action runs as the
 * runner runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, artifact
 * uploads to the fake GitHub) on an S3 warehouse on moto, and the bundled CLI runs with Strava
 * answering 5xx, revoking the access token and running out of its daily budget. Everything they
 * produce is scanned with LeakScan: logs (the runner's `::add-mask::` commands aside), outputs
 * (the masked `refresh-token` output aside, which exists to hand the token on), the summary,
 * run records, the uploaded artifacts, every request body GitHub received, the token file's
 * folder aside, and every object of the warehouse, Parquet decoded. A positive control shows
 * the scan finds a token where one belongs. Every token Strava issues is masked as it arrives; a
 * token request redirected to another host sends that host nothing and leaves the repository
 * secret as it was; `auth --revoke` revokes the saved token and deletes its file.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/runs/record.js';
import { readSingleFileZip } from '../../src/runs/zip.js';
import { LeakScan } from '../support/faults.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { motoEndpoint, motoEnv } from '../support/moto.js';
import { cliEnv, warehouseState, type Athlete } from '../support/pipeline.js';
import { bundleDoors, runBundled } from './support/doors.js';
import { athlete, SPRING_2024, warehouse } from './support/harness.js';
import { CREDENTIALS, recordTokens, startStrava, stranger } from './support/strava.js';

const WRITER = 'ghp_FaultsSecretsWriter0123456789abcdef';
const SECRET = 'STRAVA_REFRESH_TOKEN';

let scratch: string;
let bundle: string;
let github: FakeGitHub;
beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-faults-secrets-'));
  bundle = path.join(scratch, 'dist');
  bundleDoors(bundle);
  github = await startFakeGitHub({
    tokens: { [WRITER]: { actionsRead: true, secretsWrite: true } },
  });
}, 120_000);
afterAll(async () => {
  await github?.close();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

let runs = 0;

/** One action step in a new workflow run, everything it produced collected into `scan`. */
async function actionStep(a: Athlete, inputs: Record<string, string>, scan: LeakScan) {
  const runId = String(9000 + runs++);
  const runnerTemp = await fs.mkdtemp(path.join(scratch, 'runner-'));
  const outputFile = path.join(runnerTemp, 'output');
  const summaryFile = path.join(runnerTemp, 'summary');
  await fs.writeFile(outputFile, '');
  await fs.writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: runnerTemp,
    ...motoEnv(),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_API_URL: github.url,
    RUNNER_TEMP: runnerTemp,
    ACTIONS_RUNTIME_TOKEN: github.runtimeToken(`run-${runId}`, 'job-1'),
    ACTIONS_RESULTS_URL: `${github.url}/`,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const out = await runBundled(bundle, 'index.js', [], env);
  a.noteTokens();
  scan.actionLog(`action ${runId} stdout`, out.stdout);
  scan.text(`action ${runId} stderr`, out.stderr);
  // GITHUB_OUTPUT, but for the masked output that hands a rotated token on when it cannot be stored.
  const outputs = await fs.readFile(outputFile, 'utf8');
  scan.text(
    `action ${runId} outputs`,
    outputs.replace(/^refresh-token<<(\S+)\n[\s\S]*?\n\1$/m, ''),
  );
  // The token file is where the rotated token is meant to be (0600, in the job's scratch space).
  await scan.folder(runnerTemp, [path.join(runnerTemp, 'strava-lakehouse', 'refresh-token')]);
  return { ...out, outputs, runnerTemp };
}

describe('the action on S3, with Strava failing part of the time', () => {
  test('no secret in logs, outputs, summary, records, artifacts, GitHub requests or the warehouse', async () => {
    const a = await athlete(SPRING_2024);
    const strava = await recordTokens(a.sim.url);
    const wh = await warehouse('s3');
    const scan = new LeakScan();
    const first = cliEnv(a);
    const inputs = (refreshToken: string): Record<string, string> => ({
      month: '2024-05',
      warehouse: wh.uri,
      's3-endpoint': motoEndpoint(),
      'aws-region': 'us-east-1',
      'strava-client-id': first.STRAVA_CLIENT_ID!,
      'strava-client-secret': first.STRAVA_CLIENT_SECRET!,
      'strava-refresh-token': refreshToken,
      'strava-api-url': strava.url,
      'github-token': WRITER,
    });

    // A month ingested through a burst of 5xx and a revoked access token.
    a.sim.setFaults({ serverErrors: 2, rejectAccessToken: 1 });
    const ok = await actionStep(a, inputs(first.STRAVA_REFRESH_TOKEN!), scan);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/retrying in \d+ s/);
    // The same month after an edit on Strava, with the token written back to the secret.
    a.sim.editActivity(SPRING_2024.find((x) => x.start_date_local.startsWith('2024-05'))!.id, {
      name: 'Edited for the scan',
    });
    const again = await actionStep(a, inputs(github.secrets.get(SECRET)!), scan);
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs).toMatch(/^status<<\S+\ningested\n/m);
    // A run Strava refuses after rotating the token: it fails, the new token is still stored.
    a.sim.setFaults({ inactiveApp: true });
    const refused = await actionStep(a, inputs(github.secrets.get(SECRET)!), scan);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^::error::.*inactive/im);
    expect(github.secrets.get(SECRET)).toBe(a.sim.state.refreshToken);

    for (const artifact of github.artifacts) {
      scan.text(`artifact ${artifact.name} (zip)`, Buffer.from(artifact.zip).toString('latin1'));
      scan.text(`artifact ${artifact.name}`, readSingleFileZip(artifact.zip).data.toString('utf8'));
    }
    expect(github.artifacts.length).toBeGreaterThanOrEqual(2);
    for (const r of github.requests)
      scan.text(`GitHub ${r.method} ${r.path}`, JSON.stringify(r.body ?? ''));
    await scan.store(wh.store);
    const secrets = [...new Set([...a.secrets(), ...strava.tokens()])];
    // The client secret, the first refresh token, and per refresh a new refresh and access token:
    // two in the first step (the revoked access token), one in each other.
    expect(secrets.length).toBe(2 + 2 * 4);
    scan.secret(...secrets, WRITER);
    expect(scan.hits()).toEqual([]);
    // Every token Strava issued was masked as soon as it was known, before any line could log it.
    const masked = [ok, again, refused]
      .flatMap((step) => step.stdout.split('\n'))
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length).trim());
    const issued = strava.tokens();
    expect(issued.length).toBe(2 * 4);
    for (const token of issued) expect(masked).toContain(token);

    // Positive control: where the token belongs, the same scan finds it.
    const control = new LeakScan();
    control.secret(...secrets);
    control.text('the repository secret, opened', github.secrets.get(SECRET)!);
    expect(control.hits()).toHaveLength(1);
    const state = await warehouseState(wh.store);
    expect(state.silver.rows.some((r) => r.name === 'Edited for the scan')).toBe(true);
  });
});

describe('the action with the token request redirected to another host', () => {
  test('the stranger receives nothing, nothing is saved, and the repository secret is unchanged', async () => {
    const a = await athlete(SPRING_2024);
    const evil = await stranger({
      token_type: 'Bearer',
      access_token: 'e'.repeat(40),
      expires_at: 4_000_000_000,
      refresh_token: 'f'.repeat(40),
    });
    const wh = await warehouse('s3');
    const scan = new LeakScan();
    const env = cliEnv(a);
    github.secrets.set(SECRET, env.STRAVA_REFRESH_TOKEN!);
    const putsBefore = github.requests.filter((r) => r.method === 'PUT').length;
    a.sim.setFaults({
      redirects: [{ path: '/oauth/token', location: `${evil.url}/oauth/token`, status: 307 }],
    });

    const step = await actionStep(
      a,
      {
        month: '2024-05',
        warehouse: wh.uri,
        's3-endpoint': motoEndpoint(),
        'aws-region': 'us-east-1',
        'strava-client-id': env.STRAVA_CLIENT_ID!,
        'strava-client-secret': env.STRAVA_CLIENT_SECRET!,
        'strava-refresh-token': env.STRAVA_REFRESH_TOKEN!,
        'strava-api-url': a.sim.url,
        'github-token': WRITER,
      },
      scan,
    );

    expect(step.code).toBe(1);
    const errors = step.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      `POST /oauth/token: ${new URL(a.sim.url).host} redirected the request to ${evil.host}; refused`,
    );
    expect(evil.received).toEqual([]);
    expect(github.secrets.get(SECRET)).toBe(env.STRAVA_REFRESH_TOKEN);
    expect(github.requests.filter((r) => r.method === 'PUT').length).toBe(putsBefore);
    await expect(
      fs.access(path.join(step.runnerTemp, 'strava-lakehouse', 'refresh-token')),
    ).rejects.toThrow();
    expect(await wh.store.list('')).toEqual([]);
    scan.secret(...a.secrets(), WRITER);
    expect(scan.hits()).toEqual([]);
  });
});

describe('auth --revoke through the CLI', () => {
  test('revokes the saved token at Strava, deletes the file, prints no secret', async () => {
    const strava = await startStrava();
    await fs.writeFile(strava.tokenFile, `${CREDENTIALS.refreshToken}\n`, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: scratch,
      STRAVA_CLIENT_ID: CREDENTIALS.clientId,
      STRAVA_CLIENT_SECRET: CREDENTIALS.clientSecret,
      STRAVA_API_URL: strava.sim.url,
      STRAVA_TOKEN_FILE: strava.tokenFile,
    };

    const out = await runBundled(bundle, 'cli.js', ['auth', '--revoke'], env);

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Revoked the saved Strava token and deleted ${strava.tokenFile}.\n`);
    await expect(fs.access(strava.tokenFile)).rejects.toThrow();
    const revoke = strava.sim.state.requests.filter((r) => r.path === '/oauth/revoke');
    expect(revoke.map((r) => [r.method, r.status])).toEqual([['POST', 200]]);
    expect(revoke[0]!.query).toEqual({});
    const scan = new LeakScan();
    scan.secret(...strava.secrets());
    scan.text('auth --revoke stdout', out.stdout);
    scan.text('auth --revoke stderr', out.stderr);
    expect(scan.hits()).toEqual([]);

    // The token is dead: a run with it is refused at the refresh.
    const after = await runBundled(bundle, 'cli.js', ['run', '--month', '2024-05'], {
      ...env,
      STRAVA_REFRESH_TOKEN: CREDENTIALS.refreshToken,
      CI: 'true',
    });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /^error: Strava rejected the refresh token at POST \/oauth\/token/m,
    );
  });
});

describe('the CLI with Strava failing, on S3', () => {
  test('retries, a revoked access token and a stop at the daily budget print no secret', async () => {
    // The day's budget: 5 reads, enough for a short backfill and part of a longer one.
    const strava = await startStrava({ readLimit: [100, 5], start: new Date().toISOString() });
    const issued = await recordTokens(strava.sim.url);
    const wh = await warehouse('s3');
    const scan = new LeakScan();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: scratch,
      CI: 'true',
      ...wh.env,
      STRAVA_CLIENT_ID: CREDENTIALS.clientId,
      STRAVA_CLIENT_SECRET: CREDENTIALS.clientSecret,
      STRAVA_REFRESH_TOKEN: CREDENTIALS.refreshToken,
      STRAVA_API_URL: issued.url,
      STRAVA_TOKEN_FILE: strava.tokenFile,
    };
    const cli = async (args: string[]) => {
      const out = await runBundled(bundle, 'cli.js', [...args, '--warehouse', wh.uri], env);
      scan.text(`${args.join(' ')} stdout`, out.stdout);
      scan.text(`${args.join(' ')} stderr`, out.stderr);
      return out;
    };

    strava.sim.setFaults({ serverErrors: 2, truncated: 1, rejectAccessToken: 1 });
    const faulty = await cli(['backfill', '--from', '2024-01', '--to', '2024-03', '--json']);
    expect(faulty.code, faulty.stderr).toBe(0);
    expect((JSON.parse(faulty.stdout) as RunRecord[]).map((r) => r.month)).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
    ]);
    expect(faulty.stderr).toMatch(/Strava answered 503; retrying in \d+ s/);
    expect(strava.tokenCalls().map((r) => r.status)).toEqual([200, 200]);

    // 3 reads are spent (the cut-off page counted; 5xx and 401 answers do not): of the 5 this
    // range needs, 2 are left. The newest months are written, and the exit status is 3.
    expect(strava.sim.state.usage.read[1]).toBe(3);
    const stopped = await cli(['backfill', '--from', '2023-01', '--to', '2025-10']);
    expect(stopped.code, stopped.stderr).toBe(3);
    expect(stopped.stderr).toMatch(
      /^warning: Strava's daily read budget is spent \(5 of 5 requests today\)/m,
    );
    expect(stopped.stdout.trim().split('\n').at(-1)).toMatch(/^2025-10 {2}ingested/);

    await scan.store(wh.store);
    const secrets = [...new Set([...strava.secrets(), ...issued.tokens()])];
    expect(secrets.length).toBe(2 + 2 * 3);
    scan.secret(...secrets);
    expect(scan.hits()).toEqual([]);
    // Positive control: the token file holds the newest refresh token, and the scan sees it.
    const control = new LeakScan();
    control.secret(...secrets);
    control.text('token file', await fs.readFile(strava.tokenFile, 'utf8'));
    expect(control.hits()).toHaveLength(1);
  });
});
