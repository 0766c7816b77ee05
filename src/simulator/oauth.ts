/**
 * The simulator's OAuth: strict refresh-token rotation (every refresh issues a new refresh token
 * and the old one is refused at once with Strava's 400 RefreshToken invalid), access tokens that
 * expire, and the scope granted at authorization. A refresh answers like the recorded one
 * (dblock/strava-ruby-client spec/fixtures/strava/oauth/token_refresh_token.yml):
 * token_type, access_token, expires_at, expires_in, refresh_token, and no scope unless asked.
 */
import { randomBytes } from 'node:crypto';
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
}

export type TokenAnswer =
  { status: 200; body: Record<string, unknown> } | { status: number; body: ErrorBody };

/** Strava's tokens are 40 hex characters. */
const newToken = () => randomBytes(20).toString('hex');

export class OAuth {
  refreshToken: string;
  accessToken = '';
  revoked = false;
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly settings: OAuthSettings,
    private readonly now: () => Date,
  ) {
    this.refreshToken = settings.refreshToken;
  }

  /** `POST /oauth/token` with the form (or query) fields merged. */
  token(form: URLSearchParams): TokenAnswer {
    if (form.get('client_id') !== this.settings.clientId) {
      return { status: 400, body: BODIES.badClientId };
    }
    if (form.get('client_secret') !== this.settings.clientSecret) {
      return { status: 401, body: BODIES.badClientSecret };
    }
    if (form.get('grant_type') !== 'refresh_token') {
      return { status: 400, body: BODIES.badGrantType };
    }
    if (this.revoked || form.get('refresh_token') !== this.refreshToken) {
      return { status: 400, body: BODIES.badRefreshToken };
    }
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
        ...(this.settings.reportScope ? { scope: this.settings.scope } : {}),
      },
    };
  }

  /** Whether an `Authorization` header carries a live access token. */
  accepts(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const expiresAt = m ? this.expiry.get(m[1]!) : undefined;
    return expiresAt !== undefined && expiresAt > this.now().getTime() / 1000;
  }

  get scopes(): string[] {
    return this.settings.scope.split(/[ ,]/).filter(Boolean);
  }
}
