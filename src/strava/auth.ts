/**
 * Strava OAuth: trades the refresh token for a short-lived access token
 * (`POST {oauthUrl}/oauth/token`, grant_type=refresh_token). Strava may answer with a new refresh
 * token and the old one is dead at once, so the new one is saved to the token file before
 * anything else happens, and the saved token wins over the configured one on the next run.
 */
import type { StravaConfig } from '../config.js';
import { StravaApiError, StravaAuthError } from '../errors.js';
import { silentProgress, type Progress } from '../progress.js';
import { isRefreshTokenRejected, tokenFailure } from './error-bodies.js';
import { fetchWithinOrigin } from './redirects.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  sendWithRetry,
  type RetryOptions,
  type StravaResponse,
} from './retry.js';
import { prepareTokenDir, readRefreshToken, writeRefreshToken } from './token-store.js';

export interface AccessToken {
  accessToken: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** Only when Strava reports it (the code exchange does; a refresh usually does not). */
  scope?: string;
  athleteId?: number;
}

export interface StravaAuthOptions {
  config: StravaConfig;
  fetch?: typeof fetch;
  progress?: Progress;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
  timeoutMs?: number;
}

export const TOKEN_CALL = 'POST /oauth/token';
/** Refresh a little before Strava's expiry so a token does not die mid-request. */
const EXPIRY_MARGIN_S = 60;

export class StravaAuth {
  private token: AccessToken | undefined;
  private refreshing: Promise<AccessToken> | undefined;
  /** The refresh token to use next; undefined until the token file has been read. */
  private refreshToken: string | undefined;
  private tokenRequests = 0;
  private scopeWarned = false;
  private readonly fetchFn: typeof fetch;
  private readonly progress: Progress;
  private readonly now: () => Date;

  constructor(private readonly opts: StravaAuthOptions) {
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.progress = opts.progress ?? silentProgress;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Runs before every token request is sent (each try): the client's request cap throws here,
   * so a refresh is never sent past `--max-requests`.
   */
  beforeSend: (() => void) | undefined;

  /** Token requests sent, retries included. */
  get requests(): number {
    return this.tokenRequests;
  }

  /** The newest refresh token when it differs from the configured one, for writing back. */
  get rotatedRefreshToken(): string | undefined {
    const current = this.refreshToken;
    return current && current !== this.opts.config.refreshToken ? current : undefined;
  }

  /** Refreshes (rotating + persisting the refresh token) on first use and when expired or rejected. */
  async getAccessToken(forceRefresh = false): Promise<string> {
    const nowS = this.now().getTime() / 1000;
    if (!forceRefresh && this.token && this.token.expiresAt - EXPIRY_MARGIN_S > nowS) {
      return this.token.accessToken;
    }
    // One refresh at a time: a second caller waits for the same new token.
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return (await this.refreshing).accessToken;
  }

  private async refresh(): Promise<AccessToken> {
    const { config } = this.opts;
    if (this.refreshToken === undefined) {
      this.refreshToken = (await readRefreshToken(config.tokenFile)) ?? config.refreshToken;
      if (this.refreshToken) this.progress.mask?.(this.refreshToken);
    }
    if (!this.refreshToken) {
      throw new StravaAuthError(
        `No Strava refresh token: STRAVA_REFRESH_TOKEN is empty and ${config.tokenFile} holds none.`,
        'Run `strava-lakehouse auth` to authorize, or set STRAVA_REFRESH_TOKEN.',
      );
    }
    try {
      await prepareTokenDir(config.tokenFile);
    } catch (err) {
      throw new StravaAuthError(
        `Cannot create the folder for the Strava token file ${config.tokenFile}: ${(err as Error).message}.`,
        'Set STRAVA_TOKEN_FILE to a writable path; a rotated refresh token must be saved there.',
      );
    }
    const sent = [this.refreshToken];
    let res = await this.exchange(this.refreshToken);
    if (
      res.status === 400 &&
      isRefreshTokenRejected(res.body) &&
      config.refreshToken &&
      config.refreshToken !== this.refreshToken
    ) {
      // The saved token is dead but the configured one is different: the user re-authorized.
      this.refreshToken = config.refreshToken;
      sent.push(this.refreshToken);
      res = await this.exchange(this.refreshToken);
    }
    if (res.status === 400 && isRefreshTokenRejected(res.body)) await this.lostRace(sent);
    const body = tokenBody(res);
    // Masked before anything else can log them.
    for (const token of [body.access_token, body.refresh_token]) {
      if (typeof token === 'string' && token) this.progress.mask?.(token);
    }
    const next = typeof body.refresh_token === 'string' ? body.refresh_token : this.refreshToken;
    this.refreshToken = next;
    try {
      await writeRefreshToken(config.tokenFile, next);
    } catch (err) {
      this.progress.warn(
        `Could not save the new Strava refresh token to ${config.tokenFile} (${(err as Error).message}). If Strava rotated it, the old one is dead: re-authorize before the next run unless this run writes the new one back.`,
      );
    }
    const scope = typeof body.scope === 'string' ? body.scope : undefined;
    if (
      scope !== undefined &&
      !scope.split(/[ ,]/).includes('activity:read_all') &&
      !this.scopeWarned
    ) {
      this.scopeWarned = true;
      this.progress.warn(
        `The Strava token's scope is "${scope}", without activity:read_all: private (Only You) activities will be missed. Re-authorize with \`strava-lakehouse auth\` to include them.`,
      );
    }
    const athleteId = (body.athlete as { id?: unknown } | undefined)?.id;
    this.token = {
      accessToken: body.access_token as string,
      expiresAt: body.expires_at as number,
      ...(scope !== undefined ? { scope } : {}),
      ...(typeof athleteId === 'number' ? { athleteId } : {}),
    };
    return this.token;
  }

  /**
   * Strava refused every token in `sent`: if the token file now holds another one, a run sharing
   * the file refreshed first and saved the successor, which a re-run picks up: no need to
   * re-authorize. It is not used here: the other run holds it, and using it would rotate it away.
   */
  private async lostRace(sent: readonly string[]): Promise<void> {
    const { tokenFile } = this.opts.config;
    const saved = await readRefreshToken(tokenFile).catch(() => undefined);
    if (saved && !sent.includes(saved)) {
      throw new StravaAuthError(
        `Strava rejected the refresh token at ${TOKEN_CALL}: another run refreshed the token at the same time and saved the new one to ${tokenFile}.`,
        'Re-run; no re-authorization is needed.',
      );
    }
  }

  private exchange(refreshToken: string): Promise<StravaResponse> {
    const { config } = this.opts;
    return postTokenForm(
      config.oauthUrl,
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      },
      {
        fetch: this.fetchFn,
        maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
        timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        sleep: this.opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
        onSend: () => {
          this.beforeSend?.();
          this.tokenRequests++;
        },
      },
    );
  }
}

