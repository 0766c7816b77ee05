import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  DEFAULT_PRIVACY_RADIUS_M,
  MAX_PRIVACY_RADIUS_M
} from "./chunk-531649C7.js";
import {
  isSqlSafeLocation
} from "./chunk-97653D37.js";
import {
  parseMonth,
  previousMonth
} from "./chunk-328A68CB.js";
import {
  ConfigError
} from "./chunk-06F01416.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/config.ts imports fs
var require_config = __commonJS({
  "builtin-require:src/config.ts imports fs"(exports, module) {
    module.exports = __require("node:fs");
  }
});

// builtin-require:src/config.ts imports os
var require_config2 = __commonJS({
  "builtin-require:src/config.ts imports os"(exports, module) {
    module.exports = __require("node:os");
  }
});

// builtin-require:src/config.ts imports path
var require_config3 = __commonJS({
  "builtin-require:src/config.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// src/config.ts
var import_node_fs = __toESM(require_config(), 1);
var import_node_os = __toESM(require_config2(), 1);
var import_node_path = __toESM(require_config3(), 1);

// src/strava/hosts.ts
var OAUTH_ORIGIN = "https://www.strava.com";
var OLD_API_BASE = "https://www.strava.com/api/v3";
var NEW_API_BASE = "https://api-v3.strava.com";
var NEW_API_FROM = Date.UTC(2027, 0, 4);
function defaultApiBase(now) {
  return now.getTime() >= NEW_API_FROM ? { apiBase: NEW_API_BASE, apiBaseFallback: OLD_API_BASE } : { apiBase: OLD_API_BASE };
}
function stravaUrls(raw, labels, now) {
  const origin = httpUrl(raw.apiUrl, labels.apiUrl);
  const apiBase = httpUrl(raw.apiBase, labels.apiBase);
  const oauthUrl = httpUrl(raw.oauthUrl, labels.oauthUrl) ?? origin ?? OAUTH_ORIGIN;
  if (apiBase) return { apiBase, oauthUrl };
  if (origin) return { apiBase: `${origin}/api/v3`, oauthUrl };
  return { ...defaultApiBase(now), oauthUrl };
}
function httpUrl(value, label) {
  const v = value?.trim().replace(/\/+$/, "");
  if (!v) return void 0;
  let url;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${label} "${v}" is not a URL.`, "Give an http(s) URL.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      `${label} "${v}" is not an http(s) URL (${url.protocol}).`,
      "Give an https:// URL, or http:// for a local simulator."
    );
  }
  if (url.username || url.password) {
    throw new ConfigError(
      `${label} "${v}" carries a user name or password.`,
      "Give the URL without user:password@; Strava is reached with the client id, secret and tokens."
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError(`${label} "${v}" has a query or fragment.`, "Give the URL without them.");
  }
  return v;
}

// src/config.ts
var ENGINES = ["embedded", "databricks"];
var DATABRICKS_TABLE_LOCATIONS = [
  "external",
  "managed"
];
var DEFAULT_WAREHOUSE = "./lakehouse";
var DEFAULT_LOOKBACK = 2;
var MAX_LOOKBACK = 24;
var STRAVA_CREDENTIALS_HINT = "Copy the Client ID and Client Secret of your API application from https://www.strava.com/settings/api, then run `strava-lakehouse auth` once (it saves the refresh token; with --github-repo it also sets the repository secrets).";
function defaultTokenFile(env = process.env) {
  const base = env.XDG_CONFIG_HOME || import_node_path.default.join(import_node_os.default.homedir(), ".config");
  return import_node_path.default.join(base, "strava-lakehouse", "refresh-token");
}
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
var HYPHENATED = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
function parseWarehouse(value, label) {
  const v = value.trim();
  if (!v) throw new ConfigError(`${label} is empty.`, "Give a folder path or s3://bucket/prefix.");
  if (!v.startsWith("s3://") && /^s3[an]?(:|\/\/)/i.test(v)) {
    throw new ConfigError(
      `${label} "${v}" is not an S3 URI.`,
      "Write s3://bucket/prefix (lower-case s3, a colon and two slashes), or ./name for a folder."
    );
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(v) && !v.startsWith("s3://")) {
    throw new ConfigError(
      `${label} "${v}" uses an unsupported scheme.`,
      "Give a folder path or s3://bucket/prefix (for a folder whose name has a colon, write ./name)."
    );
  }
  const segments = v.startsWith("s3://") ? v.slice(5).split("/") : v.split(/[\\/]/);
  if (segments.includes("..")) {
    throw new ConfigError(
      `${label} "${v}" contains "..".`,
      "Give the warehouse location without parent-directory segments."
    );
  }
  if (v.startsWith("s3://")) {
    const bucket = segments[0] ?? "";
    if (!isS3BucketName(bucket)) {
      throw new ConfigError(
        `${label} "${v}" does not name a valid S3 bucket.`,
        "Use s3://bucket/prefix with a lower-case bucket name of 3-63 characters."
      );
    }
    if (segments.slice(1).some((s, i, all) => s === "" && i < all.length - 1)) {
      throw new ConfigError(`${label} "${v}" has an empty path segment.`, 'Remove the "//".');
    }
  }
  return v;
}
function isS3BucketName(bucket) {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) && !/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket);
}
function checkTokenFile(file, label) {
  const refuse = (why) => {
    throw new ConfigError(
      `${label} "${file}" cannot be written: ${why}.`,
      "Give a file path in a folder you can write: Strava replaces the refresh token when it is used, and the new one must be saved there."
    );
  };
  const stat = statOrUndefined(file);
  if (stat && !stat.isFile()) refuse(stat.isDirectory() ? "it is a folder" : "it is not a file");
  let dir = import_node_path.default.dirname(import_node_path.default.resolve(file));
  for (; ; ) {
    const s = statOrUndefined(dir);
    if (s) {
      if (!s.isDirectory()) refuse(`${dir} is not a folder`);
      break;
    }
    const parent = import_node_path.default.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    import_node_fs.default.accessSync(dir, import_node_fs.default.constants.W_OK | import_node_fs.default.constants.X_OK);
  } catch {
    refuse(`the folder ${dir} is not writable`);
  }
}
function statOrUndefined(file) {
  try {
    return import_node_fs.default.statSync(file);
  } catch (err) {
    const code = err.code;
    if (code === "ENOENT" || code === "ENOTDIR") return void 0;
    throw err;
  }
}
function parseLookback(value, label) {
  const v = value?.trim() ?? "";
  if (!v) return DEFAULT_LOOKBACK;
  if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_LOOKBACK) {
    throw new ConfigError(
      `${label} "${v}" is not a number of months from 0 to ${MAX_LOOKBACK}.`,
      `Give a whole number of months before the run's month to re-check, e.g. ${DEFAULT_LOOKBACK}; 0 turns it off.`
    );
  }
  return Number(v);
}
var MIN_MAX_REQUESTS = 3;
function parseMaxRequests(value, label) {
  const v = value?.trim() ?? "";
  if (!v) return void 0;
  if (!/^[1-9]\d{0,8}$/.test(v) || Number(v) < MIN_MAX_REQUESTS) {
    throw new ConfigError(
      `${label} "${v}" is not a number of requests of at least ${MIN_MAX_REQUESTS}.`,
      `Give a whole number, e.g. 300 (a token refresh and the list take ${MIN_MAX_REQUESTS} or more; each activity's details take 2); leave it empty for no cap.`
    );
  }
  return Number(v);
}
function parsePrivacyRadius(value, label) {
  const v = value?.trim() ?? "";
  if (!v) return DEFAULT_PRIVACY_RADIUS_M;
  if (!/^(0|[1-9]\d{0,5})$/.test(v) || Number(v) > MAX_PRIVACY_RADIUS_M) {
    throw new ConfigError(
      `${label} "${v}" is not a number of metres from 0 to ${MAX_PRIVACY_RADIUS_M}.`,
      `Give whole metres around each activity's start and end to keep out of published outputs, e.g. ${DEFAULT_PRIVACY_RADIUS_M}.`
    );
  }
  return Number(v);
}
function parseEngine(value, label) {
  const v = (value ?? "embedded").trim() || "embedded";
  if (!ENGINES.includes(v)) {
    throw new ConfigError(
      `${label} "${v}" is not an engine.`,
      `Use one of: ${ENGINES.join(", ")}.`
    );
  }
  return v;
}
function parseIdentifier(value, label, opts = {}) {
  const quoted = /^`(.*)`$/.exec(value);
  const name = opts.hyphens && quoted ? quoted[1] : value;
  if (IDENTIFIER.test(name) || opts.hyphens && HYPHENATED.test(name)) return name;
  throw new ConfigError(
    `${label} "${value}" is not a valid ${opts.hyphens ? "catalog name" : "identifier"}.`,
    opts.hyphens ? "Use letters, digits, underscores and hyphens, starting with a letter or underscore, e.g. main or my-catalog." : "Use letters, digits and underscores, starting with a letter or underscore."
  );
}
function parseTableLocation(value, label) {
  const v = value?.trim() || "external";
  if (!DATABRICKS_TABLE_LOCATIONS.includes(v)) {
    throw new ConfigError(
      `${label} "${v}" is not a table location.`,
      `Use one of: ${DATABRICKS_TABLE_LOCATIONS.join(", ")}.`
    );
  }
  return v;
}
function required(value, label, what) {
  const v = value?.trim();
  if (!v) throw new ConfigError(`${label} is not set.`, `Set it to ${what}.`);
  return v;
}
function stravaCredential(value, label) {
  const v = value?.trim();
  if (!v) throw new ConfigError(`${label} is not set.`, STRAVA_CREDENTIALS_HINT);
  return v;
}
function buildConfig(raw, labels, opts = {}) {
  const now = opts.now ?? /* @__PURE__ */ new Date();
  let from;
  let to;
  let lookback = 0;
  if (raw.from !== void 0 || raw.to !== void 0) {
    from = parseMonth(
      required(raw.from, labels.from, "the first month, YYYY-MM"),
      labels.from,
      now
    );
    to = parseMonth(required(raw.to, labels.to, "the last month, YYYY-MM"), labels.to, now);
    if (from > to) {
      throw new ConfigError(
        `${labels.from} ${from} is after ${labels.to} ${to}.`,
        "Give the earlier month first."
      );
    }
  } else {
    from = to = raw.month?.trim() ? parseMonth(raw.month, labels.month, now) : previousMonth(now);
    lookback = parseLookback(raw.lookback, labels.lookback);
  }
  const engine = parseEngine(raw.engine, labels.engine);
  const warehouse = parseWarehouse(raw.warehouse?.trim() || DEFAULT_WAREHOUSE, labels.warehouse);
  if (engine === "databricks" && !warehouse.startsWith("s3://")) {
    throw new ConfigError(
      `${labels.warehouse} "${warehouse}" is a local folder, which a Databricks SQL warehouse cannot read.`,
      "With the databricks engine, give the warehouse as s3://bucket/prefix on storage the warehouse can access."
    );
  }
  const needStrava = opts.needStrava ?? true;
  const strava = {
    ...stravaUrls(raw, labels, now),
    clientId: needStrava ? stravaCredential(raw.clientId, labels.clientId) : raw.clientId ?? "",
    clientSecret: needStrava ? stravaCredential(raw.clientSecret, labels.clientSecret) : raw.clientSecret ?? "",
    refreshToken: raw.refreshToken?.trim() ?? "",
    tokenFile: raw.tokenFile?.trim() || opts.tokenFileDefault || defaultTokenFile()
  };
  if (needStrava) checkTokenFile(strava.tokenFile, labels.tokenFile);
  if (needStrava && !strava.refreshToken && !import_node_fs.default.existsSync(strava.tokenFile)) {
    throw new ConfigError(
      `${labels.refreshToken} is not set and there is no saved token at ${strava.tokenFile}.`,
      "Run `strava-lakehouse auth` once: it saves a refresh token with the activity:read_all scope there."
    );
  }
  const config = {
    from,
    to,
    warehouse,
    engine,
    force: raw.force ?? false,
    lookback,
    strava,
    maxRequests: parseMaxRequests(raw.maxRequests, labels.maxRequests),
    details: !(raw.noDetails ?? false),
    privacy: {
      radiusM: parsePrivacyRadius(raw.privacyRadius, labels.privacyRadius),
      noCoordinates: raw.noCoordinates ?? false,
      includePrivate: raw.includePrivate ?? false
    },
    s3: {
      region: raw.awsRegion?.trim() || void 0,
      endpoint: raw.s3Endpoint?.trim() || void 0,
      names: { region: labels.awsRegion, endpoint: labels.s3Endpoint }
    }
  };
  if (engine === "databricks") {
    const host = required(raw.databricksHost, labels.databricksHost, "your workspace host");
    const httpPath = required(
      raw.databricksHttpPath,
      labels.databricksHttpPath,
      "the SQL warehouse's HTTP path"
    );
    const token = raw.databricksToken?.trim() || void 0;
    const clientId = raw.databricksClientId?.trim() || void 0;
    const clientSecret = raw.databricksClientSecret?.trim() || void 0;
    if (!token && !(clientId && clientSecret)) {
      throw new ConfigError(
        `${labels.databricksToken} is not set (nor ${labels.databricksClientId} with ${labels.databricksClientSecret}).`,
        "Set a personal access token, or a service principal client id and secret."
      );
    }
    config.databricks = {
      host,
      httpPath,
      token,
      clientId,
      clientSecret,
      catalog: parseIdentifier(raw.databricksCatalog?.trim() || "main", labels.databricksCatalog, {
        hyphens: true
      }),
      schema: parseIdentifier(raw.databricksSchema?.trim() || "strava", labels.databricksSchema),
      tableLocation: parseTableLocation(
        raw.databricksTableLocation,
        labels.databricksTableLocation
      )
    };
    if (!isSqlSafeLocation(warehouse)) {
      throw new ConfigError(
        `${labels.warehouse} "${warehouse}" has characters that cannot go into a Databricks SQL statement.`,
        "With the databricks engine, use only letters, digits and / . _ - = + : in the warehouse."
      );
    }
  }
  return config;
}

export {
  OAUTH_ORIGIN,
  OLD_API_BASE,
  NEW_API_BASE,
  NEW_API_FROM,
  DEFAULT_WAREHOUSE,
  defaultTokenFile,
  parseWarehouse,
  checkTokenFile,
  parsePrivacyRadius,
  parseEngine,
  buildConfig
};
