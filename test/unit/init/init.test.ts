/**
 * `strava-lakehouse init`: the workflow it writes passes the offline lint (the same one the
 * project's own workflow passes), uses only inputs action.yml declares and every required one,
 * reads the secrets `auth` sets, and is never written over without --force.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initOptions, pickMinute, runInit, type InitFlags } from '../../../src/cli/init.js';
import { main } from '../../../src/cli/main.js';
import {
  CONFIGURE_AWS_CREDENTIALS,
  DEFAULT_ACTION,
  DEPLOY_PAGES,
  UPLOAD_PAGES_ARTIFACT,
  DEFAULT_ACTION_IS_PLACEHOLDER,
  packageAction,
  REPO_SECRETS,
  renderWorkflow,
  ROLE_ARN_PLACEHOLDER,
  WORKFLOW_PATH,
  type WorkflowSettings,
} from '../../../src/cli/workflow-template.js';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_REFRESH_TOKEN_SECRET } from '../../../src/main.js';
import { captureOutput, captureProgress } from '../auth/support.js';
import { lintWorkflow, parseWorkflow } from './workflow-lint.js';
import { captureCli } from '../../support/capture.js';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const action = yaml.load(await fs.readFile('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
};

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, unknown> } };
  concurrency: { group: string; 'cancel-in-progress': boolean };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const S3: WorkflowSettings = {
  action: DEFAULT_ACTION,
  warehouse: 's3://my-bucket/strava',
  engine: 'embedded',
  aws: {
    roleArn: 'arn:aws:iam::111122223333:role/strava-lakehouse',
    region: 'eu-west-1',
    placeholder: false,
  },
  minute: 23,
};

const stepsOf = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const lakehouseStep = (wf: Workflow, uses = DEFAULT_ACTION) =>
  stepsOf(wf).find((s) => s.uses === uses)!;

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-init-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the offline workflow lint', () => {
  it("passes the project's own workflows", async () => {
    for (const file of await fs.readdir('.github/workflows')) {
      const text = await fs.readFile(path.join('.github/workflows', file), 'utf8');
      expect(lintWorkflow(text), file).toEqual([]);
    }
  });

  it('finds what GitHub would refuse', () => {
    const broken = renderWorkflow(S3)
      .replace('  actions: read', '  actions: read\n  secrets: write')
      .replace("'23 6 2 * *'", "'23 6 32 * *'")
      .replace('${{ inputs.month }}', '${{ inputs.months }}')
      .replace(
        "group: strava-lakehouse-${{ inputs.month || 'previous-month' }}",
        'group: ${{ secrets.X }}',
      )
      .replace('      - id: lakehouse', '      - id: lakehouse\n        run: echo both');
    expect(lintWorkflow(broken)).toEqual([
      'on.schedule[0]: field 3 "32" is out of range',
      'permissions: unknown scope "secrets"',
      'concurrency: context "secrets" is not available here (secrets.X)',
      'jobs.ingest.steps[1]: needs exactly one of uses, run',
      'jobs.ingest.steps[1].with.month: inputs.months is not a declared input',
    ]);
  });
});

describe('renderWorkflow', () => {
  it('for S3: monthly off the hour and on demand, one run per month, OIDC, least privilege', () => {
    const text = renderWorkflow(S3);
    expect(lintWorkflow(text)).toEqual([]);
    const wf = parseWorkflow(text) as unknown as Workflow;
    expect(wf.on.schedule).toEqual([{ cron: '23 6 2 * *' }, { cron: '23 6 3-9 * *' }]);
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(['month', 'force']);
    expect(wf.concurrency).toEqual({
      group: "strava-lakehouse-${{ inputs.month || 'previous-month' }}",
      'cancel-in-progress': false,
    });
    expect(wf.permissions).toEqual({ actions: 'read', 'id-token': 'write' });
    const [aws, lakehouse] = stepsOf(wf);
    expect(aws).toEqual({
      uses: CONFIGURE_AWS_CREDENTIALS,
      with: { 'role-to-assume': S3.aws!.roleArn, 'aws-region': 'eu-west-1' },
    });
    expect(lakehouse!.uses).toBe(DEFAULT_ACTION);
    expect(lakehouse!.with).toMatchObject({
      month: '${{ inputs.month }}',
      force: '${{ inputs.force || false }}',
      warehouse: 's3://my-bucket/strava',
      engine: 'embedded',
    });
  });

  it.each([
    ['S3', S3],
    ['a folder', { ...S3, warehouse: '/data/lake', aws: undefined }],
    ['Databricks', { ...S3, engine: 'databricks' as const }],
  ])('for %s, passes only inputs action.yml declares, and every required one', (_, settings) => {
    const wf = parseWorkflow(renderWorkflow(settings)) as unknown as Workflow;
    const given = Object.keys(lakehouseStep(wf).with!);
    expect(given.filter((name) => !(name in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs).filter(([, i]) => i.required);
    expect(required.length).toBeGreaterThan(0);
    for (const [name] of required) expect(given).toContain(name);
  });

  it('reads the Strava secrets auth sets, and names the one the action writes back', () => {
    const wf = parseWorkflow(renderWorkflow(S3)) as unknown as Workflow;
    expect(lakehouseStep(wf).with).toMatchObject({
      'strava-client-id': `\${{ secrets.${REPO_SECRETS.clientId} }}`,
      'strava-client-secret': `\${{ secrets.${REPO_SECRETS.clientSecret} }}`,
      'strava-refresh-token': `\${{ secrets.${REPO_SECRETS.refreshToken} }}`,
      'refresh-token-secret-name': REPO_SECRETS.refreshToken,
    });
    expect(REPO_SECRETS.refreshToken).toBe(DEFAULT_REFRESH_TOKEN_SECRET);
  });

  it('for a folder warehouse: no AWS step and no id-token', () => {
    const text = renderWorkflow({ ...S3, warehouse: '/data/lake', aws: undefined });
    expect(lintWorkflow(text)).toEqual([]);
    const wf = parseWorkflow(text) as unknown as Workflow;
    expect(wf.permissions).toEqual({ actions: 'read' });
    expect(stepsOf(wf).map((s) => s.uses)).toEqual([DEFAULT_ACTION]);
  });

  it('for Databricks: the workspace from variables and the token from a secret', () => {
    const text = renderWorkflow({ ...S3, engine: 'databricks' });
    expect(lintWorkflow(text)).toEqual([]);
    expect(lakehouseStep(parseWorkflow(text) as unknown as Workflow).with).toMatchObject({
      engine: 'databricks',
      'databricks-host': '${{ vars.DATABRICKS_HOST }}',
      'databricks-http-path': '${{ vars.DATABRICKS_HTTP_PATH }}',
      'databricks-token': '${{ secrets.DATABRICKS_TOKEN }}',
    });
  });

  it('keeps any warehouse text exactly, quotes and all', () => {
    const warehouse = "/srv/it's #1: lake ${{ x }}";
    const text = renderWorkflow({ ...S3, warehouse, aws: undefined });
    expect(lakehouseStep(parseWorkflow(text) as unknown as Workflow).with!.warehouse).toBe(
      warehouse,
    );
  });
});

describe('initOptions', () => {
  const ok: InitFlags = { warehouse: 's3://my-bucket/strava', 'aws-region': 'eu-west-1' };

  it('defaults the folder, the action and a placeholder role', () => {
    expect(initOptions(ok, {})).toEqual({
      dir: '.',
      force: false,
      settings: {
        action: DEFAULT_ACTION,
        ...(DEFAULT_ACTION_IS_PLACEHOLDER ? { actionPlaceholder: true } : {}),
        warehouse: 's3://my-bucket/strava',
        engine: 'embedded',
        aws: { roleArn: ROLE_ARN_PLACEHOLDER, region: 'eu-west-1', placeholder: true },
      },
    });
    expect(
      initOptions({ warehouse: 's3://my-bucket/x' }, { AWS_REGION: 'us-east-2' }),
    ).toMatchObject({
      settings: { aws: { region: 'us-east-2' } },
    });
  });

  it.each([
    [{}, 'init needs --warehouse.'],
    [{ warehouse: 'ftp://x' }, '--warehouse "ftp://x" uses an unsupported scheme.'],
    [
      { warehouse: 's3://my-bucket/x' },
      'An s3:// warehouse needs its region: --aws-region (or AWS_REGION) is not set.',
    ],
    [{ ...ok, 'aws-region': 'Europe' }, '--aws-region "Europe" is not an AWS region.'],
    [{ ...ok, 'role-arn': 'my-role' }, '--role-arn "my-role" is not an IAM role ARN.'],
    [{ ...ok, engine: 'spark' }, '--engine "spark" is not an engine.'],
    [
      { ...ok, action: 'strava-lakehouse' },
      '--action "strava-lakehouse" is not an action reference.',
    ],
    [
      { warehouse: './lake', engine: 'databricks' },
      '--warehouse "./lake" is a local folder, which a Databricks SQL warehouse cannot read.',
    ],
    [
      { warehouse: './lake', 'role-arn': S3.aws!.roleArn },
      '--role-arn applies to an s3:// warehouse only.',
    ],
  ] as [InitFlags, string][])('refuses %j, naming the input', (flags, message) => {
    expect(() => initOptions(flags, {})).toThrow(message);
  });
});

describe('the default action', () => {
  it("is the package's repository at its major version", () => {
    for (const repository of [
      'me/strava-lakehouse',
      'github:me/strava-lakehouse',
      'https://github.com/me/strava-lakehouse',
      { type: 'git', url: 'git+https://github.com/me/strava-lakehouse.git' },
      { url: 'git@github.com:me/strava-lakehouse.git' },
    ]) {
      expect(packageAction({ repository, version: '2.4.1' }), JSON.stringify(repository)).toEqual({
        ref: 'me/strava-lakehouse@v2',
        placeholder: false,
      });
    }
  });

  it('is a placeholder, said in the workflow, when the package names no GitHub repository', () => {
    for (const repository of [undefined, 'https://gitlab.com/me/x/y']) {
      expect(packageAction({ repository, version: '0.1.0' })).toEqual({
        ref: 'OWNER/strava-lakehouse@v0',
        placeholder: true,
      });
    }
    const text = renderWorkflow({
      ...S3,
      action: 'OWNER/strava-lakehouse@v0',
      actionPlaceholder: true,
    });
    expect(lintWorkflow(text)).toEqual([]);
    expect(text).toContain('uses: OWNER/strava-lakehouse@v0 # placeholder: ');
    expect(
      initOptions({ warehouse: './lake', action: 'me/strava-lakehouse@v1' }, {}).settings,
    ).not.toHaveProperty('actionPlaceholder');
  });
});

describe('init --pages', () => {
  interface PagesJob {
    needs?: string;
    if?: string;
    outputs?: Record<string, string>;
    permissions?: Record<string, string>;
    environment?: { name: string; url: string };
    steps: (Step & { if?: string })[];
  }

  it('uploads the report dir as the Pages artifact and deploys it in a job of its own', () => {
    const text = renderWorkflow({ ...S3, pages: true });
    expect(lintWorkflow(text)).toEqual([]);
    const wf = parseWorkflow(text) as unknown as Workflow & { jobs: Record<string, PagesJob> };
    expect(Object.keys(wf.jobs)).toEqual(['ingest', 'pages']);
    const ingest = wf.jobs.ingest!;
    expect(ingest.outputs).toEqual({ 'report-dir': '${{ steps.lakehouse.outputs.report-dir }}' });
    // After the action, whose output report-dir (action.yml) names the folder.
    const steps = ingest.steps;
    expect(steps[steps.length - 2]!.id).toBe('lakehouse');
    expect(steps[steps.length - 1]).toEqual({
      if: "${{ steps.lakehouse.outputs.report-dir != '' }}",
      uses: UPLOAD_PAGES_ARTIFACT,
      with: { path: '${{ steps.lakehouse.outputs.report-dir }}' },
    });
    const pages = wf.jobs.pages!;
    expect(pages.needs).toBe('ingest');
    expect(pages.if).toBe("${{ needs.ingest.outputs.report-dir != '' }}");
    expect(pages.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(pages.environment).toEqual({
      name: 'github-pages',
      url: '${{ steps.deployment.outputs.page_url }}',
    });
    expect(pages.steps).toEqual([{ id: 'deployment', uses: DEPLOY_PAGES }]);
    // The ingest job keeps its least privilege: Pages rights are the deploy job's only.
    expect(wf.permissions).toEqual({ actions: 'read', 'id-token': 'write' });
    expect(text).toContain('Source: GitHub Actions');
  });

  it('is off by default, and on from the flag (folder warehouse too)', () => {
    const plain = parseWorkflow(renderWorkflow(S3)) as unknown as Workflow;
    expect(Object.keys(plain.jobs)).toEqual(['ingest']);
    expect(renderWorkflow(S3)).not.toContain('pages');
    const opts = initOptions({ warehouse: './lake', pages: true }, {});
    expect(opts.settings.pages).toBe(true);
    const text = renderWorkflow({ ...opts.settings, minute: 7 });
    expect(lintWorkflow(text)).toEqual([]);
    expect(text).toContain(`uses: ${DEPLOY_PAGES}`);
  });
});

describe('runInit', () => {
  const run = async (flags: InitFlags) => {
    const out = captureOutput();
    const log = captureProgress();
    const code = await runInit(initOptions({ dir, ...flags }, {}), {
      out: out.stream,
      progress: log.progress,
    });
    return { code, out: out.text(), log: log.lines };
  };
  const file = () => path.join(dir, WORKFLOW_PATH);

  it('writes the workflow and says what is left to do, the placeholder role first', async () => {
    const { code, out } = await run({
      warehouse: 's3://my-bucket/strava',
      'aws-region': 'eu-west-1',
      action: 'me/strava-lakehouse@v1',
    });
    expect(code).toBe(0);
    const text = await fs.readFile(file(), 'utf8');
    expect(lintWorkflow(text)).toEqual([]);
    expect(text).toContain(`role-to-assume: '${ROLE_ARN_PLACEHOLDER}' # placeholder`);
    expect(out).toContain(`Wrote ${file()}.`);
    expect(out).toMatch(/1\. .+ auth --github-repo OWNER\/NAME/);
    expect(out).toMatch(/2\. replace the placeholder role ARN/);
    expect(out).toMatch(/3\. git add \.github\/workflows\/strava-lakehouse\.yml/);
  });

  it('writes the same file for the same arguments, at a minute off the hour from the name', async () => {
    const flags = { warehouse: 's3://my-bucket/x', 'aws-region': 'eu-west-1' };
    await run(flags);
    const first = await fs.readFile(file(), 'utf8');
    await run({ ...flags, force: true });
    expect(await fs.readFile(file(), 'utf8')).toBe(first);
    const cron = (parseWorkflow(first) as unknown as Workflow).on.schedule[0]!.cron;
    expect(cron).toBe(`${pickMinute(path.basename(dir))} 6 2 * *`);

    const names = Array.from({ length: 2000 }, (_, i) => `lakehouse-${i}`);
    const minutes = new Set(names.map(pickMinute));
    expect(minutes.size).toBe(56);
    for (const m of minutes) expect(m % 15 === 0 || m < 1 || m > 59).toBe(false);
    expect(pickMinute('my-lakehouse')).toBe(pickMinute('my-lakehouse'));
  });

  it('creates --dir when it is missing', async () => {
    const nested = path.join(dir, 'new', 'repo');
    const out = captureOutput();
    const code = await runInit(
      initOptions({ dir: nested, warehouse: 's3://my-bucket/x', 'aws-region': 'eu-west-1' }, {}),
      { out: out.stream, progress: captureProgress().progress },
    );
    expect(code).toBe(0);
    expect(lintWorkflow(await fs.readFile(path.join(nested, WORKFLOW_PATH), 'utf8'))).toEqual([]);
  });

  it('refuses to replace an existing workflow without --force, and replaces it with', async () => {
    const flags = { warehouse: 's3://my-bucket/x', 'aws-region': 'eu-west-1' };
    await fs.mkdir(path.dirname(file()), { recursive: true });
    await fs.writeFile(file(), 'mine\n');
    const err = await run(flags).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(`${file()} already exists. Add --force to replace it.`);
    expect(await fs.readFile(file(), 'utf8')).toBe('mine\n');

    await run({ ...flags, force: true, 'role-arn': S3.aws!.roleArn });
    const text = await fs.readFile(file(), 'utf8');
    expect(text).toContain(`role-to-assume: '${S3.aws!.roleArn}'\n`);
  });

  it('warns that a folder warehouse does not outlive the job', async () => {
    const { log } = await run({ warehouse: './lake' });
    expect(log.join('\n')).toContain(
      'warning: The warehouse ./lake is a folder on the runner, gone when the job ends',
    );
  });

  it('refuses a --dir that is a file', async () => {
    await fs.writeFile(path.join(dir, 'nope'), 'a file\n');
    const err = await run({ dir: path.join(dir, 'nope'), warehouse: './lake' }).catch(
      (e: unknown) => e,
    );
    expect((err as ConfigError).line).toContain(
      `--dir "${path.join(dir, 'nope')}" is not a folder.`,
    );
  });
});

describe('the CLI door', () => {
  const { stderr } = captureCli();

  it('runs init from flags', async () => {
    const code = await main(
      [
        'init',
        '--dir',
        dir,
        '--warehouse',
        's3://my-bucket/x',
        '--aws-region',
        'eu-west-1',
        '--action',
        'me/strava-lakehouse@v1',
      ],
      {},
    );
    expect(code).toBe(0);
    const wf = parseWorkflow(
      await fs.readFile(path.join(dir, WORKFLOW_PATH), 'utf8'),
    ) as unknown as Workflow;
    expect(lakehouseStep(wf, 'me/strava-lakehouse@v1')).toBeDefined();
  });

  it.each([
    [['init', '--month', '2024-01', '--warehouse', './x'], '--month does not apply to `init`.'],
    [['init', '--port', '8080', '--warehouse', './x'], '--port does not apply to `init`.'],
    [['auth', '--warehouse', './x'], '--warehouse does not apply to `auth`.'],
    [['auth', '--role-arn', 'x'], '--role-arn does not apply to `auth`.'],
    [['run', '--github-repo', 'me/x'], '--github-repo does not apply to `run`.'],
    [['inspect', '--dir', '.'], '--dir does not apply to `inspect`.'],
  ])('refuses flags of another command: %j', async (argv, message) => {
    expect(await main(argv, {})).toBe(1);
    expect(stderr.join('')).toContain(`error: ${message}`);
  });
});
