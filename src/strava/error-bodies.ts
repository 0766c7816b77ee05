/**
 * Strava's error bodies, `{"message": "...", "errors": [{"resource", "field", "code"}]}`, and the
 * one message each permanent failure deserves. The shape is the recorded 401
 * (test/fixtures/strava-recorded/authorization_error.json); the codes are real ones:
 * 400 RefreshToken refresh_token invalid (dreeveapp/dreeve#1449), 400 Application client_id
 * invalid (dblock/strava-ruby-client spec/fixtures/strava/oauth/token_invalid_client.yml),
 * 400 AuthorizationCode code invalid for a used or expired code (yihong0618/running_page#523),
 * 401 AccessToken activity:read_permission missing (node-strava/node-strava-v3#97), 403
 * Application Status Inactive since the June 2026 subscription requirement
 * (stravalib/stravalib#730). Messages quote only Strava's message and codes, never a token or
 * the client secret.
 */
import { AppError, StravaApiError, StravaAuthError } from '../errors.js';

interface StravaErrorDetail {
  resource: string;
  field: string;
  code: string;
}

const REAUTHORIZE =
  'Re-authorize with `strava-lakehouse auth` (it asks for activity:read_all) and set the new refresh token (STRAVA_REFRESH_TOKEN or the strava-refresh-token input).';

function errorDetails(body: unknown): StravaErrorDetail[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
    .map((e) => ({ resource: text(e.resource), field: text(e.field), code: text(e.code) }));
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 60) : '';
}

/** "401 Authorization Error (Application client_secret invalid)": status, message and codes. */
function summarize(status: number, body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  const head = typeof message === 'string' ? `${status} ${message.slice(0, 80)}` : `${status}`;
  const codes = errorDetails(body)
    .map((e) => [e.resource, e.field, e.code].filter(Boolean).join(' '))
    .join('; ');
  return codes ? `${head} (${codes})` : head;
}

const has = (body: unknown, test: (e: StravaErrorDetail) => boolean) =>
  errorDetails(body).some(test);

const isInactiveApp = (body: unknown) => has(body, (e) => e.code.toLowerCase() === 'inactive');

const isMissingReadPermission = (body: unknown) =>
  has(body, (e) => e.field.endsWith('read_permission'));

/**
 * Permanent failures any call can meet (`call` names it, e.g. `GET /api/v3/athlete/activities
 * page 2`), or undefined when the response is none of them.
 */
export function knownFailure(call: string, status: number, body: unknown): AppError | undefined {
  const said = summarize(status, body);
  if (status === 403 && isInactiveApp(body)) {
    return new StravaAuthError(
      `Strava refused ${call}: your API application is inactive (${said}).`,
      'Since 30 June 2026 a Standard Tier app needs its owner to have a Strava subscription: subscribe with the account that owns the app, then reactivate it at https://www.strava.com/settings/api.',
    );
  }
  if (status === 401 && isMissingReadPermission(body)) {
    return new StravaAuthError(
      `Strava refused ${call}: the token lacks permission to read activities (${said}).`,
      `Listing activities (and seeing private ones) needs the activity:read_all scope. ${REAUTHORIZE}`,
    );
  }
  return undefined;
}

/** Failures of the token exchange: the refresh token, the code or the app's credentials, then the rest. */
export function tokenFailure(call: string, status: number, body: unknown): AppError {
  const said = summarize(status, body);
  if (isRefreshTokenRejected(body)) {
    return new StravaAuthError(
      `Strava rejected the refresh token at ${call} (${said}): it is wrong, revoked, or already replaced by a newer one.`,
      REAUTHORIZE,
    );
  }
  if (has(body, (e) => e.resource === 'AuthorizationCode')) {
    return new StravaAuthError(
      `Strava rejected the authorization code at ${call} (${said}): it has expired or was already used.`,
      'Run `strava-lakehouse auth` again and finish it within a few minutes.',
    );
  }
  if (has(body, (e) => e.resource === 'Application' && e.code === 'invalid')) {
    return new StravaAuthError(
      `Strava rejected the client id or secret at ${call} (${said}).`,
      'Copy the Client ID and Client Secret again from https://www.strava.com/settings/api into STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (or the strava-client-id and strava-client-secret inputs).',
    );
  }
  return knownFailure(call, status, body) ?? unexpectedResponse(call, status, body);
}

export const isRefreshTokenRejected = (body: unknown) =>
  has(body, (e) => e.resource === 'RefreshToken');

/** Any other error response: the call, Strava's own words, and the status. */
export function unexpectedResponse(call: string, status: number, body: unknown): StravaApiError {
  return new StravaApiError(
    `${call} failed: Strava answered ${summarize(status, body)}.`,
    status >= 400 && status < 500
      ? 'This request should not fail this way; check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL) and report the message if it persists.'
      : 'Re-run later.',
    { status },
  );
}
