/**
 * The CLI door: flags and environment -> the same config and pipeline as the action.
 * stdout carries results (the run records with --json, nothing else); progress and errors go
 * to stderr.
 */
import { parseArgs } from 'node:util';
import { buildConfig } from '../config.js';
import { ConfigError, errorLine } from '../errors.js';
import { streamProgress } from '../progress.js';
import { runPipeline } from '../pipeline.js';
import { VERSION } from '../version.js';
import { authOptions, DEFAULT_TIMEOUT_S, runAuth } from './auth.js';
import { browserOpener, openBrowser } from './browser.js';
import { initOptions, runInit } from './init.js';
import { runInspect } from './inspect.js';
import { CLI_LABELS, rawInputs } from './inputs.js';
import { printRecords } from './print.js';
import { DEFAULT_ACTION } from './workflow-template.js';

const USAGE = `strava-lakehouse ${VERSION}: Strava activities -> landing CSV -> bronze/silver/gold Delta tables

Usage:
  strava-lakehouse run [--month YYYY-MM]            one month (default: the previous month)
  strava-lakehouse backfill --from YYYY-MM --to YYYY-MM
  strava-lakehouse demo                             no account: a built-in Strava simulator
  strava-lakehouse inspect                          tables, versions, files and rows
  strava-lakehouse auth [--github-repo OWNER/NAME]  authorize with Strava, save the refresh token
  strava-lakehouse init --warehouse s3://bucket/prefix --aws-region REGION [--role-arn ARN]
                                                    write a monthly workflow into a repository

Options:
  --warehouse PATH|s3://bucket/prefix   where the lakehouse lives (default ./lakehouse)
  --engine embedded|databricks          (default embedded)
  --force                               redo months even if unchanged (init: replace the file)
  --json                                print the run records as JSON on stdout, nothing else
  -h, --help                            this text

Options of auth (your app at https://www.strava.com/settings/api, callback domain localhost):
  --client-id ID, --client-secret S     or STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET
  --port N                              callback port on 127.0.0.1 (default: a free one)
  --timeout SECONDS                     wait for Strava's answer (default ${DEFAULT_TIMEOUT_S})
  --no-browser                          only print the URL to open
  --github-repo OWNER/NAME              also set the repository secrets STRAVA_CLIENT_ID,
                                        STRAVA_CLIENT_SECRET, STRAVA_REFRESH_TOKEN; needs
                                        GITHUB_TOKEN (or --github-token) that may write secrets
Options of init:
  --dir PATH                            the repository folder (default .)
  --action OWNER/REPO@REF               the action to use (default ${DEFAULT_ACTION})
  --aws-region REGION, --role-arn ARN   for s3://: the bucket's region (or AWS_REGION) and the
                                        IAM role assumed through GitHub's OIDC (placeholder if absent)

Environment: STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET, STRAVA_REFRESH_TOKEN, STRAVA_API_URL,
STRAVA_TOKEN_FILE; AWS_REGION, AWS_ENDPOINT_URL_S3 and the AWS credential chain for s3://;
DATABRICKS_HOST, DATABRICKS_HTTP_PATH, DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and
DATABRICKS_CLIENT_SECRET), DATABRICKS_CATALOG, DATABRICKS_SCHEMA, DATABRICKS_TABLE_LOCATION
(external|managed) for --engine databricks.
`;

export const OPTIONS = {
  month: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  warehouse: { type: 'string' },
  engine: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  port: { type: 'string' },
  timeout: { type: 'string' },
  'no-browser': { type: 'boolean' },
  'github-repo': { type: 'string' },
  'github-token': { type: 'string' },
  dir: { type: 'string' },
  action: { type: 'string' },
  'role-arn': { type: 'string' },
  'aws-region': { type: 'string' },
} as const;

type ParsedFlags = ReturnType<typeof parseFlags>['values'];

const AUTH_FLAGS = [
  'client-id',
  'client-secret',
  'port',
  'timeout',
  'no-browser',
  'github-repo',
  'github-token',
] as const;
const INIT_FLAGS = ['dir', 'action', 'role-arn', 'aws-region'] as const;

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // Some of Node's messages span lines ("argument is ambiguous" and its advice): keep one.
    const message = (err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.?$/, '.');
    throw new ConfigError(message, 'Run `strava-lakehouse --help` for the flags.');
  }
}

function refuseFlags(flags: ParsedFlags, command: string, names: (keyof ParsedFlags)[]): void {
  for (const n of names) {
    if (flags[n] !== undefined) {
      throw new ConfigError(
        `--${n} does not apply to \`${command}\`.`,
        'Run `strava-lakehouse --help`.',
      );
    }
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const progress = streamProgress(process.stderr);
  try {
    const { values: flags, positionals } = parseFlags(argv);
    if (flags.version) {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (flags.help || !command) {
      (flags.help ? process.stdout : process.stderr).write(USAGE);
      return flags.help ? 0 : 2;
    }
    if (extra.length) {
      throw new ConfigError(`Unexpected argument "${extra[0]}".`, 'Run `strava-lakehouse --help`.');
    }
    switch (command) {
      case 'run':
      case 'backfill': {
        refuseFlags(flags, command, [...AUTH_FLAGS, ...INIT_FLAGS]);
        if (command === 'run') refuseFlags(flags, command, ['from', 'to']);
        else {
          refuseFlags(flags, command, ['month']);
          if (!flags.from || !flags.to) {
            throw new ConfigError(
              'backfill needs --from and --to.',
              'For example: backfill --from 2024-01 --to 2024-06.',
            );
          }
        }
        const config = buildConfig(rawInputs(flags, env), CLI_LABELS);
        const result = await runPipeline(config, { progress });
        printRecords(result.records, flags.json ?? false, process.stdout);
        if (result.stoppedEarly) {
          progress.warn(result.stoppedEarly.message);
          return 3;
        }
        return 0;
      }
      case 'demo':
        refuseFlags(flags, command, [
          'month',
          'from',
          'to',
          'engine',
          ...AUTH_FLAGS,
          ...INIT_FLAGS,
        ]);
        // The simulator and its recorded athlete load only for the demo.
        return await (
          await import('./demo.js')
        ).runDemo({ warehouse: flags.warehouse, json: flags.json ?? false, progress });
      case 'inspect':
        refuseFlags(flags, command, ['month', 'from', 'to', 'force', ...AUTH_FLAGS, ...INIT_FLAGS]);
        return await runInspect(rawInputs(flags, env), flags.json ?? false);
      case 'auth': {
        refuseFlags(flags, command, [
          'month',
          'from',
          'to',
          'warehouse',
          'engine',
          'force',
          'json',
          ...INIT_FLAGS,
        ]);
        const interactive = Boolean(process.stderr.isTTY);
        return await runAuth(authOptions(flags, env), {
          out: process.stdout,
          progress,
          openUrl: flags['no-browser']
            ? undefined
            : (url) => {
                const opener = browserOpener(url, process.platform, env, interactive);
                if (opener) openBrowser(opener);
              },
        });
      }
      case 'init':
        refuseFlags(flags, command, ['month', 'from', 'to', 'json', ...AUTH_FLAGS]);
        return await runInit(initOptions(flags, env), { out: process.stdout, progress });
      default:
        throw new ConfigError(
          `Unknown command "${command}".`,
          'Use run, backfill, demo, inspect, auth or init.',
        );
    }
  } catch (err) {
    process.stderr.write(`error: ${errorLine(err)}\n`);
    return 1;
  }
}
