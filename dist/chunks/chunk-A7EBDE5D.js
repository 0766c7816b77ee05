import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ARCHIVE_ACTIVITIES,
  archiveFactsRow
} from "./chunk-D6532F9D.js";
import {
  bestsGold,
  compareBigint,
  gearGold,
  hrSecondsPerZone,
  hrZonesGold,
  mayHoldAny
} from "./chunk-D697A921.js";
import {
  openStore
} from "./chunk-CA8E37C7.js";
import {
  runRecordKey
} from "./chunk-2A3800A9.js";
import {
  streamsWithoutCoordinates,
  withoutCoordinates
} from "./chunk-531649C7.js";
import {
  prepareTokenDir,
  readRefreshToken,
  writeRefreshToken
} from "./chunk-8D30EC4A.js";
import {
  ARCHIVE_STATUS,
  SUMMARY_HASH_FIELDS,
  archiveSummarySha256,
  cellsToCsv,
  cellsToRecord,
  checkQuality,
  detailQueue,
  landCsv,
  landingCells,
  landingKey,
  missingGear,
  parseLandingCsv,
  queuedRequests,
  requestsFor,
  runsToFinish,
  sha256Hex,
  summarySha256
} from "./chunk-CFBA4AA7.js";
import {
  ACTIVITY_DETAILS,
  ACTIVITY_FIELDS,
  ATHLETE_ZONES,
  BRONZE,
  DETAIL_GOLD,
  DETAIL_TABLES,
  DeltaTable,
  EFFORTS,
  GEAR,
  GOLD,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  SILVER,
  SILVER_FOR_GOLD,
  STORAGE_CONCURRENCY,
  STREAMS,
  STREAM_KEYS,
  TaskPool,
  VERSION,
  computeGold,
  goldMonthsFor,
  isIsoInstant,
  mapConcurrently,
  parseCell,
  validateActivity
} from "./chunk-8DD25B0D.js";
import {
  addMonths,
  monthOf,
  monthRange,
  queryWindow
} from "./chunk-328A68CB.js";
import {
  AppError,
  QualityError,
  RateLimitError,
  RequestCapError,
  SchemaError,
  StoreError,
  StravaApiError,
  StravaAuthError
} from "./chunk-06F01416.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/pipeline.ts imports crypto
var require_pipeline = __commonJS({
  "builtin-require:src/pipeline.ts imports crypto"(exports, module) {
    module.exports = __require("node:crypto");
  }
});

// builtin-require:src/lakehouse/embedded-details.ts imports crypto
var require_embedded_details = __commonJS({
  "builtin-require:src/lakehouse/embedded-details.ts imports crypto"(exports, module) {
    module.exports = __require("node:crypto");
  }
});

// src/pipeline.ts
var import_node_crypto2 = __toESM(require_pipeline(), 1);

// src/progress.ts
var silentProgress = {
  info: () => {
  },
  warn: () => {
  },
  update: () => {
  },
  group: (_name, fn) => fn()
};
function streamProgress(stream = process.stderr) {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  let pending = false;
  const endLive = () => {
    if (pending) stream.write("\n");
    pending = false;
  };
  return {
    info(message) {
      endLive();
      stream.write(`${message}
`);
    },
    warn(message) {
      endLive();
      stream.write(`warning: ${message}
`);
    },
    update(message) {
      if (live) {
        stream.write(`\r\x1B[2K${message}`);
        pending = true;
      } else {
        stream.write(`${message}
`);
      }
    },
    async group(name, fn) {
      endLive();
      stream.write(`== ${name}
`);
      try {
        return await fn();
      } finally {
        endLive();
      }
    }
  };
}

// src/strava/error-bodies.ts
var REAUTHORIZE = "Re-authorize with `strava-lakehouse auth` (it asks for activity:read_all) and set the new refresh token (STRAVA_REFRESH_TOKEN or the strava-refresh-token input).";
function errorDetails(body) {
  const errors = body?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e) => e !== null && typeof e === "object").map((e) => ({ resource: text(e.resource), field: text(e.field), code: text(e.code) }));
}
function text(v) {
  return typeof v === "string" ? v.slice(0, 60) : "";
}
function summarize(status, body) {
  const message = body?.message;
  const head = typeof message === "string" ? `${status} ${message.slice(0, 80)}` : `${status}`;
  const codes = errorDetails(body).map((e) => [e.resource, e.field, e.code].filter(Boolean).join(" ")).join("; ");
  return codes ? `${head} (${codes})` : head;
}
var has = (body, test) => errorDetails(body).some(test);
var isInactiveApp = (body) => has(body, (e) => e.code.toLowerCase() === "inactive");
var isMissingReadPermission = (body) => has(body, (e) => e.field.endsWith("read_permission"));
function knownFailure(call, status, body) {
  const said = summarize(status, body);
  if (status === 403 && isInactiveApp(body)) {
    return new StravaAuthError(
      `Strava refused ${call}: your API application is inactive (${said}).`,
      "Since 30 June 2026 a Standard Tier app needs its owner to have a Strava subscription: subscribe with the account that owns the app, then reactivate it at https://www.strava.com/settings/api."
    );
  }
  if (status === 401 && isMissingReadPermission(body)) {
    return new StravaAuthError(
      `Strava refused ${call}: the token lacks permission to read activities (${said}).`,
      `Listing activities (and seeing private ones) needs the activity:read_all scope. ${REAUTHORIZE}`
    );
  }
  return void 0;
}
function tokenFailure(call, status, body) {
  const said = summarize(status, body);
  if (isRefreshTokenRejected(body)) {
    return new StravaAuthError(
      `Strava rejected the refresh token at ${call} (${said}): it is wrong, revoked, or already replaced by a newer one.`,
      REAUTHORIZE
    );
  }
  if (has(body, (e) => e.resource === "AuthorizationCode")) {
    return new StravaAuthError(
      `Strava rejected the authorization code at ${call} (${said}): it has expired or was already used.`,
      "Run `strava-lakehouse auth` again and finish it within a few minutes."
    );
  }
  if (has(body, (e) => e.resource === "Application" && e.code === "invalid")) {
    return new StravaAuthError(
      `Strava rejected the client id or secret at ${call} (${said}).`,
      "Copy the Client ID and Client Secret again from https://www.strava.com/settings/api into STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (or the strava-client-id and strava-client-secret inputs)."
    );
  }
  return knownFailure(call, status, body) ?? unexpectedResponse(call, status, body);
}
var isRefreshTokenRejected = (body) => has(body, (e) => e.resource === "RefreshToken");
function unexpectedResponse(call, status, body) {
  return new StravaApiError(
    `${call} failed: Strava answered ${summarize(status, body)}.`,
    status >= 400 && status < 500 ? "This request should not fail this way; check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL) and report the message if it persists." : "Re-run later.",
    { status }
  );
}

// src/strava/redirects.ts
var MAX_REDIRECTS = 5;
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
async function fetchWithinOrigin(fetchFn, call, url, init, opts = {}) {
  let target = new URL(url);
  let request = init;
  for (let hops = 0; ; hops++) {
    const res = await fetchFn(target.href, { ...request, redirect: "manual" });
    const location = REDIRECTS.has(res.status) ? res.headers.get("location") : null;
    if (location === null) return res;
    await res.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== target.origin) {
      throw new StravaApiError(
        `${call}: ${target.host} redirected the request to ${next.host}; refused, so nothing was sent to ${next.host}.`,
        "A proxy or a wrong Strava URL may be in the way; check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL).",
        { status: res.status }
      );
    }
    if (hops >= MAX_REDIRECTS) {
      throw new StravaApiError(
        `${call}: ${target.host} redirected the request more than ${MAX_REDIRECTS} times.`,
        "Check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL).",
        { status: res.status }
      );
    }
    if (res.status === 303 || (res.status === 301 || res.status === 302) && init.method === "POST") {
      const { body: _body, ...rest } = request;
      request = { ...rest, method: "GET" };
    }
    opts.onRedirect?.(next);
    target = next;
  }
}
var CONNECT_CODES = /* @__PURE__ */ new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT"
]);
function isConnectFailure(err) {
  const cause = err.cause;
  if (!cause) return false;
  if (CONNECT_CODES.has(String(cause.code))) return true;
  return Array.isArray(cause.errors) && cause.errors.length > 0 && cause.errors.every((e) => CONNECT_CODES.has(String(e.code)));
}

// src/strava/retry.ts
var DEFAULT_MAX_RETRIES = 4;
var DEFAULT_TIMEOUT_MS = 3e4;
var BASE_DELAY_MS = 1e3;
var MAX_DELAY_MS = 3e4;
function backoffDelay(retry, random = Math.random) {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry));
}
async function sendWithRetry(call, send, opts) {
  let reason = "";
  let lastStatus;
  for (let attempt = 0; attempt <= opts.maxRetries; attempt++) {
    if (attempt > 0) {
      const delay = backoffDelay(attempt - 1, opts.random);
      opts.onRetry?.(reason, delay);
      await opts.sleep(delay);
    }
    await opts.beforeAttempt?.();
    const signal = AbortSignal.timeout(opts.timeoutMs);
    try {
      const res = await send(signal);
      opts.onResponse?.(res.headers);
      const text2 = await res.text();
      lastStatus = res.status;
      if (res.status >= 500) {
        reason = `Strava answered ${res.status}`;
        continue;
      }
      const body = parseJson(text2);
      if (body === void 0 && res.ok) {
        reason = "the response was not complete JSON";
        continue;
      }
      return { status: res.status, headers: res.headers, body: body ?? null };
    } catch (err) {
      if (err instanceof AppError) throw err;
      reason = describeFailure(err, opts.timeoutMs);
    }
  }
  const tries = opts.maxRetries + 1;
  throw new StravaApiError(
    `${call} failed ${tries} time${tries === 1 ? "" : "s"}; last: ${reason}.`,
    "Strava or the network is having trouble (see https://status.strava.com); re-run later.",
    { status: lastStatus }
  );
}
function parseJson(text2) {
  try {
    return JSON.parse(text2);
  } catch {
    return void 0;
  }
}
function describeFailure(err, timeoutMs) {
  if (err instanceof Error) {
    if (err.name === "TimeoutError" || err.name === "AbortError") {
      return `no complete answer within ${timeoutMs / 1e3} s`;
    }
    const cause = err.cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${err.message} (${String(detail)})` : err.message;
  }
  return String(err);
}

// src/strava/auth.ts
var TOKEN_CALL = "POST /oauth/token";
var EXPIRY_MARGIN_S = 60;
var StravaAuth = class {
  constructor(opts) {
    this.opts = opts;
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.progress = opts.progress ?? silentProgress;
    this.now = opts.now ?? (() => /* @__PURE__ */ new Date());
  }
  opts;
  token;
  refreshing;
  /** The refresh token to use next; undefined until the token file has been read. */
  refreshToken;
  tokenRequests = 0;
  scopeWarned = false;
  fetchFn;
  progress;
  now;
  /**
   * Runs before every token request is sent (each try): the client's request cap throws here,
   * so a refresh is never sent past `--max-requests`.
   */
  beforeSend;
  /** Token requests sent, retries included. */
  get requests() {
    return this.tokenRequests;
  }
  /** The newest refresh token when it differs from the configured one, for writing back. */
  get rotatedRefreshToken() {
    const current = this.refreshToken;
    return current && current !== this.opts.config.refreshToken ? current : void 0;
  }
  /** Refreshes (rotating + persisting the refresh token) on first use and when expired or rejected. */
  async getAccessToken(forceRefresh = false) {
    const nowS = this.now().getTime() / 1e3;
    if (!forceRefresh && this.token && this.token.expiresAt - EXPIRY_MARGIN_S > nowS) {
      return this.token.accessToken;
    }
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = void 0;
    });
    return (await this.refreshing).accessToken;
  }
  async refresh() {
    const { config } = this.opts;
    if (this.refreshToken === void 0) {
      this.refreshToken = await readRefreshToken(config.tokenFile) ?? config.refreshToken;
      if (this.refreshToken) this.progress.mask?.(this.refreshToken);
    }
    if (!this.refreshToken) {
      throw new StravaAuthError(
        `No Strava refresh token: STRAVA_REFRESH_TOKEN is empty and ${config.tokenFile} holds none.`,
        "Run `strava-lakehouse auth` to authorize, or set STRAVA_REFRESH_TOKEN."
      );
    }
    try {
      await prepareTokenDir(config.tokenFile);
    } catch (err) {
      throw new StravaAuthError(
        `Cannot create the folder for the Strava token file ${config.tokenFile}: ${err.message}.`,
        "Set STRAVA_TOKEN_FILE to a writable path; a rotated refresh token must be saved there."
      );
    }
    const sent = [this.refreshToken];
    let res = await this.exchange(this.refreshToken);
    if (res.status === 400 && isRefreshTokenRejected(res.body) && config.refreshToken && config.refreshToken !== this.refreshToken) {
      this.refreshToken = config.refreshToken;
      sent.push(this.refreshToken);
      res = await this.exchange(this.refreshToken);
    }
    if (res.status === 400 && isRefreshTokenRejected(res.body)) await this.lostRace(sent);
    const body = tokenBody(res);
    for (const token of [body.access_token, body.refresh_token]) {
      if (typeof token === "string" && token) this.progress.mask?.(token);
    }
    const next = typeof body.refresh_token === "string" ? body.refresh_token : this.refreshToken;
    this.refreshToken = next;
    try {
      await writeRefreshToken(config.tokenFile, next);
    } catch (err) {
      this.progress.warn(
        `Could not save the new Strava refresh token to ${config.tokenFile} (${err.message}). If Strava rotated it, the old one is dead: re-authorize before the next run unless this run writes the new one back.`
      );
    }
    const scope = typeof body.scope === "string" ? body.scope : void 0;
    if (scope !== void 0 && !scope.split(/[ ,]/).includes("activity:read_all") && !this.scopeWarned) {
      this.scopeWarned = true;
      this.progress.warn(
        `The Strava token's scope is "${scope}", without activity:read_all: private (Only You) activities will be missed. Re-authorize with \`strava-lakehouse auth\` to include them.`
      );
    }
    const athleteId = body.athlete?.id;
    this.token = {
      accessToken: body.access_token,
      expiresAt: body.expires_at,
      ...scope !== void 0 ? { scope } : {},
      ...typeof athleteId === "number" ? { athleteId } : {}
    };
    return this.token;
  }
  /**
   * Strava refused every token in `sent`: if the token file now holds another one, a run sharing
   * the file refreshed first and saved the successor, which a re-run picks up: no need to
   * re-authorize. It is not used here: the other run holds it, and using it would rotate it away.
   */
  async lostRace(sent) {
    const { tokenFile } = this.opts.config;
    const saved = await readRefreshToken(tokenFile).catch(() => void 0);
    if (saved && !sent.includes(saved)) {
      throw new StravaAuthError(
        `Strava rejected the refresh token at ${TOKEN_CALL}: another run refreshed the token at the same time and saved the new one to ${tokenFile}.`,
        "Re-run; no re-authorization is needed."
      );
    }
  }
  exchange(refreshToken) {
    const { config } = this.opts;
    return postTokenForm(
      config.oauthUrl,
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        grant_type: "refresh_token",
        refresh_token: refreshToken
      },
      {
        fetch: this.fetchFn,
        maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
        timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        sleep: this.opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
        onSend: () => {
          this.beforeSend?.();
          this.tokenRequests++;
        }
      }
    );
  }
};
function postTokenForm(oauthUrl, fields, opts) {
  return postOAuthForm(TOKEN_CALL, `${oauthUrl}/oauth/token`, fields, opts);
}
function postOAuthForm(call, url, fields, opts) {
  const form = new URLSearchParams(fields);
  return sendWithRetry(
    call,
    (signal) => {
      opts.onSend?.();
      return fetchWithinOrigin(opts.fetch, call, url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json"
        },
        body: form,
        signal
      });
    },
    opts
  );
}
function tokenBody(res) {
  if (res.status !== 200) {
    throw tokenFailure(TOKEN_CALL, res.status, res.body);
  }
  const body = res.body;
  if (!body || typeof body.access_token !== "string" || typeof body.expires_at !== "number") {
    throw new StravaApiError(
      `${TOKEN_CALL} answered 200 without an access_token and expires_at.`,
      "Check that STRAVA_OAUTH_URL (or STRAVA_API_URL) points at Strava (https://www.strava.com).",
      { status: res.status }
    );
  }
  return body;
}

