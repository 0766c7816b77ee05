/**
 * How the CLI names its inputs: one table of every flag and environment variable, with the
 * commands it applies to, its default and what it means. The table drives the parser, the
 * refusal of another command's flags, `help [COMMAND]`, how flags and environment become raw
 * inputs, and the README's Reference (`npm run docs`).
 */
import { DEFAULT_WAREHOUSE, type InputLabels, type RawInputs } from '../config.js';
import { NEW_API_BASE, NEW_API_FROM, OAUTH_ORIGIN, OLD_API_BASE } from '../strava/hosts.js';

export const COMMANDS = [
  'run',
  'backfill',
  'import-archive',
  'demo',
  'inspect',
  'report',
  'migrate',
  'auth',
  'init',
] as const;
export type Command = (typeof COMMANDS)[number];

export const COMMAND_INFO: Record<Command, { usage: string; summary: string }> = {
  run: {
    usage: 'run [--month YYYY-MM]',
    summary:
      'One month from Strava into the lakehouse: landing CSV, then bronze, silver and gold (default: the previous month).',
  },
  backfill: {
    usage: 'backfill --from YYYY-MM --to YYYY-MM',
    summary: 'A range of months in one sweep of Strava, then each month as `run` does.',
  },
  'import-archive': {
    usage: 'import-archive PATH [--timezone IANA] [--skip-bad-files] [--no-coordinates]',
    summary:
      "No API access needed: Strava's account export (the .zip at PATH, or the folder it unpacks to) into the same lakehouse. Reads activities.csv; API data wins for activities both hold.",
  },
  demo: {
    usage: 'demo',
    summary:
      'No account needed: a built-in Strava simulator serves a real recorded athlete into ./lakehouse-demo.',
  },
  inspect: {
    usage: 'inspect',
    summary: "Each table's version, files, partitions and rows, and the number of run records.",
  },
  report: {
    usage: 'report --out DIR [--month YYYY-MM] [--months N]',
    summary:
      'A self-contained HTML report of the lakehouse (charts as SVG, nothing loaded from the network) in DIR/index.html.',
  },
  migrate: {
    usage: 'migrate --to databricks|embedded',
    summary:
      "Hand the warehouse's tables to the other engine: sets each table's engine property (strava-lakehouse.engine) in a metadata-only Delta commit, so Databricks adopts the embedded engine's tables, or the embedded engine writes Databricks' again.",
  },
  auth: {
    usage: 'auth [--github-repo OWNER/NAME]',
    summary:
      'Authorize with Strava once: saves the refresh token and, with --github-repo, sets the repository secrets.',
  },
  init: {
    usage: 'init --warehouse s3://bucket/prefix --aws-region REGION [--role-arn ARN] [--pages]',
    summary:
      'Write the monthly workflow (.github/workflows/strava-lakehouse.yml) into a repository.',
  },
};

export const DEMO_WAREHOUSE = './lakehouse-demo';
export const DEFAULT_TIMEOUT_S = 300;
const STRAVA_API_SETTINGS = 'https://www.strava.com/settings/api';

/** A flag (maybe read from an environment variable when absent) or an environment variable alone. */
export interface CliOption {
  /** Without the leading `--`. */
  flag?: string;
  type?: 'string' | 'boolean';
  short?: string;
  /** How the value is written in help, e.g. `YYYY-MM`. */
  value?: string;
  /** The environment variable read when the flag is absent (or, without a flag, alone). */
  env?: string;
  /** The shared setting it fills (src/config.ts), for the commands that build a config. */
  input?: keyof RawInputs;
  commands: readonly Command[];
  help: string;
  default?: string;
}

const PIPELINE: readonly Command[] = ['run', 'backfill'];
/** Every command that opens a warehouse: all but auth and init. */
const S3_COMMANDS: readonly Command[] = COMMANDS.filter((c) => c !== 'auth' && c !== 'init');
const PUBLISHING: readonly Command[] = [...PIPELINE, 'report'];
const DATABRICKS = 'For --engine databricks: ';

