import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/cli/inputs.ts
var CLI_LABELS = {
  month: "--month",
  from: "--from",
  to: "--to",
  warehouse: "--warehouse",
  engine: "--engine",
  force: "--force",
  clientId: "STRAVA_CLIENT_ID",
  clientSecret: "STRAVA_CLIENT_SECRET",
  refreshToken: "STRAVA_REFRESH_TOKEN",
  apiUrl: "STRAVA_API_URL",
  tokenFile: "STRAVA_TOKEN_FILE",
  awsRegion: "AWS_REGION",
  s3Endpoint: "AWS_ENDPOINT_URL_S3",
  databricksHost: "DATABRICKS_HOST",
  databricksHttpPath: "DATABRICKS_HTTP_PATH",
  databricksToken: "DATABRICKS_TOKEN",
  databricksClientId: "DATABRICKS_CLIENT_ID",
  databricksClientSecret: "DATABRICKS_CLIENT_SECRET",
  databricksCatalog: "DATABRICKS_CATALOG",
  databricksSchema: "DATABRICKS_SCHEMA",
  databricksTableLocation: "DATABRICKS_TABLE_LOCATION"
};
function rawInputs(flags, env) {
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
    databricksTableLocation: env.DATABRICKS_TABLE_LOCATION
  };
}

// src/cli/print.ts
function printRecords(records, json, out) {
  if (json) {
    out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}
`);
    return;
  }
  for (const r of records) {
    const warn = r.qualityWarnings.length ? `, ${r.qualityWarnings.length} warning(s)` : "";
    out.write(
      `${r.month}  ${r.status.padEnd(9)}  ${String(r.activities).padStart(4)} activities  ${r.landing.key}${warn}
`
    );
  }
}

export {
  CLI_LABELS,
  rawInputs,
  printRecords
};