// src/strava/ratelimit.ts
var FIFTEEN_MINUTES_MS = 15 * 6e4;
var DAY_MS = 864e5;
var COUNTDOWN_TICK_MS = 3e4;
function parseBudget(limit, usage) {
  const l = parsePair(limit);
  const u = parsePair(usage);
  return l && u ? { limit: l, usage: u } : void 0;
}
function parsePair(value) {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value ?? "");
  return m ? [Number(m[1]), Number(m[2])] : void 0;
}
function budgetsOf(headers) {
  const out = [];
  const read = parseBudget(
    headers.get("x-readratelimit-limit"),
    headers.get("x-readratelimit-usage")
  );
  if (read) out.push({ name: "read", budget: read });
  const overall = parseBudget(headers.get("x-ratelimit-limit"), headers.get("x-ratelimit-usage"));
  if (overall) out.push({ name: "overall", budget: overall });
  return out;
}
function nextWindowStart(ms, windowMs = FIFTEEN_MINUTES_MS) {
  return (Math.floor(ms / windowMs) + 1) * windowMs;
}
function nextUtcMidnight(ms) {
  return nextWindowStart(ms, DAY_MS);
}
var RatePacer = class {
  constructor(opts) {
    this.opts = opts;
    this.windowMs = opts.windowMs ?? FIFTEEN_MINUTES_MS;
  }
  opts;
  windowMs;
  budgets = [];
  seenAt = 0;
  /** The daily read limit last reported. */
  readLimit;
  /** Records the usage a response reports, as of now. */
  observe(headers) {
    const seen = budgetsOf(headers);
    if (seen.length === 0) return;
    this.budgets = seen;
    this.seenAt = this.nowMs();
    const read = seen.find((b) => b.name === "read");
    if (read) this.readLimit = read.budget.limit[1];
  }
  /**
   * Waits until one more request fits the 15-minute budgets, or throws RateLimitError when a
   * daily budget is spent. Then counts the request, so failures that bring no headers (a
   * timeout) still count until Strava's next numbers replace the estimate.
   */
  async beforeRequest() {
    this.throwIfDaySpent();
    const full = this.current().find((b) => b.budget.usage[0] + 1 > b.budget.limit[0]);
    if (full) await this.waitForNextWindow(full.name, full.budget);
    for (const { budget } of this.current()) {
      budget.usage = [budget.usage[0] + 1, budget.usage[1] + 1];
    }
  }
  /**
   * The daily read budget left by the last headers seen (limit - usage, this client's requests
   * since then counted), the full limit once the day has turned; undefined before any response.
   */
  remainingToday() {
    if (!this.readLimit) return void 0;
    const read = this.current().find((b) => b.name === "read");
    if (!read) return this.readLimit;
    return Math.max(0, read.budget.limit[1] - read.budget.usage[1]);
  }
  /** True when the next request would first have to wait for a new 15-minute window. */
  wouldWait() {
    return this.current().some((b) => b.budget.usage[0] + 1 > b.budget.limit[0]);
  }
  /** True when the daily budget is spent: the next request would throw RateLimitError. */
  daySpent() {
    return this.current().some((b) => b.budget.usage[1] >= b.budget.limit[1]);
  }
  /** A 429: the 15-minute budget is spent (and the request counted against the day). */
  async afterTooManyRequests(headers) {
    this.observe(headers);
    this.throwIfDaySpent();
    const shown = this.current()[0];
    await this.waitForNextWindow(shown?.name ?? "read", shown?.budget);
  }
  /** Budgets still meaningful now: 15-minute usage from an earlier window has reset. */
  current() {
    const now = this.nowMs();
    if (this.budgets.length === 0) return [];
    if (Math.floor(now / DAY_MS) !== Math.floor(this.seenAt / DAY_MS)) {
      this.budgets = [];
      return [];
    }
    if (Math.floor(now / this.windowMs) !== Math.floor(this.seenAt / this.windowMs)) {
      for (const b of this.budgets) b.budget.usage = [0, b.budget.usage[1]];
      this.seenAt = now;
    }
    return this.budgets;
  }
  throwIfDaySpent() {
    const spent = this.current().find((b) => b.budget.usage[1] >= b.budget.limit[1]);
    if (!spent) return;
    const resumeAt = new Date(nextUtcMidnight(this.nowMs()));
    const [, used] = spent.budget.usage;
    const [, limit] = spent.budget.limit;
    throw new RateLimitError(
      `Strava's daily ${spent.name} budget is spent (${used} of ${limit} requests today); it resets at ${resumeAt.toISOString()} (midnight UTC).`,
      resumeAt,
      "Re-run after that time; what was fetched before the stop is kept."
    );
  }
  async waitForNextWindow(name, budget) {
    const target = nextWindowStart(this.nowMs(), this.windowMs) + this.windowMs / 450;
    const used = budget ? `${budget.usage[0]} of ${budget.limit[0]} ` : "";
    for (let left = target - this.nowMs(); left > 0; left = target - this.nowMs()) {
      this.opts.progress.update(
        `Strava ${name} rate limit: ${used}requests used in this window; resuming in ${clock(left)}`
      );
      await this.opts.sleep(Math.min(left, COUNTDOWN_TICK_MS));
    }
  }
  nowMs() {
    return this.opts.now().getTime();
  }
};
function clock(ms) {
  const s = Math.ceil(ms / 1e3);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// src/strava/client.ts
var PER_PAGE = 200;
var ACTIVITIES_PATH = "/athlete/activities";
var PAGE_MARGIN = 3;
function maxPages(window) {
  const days = (window.before - window.after) / 86400;
  return Math.ceil(days * 100 / PER_PAGE) + PAGE_MARGIN;
}
var StravaClient = class {
  constructor(opts) {
    this.opts = opts;
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.progress = opts.progress ?? silentProgress;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? (() => /* @__PURE__ */ new Date());
    this.apiBase = opts.config.apiBase;
    this.fallback = opts.config.apiBaseFallback;
    this.auth = opts.auth ?? new StravaAuth({
      config: opts.config,
      fetch: this.fetchFn,
      progress: this.progress,
      now: this.now,
      sleep: this.sleep,
      maxRetries: opts.maxRetries,
      timeoutMs: opts.timeoutMs
    });
    this.auth.beforeSend = () => this.checkCap(TOKEN_CALL);
    this.pacer = new RatePacer({
      now: this.now,
      sleep: this.sleep,
      progress: this.progress,
      windowMs: opts.windowMs
    });
  }
  opts;
  auth;
  fetchFn;
  progress;
  sleep;
  pacer;
  now;
  /** API requests sent (list and details), retries, fallbacks and redirect hops included. */
  apiRequests = 0;
  /** The API base in use: the configured one, or its fallback once the new host failed to connect. */
  apiBase;
  fallback;
  /** Set once a list request followed a redirect within the origin. */
  redirectedTo;
  /** Every request sent so far (token, list, details), retries included. */
  get requestCount() {
    return this.auth.requests + this.apiRequests;
  }
  /** The daily read budget left by the last rate-limit headers seen; undefined before any. */
  remainingToday() {
    return this.pacer.remainingToday();
  }
  /** True when the next request would first have to wait for a new 15-minute window. */
  wouldWait() {
    return this.pacer.wouldWait();
  }
  /**
   * `GET /activities/{id}?include_all_efforts=false`: the detailed activity, with laps and
   * splits_metric; undefined when Strava answers 404 (deleted, or not this athlete's).
   */
  async getActivity(id, opts = {}) {
    const body = await this.request(`/activities/${id}`, "include_all_efforts=false", {
      ...opts,
      allowNotFound: true
    });
    return body === void 0 ? void 0 : this.objectBody(`/activities/${id}`, body);
  }
  /**
   * `GET /activities/{id}/streams?keys=...&key_by_type=true` for every STREAM_KEYS key: the
   * streams Strava has, keyed by type; undefined on 404 (a manual activity has no streams).
   */
  async getStreams(id, opts = {}) {
    const path = `/activities/${id}/streams`;
    const query = `keys=${STREAM_KEYS.join(",")}&key_by_type=true`;
    const body = await this.request(path, query, { ...opts, allowNotFound: true });
    if (body === void 0) return void 0;
    const streams = this.objectBody(path, body);
    for (const [key, stream] of Object.entries(streams)) {
      const data = stream?.data;
      if (!Array.isArray(data)) {
        throw new SchemaError(
          `${this.callName(path)}: stream "${key}" has no data list.`,
          "The streams cannot be stored; report it if Strava keeps sending it."
        );
      }
    }
    return streams;
  }
  /** `GET /gear/{id}`: a bike or a pair of shoes; undefined on 404. */
  async getGear(id, opts = {}) {
    const path = `/gear/${encodeURIComponent(id)}`;
    const body = await this.request(path, "", { ...opts, allowNotFound: true });
    return body === void 0 ? void 0 : this.objectBody(path, body);
  }
  /** `GET /athlete/zones`: the athlete's heart-rate and power zones. */
  async getAthleteZones(opts = {}) {
    const body = await this.request("/athlete/zones", "", opts);
    return this.objectBody("/athlete/zones", body);
  }
  /** Every activity with start_date in (after, before), validated with validateActivity, deduped, sorted by id. */
  async listActivities(window) {
    const result = await this.fetchActivities(window);
    if (result.stoppedAt) throw result.stoppedAt;
    return result.activities;
  }
  /**
   * Like listActivities, but a spent daily budget returns what was fetched so far. With `onPage`,
   * each page's new activities (validated, in the window, not seen on an earlier page) go to it
   * as the page arrives and are not kept: `activities` is then empty.
   */
  async fetchActivities(window, onPage) {
    const startRequests = this.requestCount;
    const byId2 = /* @__PURE__ */ new Map();
    const seen = /* @__PURE__ */ new Set();
    const limit = maxPages(window);
    let previousIds = "";
    let stoppedAt;
    try {
      for (let page = 1; ; page++) {
        if (page > limit)
          throw this.runawayPaging(page, `${limit} pages, more than the window can hold`);
        const records = await this.page(window, page);
        if (records.length === 0) break;
        const ids = records.map((r) => String(r?.id)).join(",");
        if (ids === previousIds)
          throw this.runawayPaging(page, `the same activities as page ${page - 1}`);
        previousIds = ids;
        const fresh = [];
        for (const record of records) {
          const activity = validateActivity(record);
          const t = Date.parse(activity.start_date) / 1e3;
          if (t > window.after && t < window.before && !seen.has(activity.id)) {
            seen.add(activity.id);
            fresh.push(activity);
          }
        }
        if (onPage) await onPage(fresh, `${this.listCall()} page ${page}`);
        else for (const a of fresh) byId2.set(a.id, a);
        this.progress.update(`Strava: ${page} page(s), ${seen.size} activities so far`);
      }
    } catch (err) {
      if (!(err instanceof RateLimitError)) throw err;
      stoppedAt = err;
      this.progress.warn(err.line);
    }
    return {
      activities: [...byId2.values()].sort((a, b) => a.id - b.id),
      requests: this.requestCount - startRequests,
      complete: !stoppedAt,
      ...this.redirectedTo ? { redirectedTo: this.redirectedTo } : {},
      ...stoppedAt ? { stoppedAt } : {}
    };
  }
  /** Where a list request was redirected within the origin so far, if it was. */
  get listRedirectedTo() {
    return this.redirectedTo;
  }
  runawayPaging(page, what) {
    return new StravaApiError(
      `${this.listCall()} page ${page}: Strava's list answered ${what}; paging stopped so as not to spend the day's request budget.`,
      "The server ignores the page parameter or is not Strava: check STRAVA_API_BASE (or STRAVA_API_URL). Nothing was written to the tables."
    );
  }
  /** `GET /api/v3/athlete/activities` on the old base, `GET /athlete/activities` on the new one. */
  listCall() {
    return this.callName(ACTIVITIES_PATH);
  }
  /** `GET {base path}{path}`, e.g. `GET /api/v3/gear/b123`. */
  callName(path) {
    return `GET ${new URL(this.apiBase).pathname.replace(/\/$/, "")}${path}`;
  }
  async page(window, page) {
    const query = new URLSearchParams({
      after: String(window.after),
      before: String(window.before),
      page: String(page),
      per_page: String(PER_PAGE)
    }).toString();
    const body = await this.request(ACTIVITIES_PATH, query, { list: true }, ` page ${page}`);
    if (!Array.isArray(body)) {
      throw new StravaApiError(
        `${this.listCall()} page ${page} answered 200 with something other than a list of activities.`,
        "Check that STRAVA_API_BASE (or STRAVA_API_URL) points at Strava.",
        { status: 200 }
      );
    }
    return body;
  }
  objectBody(path, body) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new StravaApiError(
        `${this.callName(path)} answered 200 with something other than a JSON object.`,
        "Check that STRAVA_API_BASE (or STRAVA_API_URL) points at Strava.",
        { status: 200 }
      );
    }
    return body;
  }
  /** Throws RequestCapError when one more request would cross `maxRequests`. */
  checkCap(call) {
    const cap = this.opts.maxRequests;
    if (cap !== void 0 && this.requestCount >= cap) {
      throw new RequestCapError(cap, call, this.now());
    }
  }
  /** Counts one HTTP request about to be sent, after the cap allowed it. */
  count(call) {
    this.checkCap(call);
    this.apiRequests++;
  }
  /**
   * The one request loop of every API GET: the access token (refreshed once on a 401), the
   * rate-limit pacer and the request cap before each try, retries of transient failures, the
   * fallback host, waits for a new window on 429 (or, with `stopOn429`, a RateLimitError at
   * once). Answers the 200 body, or undefined for a 404 when `allowNotFound`.
   */
  async request(path, query, opts, callSuffix = "") {
    let refreshed = false;
    for (let limited = 0; ; ) {
      const token = await this.auth.getAccessToken();
      const call = `${this.callName(path)}${callSuffix}`;
      const res = await sendWithRetry(
        call,
        (signal) => this.send(call, path, query, opts, {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          signal
        }),
        {
          maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
          timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          sleep: this.sleep,
          random: this.opts.random,
          beforeAttempt: async () => {
            this.checkCap(call);
            await this.pacer.beforeRequest();
          },
          onResponse: (headers) => this.pacer.observe(headers),
          onRetry: (reason, delayMs) => this.progress.update(`${call}: ${reason}; retrying in ${Math.ceil(delayMs / 1e3)} s`)
        }
      );
      if (res.status === 200) return res.body;
      if (res.status === 404 && opts.allowNotFound) return void 0;
      if (res.status === 429) {
        if (opts.stopOn429) {
          this.pacer.observe(res.headers);
          const daySpent = this.pacer.daySpent();
          const resumeAt = new Date(
            daySpent ? nextUtcMidnight(this.now().getTime()) : nextWindowStart(this.now().getTime(), this.opts.windowMs)
          );
          throw new RateLimitError(
            `${call}: Strava answered 429 Too Many Requests; the detail phase stops here, keeping what it fetched.`,
            resumeAt,
            "The rest stays queued for the next run."
          );
        }
        if (++limited > (this.opts.maxRetries ?? DEFAULT_MAX_RETRIES)) {
          throw new RateLimitError(
            `${call}: Strava kept answering 429 Too Many Requests after ${limited - 1} waits for a new window.`,
            new Date(nextWindowStart(this.now().getTime(), this.opts.windowMs)),
            "Another client may share this API application; re-run later."
          );
        }
        await this.pacer.afterTooManyRequests(res.headers);
        continue;
      }
      const known = knownFailure(call, res.status, res.body);
      if (known) throw known;
      if (res.status === 401) {
        if (refreshed) {
          throw new StravaAuthError(
            `Strava rejected a freshly refreshed access token at ${call}.`,
            "Check that STRAVA_CLIENT_ID matches the app the refresh token was issued for."
          );
        }
        refreshed = true;
        await this.auth.getAccessToken(true);
        continue;
      }
      throw unexpectedResponse(call, res.status, res.body);
    }
  }
  /**
   * One try of a request. If the API base was chosen by date and its host cannot be resolved
   * or connected to, the old base is used from then on, once, with a warning.
   */
  async send(call, path, query, opts, init) {
    const send = () => fetchWithinOrigin(
      this.fetchFn,
      call,
      `${this.apiBase}${path}${query ? `?${query}` : ""}`,
      init,
      {
        onRedirect: (to) => {
          this.count(call);
          if (opts.list) this.redirectedTo ??= `${to.host}${to.pathname}`;
        }
      }
    );
    this.count(call);
    try {
      return await send();
    } catch (err) {
      const fallback = this.fallback;
      if (!fallback || !isConnectFailure(err)) throw err;
      this.fallback = void 0;
      this.progress.warn(
        `Strava's new API host ${new URL(this.apiBase).host} could not be reached (${describeCause(err)}); using ${fallback} for this run.`
      );
      this.apiBase = fallback;
      this.count(call);
      return send();
    }
  }
};
async function streamMonths(client, from, to, onMonth) {
  const pending = new Map(monthRange(from, to).map((m) => [m, []]));
  const handed = [];
  const handOver = async (ready) => {
    for (const month of [...pending.keys()].sort().reverse()) {
      if (!ready(month)) continue;
      const activities = pending.get(month).sort((a, b) => a.id - b.id);
      pending.delete(month);
      handed.push(month);
      const redirectedTo = client.listRedirectedTo;
      await onMonth(month, activities, redirectedTo ? { redirectedTo } : {});
    }
  };
  let oldest = Infinity;
  const result = await client.fetchActivities(queryWindow(from, to), async (page, call) => {
    for (const a of page) {
      const month = monthOf(a.start_date_local);
      const bucket = pending.get(month);
      if (bucket) bucket.push(a);
      else if (handed.includes(month)) {
        throw new StravaApiError(
          `${call} listed activity ${a.id} of ${month} after activities older than that month: Strava's list was not newest first.`,
          "Nothing was written to the tables; run the same command again."
        );
      }
      oldest = Math.min(oldest, Date.parse(a.start_date) / 1e3);
    }
    await handOver((month) => queryWindow(month).after + 1 > oldest);
  });
  if (result.complete) await handOver(() => true);
  return {
    months: handed,
    complete: result.complete,
    ...result.stoppedAt ? { stoppedAt: result.stoppedAt } : {}
  };
}
function describeCause(err) {
  const cause = err.cause;
  return String(cause?.code ?? err.message);
}

