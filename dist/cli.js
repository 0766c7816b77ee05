#!/usr/bin/env node
import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  CLI_LABELS,
  CLI_OPTIONS,
  COMMANDS,
  COMMAND_INFO,
  DEFAULT_TIMEOUT_S,
  optionsOf,
  printRecords,
  rawInputs,
  selfCommand
} from "./chunks/chunk-2AC91E8B.js";
import {
  inspectWarehouse
} from "./chunks/chunk-9A370967.js";
import {
  DEFAULT_TIMEOUT_MS,
  TOKEN_CALL,
  postOAuthForm,
  postTokenForm,
  runPipeline,
  streamProgress,
  tokenFailure
} from "./chunks/chunk-A7EBDE5D.js";
import "./chunks/chunk-D6532F9D.js";
import "./chunks/chunk-D697A921.js";
import {
  openStore
} from "./chunks/chunk-CA8E37C7.js";
import {
  GITHUB_API_URL,
  createGitHub,
  parseRepository,
  setRepoSecrets
} from "./chunks/chunk-548BC98D.js";
import {
  DEFAULT_WAREHOUSE,
  buildConfig,
  checkTokenFile,
  defaultTokenFile,
  parseEngine,
  parsePrivacyRadius,
  parseWarehouse
} from "./chunks/chunk-D6111358.js";
import "./chunks/chunk-2A3800A9.js";
import "./chunks/chunk-531649C7.js";
import {
  readRefreshToken,
  writeRefreshToken
} from "./chunks/chunk-8D30EC4A.js";
import {
  migrateWarehouse
} from "./chunks/chunk-F14ACD48.js";
import "./chunks/chunk-CFBA4AA7.js";
import {
  ENGINE_NAMES,
  ENGINE_PROPERTY,
  VERSION
} from "./chunks/chunk-8DD25B0D.js";
import "./chunks/chunk-97653D37.js";
import {
  parseMonth
} from "./chunks/chunk-328A68CB.js";
import {
  AppError,
  ConfigError,
  GitHubError,
  StravaApiError,
  StravaAuthError,
  errorLine
} from "./chunks/chunk-06F01416.js";
import "./chunks/chunk-BA800F3B.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunks/chunk-B9CF76D1.js";

// builtin-require:src/cli/main.ts imports util
var require_main = __commonJS({
  "builtin-require:src/cli/main.ts imports util"(exports, module) {
    module.exports = __require("node:util");
  }
});

// builtin-require:src/cli/auth.ts imports fs/promises
var require_promises = __commonJS({
  "builtin-require:src/cli/auth.ts imports fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// builtin-require:src/strava/authorize.ts imports crypto
var require_authorize = __commonJS({
  "builtin-require:src/strava/authorize.ts imports crypto"(exports, module) {
    module.exports = __require("node:crypto");
  }
});

// builtin-require:src/strava/authorize.ts imports http
var require_authorize2 = __commonJS({
  "builtin-require:src/strava/authorize.ts imports http"(exports, module) {
    module.exports = __require("node:http");
  }
});

// builtin-require:src/cli/browser.ts imports child_process
var require_browser = __commonJS({
  "builtin-require:src/cli/browser.ts imports child_process"(exports, module) {
    module.exports = __require("node:child_process");
  }
});

// builtin-require:src/cli/init.ts imports fs/promises
var require_promises2 = __commonJS({
  "builtin-require:src/cli/init.ts imports fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// builtin-require:src/cli/init.ts imports path
var require_init = __commonJS({
  "builtin-require:src/cli/init.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// src/cli/main.ts
var import_node_util = __toESM(require_main(), 1);

// src/cli/auth.ts
var import_promises = __toESM(require_promises(), 1);

// src/strava/authorize.ts
var import_node_crypto = __toESM(require_authorize(), 1);
var import_node_http = __toESM(require_authorize2(), 1);
var REQUESTED_SCOPE = "read,activity:read,activity:read_all";
var CALLBACK_PATH = "/callback";
var EXCHANGE_RETRIES = 2;
var newState = () => (0, import_node_crypto.randomBytes)(16).toString("hex");
function authorizeUrl(oauthUrl, clientId, redirectUri, state) {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    approval_prompt: "force",
    scope: REQUESTED_SCOPE,
    state
  });
  return `${oauthUrl}/oauth/authorize?${query}`;
}
var splitScope = (scope) => (scope ?? "").split(/[ ,]/).filter(Boolean);
function sameState(given, expected) {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && (0, import_node_crypto.timingSafeEqual)(a, b);
}
function page(res, status, text) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", connection: "close" });
  res.end(`<!doctype html><title>strava-lakehouse auth</title><p>${text}</p>
`);
}
async function startCallbackServer(opts) {
  let settle = () => {
  };
  const answered = new Promise((resolve) => settle = resolve);
  let done = false;
  const server = import_node_http.default.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== CALLBACK_PATH) {
      page(res, 404, "Not found.");
      return;
    }
    const q = url.searchParams;
    if (done || !sameState(q.get("state"), opts.state)) {
      page(
        res,
        400,
        "This answer does not belong to the <code>strava-lakehouse auth</code> now running (its state does not match), so it was ignored. Use the link the terminal shows."
      );
      opts.onRefused?.(done ? "the state was already used" : "its state does not match");
      return;
    }
    done = true;
    const error = q.get("error");
    const code = q.get("code");
    let answer;
    if (error) {
      page(res, 200, "Strava says access was not given. Nothing was saved; see the terminal.");
      answer = { kind: "error", error: error.replace(/[^\w.:-]/g, "?").slice(0, 60) };
    } else if (code) {
      page(res, 200, "Authorized. You can close this tab and go back to the terminal.");
      answer = { kind: "code", code, scope: splitScope(q.get("scope")) };
    } else {
      page(res, 400, "This answer carries neither a code nor an error; see the terminal.");
      answer = { kind: "error", error: "no code in the callback" };
    }
    res.on("finish", () => server.close());
    settle(answer);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address();
  const close = () => new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return {
    redirectUri: `http://localhost:${port}${CALLBACK_PATH}`,
    close,
    async answer(timeoutMs) {
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
      });
      try {
        return await Promise.race([answered, timedOut]);
      } finally {
        clearTimeout(timer);
        await close();
      }
    }
  };
}
async function exchangeCode(opts) {
  const res = await postTokenForm(
    opts.oauthUrl,
    {
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      code: opts.code,
      grant_type: "authorization_code"
    },
    {
      fetch: opts.fetch ?? globalThis.fetch,
      maxRetries: EXCHANGE_RETRIES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
    }
  );
  if (res.status !== 200) throw tokenFailure(TOKEN_CALL, res.status, res.body);
  const body = res.body;
  const id = body?.athlete?.id;
  if (typeof body?.refresh_token !== "string" || typeof id !== "number") {
    throw new StravaApiError(
      `${TOKEN_CALL} answered 200 without a refresh_token and an athlete id.`,
      "Check that STRAVA_OAUTH_URL (or STRAVA_API_URL) points at Strava (https://www.strava.com).",
      { status: res.status }
    );
  }
  const { firstname, lastname, username } = body.athlete;
  const name = [firstname, lastname].filter((s) => typeof s === "string" && s).join(" ") || (typeof username === "string" ? username : "");
  return { refreshToken: body.refresh_token, athlete: { id, name } };
}
var REVOKE_CALL = "POST /oauth/revoke";
async function revokeToken(opts) {
  const res = await postOAuthForm(
    REVOKE_CALL,
    `${opts.oauthUrl}/oauth/revoke`,
    { client_id: opts.clientId, client_secret: opts.clientSecret, token: opts.token },
    {
      fetch: opts.fetch ?? globalThis.fetch,
      maxRetries: EXCHANGE_RETRIES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
    }
  );
  if (res.status === 200) return;
  throw tokenFailure(REVOKE_CALL, res.status, res.body);
}