export const CLI_OPTIONS = [
  {
    flag: 'month',
    type: 'string',
    value: 'YYYY-MM',
    input: 'month',
    commands: ['run'],
    help: "The athlete's local month to process.",
    default: 'the previous month',
  },
  {
    flag: 'month',
    type: 'string',
    value: 'YYYY-MM',
    commands: ['report'],
    help: 'The headline month, compared with the month before and the same month a year earlier.',
    default: 'the newest month in silver',
  },
  {
    flag: 'months',
    type: 'string',
    value: 'N',
    commands: ['report'],
    help: 'How many months the trends span, ending at the headline month (1 to 120).',
    default: '12',
  },
  {
    flag: 'out',
    type: 'string',
    value: 'DIR',
    commands: ['report'],
    help: 'The folder the report is written into, as DIR/index.html (required; created if missing).',
  },
  {
    flag: 'units',
    type: 'string',
    value: 'metric|imperial',
    commands: ['report'],
    help: 'Kilometres and metres, or miles and feet.',
    default: "the athlete's measurement_preference in _athlete/profile.json, else metric",
  },
  {
    flag: 'from',
    type: 'string',
    value: 'YYYY-MM',
    input: 'from',
    commands: ['backfill'],
    help: 'The first month of the range.',
  },
  {
    flag: 'to',
    type: 'string',
    value: 'YYYY-MM',
    input: 'to',
    commands: ['backfill'],
    help: 'The last month of the range.',
  },
  {
    flag: 'lookback',
    type: 'string',
    value: 'N',
    input: 'lookback',
    commands: ['run'],
    help: 'Also re-check the N months before it in the same sweep of Strava (0 to 24), so late edits and deletions land.',
    default: '2',
  },
  {
    flag: 'max-requests',
    type: 'string',
    value: 'N',
    input: 'maxRequests',
    commands: PIPELINE,
    help: "Send at most N Strava requests in this run (the list first, then details newest month first); details not fetched are queued in the warehouse and the next run continues. Without it, a run spends what Strava's rate-limit headers say is left, keeping 100 of the day's read requests in reserve.",
    default: 'no cap',
  },
  {
    flag: 'timezone',
    type: 'string',
    value: 'IANA',
    commands: ['import-archive'],
    help: "The time zone you record in, by its IANA name (e.g. Europe/Paris), for activities whose file gives no FIT time offset and no position (activities.csv gives UTC times only): each activity's local month and start_date_local come from the first rule that applies, FIT offset, the zone at the first GPS point, then this zone.",
  },
  {
    flag: 'skip-bad-files',
    type: 'boolean',
    commands: ['import-archive'],
    help: 'Import even when activity files named in activities.csv cannot be read; they are listed in the run record.',
  },
  {
    flag: 'no-details',
    type: 'boolean',
    input: 'noDetails',
    commands: PIPELINE,
    help: 'Skip the detail phase (laps, streams, gear, zones): only the activity list is fetched.',
  },
  {
    flag: 'privacy-radius',
    type: 'string',
    value: 'METRES',
    input: 'privacyRadius',
    commands: PUBLISHING,
    help: "Published outputs (the job summary, a report) show no coordinate within this distance of an activity's start or end.",
    default: '200',
  },
  {
    flag: 'no-coordinates',
    type: 'boolean',
    input: 'noCoordinates',
    commands: [...PIPELINE, 'import-archive'],
    help: 'Keep positions out of the tables altogether: no lat/lng in streams, no start_latlng, end_latlng or polylines in landing, bronze or silver.',
  },
  {
    flag: 'include-private',
    type: 'boolean',
    input: 'includePrivate',
    commands: PUBLISHING,
    help: 'Show private activities in published outputs (they are always stored, and marked).',
  },
  {
    flag: 'warehouse',
    type: 'string',
    value: 'PATH|s3://bucket/prefix',
    input: 'warehouse',
    commands: ['run', 'backfill', 'import-archive', 'inspect', 'report', 'migrate'],
    help: 'Where the lakehouse lives: a folder or an S3 prefix.',
    default: DEFAULT_WAREHOUSE,
  },
  {
    flag: 'warehouse',
    type: 'string',
    value: 'PATH|s3://bucket/prefix',
    commands: ['demo'],
    help: 'Where the demo lakehouse goes.',
    default: DEMO_WAREHOUSE,
  },
  {
    flag: 'warehouse',
    type: 'string',
    value: 's3://bucket/prefix',
    commands: ['init'],
    help: 'Where the scheduled runs write (required). A folder on a GitHub runner is gone when the job ends.',
  },
  {
    flag: 'engine',
    type: 'string',
    value: 'embedded|databricks',
    input: 'engine',
    commands: ['run', 'backfill', 'init'],
    help: 'Who writes the tables: the embedded TypeScript Delta writer, or SQL on a Databricks SQL warehouse (needs an s3:// warehouse).',
    default: 'embedded',
  },
  {
    flag: 'to',
    type: 'string',
    value: 'databricks|embedded',
    commands: ['migrate'],
    help: 'The engine that writes the tables from now on (required).',
  },
  {
    flag: 'force',
    type: 'boolean',
    input: 'force',
    commands: ['run', 'backfill', 'demo'],
    help: 'Process months again even when nothing changed since their last run.',
  },
  {
    flag: 'force',
    type: 'boolean',
    commands: ['init'],
    help: 'Replace an existing workflow file.',
  },
  {
    flag: 'json',
    type: 'boolean',
    commands: ['run', 'backfill', 'import-archive', 'demo', 'inspect', 'migrate'],
    help: 'Print the result as JSON on stdout, and nothing else there.',
  },
  {
    flag: 'aws-region',
    type: 'string',
    value: 'REGION',
    env: 'AWS_REGION',
    input: 'awsRegion',
    commands: S3_COMMANDS,
    help: "For an s3:// warehouse: the bucket's region.",
  },
  {
    flag: 'aws-region',
    type: 'string',
    value: 'REGION',
    env: 'AWS_REGION',
    commands: ['init'],
    help: "For an s3:// warehouse: the bucket's region (required), for configure-aws-credentials.",
  },
  {
    flag: 's3-endpoint',
    type: 'string',
    value: 'URL',
    env: 'AWS_ENDPOINT_URL_S3',
    input: 's3Endpoint',
    commands: S3_COMMANDS,
    help: 'An S3-compatible store (MinIO, R2, ...), then addressed path-style.',
    default: 'AWS S3',
  },
  {
    env: 'STRAVA_CLIENT_ID',
    input: 'clientId',
    commands: PIPELINE,
    help: `Your Strava API application's Client ID (required), from ${STRAVA_API_SETTINGS}.`,
  },
  {
    env: 'STRAVA_CLIENT_SECRET',
    input: 'clientSecret',
    commands: PIPELINE,
    help: "Your Strava API application's Client Secret (required).",
  },
  {
    env: 'STRAVA_REFRESH_TOKEN',
    input: 'refreshToken',
    commands: PIPELINE,
    help: 'A refresh token with the activity:read_all scope. Not needed once `strava-lakehouse auth` has saved one in STRAVA_TOKEN_FILE, which wins.',
  },
  {
    env: 'STRAVA_TOKEN_FILE',
    input: 'tokenFile',
    commands: [...PIPELINE, 'auth'],
    help: 'Where the newest refresh token is kept (mode 0600): Strava rotates it on use.',
    default: '$XDG_CONFIG_HOME or ~/.config, then strava-lakehouse/refresh-token',
  },
  {
    env: 'STRAVA_API_BASE',
    input: 'apiBase',
    commands: PIPELINE,
    help: "Strava's API base, with its path.",
    default: `${OLD_API_BASE}, from ${new Date(NEW_API_FROM).toISOString().slice(0, 10)} ${NEW_API_BASE} (falling back once to the old base if the new host cannot be reached)`,
  },
  {
    env: 'STRAVA_OAUTH_URL',
    input: 'oauthUrl',
    commands: [...PIPELINE, 'auth'],
    help: "Strava's OAuth origin (/oauth/token, /oauth/authorize, /oauth/revoke).",
    default: OAUTH_ORIGIN,
  },
  {
    env: 'STRAVA_API_URL',
    input: 'apiUrl',
    commands: [...PIPELINE, 'auth'],
    help: 'One origin serving both /oauth/... and /api/v3/..., as the Strava simulator does; STRAVA_API_BASE and STRAVA_OAUTH_URL win over it.',
  },
  {
    env: 'DATABRICKS_HOST',
    input: 'databricksHost',
    commands: PIPELINE,
    help: `${DATABRICKS}the workspace host, e.g. dbc-1234.cloud.databricks.com.`,
  },
  {
    env: 'DATABRICKS_HTTP_PATH',
    input: 'databricksHttpPath',
    commands: PIPELINE,
    help: `${DATABRICKS}the SQL warehouse's HTTP path, like /sql/1.0/warehouses/1234abcd.`,
  },
  {
    env: 'DATABRICKS_TOKEN',
    input: 'databricksToken',
    commands: PIPELINE,
    help: `${DATABRICKS}a personal access token (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET).`,
  },
  {
    env: 'DATABRICKS_CLIENT_ID',
    input: 'databricksClientId',
    commands: PIPELINE,
    help: `${DATABRICKS}a service principal's client id, for OAuth machine-to-machine.`,
  },
  {
    env: 'DATABRICKS_CLIENT_SECRET',
    input: 'databricksClientSecret',
    commands: PIPELINE,
    help: `${DATABRICKS}that service principal's secret.`,
  },
  {
    env: 'DATABRICKS_CATALOG',
    input: 'databricksCatalog',
    commands: PIPELINE,
    help: `${DATABRICKS}the Unity Catalog catalog; it may hold hyphens (my-catalog), written back-quoted in SQL.`,
    default: 'main',
  },
  {
    env: 'DATABRICKS_SCHEMA',
    input: 'databricksSchema',
    commands: PIPELINE,
    help: `${DATABRICKS}the schema.`,
    default: 'strava',
  },
  {
    env: 'DATABRICKS_TABLE_LOCATION',
    input: 'databricksTableLocation',
    commands: PIPELINE,
    help: `${DATABRICKS}external (tables under the warehouse prefix) or managed (Unity Catalog's storage).`,
    default: 'external',
  },
  {
    flag: 'client-id',
    type: 'string',
    value: 'ID',
    env: 'STRAVA_CLIENT_ID',
    commands: ['auth'],
    help: `Your Strava API application's Client ID, from ${STRAVA_API_SETTINGS} (Authorization Callback Domain: localhost).`,
  },
  {
    flag: 'client-secret',
    type: 'string',
    value: 'SECRET',
    env: 'STRAVA_CLIENT_SECRET',
    commands: ['auth'],
    help: "Your Strava API application's Client Secret.",
  },
  {
    flag: 'port',
    type: 'string',
    value: 'N',
    commands: ['auth'],
    help: "The callback's port on 127.0.0.1.",
    default: 'a free one',
  },
  {
    flag: 'timeout',
    type: 'string',
    value: 'SECONDS',
    commands: ['auth'],
    help: "How long to wait for Strava's answer.",
    default: String(DEFAULT_TIMEOUT_S),
  },
  {
    flag: 'no-browser',
    type: 'boolean',
    commands: ['auth'],
    help: 'Only print the URL to open, without opening a browser.',
  },
  {
    flag: 'revoke',
    type: 'boolean',
    commands: ['auth'],
    help: 'Revoke the saved refresh token at Strava (/oauth/revoke) and delete its file.',
  },
  {
    flag: 'github-repo',
    type: 'string',
    value: 'OWNER/NAME',
    commands: ['auth'],
    help: 'Also set the repository secrets STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET and STRAVA_REFRESH_TOKEN.',
  },
  {
    flag: 'github-token',
    type: 'string',
    value: 'TOKEN',
    env: 'GITHUB_TOKEN',
    commands: ['auth'],
    help: "With --github-repo: a token that may write that repository's secrets, e.g. $(gh auth token).",
  },
  {
    env: 'GITHUB_API_URL',
    commands: ['auth'],
    help: "GitHub's API, for GitHub Enterprise Server.",
    default: 'https://api.github.com',
  },
  {
    flag: 'dir',
    type: 'string',
    value: 'PATH',
    commands: ['init'],
    help: "The repository's folder, created if missing.",
    default: '.',
  },
  {
    flag: 'action',
    type: 'string',
    value: 'OWNER/REPO@REF',
    commands: ['init'],
    help: 'The action the workflow uses.',
    default: "this package's repository at its major version",
  },
  {
    flag: 'role-arn',
    type: 'string',
    value: 'ARN',
    commands: ['init'],
    help: "For an s3:// warehouse: the IAM role the workflow assumes through GitHub's OIDC.",
    default: 'a placeholder to replace',
  },
  {
    flag: 'pages',
    type: 'boolean',
    commands: ['init'],
    help: 'Also publish the HTML report on GitHub Pages: upload-pages-artifact after the run, and a job with deploy-pages.',
  },
  {
    flag: 'help',
    type: 'boolean',
    short: 'h',
    commands: COMMANDS,
    help: 'Print the options of the command, and exit.',
  },
  {
    flag: 'version',
    type: 'boolean',
    commands: COMMANDS,
    help: 'Print the version, and exit.',
  },
] as const satisfies readonly CliOption[];

