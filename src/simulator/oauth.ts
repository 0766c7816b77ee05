/**
 * The simulator's OAuth: strict refresh-token rotation (every refresh issues a new refresh token
 * and the old one is refused at once with Strava's 400 RefreshToken invalid), access tokens that
 * expire, and the scope granted at authorization. A refresh answers like the recorded one
 * (dblock/strava-ruby-client spec/fixtures/strava/oauth/token_refresh_token.yml):
 * token_type, access_token, expires_at, expires_in, refresh_token, and no scope unless asked.
 *
 * The authorization code flow as developers.strava.com/docs/authentication describes it: the
 * authorize page sends the browser back to `redirect_uri` with `state`, a `code` and the `scope`
 * the athlete accepted (a box left unticked is left out), or with `error=access_denied`; the
 * redirect must be within the app's Authorization Callback Domain, localhost and 127.0.0.1 being
 * white-listed. A code is good for one exchange, which answers with the tokens and a summary
 * athlete (and no scope).
 */
import { randomBytes } from 'node:crypto';
import type { SummaryAthlete } from './athlete.js';
import { BODIES, type ErrorBody } from './bodies.js';

export const ACCESS_TOKEN_TTL_S = 6 * 3600;

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  scope: string;
  /** Put `scope` in the token response (Strava's refresh response leaves it out). */
  reportScope: boolean;
  accessTokenTtlS: number;
  /** The app's Authorization Callback Domain. */
  callbackDomain: string;
  athlete: SummaryAthlete;
}

/** What the athlete does on the authorize page. */
export interface Consent {
  deny?: boolean;
  /** The boxes left ticked, e.g. "read": the granted scope is the requested one cut to these. */
  grantScope?: string;
}

export type AuthorizeAnswer = { status: 302; location: string } | { status: 400; body: ErrorBody };

export type TokenAnswer =
  { status: 200; body: Record<string, unknown> } | { status: number; body: ErrorBody };

/** Strava's tokens are 40 hex characters. */
const newToken = () => randomBytes(20).toString('hex');

/** The scopes an app may ask for (developers.strava.com/docs/authentication). */
const KNOWN_SCOPES = new Set([
  'read',
  'read_all',
  'profile:read_all',
  'profile:write',
  'activity:read',
  'activity:read_all',
  'activity:write',
]);

const splitScope = (scope: string) => scope.split(/[ ,]/).filter(Boolean);

export class OAuth {
  refreshToken: string;
  accessToken = '';
  revoked = false;
  /** The scope of the tokens: the configured one until a code exchange grants another. */
  private scope: string;
  private readonly expiry = new Map<string, number>();
  /** Codes not yet exchanged, with the scope each grants. */
  private readonly codes = new Map<string, string>();

  constructor(
    private readonly settings: OAuthSettings,
    private readonly now: () => Date,
  ) {
    this.refreshToken = settings.refreshToken;
    this.scope = settings.scope;
  }

  /** `GET /oauth/authorize`: the athlete answers at once, as `consent` says. */
  authorize(query: URLSearchParams, consent: Consent): AuthorizeAnswer {
    if (query.get('client_id') !== this.settings.clientId) {
      return { status: 400, body: BODIES.badClientId };
    }
    let redirect: URL;
    try {
      redirect = new URL(query.get('redirect_uri') ?? '');
    } catch {
      return { status: 400, body: BODIES.badRedirectUri };
    }
    if (!this.withinCallbackDomain(redirect.hostname)) {
      return { status: 400, body: BODIES.badRedirectUri };
    }
    if (query.get('response_type') !== 'code') {
      return { status: 400, body: BODIES.badResponseType };
    }
    const requested = splitScope(query.get('scope') ?? '');
    if (!requested.length || requested.some((s) => !KNOWN_SCOPES.has(s))) {
      return { status: 400, body: BODIES.badScope };
    }
    redirect.searchParams.set('state', query.get('state') ?? '');
    if (consent.deny) {
      redirect.searchParams.set('error', 'access_denied');
    } else {
      const ticked = consent.grantScope === undefined ? requested : splitScope(consent.grantScope);
      const granted = requested.filter((s) => ticked.includes(s)).join(',');
      const code = newToken();
      this.codes.set(code, granted);
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('scope', granted);
    }
    return { status: 302, location: redirect.href };
  }

  /** `POST /oauth/token` with the form (or query) fields merged. */
  token(form: URLSearchParams): TokenAnswer {
    if (form.get('client_id') !== this.settings.clientId) {
      return { status: 400, body: BODIES.badClientId };
    }
    if (form.get('client_secret') !== this.settings.clientSecret) {
      return { status: 401, body: BODIES.badClientSecret };
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const granted = this.codes.get(form.get('code') ?? '');
      if (granted === undefined) return { status: 400, body: BODIES.badAuthorizationCode };
      this.codes.delete(form.get('code')!);
      this.scope = granted;
      return this.issue({ athlete: this.settings.athlete });
    }
    if (grant !== 'refresh_token') {
      return { status: 400, body: BODIES.badGrantType };
    }
    if (this.revoked || form.get('refresh_token') !== this.refreshToken) {
      return { status: 400, body: BODIES.badRefreshToken };
    }
    return this.issue(this.settings.reportScope ? { scope: this.scope } : {});
  }

  /** New access and refresh tokens; the old refresh token is dead from now on. */
  private issue(extra: Record<string, unknown>): TokenAnswer {
    const nowS = Math.floor(this.now().getTime() / 1000);
    const expiresAt = nowS + this.settings.accessTokenTtlS;
    this.refreshToken = newToken();
    this.accessToken = newToken();
    this.expiry.set(this.accessToken, expiresAt);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        access_token: this.accessToken,
        expires_at: expiresAt,
        expires_in: expiresAt - nowS,
        refresh_token: this.refreshToken,
        ...extra,
      },
    };
  }

  /**
   * `POST /oauth/revoke` (RFC 7009): the app's credentials and a refresh or access token; the
   * athlete's tokens all stop working. An unknown token is not an error, as the RFC says.
   */
  revoke(form: URLSearchParams): TokenAnswer {
    if (form.get('client_id') !== this.settings.clientId) {
      return { status: 400, body: BODIES.badClientId };
    }
    if (form.get('client_secret') !== this.settings.clientSecret) {
      return { status: 401, body: BODIES.badClientSecret };
    }
    const token = form.get('token') ?? '';
    if (token && (token === this.refreshToken || this.expiry.has(token))) {
      // A fresh random value nobody holds: the old refresh token is refused from now on.
      this.refreshToken = newToken();
      this.expiry.clear();
      this.accessToken = '';
    }
    return { status: 200, body: {} };
  }

  private withinCallbackDomain(host: string): boolean {
    const domain = this.settings.callbackDomain;
    return (
      host === 'localhost' || host === '127.0.0.1' || host === domain || host.endsWith(`.${domain}`)
    );
  }

  /** Whether an `Authorization` header carries a live access token. */
  accepts(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const expiresAt = m ? this.expiry.get(m[1]!) : undefined;
    return expiresAt !== undefined && expiresAt > this.now().getTime() / 1000;
  }

  get scopes(): string[] {
    return splitScope(this.scope);
  }
}
