import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  debug,
  getInput,
  group,
  info,
  notice,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-46E2DBEB.js";
import {
  callGitHub,
  checkSecretName,
  createGitHub,
  parseRepository,
  setRepoSecrets
} from "./chunks/chunk-548BC98D.js";
import {
  buildConfig
} from "./chunks/chunk-D6111358.js";
import {
  runRecordKey
} from "./chunks/chunk-2A3800A9.js";
import "./chunks/chunk-531649C7.js";
import "./chunks/chunk-97653D37.js";
import {
  addMonths
} from "./chunks/chunk-328A68CB.js";
import {
  ConfigError,
  GitHubError,
  errorLine
} from "./chunks/chunk-06F01416.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunks/chunk-B9CF76D1.js";

// builtin-require:src/main.ts imports fs/promises
var require_promises = __commonJS({
  "builtin-require:src/main.ts imports fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// builtin-require:src/main.ts imports os
var require_main = __commonJS({
  "builtin-require:src/main.ts imports os"(exports, module) {
    module.exports = __require("node:os");
  }
});

// builtin-require:src/main.ts imports path
var require_main2 = __commonJS({
  "builtin-require:src/main.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// builtin-require:src/runs/artifacts.ts imports path
var require_artifacts = __commonJS({
  "builtin-require:src/runs/artifacts.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// src/main.ts
var import_promises = __toESM(require_promises(), 1);
var import_node_os = __toESM(require_main(), 1);
var import_node_path2 = __toESM(require_main2(), 1);

// src/report/summary.ts
var CHART_MONTHS = 12;
function renderSummary(records, gold, opts = {}) {
  const months = records.map((r) => r.month);
  const last = months[months.length - 1];
  const rechecked = records[records.length - 1]?.rechecked;
  const title = !last ? "no month done" : rechecked?.length ? `${last} (re-checked ${rechecked.join(", ")})` : months[0] === last ? last : `${months[0]} to ${last}`;
  const out = [`## Strava lakehouse: ${title}`, ""];
  for (const w of opts.warnings ?? []) out.push("> [!WARNING]", `> ${escape(w)}`, "");
  if (!last) return out.join("\n");
  out.push(...runsTable(records), "");
  const warnings = records.flatMap((r) => r.qualityWarnings);
  if (warnings.length) {
    out.push("### Quality warnings", "", ...warnings.map((w) => `- ${escape(w)}`), "");
  }
  const details = records[records.length - 1]?.details;
  if (details) out.push(...detailsLines(details), "");
  const own = records[records.length - 1];
  if (own?.tableProtocols?.length || own?.handedOver?.length) {
    out.push(...protocolLines(own.tableProtocols ?? [], own.handedOver ?? []), "");
  }
  out.push(...monthOverMonth(gold, last), "", ...chart(gold, last), "");
  return out.join("\n");
}
function detailsLines(d) {
  const fetched = `fetched for ${d.fetched} activities this run${d.notFound ? ` (${d.notFound} no longer on Strava)` : ""}, in ${d.requests} requests`;
  const queued = d.queued ? `${d.queued} activities still queued (${d.queuedRequests} requests): about ${d.runsToFinish} more run(s) to finish` : "none queued";
  const out = [
    "### Activity details",
    "",
    `- ${d.withDetails} activities have details; ${fetched}; ${queued}.`
  ];
  if (d.stoppedMessage) out.push(`- ${escape(d.stoppedMessage)}`);
  return out;
}
function protocolLines(protocols, handedOver) {
  const out = ["### Table protocols", ""];
  if (handedOver.length) {
    out.push(
      `- Taken over from the embedded engine: ${handedOver.map((t) => `\`${t}\``).join(", ")} (\`strava-lakehouse migrate --to embedded\` hands them back).`
    );
  }
  const upgraded = protocols.filter((p) => p.minReaderVersion > 1);
  if (protocols.length && !upgraded.length) {
    out.push(
      `- All ${protocols.length} tables are Delta reader 1 / writer ${Math.max(...protocols.map((p) => p.minWriterVersion))}: any Delta reader opens them.`
    );
  }
  for (const p of upgraded) {
    const features = p.readerFeatures.length ? ` with ${p.readerFeatures.join(", ")}` : "";
    const who = p.embeddedReads ? "strava-lakehouse inspect and report still read it" : "strava-lakehouse cannot read it: use Spark, Databricks or delta-rs";
    out.push(
      `- \`${p.table}\` needs a Delta reader ${p.minReaderVersion}${features} (writer ${p.minWriterVersion}); ${who}.`
    );
  }
  return out;
}
function runsTable(records) {
  const rows = records.map(
    (r) => cells([
      r.month,
      r.forced ? `${r.status} (forced)` : r.status,
      String(r.activities),
      `\`${r.landing.key.replace(/`/g, "")}\`${r.landing.reused ? " (reused)" : ""}`,
      versions(r.tables.before, r.tables.after, "bronze"),
      versions(r.tables.before, r.tables.after, "silver"),
      versions(r.tables.before, r.tables.after, "gold"),
      String(r.stravaRequests),
      `${(r.durationMs / 1e3).toFixed(1)} s`
    ])
  );
  return [
    cells([
      "Month",
      "Status",
      "Activities",
      "Landing file",
      "bronze",
      "silver",
      "gold",
      "Strava requests",
      "Took"
    ]),
    cells(Array(9).fill("---")),
    ...rows
  ];
}
function versions(before, after, table) {
  const v = (n) => n === null ? "\u2014" : `v${n}`;
  return before[table] === after[table] ? v(after[table]) : `${v(before[table])} \u2192 ${v(after[table])}`;
}
function totals(rows) {
  return rows.reduce(
    (t, r) => ({
      count: t.count + Number(r.activity_count),
      distance: t.distance + r.distance,
      moving: t.moving + Number(r.moving_time),
      elevation: t.elevation + r.total_elevation_gain
    }),
    { count: 0, distance: 0, moving: 0, elevation: 0 }
  );
}
function monthOverMonth(gold, month) {
  const prevMonth = addMonths(month, -1);
  const rows = gold.filter((r) => r.month === month);
  const head = `### ${month} against ${prevMonth}`;
  if (!rows.length) return [head, "", `No activities in ${month}.`];
  const perSport = rows.map((r) => ({
    ...totals([r]),
    sport: escape(r.sport_type),
    countChange: r.activity_count_change === null ? null : Number(r.activity_count_change),
    distancePct: r.distance_change_pct,
    movingPct: r.moving_time_change_pct
  }));
  const now = totals(rows);
  const prevRows = gold.filter((r) => r.month === prevMonth);
  const prev = prevRows.length ? totals(prevRows) : void 0;
  const all = {
    ...now,
    sport: "**All sports**",
    countChange: prev ? now.count - prev.count : null,
    distancePct: prev ? pct(now.distance, prev.distance) : null,
    movingPct: prev ? pct(now.moving, prev.moving) : null
  };
  return [
    head,
    "",
    cells([
      "Sport",
      "Activities",
      "Change",
      "Distance (km)",
      "Change",
      "Moving time",
      "Change",
      "Elevation (m)"
    ]),
    cells(Array(8).fill("---")),
    ...[...perSport, all].map(
      (l) => cells([
        l.sport,
        String(l.count),
        change(l.countChange, ""),
        km(l.distance),
        change(l.distancePct, "%"),
        hours(l.moving),
        change(l.movingPct, "%"),
        l.elevation.toFixed(0)
      ])
    )
  ];
}
function chart(gold, month) {
  const months = Array.from(
    { length: CHART_MONTHS },
    (_, i) => addMonths(month, i - CHART_MONTHS + 1)
  );
  const held = months.filter((m) => gold.some((r) => r.month === m));
  const missing = months.filter((m) => !held.includes(m));
  const head = [`### The last ${CHART_MONTHS} months`, ""];
  if (!held.length) return [...head, `No data for ${months[0]} to ${month}.`];
  const km2 = held.map((m) => totals(gold.filter((r) => r.month === m)).distance / 1e3);
  return [
    ...head,
    "```mermaid",
    "xychart-beta",
    '  title "Distance per month (km)"',
    `  x-axis [${held.map((m) => `"${m}"`).join(", ")}]`,
    '  y-axis "km"',
    `  bar [${km2.map((d) => d.toFixed(1)).join(", ")}]`,
    "```",
    ...missing.length ? ["", `No data for ${missing.join(", ")} (left off the chart).`] : []
  ];
}
function reportSummary(report) {
  const where = report.url ? `[the artifact strava-lakehouse-report](${report.url}) (download it, open index.html)` : `\`${report.dir.replace(/`/g, "")}\` on the runner`;
  return `### Report

The HTML report of the lakehouse: ${where}.
`;
}
var cells = (values) => `| ${values.join(" | ")} |`;
var km = (meters) => (meters / 1e3).toFixed(1);
function hours(seconds) {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
var pct = (now, prev) => prev === 0 ? null : 100 * (now - prev) / prev;
function change(value, unit) {
  if (value === null) return "\u2014";
  const text = unit ? value.toFixed(1) : String(value);
  return `${value > 0 ? "+" : ""}${text}${unit}`;
}
function escape(text) {
  return text.replace(/[\\`*[\]|!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, "\\$&").replace(/:(?=\/\/)/g, "\\:").replace(/\b(www)\./gi, "$1\\.").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\s*[\r\n]+\s*/g, " ");
}

// src/runs/artifacts.ts
var import_node_path = __toESM(require_artifacts(), 1);
function artifactName(month) {
  return `strava-lakehouse-${month}`;
}
function canUploadArtifacts(env = process.env) {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN);
}
async function uploadRecordArtifact(file, month, opts = {}) {
  const { DefaultArtifactClient, ArtifactNotFoundError } = await import("./chunks/artifact-60BD5C2B.js");
  const client = new DefaultArtifactClient();
  const name = artifactName(month);
  if (opts.replace) {
    await client.deleteArtifact(name).catch((err) => {
      if (!(err instanceof ArtifactNotFoundError)) throw err;
    });
  }
  const { id } = await client.uploadArtifact(name, [file], import_node_path.default.dirname(file), {
    retentionDays: opts.retentionDays
  });
  return id;
}
var REPORT_ARTIFACT = "strava-lakehouse-report";
async function uploadReportArtifact(dir, opts = {}) {
  const fs2 = await import("node:fs/promises");
  const files = (await fs2.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => import_node_path.default.join(dir, e.name));
  const { DefaultArtifactClient, ArtifactNotFoundError } = await import("./chunks/artifact-60BD5C2B.js");
  const client = new DefaultArtifactClient();
  if (opts.replace) {
    await client.deleteArtifact(REPORT_ARTIFACT).catch((err) => {
      if (!(err instanceof ArtifactNotFoundError)) throw err;
    });
  }
  const { id } = await client.uploadArtifact(REPORT_ARTIFACT, files, dir, {
    retentionDays: opts.retentionDays
  });
  return id;
}
var READ_HINT = "Give the workflow `permissions: actions: read`, and a github-token that has it.";
async function findPreviousRecordFromArtifacts(octokit, { owner, repo }, month) {
  const name = artifactName(month);
  const base = `/repos/${owner}/${repo}/actions/artifacts`;
  const hints = { 403: READ_HINT, 404: READ_HINT };
  const { data } = await callGitHub(
    `GET ${base}?name=${name}`,
    () => octokit.rest.actions.listArtifactsForRepo({ owner, repo, name, per_page: 100 }),
    hints
  );
  const newest = data.artifacts.filter((a) => a.name === name && !a.expired).sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id)[0];
  if (!newest) return void 0;
  const { data: zip } = await callGitHub(
    `GET ${base}/${newest.id}/zip`,
    () => octokit.rest.actions.downloadArtifact({
      owner,
      repo,
      artifact_id: newest.id,
      archive_format: "zip"
    }),
    { ...hints, 410: "The artifact expired while it was being read; re-run." }
  );
  const what = `Artifact ${name} (id ${newest.id})`;
  const fix = "Delete it in the run page of the Actions tab, then re-run.";
  const { readSingleFileZip } = await import("./chunks/zip-AC67E12C.js");
  let record;
  try {
    const file = readSingleFileZip(new Uint8Array(zip));
    record = JSON.parse(file.data.toString("utf8"));
  } catch (err) {
    throw new GitHubError(`${what} cannot be read: ${errorLine(err)}.`, fix, { cause: err });
  }
  if (!isRecordOf(record, month)) {
    throw new GitHubError(`${what} does not hold a run record of ${month}.`, fix);
  }
  return record;
}
function isRecordOf(value, month) {
  const r = value;
  return typeof r === "object" && r !== null && r.schemaVersion === 1 && r.month === month && (r.status === "ingested" || r.status === "unchanged") && typeof r.landing?.sha256 === "string";
}

// src/main.ts
var Inputs = {
  Month: "month",
  Warehouse: "warehouse",
  Engine: "engine",
  Force: "force",
  Lookback: "lookback",
  StravaClientId: "strava-client-id",
  StravaClientSecret: "strava-client-secret",
  StravaRefreshToken: "strava-refresh-token",
  StravaApiUrl: "strava-api-url",
  StravaApiBase: "strava-api-base",
  StravaOAuthUrl: "strava-oauth-url",
  GitHubToken: "github-token",
  RefreshTokenSecretName: "refresh-token-secret-name",
  AwsRegion: "aws-region",
  S3Endpoint: "s3-endpoint",
  DatabricksHost: "databricks-host",
  DatabricksHttpPath: "databricks-http-path",
  DatabricksToken: "databricks-token",
  DatabricksClientId: "databricks-client-id",
  DatabricksClientSecret: "databricks-client-secret",
  DatabricksCatalog: "databricks-catalog",
  DatabricksSchema: "databricks-schema",
  DatabricksTableLocation: "databricks-table-location",
  RetentionDays: "retention-days",
  MaxRequests: "max-requests",
  NoDetails: "no-details",
  PrivacyRadius: "privacy-radius",
  NoCoordinates: "no-coordinates",
  IncludePrivate: "include-private",
  Report: "report"
};
var Outputs = {
  Month: "month",
  Status: "status",
  Activities: "activities",
  RunRecord: "run-record",
  TableVersions: "table-versions",
  /** The folder holding the HTML report (index.html), when it was built. */
  ReportDir: "report-dir",
  /** Only when a rotated refresh token could not be written back; masked. */
  RefreshToken: "refresh-token"
};
var DEFAULT_REFRESH_TOKEN_SECRET = "STRAVA_REFRESH_TOKEN";
var SECRET_INPUTS = [
  Inputs.StravaClientSecret,
  Inputs.StravaRefreshToken,
  Inputs.GitHubToken,
  Inputs.DatabricksToken,
  Inputs.DatabricksClientSecret
];
var label = (name) => `Input "${name}"`;
var ACTION_LABELS = {
  month: label(Inputs.Month),
  from: label(Inputs.Month),
  to: label(Inputs.Month),
  warehouse: label(Inputs.Warehouse),
  engine: label(Inputs.Engine),
  force: label(Inputs.Force),
  lookback: label(Inputs.Lookback),
  clientId: label(Inputs.StravaClientId),
  clientSecret: label(Inputs.StravaClientSecret),
  refreshToken: label(Inputs.StravaRefreshToken),
  apiUrl: label(Inputs.StravaApiUrl),
  apiBase: label(Inputs.StravaApiBase),
  oauthUrl: label(Inputs.StravaOAuthUrl),
  tokenFile: "The refresh token file",
  awsRegion: label(Inputs.AwsRegion),
  s3Endpoint: label(Inputs.S3Endpoint),
  databricksHost: label(Inputs.DatabricksHost),
  databricksHttpPath: label(Inputs.DatabricksHttpPath),
  databricksToken: label(Inputs.DatabricksToken),
  databricksClientId: label(Inputs.DatabricksClientId),
  databricksClientSecret: label(Inputs.DatabricksClientSecret),
  databricksCatalog: label(Inputs.DatabricksCatalog),
  databricksSchema: label(Inputs.DatabricksSchema),
  databricksTableLocation: label(Inputs.DatabricksTableLocation),
  maxRequests: label(Inputs.MaxRequests),
  noDetails: label(Inputs.NoDetails),
  privacyRadius: label(Inputs.PrivacyRadius),
  noCoordinates: label(Inputs.NoCoordinates),
  includePrivate: label(Inputs.IncludePrivate)
};
function readInputs() {
  const get = (name) => getInput(name);
  for (const name of SECRET_INPUTS) {
    const value = get(name);
    if (value) setSecret(value);
  }
  return {
    month: get(Inputs.Month),
    warehouse: get(Inputs.Warehouse),
    engine: get(Inputs.Engine),
    force: parseBoolean(get(Inputs.Force), Inputs.Force),
    lookback: get(Inputs.Lookback),
    clientId: get(Inputs.StravaClientId),
    clientSecret: get(Inputs.StravaClientSecret),
    refreshToken: get(Inputs.StravaRefreshToken),
    apiUrl: get(Inputs.StravaApiUrl),
    apiBase: get(Inputs.StravaApiBase),
    oauthUrl: get(Inputs.StravaOAuthUrl),
    awsRegion: get(Inputs.AwsRegion),
    s3Endpoint: get(Inputs.S3Endpoint),
    databricksHost: get(Inputs.DatabricksHost),
    databricksHttpPath: get(Inputs.DatabricksHttpPath),
    databricksToken: get(Inputs.DatabricksToken),
    databricksClientId: get(Inputs.DatabricksClientId),
    databricksClientSecret: get(Inputs.DatabricksClientSecret),
    databricksCatalog: get(Inputs.DatabricksCatalog),
    databricksSchema: get(Inputs.DatabricksSchema),
    databricksTableLocation: get(Inputs.DatabricksTableLocation),
    maxRequests: get(Inputs.MaxRequests),
    noDetails: parseBoolean(get(Inputs.NoDetails), Inputs.NoDetails),
    privacyRadius: get(Inputs.PrivacyRadius),
    noCoordinates: parseBoolean(get(Inputs.NoCoordinates), Inputs.NoCoordinates),
    includePrivate: parseBoolean(get(Inputs.IncludePrivate), Inputs.IncludePrivate),
    githubToken: get(Inputs.GitHubToken),
    refreshTokenSecretName: checkSecretName(
      get(Inputs.RefreshTokenSecretName) || DEFAULT_REFRESH_TOKEN_SECRET,
      label(Inputs.RefreshTokenSecretName)
    ),
    retentionDays: parseRetentionDays(get(Inputs.RetentionDays)),
    // action.yml's default is 'true'; empty (no runner to apply it) means the same.
    report: get(Inputs.Report) === "" ? true : parseBoolean(get(Inputs.Report), Inputs.Report)
  };
}
function parseBoolean(value, name) {
  if (["", "false", "False", "FALSE"].includes(value)) return false;
  if (["true", "True", "TRUE"].includes(value)) return true;
  throw new ConfigError(`${label(name)} "${value}" is not a boolean.`, "Use true or false.");
}
function parseRetentionDays(value) {
  if (!value) return void 0;
  const days = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= 90)) {
    throw new ConfigError(
      `${label(Inputs.RetentionDays)} "${value}" is not a number of days from 1 to 90.`,
      "Give a whole number of days, or leave it empty for the repository default."
    );
  }
  return days;
}
function tokenFile() {
  return import_node_path2.default.join(process.env.RUNNER_TEMP || import_node_os.default.tmpdir(), "strava-lakehouse", "refresh-token");
}
function actionProgress() {
  let depth = 0;
  return {
    info: (message) => info(message),
    warn: (message) => warning(message),
    update: (message) => info(message),
    mask: (secret) => setSecret(secret),
    async group(name, fn) {
      if (depth > 0) {
        info(`-- ${name}`);
        return fn();
      }
      depth++;
      try {
        return await group(name, fn);
      } finally {
        depth--;
      }
    }
  };
}
async function run() {
  try {
    const inputs = readInputs();
    const config = buildConfig(inputs, ACTION_LABELS, { tokenFileDefault: tokenFile() });
    await runAction(inputs, config);
  } catch (err) {
    debug(err instanceof Error && err.stack ? err.stack : String(err));
    setFailed(errorLine(err));
  }
}
async function runAction(inputs, config) {
  const env = process.env;
  const github = gitHubAccess(inputs.githubToken, env.GITHUB_REPOSITORY);
  const { runPipeline } = await import("./chunks/pipeline-70400FD8.js");
  let result;
  let failure;
  try {
    result = await runPipeline(config, {
      progress: actionProgress(),
      github: {
        repository: env.GITHUB_REPOSITORY,
        runId: env.GITHUB_RUN_ID,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        workflow: env.GITHUB_WORKFLOW
      },
      findPreviousRecord: github && previousRecordFinder(github)
    });
  } catch (err) {
    failure = err;
  }
  const rotated = result ? result.rotatedRefreshToken : await rotatedSinceInput(config).catch(() => void 0);
  const writeBackWarning = rotated ? await writeBackRefreshToken(rotated, inputs.refreshTokenSecretName, github) : void 0;
  if (!result) throw failure;
  const warnings = writeBackWarning ? [writeBackWarning] : [];
  const { records, stoppedEarly } = result;
  if (stoppedEarly) {
    warnings.push(
      `Stopped early: ${stoppedEarly.message} Run again after ${stoppedEarly.resumeAt}.`
    );
  }
  const files = await writeRecordFiles(records);
  const last = records[records.length - 1];
  setOutput(Outputs.Month, last?.month ?? config.to);
  if (last) {
    setOutput(Outputs.Status, last.status);
    setOutput(Outputs.Activities, last.activities);
    setOutput(Outputs.RunRecord, files[files.length - 1]);
    setOutput(Outputs.TableVersions, JSON.stringify(last.tables.after));
  }
  await uploadArtifacts(records, files, inputs.retentionDays);
  const report = inputs.report && last ? await buildAndUploadReport(last.month, config, inputs) : void 0;
  await writeSummary(records, config, warnings, report);
  if (stoppedEarly) setFailed(warnings[warnings.length - 1]);
}
function gitHubAccess(token, repository) {
  if (!token || !repository) return void 0;
  const repo = parseRepository(repository);
  let client;
  return {
    repo,
    client: () => client ??= createGitHub(token)
  };
}
function previousRecordFinder(github) {
  let warned = false;
  return async (month) => {
    try {
      return await findPreviousRecordFromArtifacts(await github.client(), github.repo, month);
    } catch (err) {
      if (!warned) warning(`Run records of earlier runs were not read: ${errorLine(err)}`);
      warned = true;
      return void 0;
    }
  };
}
async function rotatedSinceInput(config) {
  const { readRefreshToken } = await import("./chunks/token-store-C143119E.js");
  const saved = await readRefreshToken(config.strava.tokenFile);
  return saved && saved !== config.strava.refreshToken ? saved : void 0;
}
async function writeBackRefreshToken(token, secretName, github) {
  setSecret(token);
  try {
    if (!github) {
      throw new ConfigError(
        `${label(Inputs.GitHubToken)} or GITHUB_REPOSITORY is not set, so no secret can be written.`
      );
    }
    const { owner, repo } = github.repo;
    await setRepoSecrets(await github.client(), owner, repo, { [secretName]: token });
    info(`Strava rotated the refresh token; the secret ${secretName} now holds the new one.`);
    return void 0;
  } catch (err) {
    setOutput(Outputs.RefreshToken, token);
    const warning2 = `Strava rotated the refresh token, and the secret ${secretName} could not be updated: ${errorLine(err)} The next run will fail unless ${secretName} is set to the new token, which this step gives as its masked output "${Outputs.RefreshToken}".`;
    warning(warning2);
    return warning2;
  }
}
async function writeRecordFiles(records) {
  const root = import_node_path2.default.join(process.env.RUNNER_TEMP || import_node_os.default.tmpdir(), "strava-lakehouse");
  const files = [];
  for (const r of records) {
    const file = import_node_path2.default.join(root, runRecordKey(r.month, r.runId));
    await import_promises.default.mkdir(import_node_path2.default.dirname(file), { recursive: true });
    await import_promises.default.writeFile(file, `${JSON.stringify(r, null, 2)}
`);
    files.push(file);
  }
  return files;
}
async function uploadArtifacts(records, files, retentionDays) {
  if (!records.length) return;
  if (!canUploadArtifacts()) {
    notice(
      "Not on a GitHub runner (no ACTIONS_RUNTIME_TOKEN): run records are not uploaded as artifacts."
    );
    return;
  }
  const replace = Number(process.env.GITHUB_RUN_ATTEMPT ?? "1") > 1;
  for (const [i, r] of records.entries()) {
    try {
      await uploadRecordArtifact(files[i], r.month, { retentionDays, replace });
    } catch (err) {
      warning(`The artifact ${artifactName(r.month)} was not uploaded: ${errorLine(err)}`);
    }
  }
}
async function buildAndUploadReport(month, config, inputs) {
  const dir = import_node_path2.default.join(process.env.RUNNER_TEMP || import_node_os.default.tmpdir(), "strava-lakehouse-report");
  try {
    const { buildReport } = await import("./chunks/html-07CD61F9.js");
    const built = await buildReport({
      warehouse: config.warehouse,
      s3: config.s3,
      out: dir,
      month,
      privacyRadiusM: config.privacy.radiusM,
      includePrivate: config.privacy.includePrivate
    });
    info(
      `Report: ${built.file} (${(built.bytes / 1024).toFixed(0)} KiB, ${(built.ms / 1e3).toFixed(1)} s)`
    );
    setOutput(Outputs.ReportDir, dir);
  } catch (err) {
    warning(`The report was not built: ${errorLine(err)}`);
    return void 0;
  }
  if (!canUploadArtifacts()) {
    notice(`Not on a GitHub runner: the report is not uploaded (it is in ${dir}).`);
    return { dir };
  }
  try {
    const replace = Number(process.env.GITHUB_RUN_ATTEMPT ?? "1") > 1;
    const id = await uploadReportArtifact(dir, { retentionDays: inputs.retentionDays, replace });
    const env = process.env;
    const server = env.GITHUB_SERVER_URL || "https://github.com";
    const url = id !== void 0 && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}` : void 0;
    return { dir, url };
  } catch (err) {
    warning(`The artifact ${REPORT_ARTIFACT} was not uploaded: ${errorLine(err)}`);
    return { dir };
  }
}
async function writeSummary(records, config, warnings, report) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const month = records[records.length - 1]?.month;
  let gold = [];
  if (month) {
    try {
      const { readPublishedSummary } = await import("./chunks/inspect-2C339D61.js");
      gold = await readPublishedSummary(
        config.warehouse,
        config.s3,
        month,
        CHART_MONTHS,
        config.privacy
      );
    } catch (err) {
      warning(`The job summary shows no gold table: ${errorLine(err)}`);
    }
  }
  try {
    await summary.addRaw(renderSummary(records, gold, { warnings })).addRaw(report ? reportSummary(report) : "").write();
  } catch (err) {
    warning(`The job summary was not written: ${errorLine(err)}`);
  }
}

// src/index.ts
await run();