// src/lakehouse/embedded-details.ts
var import_node_crypto = __toESM(require_embedded_details(), 1);
var IDS_TAG = "activityIds";
var ROWS_TAG = "detailRowsSha256";
var PER_ACTIVITY = [
  { def: ACTIVITY_DETAILS, rowsOf: (a) => [a.details] },
  { def: LAPS, rowsOf: (a) => a.laps, index: "lap_index" },
  { def: STREAMS, rowsOf: (a) => a.streams, index: "sample_index" }
];
var monthOfFile = (f) => f.partitionValues.month ?? "";
var versionOf = (s) => s ? s.version : null;
var unique = (xs) => [...new Set(xs)];
function rowsSha256(rows, columns) {
  const hash = (0, import_node_crypto.createHash)("sha256");
  const buf = Buffer.allocUnsafe(1 << 16);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const room = (n) => {
    if (at + n <= buf.length) return;
    hash.update(buf.subarray(0, at));
    at = 0;
  };
  for (const row of rows) {
    for (const c of columns) {
      const v = row[c];
      room(9);
      if (v === null || v === void 0) buf[at++] = 0;
      else if (typeof v === "boolean") buf[at++] = v ? 2 : 1;
      else if (typeof v === "bigint") {
        buf[at++] = 3;
        view.setBigInt64(at, v, true);
        at += 8;
      } else if (typeof v === "number") {
        buf[at++] = 4;
        view.setFloat64(at, v, true);
        at += 8;
      } else if (v.length * 3 + 5 <= buf.length) {
        room(v.length * 3 + 5);
        buf[at] = 5;
        const n = buf.write(v, at + 5, "utf8");
        view.setUint32(at + 1, n, true);
        at += 5 + n;
      } else {
        const bytes = Buffer.from(v, "utf8");
        buf[at++] = 5;
        view.setUint32(at, bytes.length, true);
        at += 4;
        hash.update(buf.subarray(0, at));
        hash.update(bytes);
        at = 0;
      }
    }
  }
  return hash.update(buf.subarray(0, at)).digest("hex");
}
function checkRows(table, a, rows) {
  for (const r of rows) {
    if (r.activity_id !== a.activityId || r.month !== a.month) {
      throw new QualityError(
        `${table}: a row given for activity ${a.activityId} (${a.month}) has activity_id ${String(r.activity_id)} and month ${String(r.month)}.`,
        "This is a bug in the detail phase: every row of an activity must carry its id and its silver month."
      );
    }
  }
}
function inIndexOrder(rows, index) {
  if (!index) return rows;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1][index] > rows[i][index]) {
      return [...rows].sort((a, b) => compareBigint(a[index], b[index]));
    }
  }
  return rows;
}
var Rewriter = class {
  constructor(table, keep) {
    this.table = table;
    this.keep = keep;
  }
  table;
  keep;
  done = /* @__PURE__ */ new Map();
  async rewrite(files) {
    const added = await mapConcurrently(files, STORAGE_CONCURRENCY, async (f) => {
      const cached = this.done.get(f.path);
      if (cached) return cached;
      const rows = (await this.table.readRows([f])).filter(this.keep);
      const ids = unique(rows.map((r) => r.activity_id));
      const add = rows.length ? await this.table.writeFiles(rows, { tags: { [IDS_TAG]: ids.join(",") } }) : [];
      this.done.set(f.path, add);
      return add;
    });
    return added.flat();
  }
};
var EmbeddedDetails = class {
  constructor(store, silver, opts = {}) {
    this.silver = silver;
    this.tables = new Map(DETAIL_TABLES.map((def) => [def.path, new DeltaTable(store, def)]));
    this.progress = opts.progress ?? silentProgress;
  }
  silver;
  tables;
  progress;
  /** Ids held by a data file (by table and file path): files never change. */
  heldCache = /* @__PURE__ */ new Map();
  table(def) {
    return this.tables.get(def.path);
  }
  /** The detail tables' versions; refuses (DeltaProtocolError) a table this writer must not write. */
  async preflight() {
    const tables = [...this.tables.values()];
    const snaps = await Promise.all(tables.map((t) => t.snapshot()));
    tables.forEach((t, i) => t.assertWritable(snaps[i]));
    return Object.fromEntries(tables.map((t, i) => [t.def.path, versionOf(snaps[i])]));
  }
  async detailVersions() {
    const tables = [...this.tables.values()];
    const snaps = await Promise.all(tables.map((t) => t.snapshot()));
    return Object.fromEntries(tables.map((t, i) => [t.def.path, versionOf(snaps[i])]));
  }
  async detailState() {
    const [silverRows, fetchedRows, gearRows, zoneRows2] = await Promise.all([
      readAll(this.silver, [...SUMMARY_HASH_FIELDS, "month"]),
      readAll(this.table(ACTIVITY_DETAILS), ["activity_id", "summary_sha256", "status"]),
      readAll(this.table(GEAR), ["id"]),
      readAll(this.table(ATHLETE_ZONES), ["fetched_at"])
    ]);
    const activities = silverRows.map((r) => ({
      id: r.id,
      month: r.month,
      summarySha256: summarySha256(r),
      archiveSha256: archiveSummarySha256(r),
      manual: r.manual === true,
      private: r.private === true,
      gearId: r.gear_id ?? null,
      startDateLocal: r.start_date_local
    }));
    const fetchedAt = zoneRows2.map((r) => r.fetched_at);
    const latest = fetchedAt.length ? fetchedAt.reduce((a, b) => a > b ? a : b) : void 0;
    return {
      activities,
      fetched: new Map(
        fetchedRows.map((r) => [r.activity_id, r.summary_sha256])
      ),
      archived: new Set(
        fetchedRows.filter((r) => r.status === ARCHIVE_STATUS).map((r) => r.activity_id)
      ),
      gearIds: new Set(gearRows.map((r) => r.id)),
      ...latest !== void 0 ? { zonesFetchedAt: Number(latest / 1000n) } : {}
    };
  }
  async reconcileDetails(activities) {
    const silverMonth = new Map(activities.map((a) => [a.id, a.month]));
    const changed = await Promise.all(
      PER_ACTIVITY.map(async ({ def }) => {
        const table = this.table(def);
        const rewriter = new Rewriter(
          table,
          (r) => silverMonth.get(r.activity_id) === r.month
        );
        let months = [];
        const version = await table.commit(
          async (latest) => {
            const files = latest?.files ?? [];
            const held = await mapConcurrently(
              files,
              STORAGE_CONCURRENCY,
              (f) => this.heldIds(table, f)
            );
            const stale = files.filter(
              (f, i) => held[i].some((id) => silverMonth.get(id) !== monthOfFile(f))
            );
            months = unique(stale.map(monthOfFile)).sort();
            if (!stale.length) return null;
            return { add: await rewriter.rewrite(stale), remove: stale };
          },
          {
            operation: "DELETE",
            operationParameters: {
              predicate: "activity_id not in silver/activities of its month"
            }
          }
        );
        if (version === null) return [];
        this.progress.info(
          `${def.path}: took out activities deleted or moved (${months.join(", ")}), version ${version}`
        );
        return months;
      })
    );
    return unique(changed.flat()).sort();
  }
  async writeDetails(chunk, ctx) {
    const versions = {};
    const changed = [];
    const activities = [...chunk.activities].sort(
      (a, b) => compareBigint(a.activityId, b.activityId)
    );
    for (const spec of PER_ACTIVITY) {
      for (const a of activities) checkRows(spec.def.path, a, spec.rowsOf(a));
    }
    for (const spec of PER_ACTIVITY) {
      const { version, months } = await this.writePerActivity(spec, activities, ctx);
      versions[spec.def.path] = version;
      changed.push(...months);
    }
    if (chunk.gear.length) {
      versions[GEAR.path] = await this.upsertGear(chunk.gear, ctx);
    }
    if (chunk.zones) {
      versions[ATHLETE_ZONES.path] = await this.replaceZones(chunk.zones, ctx);
    }
    return { versions, changedMonths: unique(changed).sort() };
  }
  /** One commit replacing the chunk's ids in one per-activity table; none if it holds them already. */
  async writePerActivity(spec, activities, ctx) {
    const { def } = spec;
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const ids = unique(activities.map((a) => a.activityId));
    const idSet = new Set(ids);
    const byMonth = /* @__PURE__ */ new Map();
    for (const a of activities) {
      const rows = inIndexOrder(spec.rowsOf(a), spec.index);
      if (!rows.length) continue;
      const group = byMonth.get(a.month) ?? { rows: [], ids: [] };
      for (const r of rows) group.rows.push(r);
      group.ids.push(a.activityId);
      byMonth.set(a.month, group);
    }
    const hashes = new Map([...byMonth].map(([m, g]) => [m, rowsSha256(g.rows, columns)]));
    let written;
    const write = () => mapConcurrently(
      [...byMonth],
      STORAGE_CONCURRENCY,
      ([month, g]) => table.writeFiles(g.rows, {
        tags: { [IDS_TAG]: unique(g.ids).join(","), [ROWS_TAG]: hashes.get(month) }
      })
    ).then((files) => files.flat());
    const rewriter = new Rewriter(table, (r) => !idSet.has(r.activity_id));
    let months = [];
    const version = await table.commit(
      async (latest) => {
        const holders = await this.holders(table, latest, ids);
        const same = holders.length === hashes.size && new Set(holders.map(monthOfFile)).size === holders.length && holders.every((f) => f.tags?.[ROWS_TAG] === hashes.get(monthOfFile(f)));
        if (same) return null;
        written ??= write();
        const add = [...await written, ...await rewriter.rewrite(holders)];
        months = unique([...byMonth.keys(), ...holders.map(monthOfFile)]).sort();
        return { add, remove: holders };
      },
      {
        operation: "WRITE",
        operationParameters: {
          mode: "Overwrite",
          partitionBy: JSON.stringify(def.partitionColumns),
          predicate: `activity_id IN (${ids.join(", ")})`
        },
        runId: ctx.runId,
        month: [...byMonth.keys()].sort().join(",")
      }
    );
    if (version === null) return { version: null, months: [] };
    this.progress.info(
      `${def.path}: wrote ${ids.length} activit${ids.length === 1 ? "y" : "ies"}, version ${version}`
    );
    return { version, months };
  }
  /** The live files of `table` that hold any of `ids` (ascending). */
  async holders(table, snap, ids) {
    const wanted = new Set(ids);
    const candidates = (snap?.files ?? []).filter((f) => mayHoldAny(f, ids, "activity_id"));
    const held = await mapConcurrently(
      candidates,
      STORAGE_CONCURRENCY,
      (f) => this.heldIds(table, f)
    );
    return candidates.filter((_, i) => held[i].some((id) => wanted.has(id)));
  }
  /** The activity ids a file holds: from its tag, else from its activity_id column. */
  async heldIds(table, file) {
    const key = `${table.def.path}/${file.path}`;
    const cached = this.heldCache.get(key);
    if (cached) return cached;
    const tag = file.tags?.[IDS_TAG];
    const ids = tag !== void 0 ? tag.split(",").filter(Boolean).map((s) => BigInt(s)) : unique(
      (await table.readRows([file], ["activity_id"])).map((r) => r.activity_id)
    );
    this.heldCache.set(key, ids);
    return ids;
  }
  /** One commit rewriting silver/gear with `rows` upserted by id; none if nothing changes. */
  upsertGear(rows, ctx) {
    return this.replaceSmall(
      GEAR,
      (current) => {
        const byId2 = new Map(current.map((r) => [r.id, r]));
        for (const r of rows) byId2.set(r.id, r);
        return [...byId2.values()];
      },
      ["id"],
      { operation: "MERGE", operationParameters: { predicate: "target.id = source.id" } },
      ctx
    );
  }
  /** One commit replacing silver/athlete_zones with `rows`; none if they are the same rows. */
  replaceZones(rows, ctx) {
    return this.replaceSmall(
      ATHLETE_ZONES,
      () => [...rows],
      ["zone_type", "zone_index"],
      { operation: "WRITE", operationParameters: { mode: "Overwrite" } },
      ctx
    );
  }
  /** Rewrites a small unpartitioned table as one file of `next(current rows)`, if different. */
  async replaceSmall(def, next, keys, info, ctx) {
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const version = await table.commit(
      async (latest) => {
        const files = latest?.files ?? [];
        const current = sortRows(await table.readRows(files), keys);
        const rows = sortRows(next(current), keys);
        if (rowsSha256(rows, columns) === rowsSha256(current, columns)) return null;
        return { add: rows.length ? await table.writeFiles(rows) : [], remove: files };
      },
      { ...info, runId: ctx.runId }
    );
    if (version !== null) this.progress.info(`${def.path}: version ${version}`);
    return version;
  }
  async refreshDetailGold(months, ctx) {
    const results = await Promise.all([
      this.writeDetailGold(GOLD_GEAR, months, ctx, async (targets) => {
        const [activities, gear] = await Promise.all([
          this.silverForGold(targets),
          readAll(this.table(GEAR), ["id", "name"])
        ]);
        const names = new Map(gear.map((g) => [g.id, g.name ?? null]));
        return gearGold(activities, names, targets);
      }),
      this.writeDetailGold(GOLD_HR_ZONES, months, ctx, async (targets) => {
        const [activities, zones] = await Promise.all([
          this.silverForGold(targets),
          this.heartRateZones()
        ]);
        const seconds = zones.length ? await this.zoneSeconds(targets, zones) : /* @__PURE__ */ new Map();
        return hrZonesGold(seconds, activities, zones, targets);
      }),
      this.writeDetailGold(GOLD_BESTS, months, ctx, async (targets) => {
        const [activities, details] = await Promise.all([
          this.silverForGold(targets),
          this.readMonths(this.table(ACTIVITY_DETAILS), targets, [
            "activity_id",
            ...EFFORTS.map((e) => e.column)
          ])
        ]);
        return bestsGold(details, activities, targets);
      })
    ]);
    return unique(results.flat()).sort();
  }
  /**
   * One commit replacing the partitions of the target months whose rows differ from `compute`'s
   * (months undefined: every month of silver and of the gold table). Inputs are read inside the
   * builder, after the gold snapshot: a retry after a lost race computes from newer inputs.
   */
  async writeDetailGold(def, months, ctx, compute) {
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const keys = columns.filter((c) => def.columns.find((d) => d.name === c).nullable === false);
    let changed = [];
    const version = await table.commit(
      async (latest) => {
        const files = latest?.files ?? [];
        const targets = months ? unique(months).sort() : unique([...await this.silverMonths(), ...files.map(monthOfFile)]).sort();
        const targetSet = new Set(targets);
        const rows = await compute(targets);
        const currentFiles = files.filter((f) => targetSet.has(monthOfFile(f)));
        const current = await table.readRows(currentFiles);
        const sig = (rs, m) => rowsSha256(
          sortRows(
            rs.filter((r) => r.month === m),
            keys
          ),
          columns
        );
        changed = targets.filter((m) => sig(rows, m) !== sig(current, m));
        if (!changed.length) return null;
        const set = new Set(changed);
        const fresh = rows.filter((r) => set.has(r.month));
        return {
          add: fresh.length ? await table.writeFiles(fresh) : [],
          remove: currentFiles.filter((f) => set.has(monthOfFile(f)))
        };
      },
      {
        operation: "WRITE",
        operationParameters: {
          mode: "Overwrite",
          partitionBy: JSON.stringify(def.partitionColumns),
          predicate: months ? JSON.stringify(months.map((m) => `month = '${m}'`)) : "all months"
        },
        runId: ctx.runId,
        ...months ? { month: [...months].sort().join(",") } : {}
      }
    );
    if (version === null) return [];
    this.progress.info(`${def.path}: recomputed ${changed.length} month(s), version ${version}`);
    return changed;
  }
  async silverMonths() {
    const snap = await this.silver.snapshot();
    return unique((snap?.files ?? []).map(monthOfFile));
  }
  async silverForGold(months) {
    const rows = await this.readMonths(this.silver, months, [
      "id",
      "month",
      "sport_type",
      "gear_id",
      "distance",
      "moving_time"
    ]);
    return rows;
  }
  async heartRateZones() {
    const rows = await readAll(this.table(ATHLETE_ZONES), [
      "zone_type",
      "zone_index",
      "zone_min",
      "zone_max"
    ]);
    return rows.filter((r) => r.zone_type === "heartrate").sort(
      (a, b) => compareBigint(a.zone_index, b.zone_index)
    );
  }
  /**
   * Seconds per zone of every activity with streams in `months`, a file at a time so only a
   * few files' samples are in memory. An activity's samples are in one file of its month (a
   * chunk writes each id once, a rewrite keeps each id it keeps whole).
   */
  async zoneSeconds(months, zones) {
    const table = this.table(STREAMS);
    const want = new Set(months);
    const snap = await table.snapshot();
    const files = (snap?.files ?? []).filter((f) => want.has(monthOfFile(f)));
    const perFile = await mapConcurrently(files, 2, async (f) => {
      const rows = await table.readRows(
        [f],
        ["activity_id", "sample_index", "time_s", "heartrate"]
      );
      const byActivity = /* @__PURE__ */ new Map();
      for (const r of rows) {
        const id = r.activity_id;
        const list = byActivity.get(id);
        if (list) list.push(r);
        else byActivity.set(id, [r]);
      }
      return [...byActivity].map(
        ([id, samples]) => [
          id,
          hrSecondsPerZone(inIndexOrder(samples, "sample_index"), zones)
        ]
      );
    });
    return new Map(perFile.flat());
  }
  async readMonths(table, months, columns) {
    const want = new Set(months);
    const snap = await table.snapshot();
    return table.readRows(
      (snap?.files ?? []).filter((f) => want.has(monthOfFile(f))),
      columns
    );
  }
};
async function readAll(table, columns) {
  const snap = await table.snapshot();
  return snap ? table.readRows(snap.files, columns) : [];
}
function sortRows(rows, keys) {
  const cmp = (a, b) => {
    for (const k of keys) {
      const x = a[k] ?? null;
      const y = b[k] ?? null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
  return [...rows].sort(cmp);
}

// src/lakehouse/embedded-archive.ts
var SOURCE_TAG = "source";
var ARCHIVE_ROWS_TAG = "archiveRowsSha256";
var monthOfFile2 = (f) => f.partitionValues.month ?? "";
var isArchiveFile = (f) => f.tags?.[SOURCE_TAG] === "archive";
var byId = (a, b) => compareBigint(a.id, b.id);
var HeldIds = class {
  constructor(table) {
    this.table = table;
  }
  table;
  cache = /* @__PURE__ */ new Map();
  async of(files) {
    return mapConcurrently(files, STORAGE_CONCURRENCY, async (f) => {
      let ids = this.cache.get(f.path);
      if (!ids) {
        ids = (await this.table.readRows([f], ["id"])).map((r) => r.id);
        this.cache.set(f.path, ids);
      }
      return ids;
    });
  }
};
var heldIdsByTable = /* @__PURE__ */ new WeakMap();
function heldIdsOf(table) {
  let held = heldIdsByTable.get(table);
  if (!held) {
    held = new HeldIds(table);
    heldIdsByTable.set(table, held);
  }
  return held;
}
function filesByMonth(files) {
  const out = /* @__PURE__ */ new Map();
  for (const f of files) {
    const list = out.get(monthOfFile2(f)) ?? [];
    list.push(f);
    out.set(monthOfFile2(f), list);
  }
  return out;
}
var Written = class {
  constructor(table) {
    this.table = table;
  }
  table;
  files = /* @__PURE__ */ new Map();
  async write(rows, hash) {
    const key = `${String(rows[0].month)}:${hash}`;
    let add = this.files.get(key);
    if (!add) {
      add = await this.table.writeFiles(rows, {
        tags: { [SOURCE_TAG]: "archive", [ARCHIVE_ROWS_TAG]: hash }
      });
      this.files.set(key, add);
    }
    return add;
  }
};
function holds(files, rows, hash) {
  if (!rows.length) return files.length === 0;
  return files.length > 0 && files.every((f) => f.tags?.[ARCHIVE_ROWS_TAG] === hash);
}
function groupByMonth(rows) {
  const out = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const m = r.month;
    const list = out.get(m) ?? [];
    list.push(r);
    out.set(m, list);
  }
  for (const list of out.values()) list.sort(byId);
  return out;
}
async function rewriteMonths(table, written, candidates, filesOf, incomingByMonth, keep) {
  const columns = table.def.columns.map((c) => c.name);
  const changed = [];
  const add = [];
  const remove = [];
  for (const month of [...candidates].sort()) {
    const held = filesOf.get(month) ?? [];
    const kept = (await table.readRows(held)).filter(keep);
    const rows = [...kept, ...incomingByMonth.get(month) ?? []].sort(byId);
    const hash = rows.length ? rowsSha256(rows, columns) : "";
    if (holds(held, rows, hash)) continue;
    changed.push(month);
    remove.push(...held);
    if (rows.length) add.push(...await written.write(rows, hash));
  }
  return { changed, add, remove };
}
async function mergeArchiveSilver(silver, incoming, ctx) {
  const heldIds = heldIdsOf(silver);
  const written = new Written(silver);
  let changed = [];
  const version = await silver.commit(
    async (latest) => {
      const files = latest?.files ?? [];
      const ours = files.filter(isArchiveFile);
      const theirs = files.filter((f) => !isArchiveFile(f));
      const apiIds = new Set((await heldIds.of(theirs)).flat());
      const wanted = incoming.filter((r) => !apiIds.has(r.id));
      const incomingIds = new Set(wanted.map((r) => r.id));
      const incomingByMonth = groupByMonth(wanted);
      const oursByMonth = filesByMonth(ours);
      const oursIds = await heldIds.of(ours);
      const candidates = new Set(incomingByMonth.keys());
      ours.forEach((f, i) => {
        if (oursIds[i].some((id) => incomingIds.has(id) || apiIds.has(id))) {
          candidates.add(monthOfFile2(f));
        }
      });
      const plan = await rewriteMonths(
        silver,
        written,
        candidates,
        oursByMonth,
        incomingByMonth,
        (r) => !incomingIds.has(r.id) && !apiIds.has(r.id)
      );
      changed = plan.changed;
      return changed.length ? { add: plan.add, remove: plan.remove } : null;
    },
    {
      operation: "MERGE",
      operationParameters: {
        predicate: JSON.stringify("archive rows by id; ids held by API files are left alone")
      },
      runId: ctx.runId,
      month: incoming.length ? [...new Set(incoming.map((r) => r.month))].sort().join(",") : ""
    }
  );
  return { months: version === null ? [] : changed, version };
}
async function mergeArchiveFacts(table, incoming, ctx) {
  const heldIds = heldIdsOf(table);
  const written = new Written(table);
  const incomingIds = new Set(incoming.map((r) => r.id));
  const incomingByMonth = groupByMonth(incoming);
  let changed = [];
  const version = await table.commit(
    async (latest) => {
      const files = latest?.files ?? [];
      const ids = await heldIds.of(files);
      const candidates = new Set(incomingByMonth.keys());
      files.forEach((f, i) => {
        if (ids[i].some((id) => incomingIds.has(id))) candidates.add(monthOfFile2(f));
      });
      const plan = await rewriteMonths(
        table,
        written,
        candidates,
        filesByMonth(files),
        incomingByMonth,
        (r) => !incomingIds.has(r.id)
      );
      changed = plan.changed;
      return changed.length ? { add: plan.add, remove: plan.remove } : null;
    },
    {
      operation: "MERGE",
      operationParameters: { predicate: JSON.stringify("by id") },
      runId: ctx.runId
    }
  );
  return { months: version === null ? [] : changed, version };
}

// src/lakehouse/embedded.ts
var LANDING_TAG = "landingSha256";
var bronzeAppId = (landingKey2) => `strava-lakehouse:${landingKey2}`;
var monthOfFile3 = (f) => f.partitionValues.month ?? null;
var versionOf2 = (s) => s ? s.version : null;
var EmbeddedEngine = class {
  name = "embedded";
  readsRows = true;
  bronze;
  silver;
  gold;
  /** The detail tables (embedded-details.ts). */
  details;
  /** silver/archive_activities: what only Strava's account export knows (archive-table.ts). */
  archive;
  progress;
  now;
  constructor(store, opts = {}) {
    this.bronze = new DeltaTable(store, BRONZE);
    this.silver = new DeltaTable(store, SILVER);
    this.gold = new DeltaTable(store, GOLD);
    this.progress = opts.progress ?? silentProgress;
    this.details = new EmbeddedDetails(store, this.silver, { progress: this.progress });
    this.archive = new DeltaTable(store, ARCHIVE_ACTIVITIES);
    this.now = opts.now ?? (() => /* @__PURE__ */ new Date());
  }
  async preflight() {
    const [b, s, g] = await Promise.all([
      this.bronze.snapshot(),
      this.silver.snapshot(),
      this.gold.snapshot(),
      // Refuses a detail table this writer must not write, so a run stops before any write.
      this.details.preflight()
    ]);
    this.bronze.assertWritable(b);
    this.silver.assertWritable(s);
    this.gold.assertWritable(g);
    return { bronze: versionOf2(b), silver: versionOf2(s), gold: versionOf2(g) };
  }
  async process(landings, ctx) {
    const before = await this.preflight();
    const warnings = landings.flatMap(
      (l) => checkQuality(l.rows, l.month, l.key)
    );
    const bronzeMonths = await this.writeBronze(landings, ctx);
    const silver = await this.writeSilver(landings, ctx);
    const goldMonths = await this.writeGold([...landings.map((l) => l.month), ...silver.left], ctx);
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: [.../* @__PURE__ */ new Set([...bronzeMonths, ...silver.replaced, ...goldMonths])].sort()
    };
  }
  /**
   * An archive import's landed months (landing/archive/...): bronze takes each landing file
   * once, as for the API; silver and silver/archive_activities merge the rows by id, API data
   * winning (embedded-archive.ts); gold is recomputed for the months silver changed.
   */
  async processArchive(landings, ctx) {
    const before = await this.preflight();
    const archiveSnap = await this.archive.snapshot();
    this.archive.assertWritable(archiveSnap);
    const warnings = landings.flatMap(
      (l) => checkQuality(l.rows, l.month, l.key)
    );
    const silverRows = landings.flatMap((l) => l.rows.map((cells) => toSilverRow(cells, l.month)));
    const factRows = landings.flatMap(
      (l) => l.rows.map((cells) => archiveFactsRow(cells, l.month))
    );
    const bronzeMonths = await this.writeBronze(landings, ctx);
    const silver = await mergeArchiveSilver(this.silver, silverRows, ctx);
    if (silver.version !== null) {
      this.progress.info(
        `silver: merged archive rows into ${silver.months.length} month(s), version ${silver.version}`
      );
    }
    const facts = await mergeArchiveFacts(this.archive, factRows, ctx);
    if (facts.version !== null) {
      this.progress.info(
        `${ARCHIVE_ACTIVITIES.path}: ${facts.months.length} month(s), version ${facts.version}`
      );
    }
    const goldMonths = silver.months.length ? await this.writeGold(silver.months, ctx) : [];
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: [
        .../* @__PURE__ */ new Set([...bronzeMonths, ...silver.months, ...facts.months, ...goldMonths])
      ].sort()
    };
  }
  detailState() {
    return this.details.detailState();
  }
  reconcileDetails(activities) {
    return this.details.reconcileDetails(activities);
  }
  writeDetails(chunk, ctx) {
    return this.details.writeDetails(chunk, ctx);
  }
  refreshDetailGold(months, ctx) {
    return this.details.refreshDetailGold(months, ctx);
  }
  detailVersions() {
    return this.details.detailVersions();
  }
  /** Appends the landing files bronze has not taken yet; returns their months. */
  async writeBronze(landings, ctx) {
    const snap = await this.bronze.snapshot();
    const pending = landings.filter((l) => !snap?.txns.has(bronzeAppId(l.key)));
    if (!pending.length) return [];
    const ingestedAt = BigInt(this.now().getTime()) * 1000n;
    const written = await mapConcurrently(
      pending,
      STORAGE_CONCURRENCY,
      (l) => l.rows.length ? this.bronze.writeFiles(
        l.rows.map((cells) => ({
          ...cells,
          _landing_file: l.key,
          _ingested_at: ingestedAt,
          _run_id: ctx.runId,
          month: l.month
        }))
      ) : Promise.resolve([])
    );
    const files = written.flat();
    let taken = [];
    const version = await this.bronze.commit(
      (latest) => {
        const todo = pending.filter((l) => !latest?.txns.has(bronzeAppId(l.key)));
        taken = todo.map((l) => l.month);
        if (!todo.length) return null;
        const months = new Set(todo.map((l) => l.month));
        return {
          add: files.filter((f) => months.has(monthOfFile3(f) ?? "")),
          remove: [],
          txns: todo.map((l) => ({ appId: bronzeAppId(l.key), version: 1 }))
        };
      },
      {
        operation: "WRITE",
        operationParameters: {
          mode: "Append",
          partitionBy: JSON.stringify(BRONZE.partitionColumns)
        },
        runId: ctx.runId,
        month: pending.map((l) => l.month).join(",")
      }
    );
    if (version === null) return [];
    this.progress.info(`bronze: took ${taken.length} landing file(s), version ${version}`);
    return taken;
  }
  /**
   * Replaces the partition of every month whose silver does not already hold its landing, and
   * in the same commit rewrites the files of other months that hold any of those months' ids
   * without them. Returns the months replaced and the months ids left.
   */
  async writeSilver(landings, ctx) {
    const holds2 = (snap2, l) => {
      const files = (snap2?.files ?? []).filter((f) => monthOfFile3(f) === l.month);
      if (!files.length) return l.rows.length === 0;
      return files.every((f) => f.tags?.[LANDING_TAG] === l.sha256);
    };
    const snap = await this.silver.snapshot();
    const todo = landings.filter((l) => ctx.force || !holds2(snap, l));
    if (!todo.length) return { replaced: [], left: [] };
    const written = await mapConcurrently(
      todo,
      STORAGE_CONCURRENCY,
      (l) => l.rows.length ? this.silver.writeFiles(
        l.rows.map((cells) => toSilverRow(cells, l.month)),
        { tags: { [LANDING_TAG]: l.sha256 } }
      ) : Promise.resolve([])
    );
    const addsByMonth = new Map(todo.map((l, i) => [l.month, written[i]]));
    const idsByMonth = new Map(todo.map((l) => [l.month, l.rows.map((r) => BigInt(r.id))]));
    const moves = new MovedIds(this.silver);
    let committed = [];
    let left = [];
    const version = await this.silver.commit(
      async (latest) => {
        const months = todo.filter((l) => ctx.force || !holds2(latest, l)).map((l) => l.month);
        committed = months;
        left = [];
        if (!months.length) return null;
        const set = new Set(months);
        const others = (latest?.files ?? []).filter((f) => !set.has(monthOfFile3(f) ?? ""));
        const moved2 = await moves.rewrite(
          others,
          months.flatMap((m) => idsByMonth.get(m) ?? [])
        );
        left = moved2.months;
        return {
          add: [...months.flatMap((m) => addsByMonth.get(m) ?? []), ...moved2.add],
          remove: [
            ...(latest?.files ?? []).filter((f) => set.has(monthOfFile3(f) ?? "")),
            ...moved2.remove
          ]
        };
      },
      {
        operation: "WRITE",
        operationParameters: {
          mode: "Overwrite",
          partitionBy: JSON.stringify(SILVER.partitionColumns),
          predicate: JSON.stringify(todo.map((l) => `month = '${l.month}'`))
        },
        runId: ctx.runId,
        month: todo.map((l) => l.month).join(",")
      }
    );
    if (version === null) return { replaced: [], left: [] };
    const moved = left.length ? `, took moved ids out of ${left.join(", ")}` : "";
    this.progress.info(`silver: replaced ${committed.length} month(s)${moved}, version ${version}`);
    return { replaced: committed, left };
  }
  /** Recomputes gold for the given months and the month after each. */
  async writeGold(months, ctx) {
    const targets = goldMonthsFor(months);
    const targetSet = new Set(targets);
    let changed = [];
    const version = await this.gold.commit(
      async (latest) => {
        const silverRows = await this.readSilverFor(targets);
        const rows = computeGold(silverRows, targets);
        const current = (latest?.files ?? []).filter((f) => targetSet.has(monthOfFile3(f) ?? ""));
        if (ctx.force) changed = targets;
        else {
          const currentRows = await this.gold.readRows(current);
          changed = changedMonths(currentRows, rows, targets);
          if (!changed.length) return null;
        }
        const add = rows.length ? await this.gold.writeFiles(rows) : [];
        return { add, remove: current };
      },
      {
        operation: "WRITE",
        operationParameters: {
          mode: "Overwrite",
          partitionBy: JSON.stringify(GOLD.partitionColumns),
          predicate: JSON.stringify(targets.map((m) => `month = '${m}'`))
        },
        runId: ctx.runId,
        month: targets.join(",")
      }
    );
    if (version === null) return [];
    this.progress.info(`gold: recomputed ${targets.length} month(s), version ${version}`);
    return changed;
  }
  /** Silver rows of the given months and the month before each, sorted by id (stable sums). */
  async readSilverFor(months) {
    const want = new Set(months.flatMap((m) => [m, addMonths(m, -1)]));
    const snap = await this.silver.snapshot();
    const files = (snap?.files ?? []).filter((f) => want.has(monthOfFile3(f) ?? ""));
    const rows = await this.silver.readRows(
      files,
      SILVER_FOR_GOLD
    );
    return rows.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
};
var MovedIds = class {
  constructor(table) {
    this.table = table;
  }
  table;
  rewritten = /* @__PURE__ */ new Map();
  async rewrite(files, ids) {
    const sorted = [...ids].sort(compareBigint);
    const wanted = new Set(sorted);
    const candidates = files.filter((f) => mayHoldAny(f, sorted));
    const results = await mapConcurrently(candidates, STORAGE_CONCURRENCY, async (f) => {
      const cached = this.rewritten.get(f.path);
      if (cached) return { file: f, add: cached };
      const held = await this.table.readRows([f], ["id"]);
      if (!held.some((r) => wanted.has(r.id))) return null;
      const rows = (await this.table.readRows([f])).filter((r) => !wanted.has(r.id));
      const source = f.tags?.[SOURCE_TAG];
      const add = rows.length ? await this.table.writeFiles(rows, source ? { tags: { [SOURCE_TAG]: source } } : {}) : [];
      this.rewritten.set(f.path, add);
      return { file: f, add };
    });
    const changed = results.filter((r) => r !== null);
    return {
      add: changed.flatMap((r) => r.add),
      remove: changed.map((r) => r.file),
      months: [...new Set(changed.map((r) => monthOfFile3(r.file) ?? ""))].sort()
    };
  }
};
function toSilverRow(cells, month) {
  const row = { month };
  for (const f of ACTIVITY_FIELDS) {
    const v = parseCell(f, cells[f.name]);
    if (v === null && f.required) {
      throw new QualityError(
        `Landing row for activity ${cells.id || "(no id)"} has no ${f.name}.`,
        "The landing file was edited or damaged; re-run the month with --force to land it again."
      );
    }
    row[f.name] = v;
  }
  return row;
}
var GOLD_KEYS = GOLD.columns.map((c) => c.name);
function changedMonths(current, next, months) {
  const sig = (rows, m) => JSON.stringify(
    rows.filter((r) => r.month === m).sort((a, b) => a.sport_type < b.sport_type ? -1 : 1).map((r) => GOLD_KEYS.map((k) => String(r[k])))
  );
  return months.filter((m) => sig(current, m) !== sig(next, m));
}