// package.json
var package_default = {
  name: "strava-lakehouse",
  version: "0.1.0",
  description: "Turn an athlete's Strava history into a Delta Lake lakehouse (bronze/silver/gold) on S3 or a folder, monthly and idempotently, as a GitHub Action or a CLI.",
  license: "MIT",
  type: "module",
  bin: {
    "strava-lakehouse": "dist/cli.js"
  },
  files: [
    "dist/",
    "sql/"
  ],
  engines: {
    node: ">=22.2"
  },
  scripts: {
    typecheck: "tsc --noEmit",
    bundle: "node scripts/bundle.mjs",
    lint: "eslint . && prettier --check .",
    format: "prettier --write .",
    test: "vitest run --project unit",
    "test:s3": "vitest run --project s3",
    "test:faults": "vitest run --project faults",
    "test:interop": "vitest run --project interop",
    "test:browser": "vitest run --project browser",
    demo: "node dist/cli.js demo",
    bench: "node bench/build.mjs && node node_modules/.cache/bench/main.mjs",
    "smoke:databricks": "node test/smoke/build.mjs && node node_modules/.cache/smoke/databricks.mjs",
    "setup:oracles": "bash scripts/setup-oracles.sh",
    "setup:browser": "bash scripts/setup-browser.sh",
    docs: "node scripts/docs.mjs"
  },
  devDependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@aws-sdk/client-s3": "^3.1173.0",
    "@databricks/sql": "^2.1.0",
    "@eslint/js": "^9.39.5",
    "@garmin/fitsdk": "^21.217.0",
    "@octokit/openapi": "^23.0.2",
    "@octokit/rest": "^22.0.1",
    "@photostructure/tz-lookup": "^11.7.0",
    "@types/archiver": "^8.0.0",
    "@types/js-yaml": "^4.0.9",
    "@types/libsodium-wrappers": "^0.7.14",
    "@types/node": "^22.20.7",
    "@types/yauzl": "^3.4.0",
    "apache-arrow": "^21.2.0",
    archiver: "^7.0.1",
    "axe-core": "^4.14.1",
    "csv-parse": "^6.2.1",
    "csv-stringify": "^6.9.0",
    echarts: "^6.1.0",
    esbuild: "^0.28.2",
    eslint: "^9.39.5",
    "js-yaml": "^4.3.2",
    "libsodium-wrappers": "^0.8.4",
    "parquet-wasm": "^0.8.0",
    prettier: "^3.10.1",
    "puppeteer-core": "^24.43.1",
    saxes: "^6.0.0",
    typescript: "5.9",
    "typescript-eslint": "^8.73.0",
    vitest: "4.1",
    yauzl: "^3.4.0",
    zod: "^4.6.7"
  },
  overrides: {
    "@databricks/databricks-sql-kernel-win32-x64-msvc": "0.2.0"
  }
};

