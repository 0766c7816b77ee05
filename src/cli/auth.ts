/**
 * `strava-lakehouse auth`: from a Strava API application to a saved refresh token in one
 * command. It prints (and, where a browser is at hand, opens) Strava's authorize URL, takes the
 * answer on a one-shot callback server on 127.0.0.1 (src/strava/authorize.ts), saves the refresh
 * token to the token file (0600) and, with --github-repo, sets the repository secrets the
 * workflow reads, sealed the way the action writes a rotated token back. The athlete is named on
 * stdout; no token or secret is ever printed.
 */
import fs from 'node:fs/promises';
import { buildConfig, checkTokenFile, defaultTokenFile } from '../config.js';
import { AppError, ConfigError, GitHubError, StravaAuthError } from '../errors.js';
import type { Progress } from '../progress.js';
import { createGitHub, GITHUB_API_URL, parseRepository, type Repo } from '../runs/github.js';
import { setRepoSecrets } from '../runs/secrets.js';
import {
  authorizeUrl,
  exchangeCode,
  newState,
  revokeToken,
  startCallbackServer,
  type CallbackServer,
} from '../strava/authorize.js';
import { readRefreshToken, writeRefreshToken } from '../strava/token-store.js';
import { CLI_LABELS, DEFAULT_TIMEOUT_S, rawInputs } from './inputs.js';
import { REPO_SECRETS } from './workflow-template.js';

export interface AuthFlags {
  'client-id'?: string;
  'client-secret'?: string;
  port?: string;
  timeout?: string;
  'github-repo'?: string;
  'github-token'?: string;
  revoke?: boolean;
}

export interface AuthOptions {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  tokenFile: string;
  /** 0: a free port. */
  port: number;
  timeoutMs: number;
  github?: { repo: Repo; token: string; apiUrl: string };
}

const STRAVA_API_SETTINGS = 'https://www.strava.com/settings/api';
const CALLBACK_DOMAIN_HINT = `set the Authorization Callback Domain of your API application at ${STRAVA_API_SETTINGS} to localhost`;
const TICK_PRIVATE = 'leave "View data about your private activities" ticked';

export function authOptions(flags: AuthFlags, env: NodeJS.ProcessEnv): AuthOptions {
  const clientId = (flags['client-id'] ?? env.STRAVA_CLIENT_ID)?.trim();
  const clientSecret = (flags['client-secret'] ?? env.STRAVA_CLIENT_SECRET)?.trim();
  if (!clientId || !clientSecret) {
    const missing = clientId
      ? '--client-secret (or STRAVA_CLIENT_SECRET)'
      : '--client-id (or STRAVA_CLIENT_ID)';
    throw new ConfigError(
      `${missing} is not set.`,
      `Copy the Client ID and Client Secret of your API application from ${STRAVA_API_SETTINGS} (create one there, with Authorization Callback Domain localhost).`,
    );
  }
  const { strava } = buildConfig(rawInputs({}, env), CLI_LABELS, {
    needStrava: false,
    tokenFileDefault: defaultTokenFile(env),
  });
  // Before the browser round trip: an authorization whose token cannot be saved is wasted.
  checkTokenFile(strava.tokenFile, CLI_LABELS.tokenFile);
  const options: AuthOptions = {
    oauthUrl: strava.oauthUrl,
    clientId,
    clientSecret,
    tokenFile: strava.tokenFile,
    port: flags.port === undefined ? 0 : parsePort(flags.port),
    timeoutMs:
      (flags.timeout === undefined ? DEFAULT_TIMEOUT_S : parseTimeout(flags.timeout)) * 1000,
  };
  const token = flags['github-token'] ?? env.GITHUB_TOKEN;
  if (flags['github-repo'] !== undefined) {
    const repo = parseRepository(flags['github-repo'], '--github-repo');
    if (!token) {
      throw new ConfigError(
        `--github-repo needs a GitHub token that may write the secrets of ${repo.owner}/${repo.repo}: GITHUB_TOKEN (or --github-token) is not set.`,
        'Use a fine-grained personal access token with the Secrets permission (read and write) on that repository, or `GITHUB_TOKEN=$(gh auth token)`.',
      );
    }
    options.github = { repo, token, apiUrl: env.GITHUB_API_URL || GITHUB_API_URL };
  } else if (flags['github-token'] !== undefined) {
    throw new ConfigError(
      '--github-token needs --github-repo.',
      'Name the repository whose secrets to set.',
    );
  }
  return options;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError(
      `--port "${value}" is not a port.`,
      'Give 1-65535, or leave it out for a free one.',
    );
  }
  return port;
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!value.trim() || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(
      `--timeout "${value}" is not a number of seconds.`,
      `Give one above 0 (default ${DEFAULT_TIMEOUT_S}).`,
    );
  }
  return seconds;
}