// src/lakehouse/choose.ts
async function createEngine(config, store, opts) {
  if (config.engine === "databricks") {
    const { DatabricksEngine } = await import("./engine-8679A30D.js");
    return new DatabricksEngine(config, store, opts, opts.databricks);
  }
  return new EmbeddedEngine(store, opts);
}

// src/details/efforts.ts
var POWER_HOLD_S = 30;
function bestEfforts(samples) {
  return {
    best_1km_s: fastestDistance(samples, 1e3),
    best_5km_s: fastestDistance(samples, 5e3),
    best_10km_s: fastestDistance(samples, 1e4),
    best_5min_watts: bestMeanPower(samples, 300),
    best_20min_watts: bestMeanPower(samples, 1200)
  };
}
function fastestDistance(samples, metres) {
  const t = [];
  const d = [];
  let furthest = -Infinity;
  for (const s of samples) {
    if (s.time_s === null || s.distance_m === null) continue;
    if (t.length > 0 && s.time_s < t[t.length - 1]) continue;
    furthest = Math.max(furthest, s.distance_m);
    t.push(s.time_s);
    d.push(furthest);
  }
  const n = t.length;
  if (n < 2 || d[n - 1] - d[0] < metres) return null;
  let best = Infinity;
  for (let i = 0, j = 0; j < n; j++) {
    const target = d[j] - metres;
    if (target < d[0]) continue;
    while (i + 1 < j && d[i + 1] <= target) i++;
    const start = d[i + 1] > d[i] ? timeAt(t, d, i, target) : t[i];
    best = Math.min(best, t[j] - start);
  }
  for (let i = 0, j = 0; i < n; i++) {
    const target = d[i] + metres;
    if (target > d[n - 1]) break;
    while (j < n - 1 && d[j] < target) j++;
    const end = j > 0 && d[j - 1] < target ? timeAt(t, d, j - 1, target) : t[j];
    best = Math.min(best, end - t[i]);
  }
  return best;
}
function timeAt(t, d, k, at) {
  const share = (at - d[k]) / (d[k + 1] - d[k]);
  return t[k] + share * (t[k + 1] - t[k]);
}
function bestMeanPower(samples, seconds) {
  const at = [];
  const watts = [];
  let anyWatts = false;
  let previous;
  for (const s of samples) {
    if (s.time_s === null) continue;
    if (previous && s.time_s < previous.time_s) continue;
    if (previous) {
      const gap = s.time_s - previous.time_s;
      if (gap > POWER_HOLD_S) {
        at.push(previous.time_s + POWER_HOLD_S);
        watts.push(0);
      }
    }
    at.push(s.time_s);
    watts.push(s.watts ?? 0);
    anyWatts ||= s.watts !== null;
    previous = s;
  }
  const n = at.length;
  if (!anyWatts || n < 2 || at[n - 1] - at[0] < seconds) return null;
  const energy = [0];
  for (let k = 1; k < n; k++) energy.push(energy[k - 1] + watts[k - 1] * (at[k] - at[k - 1]));
  const first = at[0];
  const last = at[n - 1];
  let best = -Infinity;
  const startAt = cursor(at, watts, energy);
  const endAt = cursor(at, watts, energy);
  for (let k = 0; k < n && at[k] + seconds <= last; k++) {
    best = Math.max(best, endAt(at[k] + seconds) - startAt(at[k]));
  }
  const startBefore = cursor(at, watts, energy);
  const endHere = cursor(at, watts, energy);
  for (let k = 0; k < n; k++) {
    if (at[k] - seconds < first) continue;
    best = Math.max(best, endHere(at[k]) - startBefore(at[k] - seconds));
  }
  return best / seconds;
}
function cursor(at, watts, energy) {
  let k = 0;
  return (x) => {
    while (k + 1 < at.length && at[k + 1] <= x) k++;
    return energy[k] + watts[k] * (x - at[k]);
  };
}

