/** How the CLI names its inputs, and how flags and environment become raw inputs. */
import type { InputLabels, RawInputs } from '../config.js';

export interface Flags {
  month?: string;
  from?: string;
  to?: string;
  warehouse?: string;
  engine?: string;
  force?: boolean;
  json?: boolean;
}

export const CLI_LABELS: InputLabels = {
  month: '--month',
  from: '--from',
  to: '--to',
  warehouse: '--warehouse',
  engine: '--engine',
  force: '--force',
  clientId: 'STRAVA_CLIENT_ID',
  clientSecret: 'STRAVA_CLIENT_SECRET',
  refreshToken: 'STRAVA_REFRESH_TOKEN',
  apiUrl: 'STRAVA_API_URL',
  tokenFile: 'STRAVA_TOKEN_FILE',
  awsRegion: 'AWS_REGION',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  databricksHost: 'DATABRICKS_HOST',
  databricksHttpPath: 'DATABRICKS_HTTP_PATH',
  databricksToken: 'DATABRICKS_TOKEN',
  databricksClientId: 'DATABRICKS_CLIENT_ID',
  databricksClientSecret: 'DATABRICKS_CLIENT_SECRET',
  databricksCatalog: 'DATABRICKS_CATALOG',
  databricksSchema: 'DATABRICKS_SCHEMA',
  databricksTableLocation: 'DATABRICKS_TABLE_LOCATION',
};

/** Flags and environment as raw inputs; the environment never overrides a flag. */
export function rawInputs(flags: Flags, env: NodeJS.ProcessEnv): RawInputs {
  return {
    month: flags.month,
    from: flags.from,
    to: flags.to,
    warehouse: flags.warehouse,
    engine: flags.engine,
    force: flags.force ?? false,
    clientId: env.STRAVA_CLIENT_ID,
    clientSecret: env.STRAVA_CLIENT_SECRET,
    refreshToken: env.STRAVA_REFRESH_TOKEN,
    apiUrl: env.STRAVA_API_URL,
    tokenFile: env.STRAVA_TOKEN_FILE,
    awsRegion: env.AWS_REGION,
    s3Endpoint: env.AWS_ENDPOINT_URL_S3,
    databricksHost: env.DATABRICKS_HOST,
    databricksHttpPath: env.DATABRICKS_HTTP_PATH,
    databricksToken: env.DATABRICKS_TOKEN,
    databricksClientId: env.DATABRICKS_CLIENT_ID,
    databricksClientSecret: env.DATABRICKS_CLIENT_SECRET,
    databricksCatalog: env.DATABRICKS_CATALOG,
    databricksSchema: env.DATABRICKS_SCHEMA,
    databricksTableLocation: env.DATABRICKS_TABLE_LOCATION,
  };
}