export async function runAuth(
  opts: AuthOptions,
  io: {
    out: NodeJS.WritableStream;
    progress: Progress;
    /** Opens the URL in a browser if one is at hand; absent with --no-browser. */
    openUrl?: (url: string) => void;
  },
): Promise<number> {
  const state = newState();
  const server = await listen(opts.port, state, io.progress);
  const url = authorizeUrl(opts.oauthUrl, opts.clientId, server.redirectUri, state);
  io.progress.info(
    `Open this URL in a browser, sign in to Strava and click Authorize (${TICK_PRIVATE}):\n\n  ${url}\n\nIf Strava answers "redirect_uri invalid", ${CALLBACK_DOMAIN_HINT}.`,
  );
  io.openUrl?.(url);
  io.progress.info(
    `Waiting for Strava at ${server.redirectUri} (up to ${opts.timeoutMs / 1000} s)...`,
  );
  const answer = await server.answer(opts.timeoutMs);

  if (answer.kind === 'timeout') {
    throw new StravaAuthError(
      `No answer from Strava reached ${server.redirectUri} within ${opts.timeoutMs / 1000} s.`,
      `Open the URL above and click Authorize. If the browser never comes back here or Strava says "redirect_uri invalid", ${CALLBACK_DOMAIN_HINT}; --timeout gives more time.`,
    );
  }
  if (answer.kind === 'error') {
    throw new StravaAuthError(
      answer.error === 'access_denied'
        ? 'Strava reports that access was denied (error=access_denied): nothing was saved.'
        : `Strava's answer reports an error (${answer.error}): nothing was saved.`,
      'Run `strava-lakehouse auth` again and click Authorize.',
    );
  }
  const granted = answer.scope.join(',') || '(none)';
  if (!answer.scope.includes('activity:read_all')) {
    if (!answer.scope.includes('activity:read')) {
      throw new StravaAuthError(
        `Strava granted the scope "${granted}", which cannot list activities (neither activity:read_all nor activity:read): nothing was saved.`,
        `Run \`strava-lakehouse auth\` again and ${TICK_PRIVATE}.`,
      );
    }
    io.progress.warn(
      `Strava granted the scope "${granted}", without activity:read_all: private (Only You) activities will be missed. To include them, run \`strava-lakehouse auth\` again and ${TICK_PRIVATE}.`,
    );
  }

  const { refreshToken, athlete } = await exchangeCode({
    oauthUrl: opts.oauthUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    code: answer.code,
  });
  try {
    await writeRefreshToken(opts.tokenFile, refreshToken);
  } catch (err) {
    throw new StravaAuthError(
      `Authorized, but the refresh token could not be saved to ${opts.tokenFile}: ${(err as Error).message}.`,
      'Set STRAVA_TOKEN_FILE to a writable path and run `strava-lakehouse auth` again.',
    );
  }
  io.out.write(
    `Authorized as ${athlete.name || 'the athlete'} (Strava athlete ${athlete.id}), scope ${granted}.\n` +
      `The refresh token is saved in ${opts.tokenFile} (readable by you only); \`strava-lakehouse run\` uses it.\n`,
  );

  if (opts.github) {
    const { owner, repo } = opts.github.repo;
    try {
      const octokit = await createGitHub(opts.github.token, opts.github.apiUrl);
      await setRepoSecrets(octokit, owner, repo, {
        [REPO_SECRETS.clientId]: opts.clientId,
        [REPO_SECRETS.clientSecret]: opts.clientSecret,
        [REPO_SECRETS.refreshToken]: refreshToken,
      });
    } catch (err) {
      throw new GitHubError(
        `The secrets of ${owner}/${repo} were not set (the refresh token is saved in ${opts.tokenFile}): ${(err as Error).message}`,
        err instanceof AppError ? err.hint : undefined,
        { cause: err },
      );
    }
    io.out.write(
      `Set the secrets ${Object.values(REPO_SECRETS).join(', ')} of ${owner}/${repo}.\n`,
    );
  }
  return 0;
}

/**
 * `auth --revoke`: the saved refresh token (or, with none saved, STRAVA_REFRESH_TOKEN) is revoked
 * at Strava, then the token file is deleted. A failed revocation keeps the file.
 */
export async function runRevoke(
  opts: AuthOptions,
  env: NodeJS.ProcessEnv,
  io: { out: NodeJS.WritableStream; fetch?: typeof fetch },
): Promise<number> {
  const saved = await readRefreshToken(opts.tokenFile);
  const token = saved ?? env.STRAVA_REFRESH_TOKEN?.trim();
  if (!token) {
    throw new ConfigError(
      `There is no token to revoke: ${opts.tokenFile} holds none and STRAVA_REFRESH_TOKEN is not set.`,
      'Set STRAVA_TOKEN_FILE to the token file to revoke.',
    );
  }
  await revokeToken({ ...opts, token, ...(io.fetch ? { fetch: io.fetch } : {}) });
  if (saved) await fs.rm(opts.tokenFile, { force: true });
  io.out.write(
    saved
      ? `Revoked the saved Strava token and deleted ${opts.tokenFile}.\n`
      : 'Revoked the Strava token of STRAVA_REFRESH_TOKEN (no token file was saved).\n',
  );
  return 0;
}

async function listen(port: number, state: string, progress: Progress): Promise<CallbackServer> {
  try {
    return await startCallbackServer({
      port,
      state,
      onRefused: (reason) =>
        progress.warn(
          `Ignored an answer on the callback: ${reason} (an old browser tab, or someone else's link). Still waiting.`,
        ),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(
        `--port ${port} is taken on 127.0.0.1.`,
        'Give another --port, or leave it out for a free one.',
      );
    }
    throw err;
  }
}