// src/strava/details.ts
var HINT = "The record cannot be stored; report it if Strava keeps sending it.";
function typed(value, type, what) {
  if (value === void 0 || value === null) return null;
  const bad = (expected) => new SchemaError(
    `${what()} should be ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}.`,
    HINT
  );
  switch (type) {
    case "long":
      if (typeof value !== "number" || !Number.isInteger(value)) throw bad("a whole number");
      return BigInt(value);
    case "double":
      if (typeof value !== "number" || !Number.isFinite(value)) throw bad("a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw bad("true or false");
      return value;
    case "string":
      if (typeof value !== "string") throw bad("text");
      return value;
    case "timestamp":
      if (typeof value !== "string" || !isIsoInstant(value)) {
        throw bad("a real instant as an ISO-8601 time ending in Z");
      }
      return BigInt(Date.parse(value)) * 1000n;
  }
}
function copy(json, fields, where) {
  const row = {};
  for (const [column, type, key = column] of fields) {
    row[column] = typed(json[key], type, () => `${where}: field "${key}"`);
  }
  return row;
}
var DETAIL_FIELDS = [
  ["description", "string"],
  ["calories", "double"],
  ["device_name", "string"],
  ["gear_id", "string"],
  ["workout_type", "long"],
  ["suffer_score", "double"],
  ["perceived_exertion", "double"],
  ["private", "boolean"]
];
var LAP_FIELDS = [
  ["lap_id", "long", "id"],
  ["name", "string"],
  ["start_date", "timestamp"],
  ["start_date_local", "timestamp"],
  ["elapsed_time", "long"],
  ["moving_time", "long"],
  ["distance", "double"],
  ["start_index", "long"],
  ["end_index", "long"],
  ["total_elevation_gain", "double"],
  ["average_speed", "double"],
  ["max_speed", "double"],
  ["average_heartrate", "double"],
  ["max_heartrate", "double"],
  ["average_cadence", "double"],
  ["average_watts", "double"],
  ["device_watts", "boolean"],
  ["split", "long"],
  ["pace_zone", "long"]
];
var NUMBER_STREAMS = [
  ["time", "time_s", "long"],
  ["distance", "distance_m", "double"],
  ["altitude", "altitude_m", "double"],
  ["heartrate", "heartrate", "round"],
  ["cadence", "cadence", "round"],
  ["watts", "watts", "round"],
  ["velocity_smooth", "velocity_smooth", "double"],
  ["grade_smooth", "grade_smooth", "double"]
];
function activityDetailRows(input) {
  const { activityId, month, detail } = input;
  const where = `Strava activity ${activityId}`;
  const base = {
    activity_id: activityId,
    summary_sha256: input.summarySha256,
    fetched_at: input.fetchedAtMicros
  };
  if (!detail) {
    const nulls = Object.fromEntries(
      [
        ...DETAIL_FIELDS.map(([c]) => c),
        "lap_count",
        "splits_metric",
        "stream_samples",
        "best_1km_s",
        "best_5km_s",
        "best_10km_s",
        "best_5min_watts",
        "best_20min_watts"
      ].map((c) => [c, null])
    );
    return {
      activityId,
      month,
      details: { ...base, status: "not_found", ...nulls, month },
      laps: [],
      streams: []
    };
  }
  if (detail.id !== void 0 && detail.id !== Number(activityId)) {
    throw new SchemaError(
      `${where}: the detail response is for activity ${JSON.stringify(detail.id)?.slice(0, 30)}.`,
      HINT
    );
  }
  const laps = lapRows(detail, activityId, month, where);
  const streams = streamRows(input.streams, activityId, month, where);
  const splits = detail.splits_metric;
  if (splits !== void 0 && splits !== null && !Array.isArray(splits)) {
    throw new SchemaError(`${where}: field "splits_metric" should be a list.`, HINT);
  }
  const efforts = bestEfforts(streams.map(effortSample));
  return {
    activityId,
    month,
    details: {
      ...base,
      status: "fetched",
      ...copy(detail, DETAIL_FIELDS, where),
      lap_count: BigInt(laps.length),
      splits_metric: Array.isArray(splits) ? JSON.stringify(splits) : null,
      stream_samples: BigInt(streams.length),
      ...efforts,
      month
    },
    laps,
    streams
  };
}
function lapRows(detail, activityId, month, where) {
  const laps = detail.laps;
  if (laps === void 0 || laps === null) return [];
  if (!Array.isArray(laps)) throw new SchemaError(`${where}: field "laps" should be a list.`, HINT);
  return laps.map((lap, position) => {
    const lapWhere = `${where} lap ${position + 1}`;
    if (lap === null || typeof lap !== "object" || Array.isArray(lap)) {
      throw new SchemaError(`${lapWhere}: should be a JSON object.`, HINT);
    }
    const json = lap;
    const index = typed(json.lap_index, "long", () => `${lapWhere}: field "lap_index"`);
    return {
      activity_id: activityId,
      lap_index: index ?? BigInt(position + 1),
      ...copy(json, LAP_FIELDS, lapWhere),
      month
    };
  });
}
function streamRows(streams, activityId, month, where) {
  if (!streams) return [];
  const present = Object.entries(streams).filter(([, s]) => s !== void 0 && s !== null);
  if (present.length === 0) return [];
  const length = present[0][1].data.length;
  for (const [key, s] of present) {
    if (!Array.isArray(s.data)) {
      throw new SchemaError(`${where}: stream "${key}" has no data list.`, HINT);
    }
    if (s.data.length !== length) {
      throw new SchemaError(
        `${where}: stream "${key}" has ${s.data.length} samples where stream "${present[0][0]}" has ${length}; streams must be the same length.`,
        HINT
      );
    }
  }
  const rows = [];
  for (let i = 0; i < length; i++) {
    rows.push({ activity_id: activityId, sample_index: BigInt(i), month });
  }
  for (const [key, column, kind] of NUMBER_STREAMS) {
    const data = streams[key]?.data;
    for (let i = 0; i < length; i++) {
      const v = data?.[i];
      rows[i][column] = v === void 0 || v === null ? null : kind === "round" ? BigInt(Math.round(number(v, key, i, where))) : typed(v, kind, () => `${where}: stream "${key}" sample ${i}`);
    }
  }
  const latlng = streams.latlng?.data;
  const moving = streams.moving?.data;
  for (let i = 0; i < length; i++) {
    const row = rows[i];
    const pair = latlng?.[i];
    if (pair === void 0 || pair === null) {
      row.lat = null;
      row.lng = null;
    } else if (Array.isArray(pair) && pair.length === 2 && pair.every((x) => typeof x === "number" && Number.isFinite(x))) {
      row.lat = pair[0];
      row.lng = pair[1];
    } else {
      throw new SchemaError(
        `${where}: stream "latlng" sample ${i} should be a [lat, lng] pair, got ${JSON.stringify(pair)?.slice(0, 60)}.`,
        HINT
      );
    }
    row.moving = typed(moving?.[i], "boolean", () => `${where}: stream "moving" sample ${i}`);
  }
  return rows;
}
function number(v, key, i, where) {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new SchemaError(
      `${where}: stream "${key}" sample ${i} should be a number, got ${JSON.stringify(v)?.slice(0, 60)}.`,
      HINT
    );
  }
  return v;
}
function effortSample(row) {
  const num = (v) => typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : null;
  return { time_s: num(row.time_s), distance_m: num(row.distance_m), watts: num(row.watts) };
}
function gearRow(json, fetchedAtMicros) {
  const id = json.id;
  if (typeof id !== "string" || id === "") {
    throw new SchemaError(
      `Strava gear: field "id" should be text, got ${JSON.stringify(id)?.slice(0, 60)}.`,
      HINT
    );
  }
  const where = `Strava gear ${id}`;
  const gearType = id.startsWith("b") ? "bike" : id.startsWith("g") ? "shoe" : json.frame_type !== void 0 && json.frame_type !== null ? "bike" : "shoe";
  return {
    id,
    gear_type: gearType,
    ...copy(
      json,
      [
        ["name", "string"],
        ["brand_name", "string"],
        ["model_name", "string"],
        ["description", "string"],
        ["is_primary", "boolean", "primary"],
        ["retired", "boolean"],
        ["distance", "double"]
      ],
      where
    ),
    fetched_at: fetchedAtMicros
  };
}
function zoneRows(json, fetchedAtMicros) {
  const rows = [];
  for (const [key, zoneType] of [
    ["heart_rate", "heartrate"],
    ["power", "power"]
  ]) {
    const where = `Strava athlete zones: ${key}`;
    const kind = json[key];
    if (kind === void 0 || kind === null) continue;
    if (typeof kind !== "object" || Array.isArray(kind)) {
      throw new SchemaError(`${where} should be a JSON object.`, HINT);
    }
    const { zones, custom_zones: custom } = kind;
    if (zones === void 0 || zones === null) continue;
    if (!Array.isArray(zones)) throw new SchemaError(`${where}: "zones" should be a list.`, HINT);
    const customZones = typed(custom, "boolean", () => `${where}: field "custom_zones"`);
    zones.forEach((zone, i) => {
      const zoneWhere = `${where} zone ${i + 1}`;
      if (zone === null || typeof zone !== "object" || Array.isArray(zone)) {
        throw new SchemaError(`${zoneWhere} should be a JSON object.`, HINT);
      }
      const z = zone;
      const max = typed(z.max, "long", () => `${zoneWhere}: field "max"`);
      rows.push({
        zone_type: zoneType,
        zone_index: BigInt(i + 1),
        zone_min: typed(z.min, "long", () => `${zoneWhere}: field "min"`),
        zone_max: max === -1n ? null : max,
        custom_zones: customZones,
        fetched_at: fetchedAtMicros
      });
    });
  }
  return rows;
}

