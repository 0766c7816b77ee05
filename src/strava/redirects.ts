/**
 * Every request to Strava carries a secret (the client secret, a refresh token) or an access
 * token, so redirects are never left to fetch: one that leaves the origin the request was sent
 * to is refused before anything is sent there, and one within the origin is followed a few
 * times, the caller told so (an answer that came through a redirect is not Strava's own word).
 */
import { StravaApiError } from '../errors.js';

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface SameOriginOptions {
  /** Called for each redirect followed. */
  onRedirect?: (to: URL) => void;
}

/**
 * `fetch` with `redirect: 'manual'`: redirects within the URL's origin are followed (at most
 * MAX_REDIRECTS), a redirect to any other origin throws a StravaApiError naming both hosts.
 * `call` names the request in errors, e.g. `POST /oauth/token`.
 */
export async function fetchWithinOrigin(
  fetchFn: typeof fetch,
  call: string,
  url: string,
  init: RequestInit,
  opts: SameOriginOptions = {},
): Promise<Response> {
  let target = new URL(url);
  let request = init;
  for (let hops = 0; ; hops++) {
    const res = await fetchFn(target.href, { ...request, redirect: 'manual' });
    const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== target.origin) {
      throw new StravaApiError(
        `${call}: ${target.host} redirected the request to ${next.host}; refused, so nothing was sent to ${next.host}.`,
        'A proxy or a wrong Strava URL may be in the way; check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL).',
        { status: res.status },
      );
    }
    if (hops >= MAX_REDIRECTS) {
      throw new StravaApiError(
        `${call}: ${target.host} redirected the request more than ${MAX_REDIRECTS} times.`,
        'Check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL).',
        { status: res.status },
      );
    }
    // As fetch itself would: 303, and 301/302 of a POST, go on as a GET without the body.
    if (
      res.status === 303 ||
      ((res.status === 301 || res.status === 302) && init.method === 'POST')
    ) {
      const { body: _body, ...rest } = request;
      request = { ...rest, method: 'GET' };
    }
    opts.onRedirect?.(next);
    target = next;
  }
}

const CONNECT_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether fetch failed because the host could not be resolved or connected to (no HTTP answer). */
export function isConnectFailure(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  if (!cause) return false;
  if (CONNECT_CODES.has(String(cause.code))) return true;
  // Several addresses tried one after the other (autoSelectFamily): all of them failed.
  return (
    Array.isArray(cause.errors) &&
    cause.errors.length > 0 &&
    cause.errors.every((e) => CONNECT_CODES.has(String(e.code)))
  );
}