// src/cli/workflow-template.ts
var WORKFLOW_PATH = ".github/workflows/strava-lakehouse.yml";
function packageAction(meta) {
  const url = typeof meta.repository === "string" ? meta.repository : meta.repository?.url;
  const m = url ? /^(?:github:|(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/|git@github\.com:)?([A-Za-z0-9-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(
    url
  ) : null;
  const major = `v${meta.version.split(".")[0]}`;
  return m ? { ref: `${m[1]}/${m[2]}@${major}`, placeholder: false } : { ref: `OWNER/strava-lakehouse@${major}`, placeholder: true };
}
var PACKAGE_ACTION = packageAction(
  package_default
);
var DEFAULT_ACTION = PACKAGE_ACTION.ref;
var DEFAULT_ACTION_IS_PLACEHOLDER = PACKAGE_ACTION.placeholder;
var CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@v6";
var UPLOAD_PAGES_ARTIFACT = "actions/upload-pages-artifact@v3";
var DEPLOY_PAGES = "actions/deploy-pages@v4";
var ROLE_ARN_PLACEHOLDER = "arn:aws:iam::123456789012:role/strava-lakehouse";
var REPO_SECRETS = {
  clientId: "STRAVA_CLIENT_ID",
  clientSecret: "STRAVA_CLIENT_SECRET",
  refreshToken: "STRAVA_REFRESH_TOKEN"
};
var GITHUB_TOKEN_SECRET = "STRAVA_LAKEHOUSE_GITHUB_TOKEN";
var yamlString = (value) => `'${value.replace(/'/g, "''")}'`;
var expr = (text) => `\${{ ${text} }}`;
function actionInputs(s) {
  const inputs = [
    ["month", expr("inputs.month")],
    ["force", expr("inputs.force || false")],
    ["warehouse", yamlString(s.warehouse)],
    ["engine", s.engine],
    ["strava-client-id", expr(`secrets.${REPO_SECRETS.clientId}`)],
    ["strava-client-secret", expr(`secrets.${REPO_SECRETS.clientSecret}`)],
    ["strava-refresh-token", expr(`secrets.${REPO_SECRETS.refreshToken}`)],
    ["refresh-token-secret-name", REPO_SECRETS.refreshToken],
    ["github-token", expr(`secrets.${GITHUB_TOKEN_SECRET} || github.token`)],
    ["retention-days", "90"]
  ];
  if (s.engine === "databricks") {
    inputs.push(
      ["databricks-host", expr("vars.DATABRICKS_HOST")],
      ["databricks-http-path", expr("vars.DATABRICKS_HTTP_PATH")],
      ["databricks-token", expr("secrets.DATABRICKS_TOKEN")]
    );
  }
  return inputs;
}
function pagesLines() {
  return [
    `      - if: ${expr("steps.lakehouse.outputs.report-dir != ''")}`,
    `        uses: ${UPLOAD_PAGES_ARTIFACT}`,
    "        with:",
    `          path: ${expr("steps.lakehouse.outputs.report-dir")}`,
    "",
    "  # The report on GitHub Pages.",
    "  pages:",
    "    needs: ingest",
    `    if: ${expr("needs.ingest.outputs.report-dir != ''")}`,
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 10",
    "    permissions:",
    "      pages: write",
    "      id-token: write",
    "    environment:",
    "      name: github-pages",
    `      url: ${expr("steps.deployment.outputs.page_url")}`,
    "    steps:",
    "      - id: deployment",
    `        uses: ${DEPLOY_PAGES}`
  ];
}
function renderWorkflow(s) {
  const header = [
    `# Strava lakehouse, written by \`strava-lakehouse init\` (${VERSION}).`,
    `# On the 2nd of each month this adds the previous month to ${s.warehouse};`,
    "# Actions tab > Strava lakehouse > Run workflow processes any month.",
    `# Repository secrets: ${REPO_SECRETS.clientId}, ${REPO_SECRETS.clientSecret} and`,
    `# ${REPO_SECRETS.refreshToken}, which \`strava-lakehouse auth --github-repo OWNER/NAME\` sets.`,
    "# Strava rotates the refresh token: for the action to store a new one, put a fine-grained",
    "# token with Actions (read) and Secrets (read and write) on this repository in the secret",
    `# ${GITHUB_TOKEN_SECRET}.`
  ];
  if (s.aws) {
    header.push(
      "# AWS: the role below must trust GitHub's OIDC provider (token.actions.githubusercontent.com)",
      `# for this repository, and may read and write ${s.warehouse}.`
    );
  }
  if (s.pages) {
    header.push(
      "# GitHub Pages: Settings > Pages > Build and deployment > Source: GitHub Actions. Each run",
      "# publishes the HTML report there (private activities left out)."
    );
  }
  if (s.engine === "databricks") {
    header.push(
      "# Databricks: the variables DATABRICKS_HOST and DATABRICKS_HTTP_PATH, the secret DATABRICKS_TOKEN."
    );
  }
  const permissions = ["  actions: read"];
  if (s.aws) permissions.push("  id-token: write");
  const awsStep = s.aws ? [
    `      - uses: ${CONFIGURE_AWS_CREDENTIALS}`,
    "        with:",
    `          role-to-assume: ${yamlString(s.aws.roleArn)}${s.aws.placeholder ? " # placeholder: your role, or run init again with --role-arn" : ""}`,
    `          aws-region: ${s.aws.region}`
  ] : [];
  const lines = [
    ...header,
    "name: Strava lakehouse",
    "",
    "on:",
    "  schedule:",
    "    # Early on the 2nd (UTC), when the month is over in every time zone; off the hour, when",
    "    # GitHub's schedules are least delayed.",
    `    - cron: '${s.minute} 6 2 * *'`,
    "    # Days 3 to 9: the same run again, which costs a few list requests when nothing changed and",
    "    # continues the activity details queued in the warehouse within each day's request budget.",
    `    - cron: '${s.minute} 6 3-9 * *'`,
    "  workflow_dispatch:",
    "    inputs:",
    "      month:",
    "        description: Month to process, YYYY-MM (empty for the previous month)",
    "        required: false",
    "        type: string",
    "      force:",
    "        description: Process it again even if nothing changed",
    "        required: false",
    "        type: boolean",
    "        default: false",
    "",
    "# One run per month at a time, never cancelled: a cancelled run wastes its Strava requests.",
    "# A scheduled run and a dispatch without a month both mean the previous month.",
    "concurrency:",
    `  group: strava-lakehouse-${expr("inputs.month || 'previous-month'")}`,
    "  cancel-in-progress: false",
    "",
    `# Earlier runs' records are artifacts (actions: read)${s.aws ? "; AWS credentials come through OIDC (id-token: write)" : ""}.`,
    "permissions:",
    ...permissions,
    "",
    "jobs:",
    "  ingest:",
    "    runs-on: ubuntu-latest",
    ...s.pages ? ["    outputs:", `      report-dir: ${expr("steps.lakehouse.outputs.report-dir")}`] : [],
    "    timeout-minutes: 60",
    "    steps:",
    ...awsStep,
    "      - id: lakehouse",
    `        uses: ${s.action}${s.actionPlaceholder ? " # placeholder: the repository of strava-lakehouse, or run init again with --action" : ""}`,
    "        with:",
    ...actionInputs(s).map(([name, value]) => `          ${name}: ${value}`),
    ...s.pages ? pagesLines() : []
  ];
  return `${lines.join("\n")}
`;
}

// src/cli/auth.ts
var STRAVA_API_SETTINGS = "https://www.strava.com/settings/api";
var CALLBACK_DOMAIN_HINT = `set the Authorization Callback Domain of your API application at ${STRAVA_API_SETTINGS} to localhost`;
var TICK_PRIVATE = 'leave "View data about your private activities" ticked';
function authOptions(flags, env) {
  const clientId = (flags["client-id"] ?? env.STRAVA_CLIENT_ID)?.trim();
  const clientSecret = (flags["client-secret"] ?? env.STRAVA_CLIENT_SECRET)?.trim();
  if (!clientId || !clientSecret) {
    const missing = clientId ? "--client-secret (or STRAVA_CLIENT_SECRET)" : "--client-id (or STRAVA_CLIENT_ID)";
    throw new ConfigError(
      `${missing} is not set.`,
      `Copy the Client ID and Client Secret of your API application from ${STRAVA_API_SETTINGS} (create one there, with Authorization Callback Domain localhost).`
    );
  }
  const { strava } = buildConfig(rawInputs({}, env), CLI_LABELS, {
    needStrava: false,
    tokenFileDefault: defaultTokenFile(env)
  });
  checkTokenFile(strava.tokenFile, CLI_LABELS.tokenFile);
  const options = {
    oauthUrl: strava.oauthUrl,
    clientId,
    clientSecret,
    tokenFile: strava.tokenFile,
    port: flags.port === void 0 ? 0 : parsePort(flags.port),
    timeoutMs: (flags.timeout === void 0 ? DEFAULT_TIMEOUT_S : parseTimeout(flags.timeout)) * 1e3
  };
  const token = flags["github-token"] ?? env.GITHUB_TOKEN;
  if (flags["github-repo"] !== void 0) {
    const repo = parseRepository(flags["github-repo"], "--github-repo");
    if (!token) {
      throw new ConfigError(
        `--github-repo needs a GitHub token that may write the secrets of ${repo.owner}/${repo.repo}: GITHUB_TOKEN (or --github-token) is not set.`,
        "Use a fine-grained personal access token with the Secrets permission (read and write) on that repository, or `GITHUB_TOKEN=$(gh auth token)`."
      );
    }
    options.github = { repo, token, apiUrl: env.GITHUB_API_URL || GITHUB_API_URL };
  } else if (flags["github-token"] !== void 0) {
    throw new ConfigError(
      "--github-token needs --github-repo.",
      "Name the repository whose secrets to set."
    );
  }
  return options;
}
function parsePort(value) {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError(
      `--port "${value}" is not a port.`,
      "Give 1-65535, or leave it out for a free one."
    );
  }
  return port;
}
function parseTimeout(value) {
  const seconds = Number(value);
  if (!value.trim() || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(
      `--timeout "${value}" is not a number of seconds.`,
      `Give one above 0 (default ${DEFAULT_TIMEOUT_S}).`
    );
  }
  return seconds;
}
async function runAuth(opts, io) {
  const state = newState();
  const server = await listen(opts.port, state, io.progress);
  const url = authorizeUrl(opts.oauthUrl, opts.clientId, server.redirectUri, state);
  io.progress.info(
    `Open this URL in a browser, sign in to Strava and click Authorize (${TICK_PRIVATE}):

  ${url}

If Strava answers "redirect_uri invalid", ${CALLBACK_DOMAIN_HINT}.`
  );
  io.openUrl?.(url);
  io.progress.info(
    `Waiting for Strava at ${server.redirectUri} (up to ${opts.timeoutMs / 1e3} s)...`
  );
  const answer = await server.answer(opts.timeoutMs);
  if (answer.kind === "timeout") {
    throw new StravaAuthError(
      `No answer from Strava reached ${server.redirectUri} within ${opts.timeoutMs / 1e3} s.`,
      `Open the URL above and click Authorize. If the browser never comes back here or Strava says "redirect_uri invalid", ${CALLBACK_DOMAIN_HINT}; --timeout gives more time.`
    );
  }
  if (answer.kind === "error") {
    throw new StravaAuthError(
      answer.error === "access_denied" ? "Strava reports that access was denied (error=access_denied): nothing was saved." : `Strava's answer reports an error (${answer.error}): nothing was saved.`,
      "Run `strava-lakehouse auth` again and click Authorize."
    );
  }
  const granted = answer.scope.join(",") || "(none)";
  if (!answer.scope.includes("activity:read_all")) {
    if (!answer.scope.includes("activity:read")) {
      throw new StravaAuthError(
        `Strava granted the scope "${granted}", which cannot list activities (neither activity:read_all nor activity:read): nothing was saved.`,
        `Run \`strava-lakehouse auth\` again and ${TICK_PRIVATE}.`
      );
    }
    io.progress.warn(
      `Strava granted the scope "${granted}", without activity:read_all: private (Only You) activities will be missed. To include them, run \`strava-lakehouse auth\` again and ${TICK_PRIVATE}.`
    );
  }
  const { refreshToken, athlete } = await exchangeCode({
    oauthUrl: opts.oauthUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    code: answer.code
  });
  try {
    await writeRefreshToken(opts.tokenFile, refreshToken);
  } catch (err) {
    throw new StravaAuthError(
      `Authorized, but the refresh token could not be saved to ${opts.tokenFile}: ${err.message}.`,
      "Set STRAVA_TOKEN_FILE to a writable path and run `strava-lakehouse auth` again."
    );
  }
  io.out.write(
    `Authorized as ${athlete.name || "the athlete"} (Strava athlete ${athlete.id}), scope ${granted}.
The refresh token is saved in ${opts.tokenFile} (readable by you only); \`strava-lakehouse run\` uses it.
`
  );
  if (opts.github) {
    const { owner, repo } = opts.github.repo;
    try {
      const octokit = await createGitHub(opts.github.token, opts.github.apiUrl);
      await setRepoSecrets(octokit, owner, repo, {
        [REPO_SECRETS.clientId]: opts.clientId,
        [REPO_SECRETS.clientSecret]: opts.clientSecret,
        [REPO_SECRETS.refreshToken]: refreshToken
      });
    } catch (err) {
      throw new GitHubError(
        `The secrets of ${owner}/${repo} were not set (the refresh token is saved in ${opts.tokenFile}): ${err.message}`,
        err instanceof AppError ? err.hint : void 0,
        { cause: err }
      );
    }
    io.out.write(
      `Set the secrets ${Object.values(REPO_SECRETS).join(", ")} of ${owner}/${repo}.
`
    );
  }
  return 0;
}
async function runRevoke(opts, env, io) {
  const saved = await readRefreshToken(opts.tokenFile);
  const token = saved ?? env.STRAVA_REFRESH_TOKEN?.trim();
  if (!token) {
    throw new ConfigError(
      `There is no token to revoke: ${opts.tokenFile} holds none and STRAVA_REFRESH_TOKEN is not set.`,
      "Set STRAVA_TOKEN_FILE to the token file to revoke."
    );
  }
  await revokeToken({ ...opts, token, ...io.fetch ? { fetch: io.fetch } : {} });
  if (saved) await import_promises.default.rm(opts.tokenFile, { force: true });
  io.out.write(
    saved ? `Revoked the saved Strava token and deleted ${opts.tokenFile}.
` : "Revoked the Strava token of STRAVA_REFRESH_TOKEN (no token file was saved).\n"
  );
  return 0;
}
async function listen(port, state, progress) {
  try {
    return await startCallbackServer({
      port,
      state,
      onRefused: (reason) => progress.warn(
        `Ignored an answer on the callback: ${reason} (an old browser tab, or someone else's link). Still waiting.`
      )
    });
  } catch (err) {
    if (err.code === "EADDRINUSE") {
      throw new ConfigError(
        `--port ${port} is taken on 127.0.0.1.`,
        "Give another --port, or leave it out for a free one."
      );
    }
    throw err;
  }
}

// src/cli/browser.ts
var import_node_child_process = __toESM(require_browser(), 1);
function browserOpener(url, platform, env, interactive) {
  if (!interactive || env.CI) return void 0;
  if (platform === "darwin") return { command: "open", args: [url] };
  if (platform === "win32")
    return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: "xdg-open", args: [url] };
  return void 0;
}
function openBrowser(opener) {
  const child = (0, import_node_child_process.spawn)(opener.command, opener.args, { stdio: "ignore", detached: true });
  child.on("error", () => {
  });
  child.unref();
}

// src/cli/help.ts
var WIDTH = 100;
var COLUMN = 38;
var USAGE_COLUMN = 18;
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
function entry(term, description, column = COLUMN) {
  const body = wrap(description, WIDTH - column);
  const pad = " ".repeat(column);
  const first = `  ${term}`;
  const head = first.length < column - 1 ? [`${first.padEnd(column)}${body[0]}`] : [first, `${pad}${body[0]}`];
  return [...head, ...body.slice(1).map((l) => `${pad}${l}`)].join("\n");
}
function flagTerm(o) {
  const name = `${o.short ? `-${o.short}, ` : ""}--${o.flag}`;
  return o.value ? `${name} ${o.value}` : name;
}
function describe(o) {
  const notes = [
    ...o.flag && o.env ? [`or ${o.env}`] : [],
    ...o.default ? [`default: ${o.default}`] : []
  ];
  return notes.length ? `${o.help.replace(/\.$/, "")} (${notes.join("; ")}).` : o.help;
}
function renderUsage() {
  const lines = [
    `strava-lakehouse ${VERSION}: Strava activities -> landing CSV -> bronze/silver/gold Delta tables`,
    "",
    "Usage: strava-lakehouse COMMAND [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => entry(c, COMMAND_INFO[c].summary, USAGE_COLUMN)),
    entry(
      "help [COMMAND]",
      "This text, or the options of COMMAND (also: COMMAND --help).",
      USAGE_COLUMN
    ),
    "",
    "Options:",
    entry("-h, --help", "This text.", USAGE_COLUMN),
    entry("--version", "Print the version, and exit.", USAGE_COLUMN),
    "",
    "Run `strava-lakehouse help COMMAND` for the options and environment variables of a command."
  ];
  return `${lines.join("\n")}
`;
}
function renderHelp(command) {
  const options = optionsOf(command);
  const flags = options.filter((o) => o.flag);
  const env = options.filter((o) => !o.flag);
  const lines = [
    `Usage: strava-lakehouse ${COMMAND_INFO[command].usage}`,
    "",
    ...wrap(COMMAND_INFO[command].summary, WIDTH),
    "",
    "Options:",
    ...flags.map((o) => entry(flagTerm(o), describe(o)))
  ];
  if (env.length) {
    lines.push("", "Environment:", ...env.map((o) => entry(o.env, describe(o))));
  }
  if (options.some((o) => o.input === "awsRegion")) {
    lines.push(
      "",
      ...wrap(
        "An s3:// warehouse takes its credentials from the AWS SDK: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role.",
        WIDTH
      )
    );
  }
  return `${lines.join("\n")}
`;
}

// src/cli/init.ts
var import_promises2 = __toESM(require_promises2(), 1);
var import_node_path = __toESM(require_init(), 1);
var ACTION_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+$/;
var ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
var AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
var MINUTES = Array.from({ length: 59 }, (_, i) => i + 1).filter((m) => m % 15 !== 0);
function pickMinute(repository) {
  let hash = 2166136261;
  for (const byte of new TextEncoder().encode(repository)) {
    hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  }
  return MINUTES[hash % MINUTES.length];
}
function initOptions(flags, env) {
  if (!flags.warehouse) {
    throw new ConfigError(
      "init needs --warehouse.",
      "Give s3://bucket/prefix: a folder on a GitHub runner is gone when the job ends."
    );
  }
  const warehouse = parseWarehouse(flags.warehouse, "--warehouse");
  const engine = parseEngine(flags.engine, "--engine");
  const s3 = warehouse.startsWith("s3://");
  if (engine === "databricks" && !s3) {
    throw new ConfigError(
      `--warehouse "${warehouse}" is a local folder, which a Databricks SQL warehouse cannot read.`,
      "With --engine databricks, give the warehouse as s3://bucket/prefix."
    );
  }
  const action = flags.action?.trim() || DEFAULT_ACTION;
  const actionPlaceholder = !flags.action?.trim() && DEFAULT_ACTION_IS_PLACEHOLDER;
  if (!ACTION_REF.test(action)) {
    throw new ConfigError(
      `--action "${action}" is not an action reference.`,
      `Give owner/repo@ref, e.g. ${DEFAULT_ACTION}.`
    );
  }
  const settings = { action, warehouse, engine };
  if (actionPlaceholder) settings.actionPlaceholder = true;
  if (flags.pages) settings.pages = true;
  if (s3) settings.aws = awsSettings(flags, env);
  else {
    for (const flag of ["role-arn", "aws-region"]) {
      if (flags[flag] !== void 0) {
        throw new ConfigError(
          `--${flag} applies to an s3:// warehouse only.`,
          "Leave it out, or give --warehouse s3://bucket/prefix."
        );
      }
    }
  }
  return { dir: flags.dir ?? ".", force: flags.force ?? false, settings };
}
function awsSettings(flags, env) {
  const region = flags["aws-region"] ?? env.AWS_REGION;
  const regionLabel = flags["aws-region"] !== void 0 ? "--aws-region" : "AWS_REGION";
  if (!region) {
    throw new ConfigError(
      "An s3:// warehouse needs its region: --aws-region (or AWS_REGION) is not set.",
      "Give the bucket's region, e.g. --aws-region eu-west-1."
    );
  }
  if (!AWS_REGION.test(region)) {
    throw new ConfigError(
      `${regionLabel} "${region}" is not an AWS region.`,
      "Give one like eu-west-1."
    );
  }
  const roleArn = flags["role-arn"];
  if (roleArn !== void 0 && !ROLE_ARN.test(roleArn)) {
    throw new ConfigError(
      `--role-arn "${roleArn}" is not an IAM role ARN.`,
      "Give one like arn:aws:iam::111122223333:role/strava-lakehouse."
    );
  }
  return { roleArn: roleArn ?? ROLE_ARN_PLACEHOLDER, region, placeholder: roleArn === void 0 };
}
async function runInit(opts, io) {
  try {
    await import_promises2.default.mkdir(opts.dir, { recursive: true });
  } catch (err) {
    const code = err.code;
    throw new ConfigError(
      code === "EEXIST" || code === "ENOTDIR" ? `--dir "${opts.dir}" is not a folder.` : `--dir "${opts.dir}" cannot be created: ${err.message}.`,
      "Give the folder of the repository to set up (default: the current one)."
    );
  }
  const file = import_node_path.default.join(opts.dir, WORKFLOW_PATH);
  const minute = pickMinute(import_node_path.default.basename(import_node_path.default.resolve(opts.dir)));
  const text = renderWorkflow({ ...opts.settings, minute });
  await import_promises2.default.mkdir(import_node_path.default.dirname(file), { recursive: true });
  try {
    await import_promises2.default.writeFile(file, text, { flag: opts.force ? "w" : "wx" });
  } catch (err) {
    if (err.code === "EEXIST") {
      throw new ConfigError(`${file} already exists.`, "Add --force to replace it.");
    }
    throw err;
  }
  const { aws, warehouse, action, actionPlaceholder } = opts.settings;
  if (!aws) {
    io.progress.warn(
      `The warehouse ${warehouse} is a folder on the runner, gone when the job ends: only the run records (artifacts) remain. Use --warehouse s3://bucket/prefix to keep the tables.`
    );
  }
  if (actionPlaceholder) {
    io.progress.warn(
      `This copy of strava-lakehouse does not name the repository it came from: "${action}" in ${WORKFLOW_PATH} is a placeholder.`
    );
  }
  const steps = [
    `${selfCommand()} auth --github-repo OWNER/NAME   # sets the Strava secrets`,
    ...actionPlaceholder ? [
      `replace OWNER in "uses: ${action}" with the owner of the strava-lakehouse repository, or run init again with --action OWNER/REPO@vN --force`
    ] : [],
    ...aws?.placeholder ? [
      `replace the placeholder role ARN (role-to-assume) in ${WORKFLOW_PATH}, or run init again with --role-arn --force`
    ] : [],
    ...opts.settings.pages ? ["Settings > Pages > Build and deployment > Source: GitHub Actions, for the report"] : [],
    `git add ${WORKFLOW_PATH} && git commit -m "Strava lakehouse" && git push`,
    "Actions tab > Strava lakehouse > Run workflow, to run a month now"
  ];
  io.out.write(`Wrote ${file}.
Next:
${steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}
`);
  return 0;
}

// src/cli/inspect.ts
async function runInspect(raw, json) {
  const warehouse = parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse);
  const store = await openStore(warehouse, {
    region: raw.awsRegion,
    endpoint: raw.s3Endpoint,
    names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint }
  });
  const info = await inspectWarehouse(store);
  if (!info.tables.some((t) => t.exists) && info.runs === 0) {
    throw new ConfigError(
      `There is no lakehouse at ${store.root}: no table and no run record.`,
      `Check ${CLI_LABELS.warehouse} (default ${DEFAULT_WAREHOUSE}); \`strava-lakehouse run\` or \`demo\` creates one.`
    );
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ warehouse: store.root, ...info }, null, 2)}
`);
    return 0;
  }
  const lines = [
    `warehouse ${store.root}`,
    "table                  version  files  partitions     rows"
  ];
  for (const t of info.tables) {
    lines.push(
      t.exists ? `${t.table.padEnd(21)}  ${String(t.version).padStart(7)}  ${String(t.files).padStart(5)}  ${String(t.partitions).padStart(10)}  ${String(t.rows).padStart(7)}` : `${t.table.padEnd(21)}  (not created yet)`
    );
  }
  lines.push(`run records: ${info.runs}`);
  process.stdout.write(`${lines.join("\n")}