// src/details/phase.ts
var DAILY_RESERVE = 100;
var DEFAULT_DAILY_READS = 1e3;
var CHUNK_SAMPLES = 4e4;
var CHUNK_ACTIVITIES = 100;
var PROGRESS_EVERY = 10;
var ZONES_MAX_AGE_MS = 7 * 24 * 36e5;
var Stop = class extends Error {
  constructor(by, message) {
    super(message);
    this.by = by;
  }
  by;
};
async function runDetailPhase(opts) {
  const { engine, client, ctx } = opts;
  const progress = opts.progress ?? silentProgress;
  const now = opts.now ?? (() => /* @__PURE__ */ new Date());
  const startRequests = client.requestCount;
  const micros = () => BigInt(now().getTime()) * 1000n;
  const state = await engine.detailState();
  const reconciled = await engine.reconcileDetails(state.activities);
  const queue = detailQueue(state);
  const gearTodo = missingGear(state);
  const wantZones = state.zonesFetchedAt === void 0 || now().getTime() - state.zonesFetchedAt > ZONES_MAX_AGE_MS;
  progress.info(
    `details: ${state.activities.length - queue.length} of ${state.activities.length} activities current, ${queue.length} queued (${queuedRequests(queue, gearTodo)} requests)`
  );
  const budgetFor = (cost) => {
    if (opts.maxRequests !== void 0 && client.requestCount + cost > opts.maxRequests) {
      throw new Stop(
        "max-requests",
        `the cap of ${opts.maxRequests} requests (--max-requests) is reached`
      );
    }
    const left2 = client.remainingToday();
    if (left2 !== void 0 && left2 - cost < DAILY_RESERVE) {
      throw new Stop(
        "daily-budget",
        `${left2} of the day's Strava read requests are left and ${DAILY_RESERVE} are kept in reserve`
      );
    }
  };
  const call = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RequestCapError) throw new Stop("max-requests", err.message);
      if (err instanceof RateLimitError) throw new Stop("rate-limit", err.message);
      throw err;
    }
  };
  const done = /* @__PURE__ */ new Set();
  let notFound = 0;
  let gearFetched = 0;
  let zones;
  let pending = [];
  let pendingGear = [];
  let samples = 0;
  const changed = new Set(reconciled);
  const flush = async () => {
    if (!pending.length && !pendingGear.length && !zones) return;
    const result = await engine.writeDetails(
      { activities: pending, gear: pendingGear, ...zones ? { zones } : {} },
      ctx
    );
    for (const m of result.changedMonths) changed.add(m);
    for (const a of pending) done.add(a.activityId);
    progress.info(
      `details: wrote ${pending.length} activities (${samples} samples)${pendingGear.length ? `, ${pendingGear.length} gear` : ""}${zones ? ", zones" : ""}`
    );
    pending = [];
    pendingGear = [];
    samples = 0;
    zones = void 0;
  };
  let stop;
  let zonesFetched = false;
  try {
    if (wantZones) {
      budgetFor(1);
      zones = zoneRows(await call(() => client.getAthleteZones({ stopOn429: true })), micros());
      zonesFetched = true;
    }
    for (const id of gearTodo) {
      budgetFor(1);
      const json = await call(() => client.getGear(id, { stopOn429: true }));
      gearFetched++;
      pendingGear.push(json ? gearRow(json, micros()) : unknownGearRow(id, micros()));
    }
    for (const a of queue) {
      budgetFor(requestsFor(a));
      const rows = await fetchOne(a, client, call, micros());
      if (rows.details.status === "not_found") notFound++;
      if (opts.privacy.noCoordinates) rows.streams = streamsWithoutCoordinates(rows.streams);
      pending.push(rows);
      samples += rows.streams.length;
      const n = done.size + pending.length;
      if (n % PROGRESS_EVERY === 0 || n === queue.length) {
        progress.update(`details: ${n} of ${queue.length} activities`);
      }
      if (samples >= CHUNK_SAMPLES || pending.length >= CHUNK_ACTIVITIES) await flush();
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    stop = err;
  }
  await flush();
  const goldMonths = needsAllGold(zonesFetched, gearFetched, await engine.detailVersions()) ? void 0 : [.../* @__PURE__ */ new Set([...changed, ...opts.silverChangedMonths])].sort();
  if (goldMonths === void 0 || goldMonths.length) {
    for (const m of await engine.refreshDetailGold(goldMonths, ctx)) changed.add(m);
  }
  const left = queue.filter((a) => !done.has(a.id));
  const gearLeft = gearTodo.slice(gearFetched);
  const requests = client.requestCount - startRequests;
  const stillNeeded = queuedRequests(left, gearLeft);
  const perRun = opts.maxRequests !== void 0 ? opts.maxRequests - startRequests : DEFAULT_DAILY_READS - DAILY_RESERVE - startRequests;
  const record = {
    fetched: done.size,
    notFound,
    gear: gearFetched,
    zones: zonesFetched,
    requests,
    withDetails: state.activities.length - left.length,
    queued: left.length,
    queuedRequests: stillNeeded,
    runsToFinish: runsToFinish(stillNeeded, perRun),
    ...stop && left.length ? { stoppedBy: stop.by, stoppedMessage: stoppedLine(stop, left.length, stillNeeded) } : {},
    changedMonths: [...changed].sort(),
    tables: await engine.detailVersions(),
    ...engine.detailStatements?.length ? { statements: [...engine.detailStatements] } : {}
  };
  if (record.stoppedMessage) progress.warn(record.stoppedMessage);
  return record;
}
async function fetchOne(a, client, call, fetchedAtMicros) {
  const detail = await call(() => client.getActivity(a.id, { stopOn429: true }));
  const streams = detail && !a.manual ? await call(() => client.getStreams(a.id, { stopOn429: true })) : void 0;
  return activityDetailRows({
    activityId: a.id,
    month: a.month,
    summarySha256: a.summarySha256,
    fetchedAtMicros,
    detail,
    streams
  });
}
function unknownGearRow(id, fetchedAtMicros) {
  return {
    id,
    gear_type: id.startsWith("b") ? "bike" : "shoe",
    name: null,
    brand_name: null,
    model_name: null,
    description: null,
    is_primary: null,
    retired: null,
    distance: null,
    fetched_at: fetchedAtMicros
  };
}
function needsAllGold(zones, gear, versions) {
  return zones || gear > 0 || DETAIL_GOLD.some((t) => versions[t.path] == null);
}
function stoppedLine(stop, queued, requests) {
  const why = stop.by === "max-requests" ? "run again (or with a larger --max-requests) to continue" : stop.by === "daily-budget" ? "the next run after Strava's daily reset (midnight UTC) continues" : "Strava answered 429 Too Many Requests; the next run continues";
  return `Details stopped: ${stop.message}. ${queued} activities (${requests} requests) are still queued; ${why}.`;
}

