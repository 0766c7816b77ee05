/**
 * The workflow `strava-lakehouse init` writes into another repository: the previous month each
 * month and any month on demand, through this action's published major version. The `with:`
 * block is typed by the action's own input names (src/main.ts, which a unit test holds equal to
 * action.yml), and the secrets it reads are the ones `auth --github-repo` sets, so neither can
 * drift.
 */
import pkg from '../../package.json' with { type: 'json' };
import type { Engine } from '../config.js';
import type { InputName } from '../main.js';
import { VERSION } from '../version.js';

export const WORKFLOW_PATH = '.github/workflows/strava-lakehouse.yml';

/**
 * The action at the major version of this package, from the repository package.json names; a
 * copy that names none gets an OWNER placeholder, which init says to replace.
 */
export function packageAction(meta: { repository?: string | { url?: string }; version: string }): {
  ref: string;
  placeholder: boolean;
} {
  const url = typeof meta.repository === 'string' ? meta.repository : meta.repository?.url;
  const m = url
    ? /^(?:github:|(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/|git@github\.com:)?([A-Za-z0-9-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(
        url,
      )
    : null;
  const major = `v${meta.version.split('.')[0]}`;
  return m
    ? { ref: `${m[1]}/${m[2]}@${major}`, placeholder: false }
    : { ref: `OWNER/strava-lakehouse@${major}`, placeholder: true };
}

const PACKAGE_ACTION = packageAction(
  pkg as { repository?: string | { url?: string }; version: string },
);
export const DEFAULT_ACTION = PACKAGE_ACTION.ref;
export const DEFAULT_ACTION_IS_PLACEHOLDER = PACKAGE_ACTION.placeholder;
export const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@v6';
export const UPLOAD_PAGES_ARTIFACT = 'actions/upload-pages-artifact@v3';
export const DEPLOY_PAGES = 'actions/deploy-pages@v4';
/** AWS's documentation account id: obviously not the user's, and still a well-formed ARN. */
export const ROLE_ARN_PLACEHOLDER = 'arn:aws:iam::123456789012:role/strava-lakehouse';

/** The repository secrets `auth --github-repo` sets and the workflow passes to the action. */
export const REPO_SECRETS = {
  clientId: 'STRAVA_CLIENT_ID',
  clientSecret: 'STRAVA_CLIENT_SECRET',
  refreshToken: 'STRAVA_REFRESH_TOKEN',
} as const;
/** A token that may write secrets, for storing a rotated refresh token; the user adds it. */
export const GITHUB_TOKEN_SECRET = 'STRAVA_LAKEHOUSE_GITHUB_TOKEN';

export interface WorkflowSettings {
  /** `owner/repo@ref` (or `owner/repo/path@ref`). */
  action: string;
  /** The action is DEFAULT_ACTION with its OWNER placeholder. */
  actionPlaceholder?: boolean;
  warehouse: string;
  engine: Engine;
  /** For an s3:// warehouse: credentials through GitHub's OIDC token. */
  aws?: { roleArn: string; region: string; placeholder: boolean };
  /** The minute past 06:00 UTC on the 2nd at which the schedule fires. */
  minute: number;
  /** Publish the HTML report on GitHub Pages (a deploy job after the run). */
  pages?: boolean;
}

/** A YAML single-quoted scalar: nothing in it is special but the quote, which doubles. */
export const yamlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

const expr = (text: string) => `\${{ ${text} }}`;

function actionInputs(s: WorkflowSettings): [InputName, string][] {
  const inputs: [InputName, string][] = [
    ['month', expr('inputs.month')],
    ['force', expr('inputs.force || false')],
    ['warehouse', yamlString(s.warehouse)],
    ['engine', s.engine],
    ['strava-client-id', expr(`secrets.${REPO_SECRETS.clientId}`)],
    ['strava-client-secret', expr(`secrets.${REPO_SECRETS.clientSecret}`)],
    ['strava-refresh-token', expr(`secrets.${REPO_SECRETS.refreshToken}`)],
    ['refresh-token-secret-name', REPO_SECRETS.refreshToken],
    ['github-token', expr(`secrets.${GITHUB_TOKEN_SECRET} || github.token`)],
    ['retention-days', '90'],
  ];
  if (s.engine === 'databricks') {
    inputs.push(
      ['databricks-host', expr('vars.DATABRICKS_HOST')],
      ['databricks-http-path', expr('vars.DATABRICKS_HTTP_PATH')],
      ['databricks-token', expr('secrets.DATABRICKS_TOKEN')],
    );
  }
  return inputs;
}

/**
 * With `pages`: the report folder the action made, uploaded as the Pages artifact, and a job
 * that deploys it (pages: write and id-token: write, in the github-pages environment), both
 * skipped when no report was built.
 */
function pagesLines(): string[] {
  return [
    `      - if: ${expr("steps.lakehouse.outputs.report-dir != ''")}`,
    `        uses: ${UPLOAD_PAGES_ARTIFACT}`,
    '        with:',
    `          path: ${expr('steps.lakehouse.outputs.report-dir')}`,
    '',
    '  # The report on GitHub Pages.',
    '  pages:',
    '    needs: ingest',
    `    if: ${expr("needs.ingest.outputs.report-dir != ''")}`,
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 10',
    '    permissions:',
    '      pages: write',
    '      id-token: write',
    '    environment:',
    '      name: github-pages',
    `      url: ${expr('steps.deployment.outputs.page_url')}`,
    '    steps:',
    '      - id: deployment',
    `        uses: ${DEPLOY_PAGES}`,
  ];
}

export function renderWorkflow(s: WorkflowSettings): string {
  const header = [
    `# Strava lakehouse, written by \`strava-lakehouse init\` (${VERSION}).`,
    `# On the 2nd of each month this adds the previous month to ${s.warehouse};`,
    '# Actions tab > Strava lakehouse > Run workflow processes any month.',
    `# Repository secrets: ${REPO_SECRETS.clientId}, ${REPO_SECRETS.clientSecret} and`,
    `# ${REPO_SECRETS.refreshToken}, which \`strava-lakehouse auth --github-repo OWNER/NAME\` sets.`,
    '# Strava rotates the refresh token: for the action to store a new one, put a fine-grained',
    '# token with Actions (read) and Secrets (read and write) on this repository in the secret',
    `# ${GITHUB_TOKEN_SECRET}.`,
  ];
  if (s.aws) {
    header.push(
      "# AWS: the role below must trust GitHub's OIDC provider (token.actions.githubusercontent.com)",
      `# for this repository, and may read and write ${s.warehouse}.`,
    );
  }
  if (s.pages) {
    header.push(
      '# GitHub Pages: Settings > Pages > Build and deployment > Source: GitHub Actions. Each run',
      '# publishes the HTML report there (private activities left out).',
    );
  }
  if (s.engine === 'databricks') {
    header.push(
      '# Databricks: the variables DATABRICKS_HOST and DATABRICKS_HTTP_PATH, the secret DATABRICKS_TOKEN.',
    );
  }
  const permissions = ['  actions: read'];
  if (s.aws) permissions.push('  id-token: write');
  const awsStep = s.aws
    ? [
        `      - uses: ${CONFIGURE_AWS_CREDENTIALS}`,
        '        with:',
        `          role-to-assume: ${yamlString(s.aws.roleArn)}${s.aws.placeholder ? ' # placeholder: your role, or run init again with --role-arn' : ''}`,
        `          aws-region: ${s.aws.region}`,
      ]
    : [];
  const lines = [
    ...header,
    'name: Strava lakehouse',
    '',
    'on:',
    '  schedule:',
    '    # Early on the 2nd (UTC), when the month is over in every time zone; off the hour, when',
    "    # GitHub's schedules are least delayed.",
    `    - cron: '${s.minute} 6 2 * *'`,
    '    # Days 3 to 9: the same run again, which costs a few list requests when nothing changed and',
    "    # continues the activity details queued in the warehouse within each day's request budget.",
    `    - cron: '${s.minute} 6 3-9 * *'`,
    '  workflow_dispatch:',
    '    inputs:',
    '      month:',
    '        description: Month to process, YYYY-MM (empty for the previous month)',
    '        required: false',
    '        type: string',
    '      force:',
    '        description: Process it again even if nothing changed',
    '        required: false',
    '        type: boolean',
    '        default: false',
    '',
    '# One run per month at a time, never cancelled: a cancelled run wastes its Strava requests.',
    '# A scheduled run and a dispatch without a month both mean the previous month.',
    'concurrency:',
    `  group: strava-lakehouse-${expr("inputs.month || 'previous-month'")}`,
    '  cancel-in-progress: false',
    '',
    `# Earlier runs' records are artifacts (actions: read)${s.aws ? '; AWS credentials come through OIDC (id-token: write)' : ''}.`,
    'permissions:',
    ...permissions,
    '',
    'jobs:',
    '  ingest:',
    '    runs-on: ubuntu-latest',
    ...(s.pages
      ? ['    outputs:', `      report-dir: ${expr('steps.lakehouse.outputs.report-dir')}`]
      : []),
    '    timeout-minutes: 60',
    '    steps:',
    ...awsStep,
    '      - id: lakehouse',
    `        uses: ${s.action}${s.actionPlaceholder ? ' # placeholder: the repository of strava-lakehouse, or run init again with --action' : ''}`,
    '        with:',
    ...actionInputs(s).map(([name, value]) => `          ${name}: ${value}`),
    ...(s.pages ? pagesLines() : []),
  ];
  return `${lines.join('\n')}\n`;
}
