/**
 * Where Strava lives. Strava's changelog of 1 June 2026: the API moves from
 * `https://www.strava.com/api/v3` to `https://api-v3.strava.com` (no `/api/v3` prefix), available
 * from 4 January 2027; OAuth (`/oauth/token`, `/oauth/authorize`, `/oauth/revoke`) stays on
 * `https://www.strava.com`. The default API base follows the run's clock, and keeps the old base
 * to fall back to once should the new host not be reachable yet.
 */
import { ConfigError } from '../errors.js';

export const OAUTH_ORIGIN = 'https://www.strava.com';
export const OLD_API_BASE = 'https://www.strava.com/api/v3';
export const NEW_API_BASE = 'https://api-v3.strava.com';
/** 2027-01-04T00:00:00Z: the first day the new host serves the API. */
export const NEW_API_FROM = Date.UTC(2027, 0, 4);

export interface StravaUrls {
  /** The API base with its path: activities are at `{apiBase}/athlete/activities`. */
  apiBase: string;
  /** Only when the base was chosen by date: the old base, tried once if the new host is unreachable. */
  apiBaseFallback?: string;
  /** The OAuth origin. */
  oauthUrl: string;
}

/** The API base Strava serves at `now`, with the old one to fall back to after the move. */
export function defaultApiBase(now: Date): Pick<StravaUrls, 'apiBase' | 'apiBaseFallback'> {
  return now.getTime() >= NEW_API_FROM
    ? { apiBase: NEW_API_BASE, apiBaseFallback: OLD_API_BASE }
    : { apiBase: OLD_API_BASE };
}

/**
 * The Strava URLs from the settings: `apiBase` and `oauthUrl` each win over the one-origin
 * shorthand `apiUrl` (`{apiUrl}/oauth/...` and `{apiUrl}/api/v3/...`, as the simulator serves).
 * Each must be an http(s) URL without credentials.
 */
export function stravaUrls(
  raw: { apiUrl?: string; apiBase?: string; oauthUrl?: string },
  labels: { apiUrl: string; apiBase: string; oauthUrl: string },
  now: Date,
): StravaUrls {
  const origin = httpUrl(raw.apiUrl, labels.apiUrl);
  const apiBase = httpUrl(raw.apiBase, labels.apiBase);
  const oauthUrl = httpUrl(raw.oauthUrl, labels.oauthUrl) ?? origin ?? OAUTH_ORIGIN;
  if (apiBase) return { apiBase, oauthUrl };
  if (origin) return { apiBase: `${origin}/api/v3`, oauthUrl };
  return { ...defaultApiBase(now), oauthUrl };
}

/** A trimmed http(s) URL without a trailing slash; undefined when not given. */
function httpUrl(value: string | undefined, label: string): string | undefined {
  const v = value?.trim().replace(/\/+$/, '');
  if (!v) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${label} "${v}" is not a URL.`, 'Give an http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `${label} "${v}" is not an http(s) URL (${url.protocol}).`,
      'Give an https:// URL, or http:// for a local simulator.',
    );
  }
  if (url.username || url.password) {
    throw new ConfigError(
      `${label} "${v}" carries a user name or password.`,
      'Give the URL without user:password@; Strava is reached with the client id, secret and tokens.',
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError(`${label} "${v}" has a query or fragment.`, 'Give the URL without them.');
  }
  return v;
}