`);
  return 0;
}

// src/cli/migrate.ts
function parseTarget(to) {
  if (to === void 0) {
    throw new ConfigError(
      "migrate needs --to.",
      "For example: strava-lakehouse migrate --to databricks --warehouse s3://bucket/prefix."
    );
  }
  if (!ENGINE_NAMES.includes(to)) {
    throw new ConfigError(
      `--to "${to}" is not an engine.`,
      `Use --to ${ENGINE_NAMES.join(" or --to ")}.`
    );
  }
  return to;
}
async function runMigrate(raw, to, opts) {
  const target = parseTarget(to);
  const warehouse = parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse);
  const store = await openStore(warehouse, {
    region: raw.awsRegion,
    endpoint: raw.s3Endpoint,
    names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint }
  });
  const tables = await migrateWarehouse(store, target);
  if (tables.every((t) => t.outcome === "absent")) {
    throw new ConfigError(
      `There is no lakehouse at ${store.root}: no table to hand over.`,
      `Check ${CLI_LABELS.warehouse} (default ${DEFAULT_WAREHOUSE}).`
    );
  }
  if (opts.json) {
    opts.out.write(`${JSON.stringify({ warehouse: store.root, to: target, tables }, null, 2)}
`);
    return 0;
  }
  const said = {
    changed: `now ${ENGINE_PROPERTY} = ${target}`,
    already: `already ${target}`,
    absent: "not created yet",
    kept: "left alone"
  };
  const lines = [`warehouse ${store.root}: tables handed to the ${target} engine`];
  for (const t of tables) {
    const version = t.version === null ? "" : ` (version ${t.version})`;
    const requires = t.requires ? `: requires ${t.requires}` : "";
    lines.push(`${t.table.padEnd(25)} ${said[t.outcome]}${version}${requires}`);
  }
  lines.push(
    target === "databricks" ? "Run with --engine databricks from now on; the embedded engine refuses these tables." : "Run with the embedded engine (the default) from now on."
  );
  opts.out.write(`${lines.join("\n")}
