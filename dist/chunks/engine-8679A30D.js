import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ENGINE_TABLES,
  migrateWarehouse
} from "./chunk-F14ACD48.js";
import {
  ARCHIVE_STATUS,
  archiveSummarySha256,
  checkQuality,
  sha256Hex,
  stringify,
  summarySha256
} from "./chunk-CFBA4AA7.js";
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  BRONZE,
  DETAIL_TABLES,
  DeltaTable,
  GEAR,
  GOLD,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  SILVER,
  STREAMS,
  VERSION,
  goldMonthsFor,
  listLog,
  tableProtocolOf
} from "./chunk-8DD25B0D.js";
import {
  fillPlaceholders,
  firstCodeLine,
  locationLiteral,
  monthLiteral,
  parameterNames,
  placeholderNames,
  quotedIdentifier,
  runIdLiteral
} from "./chunk-97653D37.js";
import "./chunk-328A68CB.js";
import {
  ConfigError,
  DatabricksError,
  QualityError
} from "./chunk-06F01416.js";
import "./chunk-BA800F3B.js";
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

// src/lakehouse/databricks/detail-landing.ts
function detailLandingName(def) {
  return def.path.slice(def.path.lastIndexOf("/") + 1);
}
function detailLandingKey(def, body) {
  const name = detailLandingName(def);
  return `landing/details/${name}/${name}-${sha256Hex(body).slice(0, 16)}.csv`;
}
var NUL = "\0";
function cellText(def, column, value) {
  if (value === null || value === void 0) {
    if (!column.nullable) throw badCell(def, column, value, "is required");
    return null;
  }
  switch (column.type) {
    case "string":
      if (value === NUL) throw badCell(def, column, value, "is the NUL character alone");
      if (typeof value === "string") return value;
      break;
    case "boolean":
      if (typeof value === "boolean") return String(value);
      break;
    case "long":
    case "timestamp":
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
      break;
    case "double":
      if (typeof value === "number" && Number.isFinite(value)) return String(value);
      break;
  }
  throw badCell(def, column, value, `is not a ${column.type}`);
}
function badCell(def, column, value, what) {
  const shown = typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  return new QualityError(
    `A ${def.path} row's ${column.name} (${shown}) ${what}.`,
    "This is a bug in strava-lakehouse: please report it with the activity id."
  );
}
function detailCsv(def, rows) {
  const cells = rows.map((row) => def.columns.map((c) => cellText(def, c, row[c.name])));
  return stringify(cells, {
    header: true,
    columns: def.columns.map((c) => c.name),
    record_delimiter: "\n",
    // Every value quoted, so the empty string is `""` while null stays an empty unquoted cell
    // (quoted_empty would quote nulls too): the reader keeps them apart.
    quoted_string: true,
    // As in src/landing/csv.ts: a lone '\r' inside a cell must be quoted too.
    quote_record_delimiter: true
  });
}
function detailFile(def, rows) {
  const body = new TextEncoder().encode(detailCsv(def, rows));
  return { key: detailLandingKey(def, body), body };
}
async function landDetailFile(store, file) {
  if (await store.head(file.key)) return true;
  return !await store.putIfAbsent(file.key, file.body);
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
function databricksTableName(def) {
  return def.path.replace(/\//g, "_");
}
function qualifiedName(catalog, schema, def) {
  const parts = [catalog, schema, ...def ? [databricksTableName(def)] : []];
  return parts.map(quotedIdentifier).join(".");
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
  const add = (file, target, months, params, placeholders = {}) => out.push(
    buildStatement(file, texts[file], { ...values, ...params }, placeholders, target, months)
  );
  add(SQL_FILES.createSchema, `schema ${values.schema}`, [], {}, { schema: values.schema });
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
    add(
      SQL_FILES.copyIntoBronze,
      `table ${values.bronze}, reading ${input.warehouseUri(key)}`,
      [month],
      {},
      {
        landing_dir: locationLiteral(input.warehouseUri(key.slice(0, slash))),
        landing_file_name: locationLiteral(key.slice(slash + 1)),
        landing_key: locationLiteral(key),
        run_id: runIdLiteral(input.runId),
        month: monthLiteral(month)
      }
    );
    add(SQL_FILES.mergeSilver, `table ${values.silver}`, [month], { landing_file: key, month });
  }
  if (input.goldMonths.length) {
    add(SQL_FILES.gold, `table ${values.gold}`, input.goldMonths, {});
  }
  return out;
}
function buildStatement(file, template, available, placeholders, target, months) {
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
  return readSqlFiles(Object.values(SQL_FILES), dir);
}
function readSqlFiles(files, dir = findSqlDir()) {
  const texts = {};
  for (const file of files) {
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

// src/lakehouse/databricks/detail-statements.ts
var DETAIL_SQL_FILES = {
  createActivityDetails: "40_create_activity_details.sql",
  createLaps: "41_create_laps.sql",
  createStreams: "42_create_streams.sql",
  createGear: "43_create_gear.sql",
  createAthleteZones: "44_create_athlete_zones.sql",
  createGoldGear: "45_create_gold_gear.sql",
  createGoldHrZones: "46_create_gold_hr_zones.sql",
  createGoldBests: "47_create_gold_bests.sql",
  mergeActivityDetails: "50_merge_activity_details.sql",
  mergeLaps: "51_merge_laps.sql",
  mergeStreams: "52_merge_streams.sql",
  mergeGear: "53_merge_gear.sql",
  mergeAthleteZones: "54_merge_athlete_zones.sql",
  reconcileMonths: "60_reconcile_months.sql",
  reconcileActivityDetails: "61_reconcile_activity_details.sql",
  reconcileLaps: "62_reconcile_laps.sql",
  reconcileStreams: "63_reconcile_streams.sql",
  goldGear: "70_gold_gear.sql",
  goldHrZones: "71_gold_hr_zones.sql",
  goldBests: "72_gold_bests.sql",
  goldMonths: "73_gold_detail_months.sql",
  stateSilver: "80_detail_state_silver.sql",
  stateFetched: "81_detail_state_fetched.sql",
  stateGear: "82_detail_state_gear.sql"
};
function loadDetailSqlTexts(dir) {
  return readSqlFiles(
    [SQL_FILES.createSchema, SQL_FILES.createSilver, ...Object.values(DETAIL_SQL_FILES)],
    dir
  );
}
var DETAIL_PARAMS = /* @__PURE__ */ new Map([
  [ACTIVITY_DETAILS, "activity_details"],
  [LAPS, "laps"],
  [STREAMS, "streams"],
  [GEAR, "gear"],
  [ATHLETE_ZONES, "athlete_zones"],
  [GOLD_GEAR, "gold_gear"],
  [GOLD_HR_ZONES, "gold_hr_zones"],
  [GOLD_BESTS, "gold_bests"]
]);
var CREATE_FILES = /* @__PURE__ */ new Map(
  [
    [ACTIVITY_DETAILS, DETAIL_SQL_FILES.createActivityDetails],
    [LAPS, DETAIL_SQL_FILES.createLaps],
    [STREAMS, DETAIL_SQL_FILES.createStreams],
    [GEAR, DETAIL_SQL_FILES.createGear],
    [ATHLETE_ZONES, DETAIL_SQL_FILES.createAthleteZones],
    [GOLD_GEAR, DETAIL_SQL_FILES.createGoldGear],
    [GOLD_HR_ZONES, DETAIL_SQL_FILES.createGoldHrZones],
    [GOLD_BESTS, DETAIL_SQL_FILES.createGoldBests]
  ]
);
function monthsLiteral(months) {
  if (!months.length) throw new Error("An IN list needs at least one month.");
  return months.map(monthLiteral).join(", ");
}
function idsLiteral(ids) {
  if (!ids.length) throw new Error("An IN list needs at least one id.");
  return ids.map((id) => {
    if (typeof id !== "bigint" || id < 0n) throw new Error(`"${String(id)}" is not an id.`);
    return id.toString();
  }).join(", ");
}
var DetailPlanner = class {
  constructor(ctx, texts) {
    this.ctx = ctx;
    this.texts = texts;
    const values = {
      schema: qualifiedName(ctx.catalog, ctx.schema),
      silver: this.table(SILVER)
    };
    for (const [def, param] of DETAIL_PARAMS) values[param] = this.table(def);
    this.values = values;
  }
  ctx;
  texts;
  values;
  /** `catalog`.`schema`.`table`, back-quoted. */
  table(def) {
    return qualifiedName(this.ctx.catalog, this.ctx.schema, def);
  }
  statement(file, target, months = [], placeholders = {}) {
    return buildStatement(file, this.texts[file], this.values, placeholders, target, months);
  }
  create(file, def) {
    const external = this.ctx.tableLocation === "external";
    const uri = this.ctx.warehouseUri(def.path);
    return this.statement(file, `table ${this.table(def)}${external ? ` at ${uri}` : ""}`, [], {
      location: external ? `LOCATION ${locationLiteral(uri)}` : ""
    });
  }
  /**
   * The schema, silver (the detail statements read it; created empty if no run made it yet) and
   * the eight detail tables, each `CREATE ... IF NOT EXISTS`.
   */
  createTables() {
    return [
      this.statement(SQL_FILES.createSchema, `schema ${this.values.schema}`, [], {
        schema: this.values.schema
      }),
      this.create(SQL_FILES.createSilver, SILVER),
      ...DETAIL_TABLES.map((def) => this.create(CREATE_FILES.get(def), def))
    ];
  }
  /**
   * A chunk's MERGEs: laps and streams first, activity_details last, so an activity is marked
   * fetched (its summary hash) only once its laps and streams are in; then gear and zones.
   */
  writeChunk(chunk) {
    const landing = (key) => ({
      landing_file: locationLiteral(this.ctx.warehouseUri(key))
    });
    const out = [];
    if (chunk.activityIds.length) {
      const ids = idsLiteral(chunk.activityIds);
      for (const [file, def, key] of [
        [DETAIL_SQL_FILES.mergeLaps, LAPS, chunk.laps],
        [DETAIL_SQL_FILES.mergeStreams, STREAMS, chunk.streams]
      ]) {
        out.push(
          this.statement(file, `table ${this.table(def)}`, chunk.months, {
            ...landing(key),
            activity_ids: ids
          })
        );
      }
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeActivityDetails,
          `table ${this.table(ACTIVITY_DETAILS)}`,
          chunk.months,
          landing(chunk.activityDetails)
        )
      );
    }
    if (chunk.gear) {
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeGear,
          `table ${this.table(GEAR)}`,
          [],
          landing(chunk.gear)
        )
      );
    }
    if (chunk.zones) {
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeAthleteZones,
          `table ${this.table(ATHLETE_ZONES)}`,
          [],
          landing(chunk.zones)
        )
      );
    }
    return out;
  }
  /** The query of the months reconciling changes (sql/60). */
  reconcileMonths() {
    return this.statement(
      DETAIL_SQL_FILES.reconcileMonths,
      `tables ${this.table(ACTIVITY_DETAILS)}, ${this.table(LAPS)}, ${this.table(STREAMS)}`
    );
  }
  /** The deletes of reconciling (sql/61-63), reported for `months`. */
  reconcile(months) {
    return [
      [DETAIL_SQL_FILES.reconcileActivityDetails, ACTIVITY_DETAILS],
      [DETAIL_SQL_FILES.reconcileLaps, LAPS],
      [DETAIL_SQL_FILES.reconcileStreams, STREAMS]
    ].map(([file, def]) => this.statement(file, `table ${this.table(def)}`, months));
  }
  /** The query of every month the detail gold covers (sql/73), for a refresh of all months. */
  goldMonths() {
    return this.statement(DETAIL_SQL_FILES.goldMonths, `table ${this.table(SILVER)}`);
  }
  /** The three detail gold MERGEs (sql/70-72) for `months` (at least one). */
  gold(months) {
    const placeholders = { months: monthsLiteral(months) };
    return [
      [DETAIL_SQL_FILES.goldGear, GOLD_GEAR],
      [DETAIL_SQL_FILES.goldHrZones, GOLD_HR_ZONES],
      [DETAIL_SQL_FILES.goldBests, GOLD_BESTS]
    ].map(([file, def]) => this.statement(file, `table ${this.table(def)}`, months, placeholders));
  }
  /**
   * The queries of detailState (sql/80-82): silver's summaries, the stored hashes with their
   * statuses, the gear ids.
   */
  state() {
    return [
      this.statement(DETAIL_SQL_FILES.stateSilver, `table ${this.table(SILVER)}`),
      this.statement(DETAIL_SQL_FILES.stateFetched, `table ${this.table(ACTIVITY_DETAILS)}`),
      this.statement(DETAIL_SQL_FILES.stateGear, `table ${this.table(GEAR)}`)
    ];
  }
};

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
function failedLine(statement, f) {
  const at = /\bline (\d+),? pos(?:ition)? \d+/i.exec(f.message);
  return at ? Number(at[1]) : firstCodeLine(statement.text);
}
function statementError(statement, err, secrets) {
  const f = driverFailure(err);
  const where = `${statement.file} line ${failedLine(statement, f)}`;
  const said = redact(headline(f.message), secrets);
  if (isPermissionDenied(f)) {
    return new DatabricksError(
      `Databricks refused ${where}: no permission on ${statement.target}. ${said}`,
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
var NAMED_PARAMETERS_PROTOCOL = 42248;
function serverProtocolVersion(session) {
  const backend = Reflect.get(session, "backend");
  if (typeof backend !== "object" || backend === null) return null;
  if (!("serverProtocolVersion" in backend)) return null;
  const version = backend.serverProtocolVersion;
  return typeof version === "number" ? version : void 0;
}
function requireNamedParameters(session, config) {
  const version = serverProtocolVersion(session);
  if (version === null || version !== void 0 && version >= NAMED_PARAMETERS_PROTOCOL) return;
  const { host, path: path2 } = endpointOf(config);
  const spoken = version === void 0 ? "no protocol version" : `protocol 0x${version.toString(16)}`;
  throw new DatabricksError(
    `The Databricks server at https://${host}${path2} answered with ${spoken}, below 0x${NAMED_PARAMETERS_PROTOCOL.toString(16)}: it takes no named parameters, which every statement needs.`,
    "Use a Databricks SQL warehouse, or a cluster on Databricks Runtime 14.2 or later."
  );
}

// src/lakehouse/databricks/runner.ts
var CONFLICT_ATTEMPTS = 3;
async function runDatabricks(opts) {
  const { config } = opts;
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
  const executed = await executeStatements(plan, opts);
  const changed = /* @__PURE__ */ new Set();
  executed.forEach(({ record }, i) => {
    if (record.affectedRows) for (const m of plan[i].months) changed.add(m);
  });
  return { statements: executed.map((e) => e.record), changedMonths: [...changed].sort() };
}
async function executeStatements(plan, opts) {
  if (!plan.length) return [];
  const { config, progress } = opts;
  const wait = opts.wait ?? DEFAULT_WAIT;
  const client = opts.client ?? await createClient();
  let session;
  try {
    session = await openSession(client, config, progress, wait);
    requireNamedParameters(session, config);
    const out = [];
    for (const statement of plan) {
      const executed = await execute(session, statement, config, progress, wait);
      out.push(executed);
      const { record } = executed;
      const rows = record.affectedRows === void 0 ? "" : `, ${record.affectedRows} row(s)`;
      progress.info(`databricks: ${statement.file} (${record.durationMs} ms${rows})`);
    }
    return out;
  } finally {
    await session?.close().catch(() => {
    });
    await client.close().catch(() => {
    });
  }
}
async function execute(session, statement, config, progress, wait) {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    let operation;
    try {
      operation = await session.executeStatement(statement.text, {
        namedParameters: statement.params
      });
      const rows = await operation.fetchAll();
      const record = {
        file: statement.file,
        statementId: operation.id,
        durationMs: Date.now() - started,
        affectedRows: affectedRows(rows)
      };
      return { record, rows };
    } catch (err) {
      if (attempt < CONFLICT_ATTEMPTS && isConcurrentConflict(driverFailure(err))) {
        progress.warn(
          `${statement.file}: another writer changed the table meanwhile; running it again.`
        );
        await wait.sleep(1e3 * attempt);
        continue;
      }
      throw statementError(statement, err, secretsOf(config));
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
  /** Every detail statement sent so far, in order, for the run record. */
  detailStatements = [];
  progress;
  /** Set once the detail tables' DDL has run in this engine's life. */
  detailTablesReady = false;
  /** Tables whose engine property this engine set to databricks before its first statement. */
  handedOver = [];
  takingOver;
  detailTexts;
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
    await this.takeOver(ctx.runId);
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
  async detailState() {
    const [silver, fetched, gear] = await this.runDetail(this.planner().state());
    const held = (fetched?.rows ?? []).map((r) => {
      const row = r;
      return { id: BigInt(row.activity_id), sha256: row.summary_sha256, status: row.status };
    });
    return {
      activities: (silver?.rows ?? []).map((r) => silverSummary(r)),
      fetched: new Map(held.map((h) => [h.id, h.sha256])),
      archived: new Set(held.filter((h) => h.status === ARCHIVE_STATUS).map((h) => h.id)),
      gearIds: new Set((gear?.rows ?? []).map((r) => r.id))
    };
  }
  /**
   * Reads silver itself (the warehouse's silver_activities) rather than `_activities`: the
   * deletes are MERGEs against it, and sql/60 names the months they change first.
   */
  async reconcileDetails(_activities) {
    const planner = this.planner();
    const [found] = await this.runDetail([planner.reconcileMonths()]);
    const months = (found?.rows ?? []).map((r) => r.month);
    if (!months.length) return [];
    await this.runDetail(planner.reconcile(months));
    return months;
  }
  async writeDetails(chunk, _ctx) {
    const planner = this.planner();
    const { activities } = chunk;
    const details = detailFile(
      ACTIVITY_DETAILS,
      activities.map((a) => a.details)
    );
    const laps = detailFile(
      LAPS,
      activities.flatMap((a) => a.laps)
    );
    const streams = detailFile(
      STREAMS,
      activities.flatMap((a) => a.streams)
    );
    const gear = chunk.gear.length ? detailFile(GEAR, chunk.gear) : void 0;
    const zones = chunk.zones ? detailFile(ATHLETE_ZONES, chunk.zones) : void 0;
    await Promise.all(
      [details, laps, streams, gear, zones].map((f) => f && landDetailFile(this.store, f))
    );
    const plan = planner.writeChunk({
      activityIds: activities.map((a) => a.activityId),
      months: [...new Set(activities.map((a) => a.month))].sort(),
      activityDetails: details.key,
      laps: laps.key,
      streams: streams.key,
      gear: gear?.key,
      zones: zones?.key
    });
    const executed = await this.runDetail(plan);
    return { versions: await this.detailVersions(), changedMonths: changedMonths(plan, executed) };
  }
  async refreshDetailGold(months, _ctx) {
    const planner = this.planner();
    let all = months;
    if (!all) {
      const [found] = await this.runDetail([planner.goldMonths()]);
      all = (found?.rows ?? []).map((r) => r.month);
    }
    if (!all.length) return [];
    const plan = planner.gold([...new Set(all)].sort());
    return changedMonths(plan, await this.runDetail(plan));
  }
  async detailVersions() {
    const managed = this.databricks().tableLocation === "managed";
    const versions = await Promise.all(
      DETAIL_TABLES.map(async (def) => [def.path, managed ? null : await this.version(def)])
    );
    return Object.fromEntries(versions);
  }
  planner() {
    const config = this.databricks();
    this.detailTexts ??= this.driver.detailSqlTexts ?? loadDetailSqlTexts();
    return new DetailPlanner(
      {
        catalog: config.catalog,
        schema: config.schema,
        tableLocation: config.tableLocation ?? "external",
        warehouseUri: (key) => this.store.uri(key)
      },
      this.detailTexts
    );
  }
  /**
   * Runs `plan` in one session, after the detail tables' DDL the first time; returns what the
   * statements of `plan` gave, in order.
   */
  async runDetail(plan) {
    if (!plan.length) return [];
    if (!this.detailTablesReady) await this.takeOver();
    const ddl = this.detailTablesReady ? [] : this.planner().createTables();
    const executed = await executeStatements([...ddl, ...plan], {
      config: this.databricks(),
      progress: this.progress,
      client: this.driver.client,
      wait: this.driver.wait
    });
    this.detailTablesReady = true;
    this.detailStatements.push(...executed.map((e) => e.record));
    return executed.slice(ddl.length);
  }
  /**
   * Each table's Delta protocol, read from its log under the warehouse (external tables; a
   * Unity Catalog managed table has no log there and is not listed). Databricks may upgrade a
   * table (deletion vectors, say) whatever sql/ declares: this says what a reader now needs.
   */
  async tableProtocols() {
    if (this.databricks().tableLocation === "managed") return [];
    const snaps = await Promise.all(
      ENGINE_TABLES.map((def) => new DeltaTable(this.store, def).snapshot())
    );
    return ENGINE_TABLES.flatMap((def, i) => {
      const snap = snaps[i];
      return snap ? [tableProtocolOf(def.path, snap)] : [];
    });
  }
  /**
   * Before the first statement on a warehouse of external tables that another engine wrote:
   * sets each table's engine property to databricks (a metadata-only commit, migrate.ts), so
   * sql/'s CREATE TABLE IF NOT EXISTS adopts it as it is, and the embedded engine leaves it
   * alone from then on. Once per engine; tables already Databricks' cost no commit.
   */
  takeOver(runId) {
    if (this.databricks().tableLocation === "managed") return Promise.resolve();
    this.takingOver ??= migrateWarehouse(this.store, "databricks", runId ? { runId } : {}).then(
      (tables) => {
        const changed = tables.filter((t) => t.outcome === "changed").map((t) => t.table);
        this.handedOver.push(...changed);
        if (changed.length) {
          this.progress.info(
            `Took over ${changed.length} table(s) the embedded engine wrote (${changed.join(", ")}): their engine property now says databricks. \`strava-lakehouse migrate --to embedded\` hands them back.`
          );
        }
      }
    );
    return this.takingOver;
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
function changedMonths(plan, executed) {
  const months = /* @__PURE__ */ new Set();
  executed.forEach(({ record }, i) => {
    if (record.affectedRows) for (const m of plan[i]?.months ?? []) months.add(m);
  });
  return [...months].sort();
}
var big = (v) => v === null || v === void 0 ? null : BigInt(v);
function silverSummary(r) {
  const typed = {
    ...r,
    id: big(r.id),
    workout_type: big(r.workout_type),
    start_date: big(r.start_date),
    start_date_local: big(r.start_date_local),
    moving_time: big(r.moving_time),
    elapsed_time: big(r.elapsed_time)
  };
  return {
    id: typed.id,
    month: r.month,
    summarySha256: summarySha256(typed),
    archiveSha256: archiveSummarySha256(typed),
    manual: r.manual === true,
    private: r.private === true,
    gearId: typeof r.gear_id === "string" ? r.gear_id : null,
    startDateLocal: typed.start_date_local
  };
}
export {
  DatabricksEngine,
  silverSummary
};
