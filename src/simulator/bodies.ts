/**
 * What the simulator answers, shaped like Strava's real responses. Error bodies follow the
 * recorded 401 (test/fixtures/strava-recorded/authorization_error.json):
 * `{"message", "errors": [{"resource", "field", "code"}]}`; the codes are ones Strava really sends
 * (sources in src/strava/error-bodies.ts; 429 Application "rate limit" exceeded:
 * node-strava/node-strava-v3#84; 401 Athlete access_token invalid: stravalib/stravalib#185;
 * 400 Application redirect_uri invalid: fawda123/rStrava#37; 400 AuthorizationCode code invalid
 * for a used or expired code: yihong0618/running_page#523).
 * Where no real body is known (a bad query parameter, a client secret mismatch, an unknown path)
 * the same shape is used.
 */
export const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface ErrorBody {
  message: string;
  errors: { resource: string; field: string; code: string }[];
}

const error = (message: string, resource: string, field: string, code: string): ErrorBody => ({
  message,
  errors: [{ resource, field, code }],
});

export const BODIES = {
  badRefreshToken: error('Bad Request', 'RefreshToken', 'refresh_token', 'invalid'),
  badClientId: error('Bad Request', 'Application', 'client_id', 'invalid'),
  badClientSecret: error('Authorization Error', 'Application', 'client_secret', 'invalid'),
  badGrantType: error('Bad Request', 'Authorize', 'grant_type', 'invalid'),
  badRedirectUri: error('Bad Request', 'Application', 'redirect_uri', 'invalid'),
  badAuthorizationCode: error('Bad Request', 'AuthorizationCode', 'code', 'invalid'),
  badScope: error('Bad Request', 'Authorize', 'scope', 'invalid'),
  badResponseType: error('Bad Request', 'Authorize', 'response_type', 'invalid'),
  badAccessToken: error('Authorization Error', 'Athlete', 'access_token', 'invalid'),
  missingReadPermission: error(
    'Authorization Error',
    'AccessToken',
    'activity:read_permission',
    'missing',
  ),
  inactiveApp: error('Forbidden', 'Application', 'Status', 'Inactive'),
  rateLimited: error('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded'),
  notFound: error('Record Not Found', 'Resource', 'path', 'invalid'),
  /** A missing activity, as Strava clients' tests quote it (e.g. go.strava's checkResponseForErrors). */
  activityNotFound: error('Record Not Found', 'Activity', 'id', 'invalid'),
  gearNotFound: error('Record Not Found', 'Gear', 'id', 'invalid'),
  serverError: { message: 'Internal Server Error', errors: [] },
  badParameter: (name: string) => error('Bad Request', 'Activity', name, 'invalid'),
};