`);
  return 0;
}

// src/cli/report.ts
function reportFlags(flags, raw, now = /* @__PURE__ */ new Date()) {
  const out = flags.out?.trim();
  if (!out) {
    throw new ConfigError(
      "report needs --out.",
      "Give the folder to write it into, e.g. --out ./report."
    );
  }
  const monthsText = flags.months?.trim() ?? "12";
  if (!/^[1-9]\d{0,2}$/.test(monthsText) || Number(monthsText) > 120) {
    throw new ConfigError(
      `--months "${monthsText}" is not a number of months from 1 to 120.`,
      "Give how many months the trends span, e.g. --months 12."
    );
  }
  const units = flags.units?.trim();
  if (units !== void 0 && units !== "metric" && units !== "imperial") {
    throw new ConfigError(
      `--units "${units}" is not metric or imperial.`,
      "Give --units metric or --units imperial."
    );
  }
  return {
    warehouse: parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse),
    out,
    month: flags.month === void 0 ? void 0 : parseMonth(flags.month, "--month", now),
    months: Number(monthsText),
    units,
    privacyRadiusM: parsePrivacyRadius(raw.privacyRadius, CLI_LABELS.privacyRadius),
    includePrivate: flags["include-private"] ?? false,
    s3: {
      region: raw.awsRegion,
      endpoint: raw.s3Endpoint,
      names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint }
    }
  };
}
async function runReport(f, io) {
  const { buildReport } = await import("./chunks/html-07CD61F9.js");
  const result = await buildReport({
    warehouse: f.warehouse,
    s3: f.s3,
    out: f.out,
    month: f.month,
    months: f.months,
    units: f.units,
    privacyRadiusM: f.privacyRadiusM,
    includePrivate: f.includePrivate
  });
  io.progress.info(
    `report: ${result.month}, ${result.units} units, ${(result.bytes / 1024).toFixed(0)} KiB in ${(result.ms / 1e3).toFixed(1)} s`
  );
  io.out.write(`${result.file}