// src/pipeline.ts
function newRunId(now = /* @__PURE__ */ new Date()) {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${(0, import_node_crypto2.randomBytes)(3).toString("hex")}`;
}
async function runPipeline(config, deps = {}) {
  const progress = deps.progress ?? silentProgress;
  const now = deps.now ?? (() => /* @__PURE__ */ new Date());
  const startedAt = now();
  const runId = deps.runId ?? newRunId(startedAt);
  const store = deps.store ?? await openStore(config.warehouse, config.s3);
  const engine = await createEngine(config, store, {
    progress,
    now,
    databricks: deps.databricks
  });
  try {
    await progress.group("Check tables", () => engine.preflight());
    const auth = new StravaAuth({
      config: config.strava,
      fetch: deps.fetch,
      progress,
      now,
      sleep: deps.sleep
    });
    const client = new StravaClient({
      config: config.strava,
      auth,
      fetch: deps.fetch,
      progress,
      sleep: deps.sleep,
      now,
      ...config.maxRequests !== void 0 ? { maxRequests: config.maxRequests } : {}
    });
    const rows = new RowBudget(deps.rowsInMemory ?? ROWS_IN_MEMORY);
    const landed = [];
    const pool = new TaskPool(STORAGE_CONCURRENCY);
    const sweepFrom = addMonths(config.from, -config.lookback);
    const sweep = await progress.group(
      `Fetch ${describeRange(sweepFrom, config.to)} from Strava and land CSV`,
      async () => {
        try {
          return await streamMonths(
            client,
            sweepFrom,
            config.to,
            (month, activities, answer) => pool.submit(async () => {
              if (!activities.length && answer.redirectedTo) {
                await refuseRedirectedEmpty(store, month, answer.redirectedTo, deps);
              }
              const kept = config.privacy.noCoordinates ? activities.map((a) => withoutCoordinates(a)) : activities;
              const l = await landOne(store, month, kept, rows);
              landed.push(l);
              progress.update(
                `landed ${month}: ${l.activities} activities${l.reused ? " (unchanged)" : ""}`
              );
            })
          );
        } finally {
          await pool.settle();
        }
      }
    );
    await pool.drain();
    landed.sort((a, b) => a.month < b.month ? -1 : 1);
    let stoppedEarly;
    if (sweep.stoppedAt) {
      if (!landed.length) throw sweep.stoppedAt;
      stoppedEarly = {
        message: `${sweep.stoppedAt.message} Processed the ${landed.length} month(s) fetched completely; run the same command again after the reset for the rest.`,
        resumeAt: sweep.stoppedAt.resumeAt.toISOString()
      };
    }
    const versions = await engine.preflight();
    const todo = [];
    const skipped = /* @__PURE__ */ new Set();
    const previous = config.force ? /* @__PURE__ */ new Map() : await previousRecords(
      store,
      landed.map((l) => l.month),
      deps
    );
    for (const l of landed) {
      const prev = previous.get(l.month);
      if (prev && prev.landing.sha256 === l.sha256 && sameVersions(prev.tables.after, versions)) {
        skipped.add(l.month);
      } else {
        todo.push(l);
      }
    }
    const result = todo.length ? await progress.group(
      `Process ${todo.length} month(s) with the ${engine.name} engine`,
      () => processInBatches(engine, store, todo, rows, { runId, force: config.force })
    ) : { before: versions, after: versions, warnings: [], changedMonths: [] };
    let details;
    if (config.details && !stoppedEarly) {
      details = await progress.group(
        "Fetch activity details from Strava",
        () => runDetailPhase({
          engine,
          client,
          privacy: config.privacy,
          ...config.maxRequests !== void 0 ? { maxRequests: config.maxRequests } : {},
          ctx: { runId, force: config.force },
          silverChangedMonths: result.changedMonths,
          progress,
          now
        })
      );
    }
    const tableProtocols = engine.tableProtocols ? await progress.group("Read table protocols", () => engine.tableProtocols()) : void 0;
    const handedOver = engine.handedOver?.length ? [...engine.handedOver] : void 0;
    const finishedAt = now();
    const rechecked = config.lookback ? landed.map((l) => l.month).filter((m) => m < config.from) : [];
    const records = landed.map((l) => {
      const month = l.month;
      const changed = result.changedMonths.includes(month) || config.force;
      const window = queryWindow(month);
      return {
        schemaVersion: 1,
        runId,
        ...deps.github ? { github: deps.github } : {},
        toolVersion: VERSION,
        engine: engine.name,
        month,
        window: {
          ...window,
          afterIso: new Date(window.after * 1e3).toISOString(),
          beforeIso: new Date(window.before * 1e3).toISOString()
        },
        status: skipped.has(month) || !changed ? "unchanged" : "ingested",
        activities: l.activities,
        landing: { key: l.key, sha256: l.sha256, bytes: l.bytes, reused: l.reused },
        tables: { before: result.before, after: result.after },
        qualityWarnings: l.warnings,
        stravaRequests: client.requestCount,
        ...result.statements ? { statements: result.statements } : {},
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        forced: config.force,
        ...month === config.to && rechecked.length ? { rechecked } : {},
        ...month === config.to && details ? { details } : {},
        ...month === config.to && tableProtocols?.length ? { tableProtocols } : {},
        ...month === config.to && handedOver ? { handedOver } : {}
      };
    });
    await progress.group(
      "Record",
      () => mapConcurrently(
        records,
        STORAGE_CONCURRENCY,
        (r) => store.put(runRecordKey(r.month, r.runId), `${JSON.stringify(r, null, 2)}
`)
      )
    );
    return {
      records,
      ...auth.rotatedRefreshToken ? { rotatedRefreshToken: auth.rotatedRefreshToken } : {},
      ...stoppedEarly ? { stoppedEarly } : {}
    };
  } finally {
    await engine.close?.();
  }
}
var ROWS_IN_MEMORY = 1e3;
var RowBudget = class {
  constructor(limit) {
    this.limit = limit;
  }
  limit;
  kept = 0;
  /** True (and counted) if `n` more rows fit. */
  take(n) {
    if (this.kept + n > this.limit) return false;
    this.kept += n;
    return true;
  }
  release(n) {
    this.kept -= n;
  }
};
function describeRange(from, to) {
  return from === to ? from : `${from}..${to}`;
}
async function landOne(store, month, activities, budget) {
  const cells = landingCells(activities);
  const body = new TextEncoder().encode(cellsToCsv(cells));
  const rows = cells.map(cellsToRecord);
  const warnings = checkQuality(rows, month, landingKey(month, body));
  const landed = await landCsv(store, month, body);
  if (landed.reused) await readLandingBytes(store, landed);
  return {
    ...landed,
    month,
    activities: rows.length,
    warnings,
    ...budget.take(rows.length) ? { rows } : {}
  };
}
async function readLandingBytes(store, landed) {
  const body = await store.get(landed.key);
  if (!body) {
    throw new StoreError(
      `Landing file ${store.uri(landed.key)} vanished after landing.`,
      "Something else deleted it; run the same command again to land it again."
    );
  }
  if (sha256Hex(body) !== landed.sha256) {
    throw new QualityError(
      `Landing file ${store.uri(landed.key)} does not match its content hash: it was changed after landing.`,
      "Delete that file and re-run the month to land it again."
    );
  }
  return body;
}
async function readLanding(store, landed) {
  const body = await readLandingBytes(store, landed);
  return parseLandingCsv(new TextDecoder().decode(body), store.uri(landed.key));
}
function batchesOf(counts, limit = ROWS_IN_MEMORY) {
  const batches = [];
  let size = 0;
  counts.forEach((n, i) => {
    if (!batches.length || size > 0 && size + n > limit) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1).push(i);
    size += n;
  });
  return batches;
}
async function processInBatches(engine, store, todo, budget, ctx) {
  const batches = engine.readsRows ? batchesOf(
    todo.map((l) => l.activities),
    budget.limit
  ).map((indexes) => indexes.map((i) => todo[i])) : [todo];
  let merged;
  for (const batch of batches) {
    const landings = await mapConcurrently(
      batch,
      STORAGE_CONCURRENCY,
      async (l) => ({
        month: l.month,
        key: l.key,
        sha256: l.sha256,
        rows: l.rows ?? (engine.readsRows ? await readLanding(store, l) : [])
      })
    );
    const r = await engine.process(landings, ctx);
    for (const l of batch) {
      if (l.rows) budget.release(l.rows.length);
      delete l.rows;
    }
    merged = merged ? {
      before: merged.before,
      after: r.after,
      warnings: [...merged.warnings, ...r.warnings],
      changedMonths: [...merged.changedMonths, ...r.changedMonths],
      ...merged.statements || r.statements ? { statements: [...merged.statements ?? [], ...r.statements ?? []] } : {}
    } : r;
  }
  return merged;
}
var RUN_RECORD_MONTH = /^_runs\/month=(\d{4}-\d{2})\//;
async function previousRecords(store, months, deps) {
  const wanted = new Set(months);
  const listed = await store.list(months.length === 1 ? `_runs/month=${months[0]}/` : "_runs/");
  const keysByMonth = /* @__PURE__ */ new Map();
  for (const obj of listed) {
    const month = RUN_RECORD_MONTH.exec(obj.key)?.[1];
    if (month && wanted.has(month))
      keysByMonth.set(month, [...keysByMonth.get(month) ?? [], obj.key]);
  }
  const newest = await mapConcurrently(months, STORAGE_CONCURRENCY, async (month) => {
    const records = [];
    for (const key of keysByMonth.get(month) ?? []) {
      const body = await store.get(key);
      if (!body) continue;
      try {
        records.push(JSON.parse(new TextDecoder().decode(body)));
      } catch {
      }
    }
    const fromArtifacts = await deps.findPreviousRecord?.(month);
    if (fromArtifacts) records.push(fromArtifacts);
    return records.sort((a, b) => a.finishedAt < b.finishedAt ? 1 : -1)[0];
  });
  return new Map(
    months.flatMap((m, i) => newest[i] ? [[m, newest[i]]] : [])
  );
}
async function refuseRedirectedEmpty(store, month, redirectedTo, deps) {
  const held = (await previousRecords(store, [month], deps)).get(month)?.activities ?? 0;
  if (held === 0) return;
  throw new StravaApiError(
    `Strava's list was redirected to ${redirectedTo} and came back without the ${held} activities ${month} held: refused to empty the month.`,
    "Nothing was written to the tables; run again later, and check STRAVA_API_BASE (or STRAVA_API_URL) if it persists."
  );
}
function sameVersions(a, b) {
  return a.bronze === b.bronze && a.silver === b.silver && a.gold === b.gold;
}

export {
  silentProgress,
  streamProgress,
  tokenFailure,
  DEFAULT_TIMEOUT_MS,
  TOKEN_CALL,
  postTokenForm,
  postOAuthForm,
  EmbeddedEngine,
  bestEfforts,
  newRunId,
  runPipeline,
  ROWS_IN_MEMORY,
  batchesOf
};