type FlagOption = Extract<(typeof CLI_OPTIONS)[number], { flag: string }>;

/** The parsed flags, typed by the table. */
export type Flags = {
  [O in FlagOption as O['flag']]?: O['type'] extends 'boolean' ? boolean : string;
};

/** The flags and variables that apply to `command`, flags first, in table order. */
export function optionsOf(command: Command): CliOption[] {
  const mine = (CLI_OPTIONS as readonly CliOption[]).filter((o) => o.commands.includes(command));
  return [...mine.filter((o) => o.flag), ...mine.filter((o) => !o.flag)];
}

export const CLI_LABELS: InputLabels = {
  month: '--month',
  from: '--from',
  to: '--to',
  warehouse: '--warehouse',
  engine: '--engine',
  force: '--force',
  lookback: '--lookback',
  clientId: 'STRAVA_CLIENT_ID',
  clientSecret: 'STRAVA_CLIENT_SECRET',
  refreshToken: 'STRAVA_REFRESH_TOKEN',
  apiUrl: 'STRAVA_API_URL',
  apiBase: 'STRAVA_API_BASE',
  oauthUrl: 'STRAVA_OAUTH_URL',
  tokenFile: 'STRAVA_TOKEN_FILE',
  awsRegion: '--aws-region',
  s3Endpoint: '--s3-endpoint',
  databricksHost: 'DATABRICKS_HOST',
  databricksHttpPath: 'DATABRICKS_HTTP_PATH',
  databricksToken: 'DATABRICKS_TOKEN',
  databricksClientId: 'DATABRICKS_CLIENT_ID',
  databricksClientSecret: 'DATABRICKS_CLIENT_SECRET',
  databricksCatalog: 'DATABRICKS_CATALOG',
  databricksSchema: 'DATABRICKS_SCHEMA',
  databricksTableLocation: 'DATABRICKS_TABLE_LOCATION',
  maxRequests: '--max-requests',
  noDetails: '--no-details',
  privacyRadius: '--privacy-radius',
  noCoordinates: '--no-coordinates',
  includePrivate: '--include-private',
};

/** Flags and environment as raw inputs, as the table says; the environment never overrides a flag. */
export function rawInputs(flags: Flags, env: NodeJS.ProcessEnv): RawInputs {
  const given = flags as Record<string, string | boolean | undefined>;
  const raw: Record<string, unknown> = {};
  for (const o of CLI_OPTIONS as readonly CliOption[]) {
    if (!o.input || raw[o.input] !== undefined) continue;
    raw[o.input] = (o.flag && given[o.flag]) ?? (o.env && env[o.env]) ?? undefined;
  }
  return { ...(raw as RawInputs), force: flags.force ?? false };
}