`);
  return 0;
}

// src/cli/main.ts
var OPTIONS = Object.fromEntries(
  CLI_OPTIONS.filter((o) => "flag" in o).map((o) => [
    o.flag,
    { type: o.type, ..."short" in o ? { short: o.short } : {} }
  ])
);
function parseFlags(argv) {
  try {
    return (0, import_node_util.parseArgs)({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err.message.replace(/\s*\n\s*/g, " ").replace(/\.?$/, ".");
    throw new ConfigError(message, "Run `strava-lakehouse help` for the commands and their flags.");
  }
}
var isCommand = (name) => COMMANDS.includes(name);
function refuseFlags(flags, command) {
  const mine = new Set(optionsOf(command).map((o) => o.flag));
  for (const [name, value] of Object.entries(flags)) {
    if (value !== void 0 && !mine.has(name)) {
      throw new ConfigError(
        `--${name} does not apply to \`${command}\`.`,
        `Run \`strava-lakehouse help ${command}\` for its options.`
      );
    }
  }
}
function unknownCommand(name) {
  return new ConfigError(`Unknown command "${name}".`, `Use one of: ${COMMANDS.join(", ")}, help.`);
}
async function main(argv, env = process.env) {
  const progress = streamProgress(process.stderr);
  try {
    const { values: flags, positionals } = parseFlags(argv);
    if (flags.version) {
      process.stdout.write(`${VERSION}
`);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (command === "help" || flags.help && !command) {
      const [topic, ...more] = extra;
      if (more.length) {
        throw new ConfigError(`Unexpected argument "${more[0]}".`, "Run `strava-lakehouse help`.");
      }
      if (topic !== void 0 && !isCommand(topic)) throw unknownCommand(topic);
      process.stdout.write(topic ? renderHelp(topic) : renderUsage());
      return 0;
    }
    if (!command) {
      process.stderr.write(renderUsage());
      return 2;
    }
    if (!isCommand(command)) throw unknownCommand(command);
    if (flags.help) {
      process.stdout.write(renderHelp(command));
      return 0;
    }
    const wantsPath = command === "import-archive";
    if (extra.length > (wantsPath ? 1 : 0)) {
      throw new ConfigError(
        `Unexpected argument "${extra[wantsPath ? 1 : 0]}".`,
        `Run \`strava-lakehouse help ${command}\`.`
      );
    }
    refuseFlags(flags, command);
    switch (command) {
      case "run":
      case "backfill": {
        if (command === "backfill" && (!flags.from || !flags.to)) {
          throw new ConfigError(
            "backfill needs --from and --to.",
            "For example: backfill --from 2024-01 --to 2024-06."
          );
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
      case "import-archive": {
        const raw = rawInputs(flags, env);
        const { importArchive } = await import("./chunks/import-D2F7CAD9.js");
        const result = await importArchive(
          {
            archive: extra[0] ?? "",
            warehouse: raw.warehouse ?? DEFAULT_WAREHOUSE,
            s3: { region: raw.awsRegion, endpoint: raw.s3Endpoint },
            timezone: flags.timezone,
            skipBadFiles: flags["skip-bad-files"] ?? false,
            noCoordinates: flags["no-coordinates"] ?? false
          },
          { progress }
        );
        printRecords(result.records, flags.json ?? false, process.stdout);
        return 0;
      }
      case "demo": {
        const raw = rawInputs(flags, env);
        return await (await import("./chunks/demo-49EED4BE.js")).runDemo({
          warehouse: flags.warehouse,
          force: flags.force ?? false,
          s3: { region: raw.awsRegion, endpoint: raw.s3Endpoint },
          json: flags.json ?? false,
          progress
        });
      }
      case "inspect":
        return await runInspect(rawInputs(flags, env), flags.json ?? false);
      case "migrate":
        return await runMigrate(rawInputs(flags, env), flags.to, {
          json: flags.json ?? false,
          out: process.stdout
        });
      case "report":
        return await runReport(reportFlags(flags, rawInputs(flags, env)), {
          out: process.stdout,
          progress
        });
      case "auth": {
        if (flags.revoke) {
          const signIn = ["port", "timeout", "no-browser", "github-repo"].find(
            (name) => flags[name] !== void 0
          );
          if (signIn) {
            throw new ConfigError(
              `--${signIn} does not apply to \`auth --revoke\`.`,
              "Revoking needs only the client id and secret and the saved token."
            );
          }
          return await runRevoke(authOptions(flags, env), env, { out: process.stdout });
        }
        const interactive = Boolean(process.stderr.isTTY);
        return await runAuth(authOptions(flags, env), {
          out: process.stdout,
          progress,
          openUrl: flags["no-browser"] ? void 0 : (url) => {
            const opener = browserOpener(url, process.platform, env, interactive);
            if (opener) openBrowser(opener);
          }
        });
      }
      case "init":
        return await runInit(initOptions(flags, env), { out: process.stdout, progress });
    }
  } catch (err) {
    process.stderr.write(`error: ${errorLine(err)}
`);
    return 1;
  }
}

// src/cli.ts
process.exitCode = await main(process.argv.slice(2));
