/**
 * The GitHub REST client, for the artifacts of earlier runs and the secret write-back. The
 * client is loaded on first use so that it costs nothing at start-up, and every call goes
 * through `callGitHub`, which turns a failed request into one GitHubError naming the call.
 */
import type { Octokit } from '@octokit/rest';
import { ConfigError, GitHubError } from '../errors.js';

export type GitHub = Octokit;

export interface Repo {
  owner: string;
  repo: string;
}

export const GITHUB_API_URL = 'https://api.github.com';

/** A client authenticated with `token`; `GITHUB_API_URL` (set by the runner) picks the server. */
export async function createGitHub(
  token: string,
  baseUrl: string = process.env.GITHUB_API_URL || GITHUB_API_URL,
): Promise<GitHub> {
  const { Octokit } = await import('@octokit/rest');
  // callGitHub reports failures itself, in one line; Octokit's own error log would repeat them.
  const log = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };
  return new Octokit({ auth: token, baseUrl, userAgent: 'strava-lakehouse', log });
}

/** `owner/repo`, as in `GITHUB_REPOSITORY`. */
export function parseRepository(value: string | undefined, label = 'GITHUB_REPOSITORY'): Repo {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value?.trim() ?? '');
  if (!m) {
    throw new ConfigError(
      `${label} "${value ?? ''}" is not a repository in owner/name form.`,
      'Run inside a GitHub Actions workflow, or set it to owner/name.',
    );
  }
  return { owner: m[1]!, repo: m[2]! };
}

/** What to do about a failed call, by HTTP status; the caller adds hints for its own call. */
const DEFAULT_HINTS: Record<number, string> = {
  401: 'The GitHub token is invalid or has expired.',
  403: 'The GitHub token lacks the permission for this call.',
  404: 'The repository or object does not exist, or the GitHub token may not see it.',
};

interface MaybeHttpError {
  status?: unknown;
  response?: { data?: { message?: unknown } };
  cause?: { message?: unknown; cause?: { code?: unknown } };
}

/** GitHub's HTTP status; undefined when no answer came (Octokit then says 500 with no response). */
function statusOf(err: unknown): number | undefined {
  const e = err as MaybeHttpError | null;
  return e?.response && typeof e.status === 'number' ? e.status : undefined;
}

/** GitHub's own words (the JSON body's `message`), else the error and its network cause. */
function reasonOf(err: unknown): string {
  const e = err as MaybeHttpError | null;
  if (typeof e?.response?.data?.message === 'string') return e.response.data.message;
  const code = e?.cause?.cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? `${message} (${code})` : message;
}

/**
 * Runs one REST call. A failure becomes a GitHubError whose message names `call` (e.g.
 * `GET /repos/o/r/actions/artifacts`) with GitHub's status and reason, and whose hint comes from
 * `hints` by status, then from the defaults.
 */
export async function callGitHub<T>(
  call: string,
  fn: () => Promise<T>,
  hints: Partial<Record<number, string>> = {},
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = statusOf(err);
    const reason = reasonOf(err).replace(/\s+/g, ' ').replace(/\.$/, '');
    const hint =
      status === undefined
        ? 'Check the network and GITHUB_API_URL.'
        : (hints[status] ?? DEFAULT_HINTS[status] ?? (status >= 500 ? 'Re-run later.' : undefined));
    throw new GitHubError(
      `GitHub ${call} failed: ${status === undefined ? '' : `${status} `}${reason}.`,
      hint,
      { cause: err },
    );
  }
}
