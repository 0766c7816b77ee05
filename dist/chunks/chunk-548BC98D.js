import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ConfigError,
  GitHubError
} from "./chunk-06F01416.js";

// src/runs/github.ts
var GITHUB_API_URL = "https://api.github.com";
async function createGitHub(token, baseUrl = process.env.GITHUB_API_URL || GITHUB_API_URL) {
  const { Octokit } = await import("./dist-src-8CA67610.js");
  const log = { debug: () => {
  }, info: () => {
  }, warn: console.warn, error: () => {
  } };
  return new Octokit({ auth: token, baseUrl, userAgent: "strava-lakehouse", log });
}
function parseRepository(value, label = "GITHUB_REPOSITORY") {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value?.trim() ?? "");
  if (!m) {
    throw new ConfigError(
      `${label} "${value ?? ""}" is not a repository in owner/name form.`,
      "Run inside a GitHub Actions workflow, or set it to owner/name."
    );
  }
  return { owner: m[1], repo: m[2] };
}
var DEFAULT_HINTS = {
  401: "The GitHub token is invalid or has expired.",
  403: "The GitHub token lacks the permission for this call.",
  404: "The repository or object does not exist, or the GitHub token may not see it."
};
function statusOf(err) {
  const e = err;
  return e?.response && typeof e.status === "number" ? e.status : void 0;
}
function reasonOf(err) {
  const e = err;
  if (typeof e?.response?.data?.message === "string") return e.response.data.message;
  const code = e?.cause?.cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === "string" ? `${message} (${code})` : message;
}
async function callGitHub(call, fn, hints = {}) {
  try {
    return await fn();
  } catch (err) {
    const status = statusOf(err);
    const reason = reasonOf(err).replace(/\s+/g, " ").replace(/\.$/, "");
    const hint = status === void 0 ? "Check the network and GITHUB_API_URL." : hints[status] ?? DEFAULT_HINTS[status] ?? (status >= 500 ? "Re-run later." : void 0);
    throw new GitHubError(
      `GitHub ${call} failed: ${status === void 0 ? "" : `${status} `}${reason}.`,
      hint,
      { cause: err }
    );
  }
}

// src/runs/secrets.ts
var SECRETS_PERMISSION_HINT = "The token cannot write repository secrets (the workflow GITHUB_TOKEN never can): use a fine-grained personal access token with the Secrets permission (read and write), or a GitHub App token.";
function checkSecretName(name, label) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
    throw new ConfigError(
      `${label} "${name}" is not a valid secret name.`,
      "Use letters, digits and underscores, not starting with a digit or GITHUB_."
    );
  }
  return name;
}
async function sealSecret(value, publicKey) {
  const { default: sodium } = await import("./libsodium-wrappers-6BF42A95.js");
  await sodium.ready;
  const variant = sodium.base64_variants.ORIGINAL;
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(publicKey, variant)
  );
  return sodium.to_base64(sealed, variant);
}
async function setRepoSecrets(octokit, owner, repo, secrets) {
  const hints = { 403: SECRETS_PERMISSION_HINT, 404: SECRETS_PERMISSION_HINT };
  const base = `/repos/${owner}/${repo}/actions/secrets`;
  const { data: key } = await callGitHub(
    `GET ${base}/public-key`,
    () => octokit.rest.actions.getRepoPublicKey({ owner, repo }),
    hints
  );
  for (const [name, value] of Object.entries(secrets)) {
    const encrypted_value = await sealSecret(value, key.key);
    await callGitHub(
      `PUT ${base}/${name}`,
      () => octokit.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: name,
        encrypted_value,
        key_id: key.key_id
      }),
      hints
    );
  }
}

export {
  GITHUB_API_URL,
  createGitHub,
  parseRepository,
  callGitHub,
  checkSecretName,
  setRepoSecrets
};
