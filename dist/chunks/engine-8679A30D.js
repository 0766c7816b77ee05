import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  checkQuality
} from "./chunk-C23D1F1B.js";
import {
  BRONZE,
  GOLD,
  SILVER,
  VERSION,
  goldMonthsFor,
  listLog
} from "./chunk-99BC1E63.js";
import {
  fillPlaceholders,
  firstCodeLine,
  locationLiteral,
  parameterNames,
  placeholderNames
} from "./chunk-97653D37.js";
import "./chunk-328A68CB.js";
import {
  ConfigError,
  DatabricksError
} from "./chunk-06F01416.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/lakehouse/databricks/statements.ts imports fs
var require_statements = __commonJS({
  "builtin-require:src/lakehouse/databricks/statements.ts imports fs"(exports, module) {
    module.exports = __require("node:fs");
  }
});

// builtin-require:src/lakehouse/databricks/statements.ts imports path
var require_statements2 = __commonJS({
  "builtin-require:src/lakehouse/databricks/statements.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// builtin-require:src/lakehouse/databricks/statements.ts imports url
var require_statements3 = __commonJS({
  "builtin-require:src/lakehouse/databricks/statements.ts imports url"(exports, module) {
    module.exports = __require("node:url");
  }
});

// src/lakehouse/databricks/driver-errors.ts
var HOST = "DATABRICKS_HOST (input databricks-host)";
var HTTP_PATH = "DATABRICKS_HTTP_PATH (input databricks-http-path)";
var CREDENTIALS = "DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (inputs databricks-token, databricks-client-id, databricks-client-secret)";
var text = (v) => typeof v === "string" && v.trim() ? v : void 0;
function driverFailure(err) {
  const e = err ?? {};
  const message = text(e.response?.errorMessage) ?? text(e.response?.displayMessage) ?? text(e.message) ?? String(err);
  const status = e.statusCode ?? e.payload?.response?.status;
  return {
    message,
    sqlState: text(e.response?.sqlState),
    httpStatus: typeof status === "number" ? status : void 0,
    code: text(e.code)
  };
}
function redact(value, secrets) {
  let out = value;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}
function headline(message) {
  const line = message.trim().split("\n")[0] ?? "";
  return line.length > 400 ? `${line.slice(0, 400)}\u2026` : line;
}
function isWarehouseStarting(f) {
  return f.httpStatus === 503 || f.httpStatus === 429 || /TEMPORARILY_UNAVAILABLE|warehouse is (starting|not running)|cluster is starting/i.test(
    f.message
  );
}
function isConcurrentConflict(f) {
  return /DELTA_CONCURRENT_|Concurrent(Append|DeleteRead|DeleteDelete|Transaction)Exception|DELTA_METADATA_CHANGED|MetadataChangedException/.test(
    f.message
  );
}
function isPermissionDenied(f) {
  return f.sqlState === "42501" || /PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|UNAUTHORIZED_ACCESS|AccessDenied|does not have [A-Z ]+ (privilege|permission)/i.test(
    f.message
  );
}
function failedLine(statement2, f) {
  const at = /\bline (\d+),? pos(?:ition)? \d+/i.exec(f.message);
  return at ? Number(at[1]) : firstCodeLine(statement2.text);
}
function statementError(statement2, err, secrets) {
  const f = driverFailure(err);
  const where = `${statement2.file} line ${failedLine(statement2, f)}`;
  const said = redact(headline(f.message), secrets);
  if (isPermissionDenied(f)) {
    return new DatabricksError(
      `Databricks refused ${where}: no permission on ${statement2.target}. ${said}`,
      "Grant the user or service principal what the statement needs there (USE CATALOG, USE SCHEMA, CREATE TABLE, SELECT, MODIFY; READ FILES and WRITE FILES on the external location), then re-run.",
      { cause: err }
    );
  }
  return new DatabricksError(
    `Databricks statement ${where} failed: ${said}`,
    "Fix what the server reports, then re-run the month.",
    { cause: err }
  );
}
function connectionError(endpoint, err, secrets) {
  const f = driverFailure(err);
  const url = `https://${endpoint.host}${endpoint.path}`;
  const said = redact(headline(f.message), secrets);
  const network = f.code ?? /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/.exec(f.message)?.[1];
  if (network === "ENOTFOUND" || network === "EAI_AGAIN") {
    return new DatabricksError(
      `Cannot find the Databricks host ${endpoint.host} (${network}).`,
      `Check ${HOST}: the workspace host, e.g. dbc-a1b2c3d4-e5f6.cloud.databricks.com.`
    );
  }
  if (network) {
    return new DatabricksError(
      `Cannot reach Databricks at ${url} (${network}).`,
      `Check ${HOST} and that this machine can reach it.`
    );
  }
  if (f.httpStatus === 401 || f.httpStatus === 403 || /invalid_client|unauthori[sz]ed|invalid access token|AuthenticationError/i.test(f.message)) {
    return new DatabricksError(
      `Databricks rejected the credentials for ${url}${f.httpStatus ? ` (HTTP ${f.httpStatus})` : ""}: ${said}`,
      `Check ${CREDENTIALS}, and that they may use this SQL warehouse.`
    );
  }
  if (f.httpStatus === 404) {
    return new DatabricksError(
      `Databricks has no SQL warehouse at ${url} (HTTP 404).`,
      `Check ${HTTP_PATH}: copy it from the warehouse's Connection details.`
    );
  }
  return new DatabricksError(
    `Could not open a Databricks SQL session at ${url}: ${said}`,
    `Check ${HOST} and ${HTTP_PATH}.`
  );
}

// src/lakehouse/databricks/connection.ts
var DEFAULT_WAIT = {
  attempts: 30,
  intervalMs: 2e4,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};
function endpointOf(config) {
  const host = config.host.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  const path2 = config.httpPath.startsWith("/") ? config.httpPath : `/${config.httpPath}`;
  return { host, path: path2 };
}
function connectionOptions(config) {
  const base = {
    ...endpointOf(config),
    userAgentEntry: `strava-lakehouse/${VERSION}`,
    // The driver would otherwise report usage to Databricks from the user's machine.
    telemetryEnabled: false
  };
  if (config.token) return { ...base, token: config.token };
  return {
    ...base,
    authType: "databricks-oauth",
    oauthClientId: config.clientId,
    oauthClientSecret: config.clientSecret
  };
}
async function createClient() {
  const { DBSQLClient } = (await import("./dist-581AA908.js")).default;
  const client = new DBSQLClient({ logger: { log: () => {
  } } });
  return client;
}
var secretsOf = (config) => [config.token, config.clientSecret];
async function openSession(client, config, progress, wait = DEFAULT_WAIT) {
  const endpoint = endpointOf(config);
  try {
    await client.connect(connectionOptions(config));
  } catch (err) {
    throw connectionError(endpoint, err, secretsOf(config));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.openSession();
    } catch (err) {
      if (!isWarehouseStarting(driverFailure(err))) {
        throw connectionError(endpoint, err, secretsOf(config));
      }
      if (attempt >= wait.attempts) {
        const minutes = Math.max(1, Math.round(wait.attempts * wait.intervalMs / 6e4));
        throw new DatabricksError(
          `The SQL warehouse at https://${endpoint.host}${endpoint.path} did not become ready within ${minutes} minute${minutes === 1 ? "" : "s"}.`,
          "It is stopped or still starting: start it in the Databricks UI (SQL Warehouses), then re-run."
        );
      }
      progress.update(
        `Databricks SQL warehouse is starting; trying again in ${Math.round(wait.intervalMs / 1e3)} s (${attempt}/${wait.attempts})`
      );
      await wait.sleep(wait.intervalMs);
    }
  }
}

// src/lakehouse/databricks/statements.ts
var import_node_fs = __toESM(require_statements(), 1);
var import_node_path = __toESM(require_statements2(), 1);
var import_node_url = __toESM(require_statements3(), 1);
var SQL_FILES = {
  createSchema: "00_create_schema.sql",
  createBronze: "01_create_bronze.sql",
  createSilver: "02_create_silver.sql",
  createGold: "03_create_gold.sql",
  copyIntoBronze: "10_copy_into_bronze.sql",
  mergeSilver: "20_merge_silver.sql",
  gold: "30_gold.sql"
};
var quoteIdent = (name) => `\`${name}\``;
function databricksTableName(def) {
  return def.path.replace(/\//g, "_");
}
function qualifiedName(catalog, schema, def) {
  const parts = [catalog, schema, ...def ? [databricksTableName(def)] : []];
  return parts.map(quoteIdent).join(".");
}
function planStatements(input, texts) {
  const name = (def) => qualifiedName(input.catalog, input.schema, def);
  const tableClause = (def) => input.tableLocation === "external" ? `LOCATION ${locationLiteral(input.warehouseUri(def.path))}` : "";
  const values = {
    schema: name(),
    bronze: name(BRONZE),
    silver: name(SILVER),
    gold: name(GOLD)
  };
  const out = [];
  const add = (file, target, months, params, placeholders = {}) => out.push(statement(file, texts[file], { ...values, ...params }, placeholders, target, months));
  add(SQL_FILES.createSchema, `schema ${values.schema}`, [], {});
  for (const [file, def] of [
    [SQL_FILES.createBronze, BRONZE],
    [SQL_FILES.createSilver, SILVER],
    [SQL_FILES.createGold, GOLD]
  ]) {
    const where = input.tableLocation === "external" ? ` at ${input.warehouseUri(def.path)}` : "";
    add(file, `table ${name(def)}${where}`, [], {}, { location: tableClause(def) });
  }
  for (const { month, key } of input.landings) {
    const slash = key.lastIndexOf("/");
    const landingParams = { landing_file: key, month, run_id: input.runId };
    add(
      SQL_FILES.copyIntoBronze,
      `table ${values.bronze}, reading ${input.warehouseUri(key)}`,
      [month],
      landingParams,
      {
        landing_dir: locationLiteral(input.warehouseUri(key.slice(0, slash))),
        landing_file_name: locationLiteral(key.slice(slash + 1))
      }
    );
    add(SQL_FILES.mergeSilver, `table ${values.silver}`, [month], landingParams);
  }
  if (input.goldMonths.length) {
    add(SQL_FILES.gold, `table ${values.gold}`, input.goldMonths, {});
  }
  return out;
}
function statement(file, template, available, placeholders, target, months) {
  const expected = Object.keys(placeholders).sort().join(", ");
  const found = placeholderNames(template).sort().join(", ");
  if (found !== expected) {
    throw new Error(`sql/${file} has placeholders [${found}]; the plan fills [${expected}].`);
  }
  const params = {};
  for (const p of parameterNames(template)) {
    const v = available[p];
    if (v === void 0)
      throw new Error(`sql/${file} uses :${p}, which the plan does not provide.`);
    params[p] = v;
  }
  return {
    file: `sql/${file}`,
    text: fillPlaceholders(template, placeholders),
    params,
    target,
    months
  };
}
function findSqlDir(from = import_node_path.default.dirname((0, import_node_url.fileURLToPath)(import.meta.url))) {
  const tried = [];
  for (let dir = from, depth = 0; depth < 6; dir = import_node_path.default.dirname(dir), depth++) {
    const candidate = import_node_path.default.join(dir, "sql");
    if (import_node_fs.default.existsSync(import_node_path.default.join(candidate, SQL_FILES.createSchema))) return candidate;
    tried.push(candidate);
    if (import_node_path.default.dirname(dir) === dir) break;
  }
  throw new DatabricksError(
    `The Databricks statements (sql/*.sql) were not found; looked in ${tried.join(", ")}.`,
    "Install strava-lakehouse with its sql/ folder (it ships beside dist/)."
  );
}
function loadSqlTexts(dir = findSqlDir()) {
  const texts = {};
  for (const file of Object.values(SQL_FILES)) {
    const full = import_node_path.default.join(dir, file);
    try {
      texts[file] = import_node_fs.default.readFileSync(full, "utf8");
    } catch (err) {
      throw new DatabricksError(
        `Cannot read the Databricks statement ${full}: ${err.message}.`,
        "Reinstall strava-lakehouse; its sql/ folder is incomplete.",
        { cause: err }
      );
    }
  }
  return texts;
}

// src/lakehouse/databricks/runner.ts
var CONFLICT_ATTEMPTS = 3;
async function runDatabricks(opts) {
  const { config, progress } = opts;
  const plan = planStatements(
    {
      catalog: config.catalog,
      schema: config.schema,
      tableLocation: config.tableLocation ?? "external",
      warehouseUri: opts.warehouseUri,
      landings: opts.landings,
      goldMonths: opts.goldMonths,
      runId: opts.runId
    },
    opts.sqlTexts ?? loadSqlTexts()
  );
  const wait = opts.wait ?? DEFAULT_WAIT;
  const client = opts.client ?? await createClient();
  let session;
  try {
    session = await openSession(client, config, progress, wait);
    const statements = [];
    const changed = /* @__PURE__ */ new Set();
    for (const statement2 of plan) {
      const record = await execute(session, statement2, config, progress, wait);
      statements.push(record);
      if (record.affectedRows) for (const m of statement2.months) changed.add(m);
      const rows = record.affectedRows === void 0 ? "" : `, ${record.affectedRows} row(s)`;
      progress.info(`databricks: ${statement2.file} (${record.durationMs} ms${rows})`);
    }
    return { statements, changedMonths: [...changed].sort() };
  } finally {
    await session?.close().catch(() => {
    });
    await client.close().catch(() => {
    });
  }
}
async function execute(session, statement2, config, progress, wait) {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    let operation;
    try {
      operation = await session.executeStatement(statement2.text, {
        namedParameters: statement2.params
      });
      const rows = await operation.fetchAll();
      return {
        file: statement2.file,
        statementId: operation.id,
        durationMs: Date.now() - started,
        affectedRows: affectedRows(rows)
      };
    } catch (err) {
      if (attempt < CONFLICT_ATTEMPTS && isConcurrentConflict(driverFailure(err))) {
        progress.warn(
          `${statement2.file}: another writer changed the table meanwhile; running it again.`
        );
        await wait.sleep(1e3 * attempt);
        continue;
      }
      throw statementError(statement2, err, secretsOf(config));
    } finally {
      await operation?.close().catch(() => {
      });
    }
  }
}
function affectedRows(rows) {
  const v = rows[0]?.num_affected_rows;
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return void 0;
}

// src/lakehouse/databricks/engine.ts
var DatabricksEngine = class {
  constructor(config, store, opts, driver = {}) {
    this.config = config;
    this.store = store;
    this.driver = driver;
    this.progress = opts.progress;
  }
  config;
  store;
  driver;
  name = "databricks";
  readsRows = false;
  progress;
  async preflight() {
    if (this.databricks().tableLocation === "managed") {
      return { bronze: null, silver: null, gold: null };
    }
    const [bronze, silver, gold] = await Promise.all([
      this.version(BRONZE),
      this.version(SILVER),
      this.version(GOLD)
    ]);
    return { bronze, silver, gold };
  }
  async process(landings, ctx) {
    const before = await this.preflight();
    const warnings = landings.flatMap(
      (l) => checkQuality(l.rows, l.month, l.key)
    );
    const run = await runDatabricks({
      config: this.databricks(),
      warehouseUri: (key) => this.store.uri(key),
      landings: landings.map(({ month, key }) => ({ month, key })),
      goldMonths: goldMonthsFor(landings.map((l) => l.month)),
      runId: ctx.runId,
      progress: this.progress,
      client: this.driver.client,
      wait: this.driver.wait
    });
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: run.changedMonths,
      statements: run.statements
    };
  }
  databricks() {
    if (!this.config.databricks) {
      throw new ConfigError(
        "The databricks engine was chosen without Databricks settings.",
        "Set DATABRICKS_HOST, DATABRICKS_HTTP_PATH and DATABRICKS_TOKEN."
      );
    }
    return this.config.databricks;
  }
  /** The table's latest Delta version from its log under the warehouse, or null if none. */
  async version(table) {
    const { commits, checkpoints } = await listLog(this.store, table.path);
    return commits.at(-1) ?? checkpoints.at(-1) ?? null;
  }
};
export {
  DatabricksEngine
};
