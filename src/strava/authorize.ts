/**
 * Strava's authorization code flow, for one athlete at a terminal: a one-shot callback server on
 * 127.0.0.1, the authorize URL that leads back to it, and the exchange of the code for the first
 * refresh token (`POST /oauth/token`, grant_type=authorization_code).
 *
 * Facts (developers.strava.com/docs/authentication): Strava sends the browser back to
 * `redirect_uri` with `state`, a `code` and the `scope` the athlete accepted (unticked boxes are
 * left out), or with `error=access_denied`; the exchange answers with the tokens and a summary
 * athlete, not the scope. `state` is random and good for one answer, so a stale tab or someone
 * else's link cannot hand this run a code.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StravaApiError } from '../errors.js';
import { postOAuthForm, postTokenForm, TOKEN_CALL } from './auth.js';
import { tokenFailure } from './error-bodies.js';
import { DEFAULT_TIMEOUT_MS } from './retry.js';

/**
 * Listing activities, private ones included, is all this project needs. activity:read is asked
 * beside activity:read_all so that an athlete who unticks only the private box still gets a
 * token that lists public activities; asked alone, unticking it leaves `read`, which lists none.
 */
const REQUESTED_SCOPE = 'read,activity:read,activity:read_all';
const CALLBACK_PATH = '/callback';

/** A retry after a lost answer finds the code used; a couple of tries still beat a flaky link. */
const EXCHANGE_RETRIES = 2;

export type CallbackAnswer =
  | { kind: 'code'; code: string; scope: string[] }
  | { kind: 'error'; error: string }
  | { kind: 'timeout' };

export interface CallbackServer {
  /** http://localhost:PORT/callback: the host Strava's Authorization Callback Domain allows. */
  redirectUri: string;
  /** The athlete's answer, or `timeout` when none came within `timeoutMs`; then the server is closed. */
  answer(timeoutMs: number): Promise<CallbackAnswer>;
  close(): Promise<void>;
}

export interface Authorization {
  refreshToken: string;
  athlete: { id: number; name: string };
}

export const newState = () => randomBytes(16).toString('hex');

export function authorizeUrl(
  oauthUrl: string,
  clientId: string,
  redirectUri: string,
  state: string,
): string {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    approval_prompt: 'force',
    scope: REQUESTED_SCOPE,
    state,
  });
  return `${oauthUrl}/oauth/authorize?${query}`;
}

const splitScope = (scope: string | null) => (scope ?? '').split(/[ ,]/).filter(Boolean);

function sameState(given: string | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function page(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
  res.end(`<!doctype html><title>strava-lakehouse auth</title><p>${text}</p>\n`);
}

/**
 * Listens on 127.0.0.1 (`port` 0: a free one) for the one callback whose `state` matches. Other
 * callbacks get a 400 page and `onRefused`, and the wait goes on. Rejects with the listen error
 * (EADDRINUSE for a taken port).
 */
export async function startCallbackServer(opts: {
  port: number;
  state: string;
  onRefused?: (reason: string) => void;
}): Promise<CallbackServer> {
  let settle: (answer: CallbackAnswer) => void = () => {};
  const answered = new Promise<CallbackAnswer>((resolve) => (settle = resolve));
  let done = false;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(res, 404, 'Not found.');
      return;
    }
    const q = url.searchParams;
    if (done || !sameState(q.get('state'), opts.state)) {
      page(
        res,
        400,
        'This answer does not belong to the <code>strava-lakehouse auth</code> now running (its state does not match), so it was ignored. Use the link the terminal shows.',
      );
      opts.onRefused?.(done ? 'the state was already used' : 'its state does not match');
      return;
    }
    done = true;
    const error = q.get('error');
    const code = q.get('code');
    let answer: CallbackAnswer;
    if (error) {
      page(res, 200, 'Strava says access was not given. Nothing was saved; see the terminal.');
      // Shown on the terminal: only plain characters of it.
      answer = { kind: 'error', error: error.replace(/[^\w.:-]/g, '?').slice(0, 60) };
    } else if (code) {
      page(res, 200, 'Authorized. You can close this tab and go back to the terminal.');
      answer = { kind: 'code', code, scope: splitScope(q.get('scope')) };
    } else {
      page(res, 400, 'This answer carries neither a code nor an error; see the terminal.');
      answer = { kind: 'error', error: 'no code in the callback' };
    }
    // One answer only: stop listening once this page is sent.
    res.on('finish', () => server.close());
    settle(answer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    redirectUri: `http://localhost:${port}${CALLBACK_PATH}`,
    close,
    async answer(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<CallbackAnswer>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
      });
      try {
        return await Promise.race([answered, timedOut]);
      } finally {
        clearTimeout(timer);
        await close();
      }
    },
  };
}

/** Trades the code for the athlete's first refresh token and who they are. */
export async function exchangeCode(opts: {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}): Promise<Authorization> {
  const res = await postTokenForm(
    opts.oauthUrl,
    {
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      code: opts.code,
      grant_type: 'authorization_code',
    },
    {
      fetch: opts.fetch ?? globalThis.fetch,
      maxRetries: EXCHANGE_RETRIES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    },
  );
  if (res.status !== 200) throw tokenFailure(TOKEN_CALL, res.status, res.body);
  const body = res.body as {
    refresh_token?: unknown;
    athlete?: { id?: unknown; firstname?: unknown; lastname?: unknown; username?: unknown };
  } | null;
  const id = body?.athlete?.id;
  if (typeof body?.refresh_token !== 'string' || typeof id !== 'number') {
    throw new StravaApiError(
      `${TOKEN_CALL} answered 200 without a refresh_token and an athlete id.`,
      'Check that STRAVA_OAUTH_URL (or STRAVA_API_URL) points at Strava (https://www.strava.com).',
      { status: res.status },
    );
  }
  const { firstname, lastname, username } = body.athlete!;
  const name =
    [firstname, lastname].filter((s) => typeof s === 'string' && s).join(' ') ||
    (typeof username === 'string' ? username : '');
  return { refreshToken: body.refresh_token, athlete: { id, name } };
}

export const REVOKE_CALL = 'POST /oauth/revoke';

/**
 * Revokes a token (`POST {oauthUrl}/oauth/revoke`, RFC 7009's form: the token in the body with
 * the client's credentials, never in the URL): the token, and every token issued with it, stop
 * working. Throws unless Strava answers 200.
 */
export async function revokeToken(opts: {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}): Promise<void> {
  const res = await postOAuthForm(
    REVOKE_CALL,
    `${opts.oauthUrl}/oauth/revoke`,
    { client_id: opts.clientId, client_secret: opts.clientSecret, token: opts.token },
    {
      fetch: opts.fetch ?? globalThis.fetch,
      maxRetries: EXCHANGE_RETRIES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    },
  );
  if (res.status === 200) return;
  throw tokenFailure(REVOKE_CALL, res.status, res.body);
}