/**
 * `POST {oauthUrl}/oauth/token` with a grant's fields, retried while the failure is transient:
 * the refresh here and the code exchange of `auth` (authorize.ts). `onSend` sees every try.
 * The form holds the client secret: a redirect off the origin is refused, never followed.
 */
export function postTokenForm(
  oauthUrl: string,
  fields: Record<string, string>,
  opts: OAuthFormOptions,
): Promise<StravaResponse> {
  return postOAuthForm(TOKEN_CALL, `${oauthUrl}/oauth/token`, fields, opts);
}

export type OAuthFormOptions = Pick<RetryOptions, 'maxRetries' | 'timeoutMs' | 'sleep'> & {
  fetch: typeof fetch;
  onSend?: () => void;
};

/** POSTs a form of credentials to an OAuth endpoint, within its origin, with retries. */
export function postOAuthForm(
  call: string,
  url: string,
  fields: Record<string, string>,
  opts: OAuthFormOptions,
): Promise<StravaResponse> {
  const form = new URLSearchParams(fields);
  return sendWithRetry(
    call,
    (signal) => {
      opts.onSend?.();
      return fetchWithinOrigin(opts.fetch, call, url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal,
      });
    },
    opts,
  );
}

function tokenBody(res: StravaResponse): Record<string, unknown> {
  if (res.status !== 200) {
    throw tokenFailure(TOKEN_CALL, res.status, res.body);
  }
  const body = res.body as Record<string, unknown> | null;
  if (!body || typeof body.access_token !== 'string' || typeof body.expires_at !== 'number') {
    throw new StravaApiError(
      `${TOKEN_CALL} answered 200 without an access_token and expires_at.`,
      'Check that STRAVA_OAUTH_URL (or STRAVA_API_URL) points at Strava (https://www.strava.com).',
      { status: res.status },
    );
  }
  return body;
}
