/**
 * `strava-lakehouse init`: writes the monthly workflow (src/cli/workflow-template.ts) into a
 * repository folder, and says what is left to do. The same arguments write the same file. An
 * existing workflow is never replaced without --force.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseEngine, parseWarehouse } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Progress } from '../progress.js';
import { selfCommand } from './self.js';
import {
  DEFAULT_ACTION,
  DEFAULT_ACTION_IS_PLACEHOLDER,
  renderWorkflow,
  ROLE_ARN_PLACEHOLDER,
  WORKFLOW_PATH,
  type WorkflowSettings,
} from './workflow-template.js';

export interface InitFlags {
  dir?: string;
  action?: string;
  warehouse?: string;
  engine?: string;
  'role-arn'?: string;
  'aws-region'?: string;
  force?: boolean;
  pages?: boolean;
}

export interface InitOptions {
  dir: string;
  force: boolean;
  settings: Omit<WorkflowSettings, 'minute'>;
}

const ACTION_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Off the hour and off the quarter hours, when GitHub's scheduler is busiest. */
const MINUTES = Array.from({ length: 59 }, (_, i) => i + 1).filter((m) => m % 15 !== 0);

/**
 * The schedule's minute, from the repository's name (FNV-1a): the same repository always gets
 * the same file, and different repositories spread over the hour.
 */
export function pickMinute(repository: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(repository)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return MINUTES[hash % MINUTES.length]!;
}

export function initOptions(flags: InitFlags, env: NodeJS.ProcessEnv): InitOptions {
  if (!flags.warehouse) {
    throw new ConfigError(
      'init needs --warehouse.',
      'Give s3://bucket/prefix: a folder on a GitHub runner is gone when the job ends.',
    );
  }
  const warehouse = parseWarehouse(flags.warehouse, '--warehouse');
  const engine = parseEngine(flags.engine, '--engine');
  const s3 = warehouse.startsWith('s3://');
  if (engine === 'databricks' && !s3) {
    throw new ConfigError(
      `--warehouse "${warehouse}" is a local folder, which a Databricks SQL warehouse cannot read.`,
      'With --engine databricks, give the warehouse as s3://bucket/prefix.',
    );
  }
  const action = flags.action?.trim() || DEFAULT_ACTION;
  const actionPlaceholder = !flags.action?.trim() && DEFAULT_ACTION_IS_PLACEHOLDER;
  if (!ACTION_REF.test(action)) {
    throw new ConfigError(
      `--action "${action}" is not an action reference.`,
      `Give owner/repo@ref, e.g. ${DEFAULT_ACTION}.`,
    );
  }
  const settings: InitOptions['settings'] = { action, warehouse, engine };
  if (actionPlaceholder) settings.actionPlaceholder = true;
  if (flags.pages) settings.pages = true;
  if (s3) settings.aws = awsSettings(flags, env);
  else {
    for (const flag of ['role-arn', 'aws-region'] as const) {
      if (flags[flag] !== undefined) {
        throw new ConfigError(
          `--${flag} applies to an s3:// warehouse only.`,
          'Leave it out, or give --warehouse s3://bucket/prefix.',
        );
      }
    }
  }
  return { dir: flags.dir ?? '.', force: flags.force ?? false, settings };
}

function awsSettings(flags: InitFlags, env: NodeJS.ProcessEnv): WorkflowSettings['aws'] {
  const region = flags['aws-region'] ?? env.AWS_REGION;
  const regionLabel = flags['aws-region'] !== undefined ? '--aws-region' : 'AWS_REGION';
  if (!region) {
    throw new ConfigError(
      'An s3:// warehouse needs its region: --aws-region (or AWS_REGION) is not set.',
      "Give the bucket's region, e.g. --aws-region eu-west-1.",
    );
  }
  if (!AWS_REGION.test(region)) {
    throw new ConfigError(
      `${regionLabel} "${region}" is not an AWS region.`,
      'Give one like eu-west-1.',
    );
  }
  const roleArn = flags['role-arn'];
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new ConfigError(
      `--role-arn "${roleArn}" is not an IAM role ARN.`,
      'Give one like arn:aws:iam::111122223333:role/strava-lakehouse.',
    );
  }
  return { roleArn: roleArn ?? ROLE_ARN_PLACEHOLDER, region, placeholder: roleArn === undefined };
}

export async function runInit(
  opts: InitOptions,
  io: { out: NodeJS.WritableStream; progress: Progress },
): Promise<number> {
  try {
    await fs.mkdir(opts.dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'EEXIST' || code === 'ENOTDIR'
        ? `--dir "${opts.dir}" is not a folder.`
        : `--dir "${opts.dir}" cannot be created: ${(err as Error).message}.`,
      'Give the folder of the repository to set up (default: the current one).',
    );
  }
  const file = path.join(opts.dir, WORKFLOW_PATH);
  // A clone's folder carries the repository's name.
  const minute = pickMinute(path.basename(path.resolve(opts.dir)));
  const text = renderWorkflow({ ...opts.settings, minute });
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    // An exclusive create: nothing that exists is replaced unless asked.
    await fs.writeFile(file, text, { flag: opts.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConfigError(`${file} already exists.`, 'Add --force to replace it.');
    }
    throw err;
  }
  const { aws, warehouse, action, actionPlaceholder } = opts.settings;
  if (!aws) {
    io.progress.warn(
      `The warehouse ${warehouse} is a folder on the runner, gone when the job ends: only the run records (artifacts) remain. Use --warehouse s3://bucket/prefix to keep the tables.`,
    );
  }
  if (actionPlaceholder) {
    io.progress.warn(
      `This copy of strava-lakehouse does not name the repository it came from: "${action}" in ${WORKFLOW_PATH} is a placeholder.`,
    );
  }
  const steps = [
    `${selfCommand()} auth --github-repo OWNER/NAME   # sets the Strava secrets`,
    ...(actionPlaceholder
      ? [
          `replace OWNER in "uses: ${action}" with the owner of the strava-lakehouse repository, or run init again with --action OWNER/REPO@vN --force`,
        ]
      : []),
    ...(aws?.placeholder
      ? [
          `replace the placeholder role ARN (role-to-assume) in ${WORKFLOW_PATH}, or run init again with --role-arn --force`,
        ]
      : []),
    ...(opts.settings.pages
      ? ['Settings > Pages > Build and deployment > Source: GitHub Actions, for the report']
      : []),
    `git add ${WORKFLOW_PATH} && git commit -m "Strava lakehouse" && git push`,
    'Actions tab > Strava lakehouse > Run workflow, to run a month now',
  ];
  io.out.write(`Wrote ${file}.\nNext:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
  return 0;
}
