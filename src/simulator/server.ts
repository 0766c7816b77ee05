/**
 * A Strava stand-in on loopback (node:http, no framework) for the demo, the tests and the
 * benchmarks. It serves `GET /oauth/authorize` (the athlete answers at once, as the faults say),
 * `POST /oauth/token` (the authorization code and refresh grants, strict rotation),
 * `POST /oauth/revoke`, `GET /api/v3/athlete/activities` and the detail endpoints
 * (`/activities/{id}`, `/activities/{id}/streams`, `/gear/{id}`, `/athlete/zones`: details.ts)
 * with Strava's semantics: paging, ordering, scopes, rate-limit headers on every counted
 * response, 429 over budget, and real-shaped error bodies. Asked to, it also serves the API without the prefix on a second
 * origin, as Strava's 2027 host does (`GET /athlete/activities`). Faults (5xx bursts, stalls,
 * cut-off JSON, a revoked access token, an inactive app, a revoked refresh token, redirects of
 * any path, a list that ignores `page`) can be switched on to exercise the client's recovery.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StravaActivity } from '../strava/schema.js';
import { RECORDED_ATHLETE, type SummaryAthlete } from './athlete.js';
import { BODIES, CONTENT_TYPE } from './bodies.js';
import { activityDetail, activityStreams, athleteZones, gearDetail } from './details.js';
import { movedTo } from './generator.js';
import { listPage, parseListQuery } from './listing.js';
import { ACCESS_TOKEN_TTL_S, OAuth } from './oauth.js';
import { recordedActivities } from './recorded.js';
import { Usage, type Pair, type UsageSnapshot } from './usage.js';

export interface SimulatorFaults {
  /** The next N API requests answer a 5xx (serverErrorStatus, default 503). */
  serverErrors?: number;
  serverErrorStatus?: number;
  /** The next N API requests never get an answer: the client's timeout must end them. */
  stalls?: number;
  /** The next N activity lists are cut off half-way through the JSON. */
  truncated?: number;
  /** The next N API requests are refused 401 as if the access token had been revoked. */
  rejectAccessToken?: number;
  /** The app owner's Strava subscription lapsed: the API answers 403 Inactive. */
  inactiveApp?: boolean;
  /** The athlete revoked access: every refresh token is refused. */
  revokedRefreshToken?: boolean;
  /** The athlete clicks Cancel on the authorize page: the redirect carries error=access_denied. */
  denyAuthorization?: boolean;
  /** The boxes the athlete leaves ticked on the authorize page, e.g. "read"; default: all asked. */
  grantScope?: string;
  /** Requests to these paths (on either origin) are redirected, each rule the next `times` times. */
  redirects?: SimulatorRedirect[];
  /** The activity list answers page 1 whatever `page` asks for, as a broken proxy might. */
  ignorePage?: boolean;
}

export interface SimulatorRedirect {
  /** The path as requested, e.g. `/oauth/token` or `/api/v3/athlete/activities`. */
  path: string;
  /** An absolute URL (another origin) or a path (this one). */
  location: string;
  /** Default 302. */
  status?: number;
  /** Append the request's query to `location`. */
  keepQuery?: boolean;
  /** How many requests to redirect; default every one. */
  times?: number;
}

export interface SimulatorOptions {
  /** Default: the recorded athlete. */
  activities?: StravaActivity[];
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Granted at authorization, e.g. "read,activity:read_all" (the default). */
  scope?: string;
  /** Include `scope` in token responses (Strava's refresh response does not). */
  reportScope?: boolean;
  /** The app's Authorization Callback Domain; localhost and 127.0.0.1 are always allowed. */
  callbackDomain?: string;
  /** The athlete a code exchange names; default: the recorded athlete. */
  athlete?: SummaryAthlete;
  accessTokenTtlS?: number;
  /** 15-minute and daily budgets; default [100, 1000]. */
  readLimit?: [number, number];
  /** Default [200, 2000]. */
  overallLimit?: [number, number];
  /** Default 15 minutes; shorten in tests. */
  windowMs?: number;
  /** The simulator's clock (rate-limit windows, token expiry); share a fake one with the client in tests. */
  now?: () => Date;
  faults?: SimulatorFaults;
  /** Default: a free port. */
  port?: number;
  /** Also serve the API without `/api/v3` on a second origin (`prefixlessUrl`), like api-v3.strava.com. */
  prefixlessOrigin?: boolean;
}

export interface SimulatorRequest {
  /** When it arrived, epoch ms by the simulator's clock. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The answer's status; absent while (or when) the request is left hanging. */
  status?: number;
  /** The refresh token a token request presented (or the token a revoke request named). */
  refreshToken?: string;
  /** Arrived on the second, prefix-less origin. */
  prefixless?: boolean;
}

export interface SimulatorState {
  readonly requests: SimulatorRequest[];
  /** The one refresh token Strava would accept now. */
  readonly refreshToken: string;
  /** The newest access token issued ('' before the first refresh). */
  readonly accessToken: string;
  readonly usage: UsageSnapshot;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:41234: token at /oauth/token, API under /api/v3. */
  url: string;
  /** With `prefixlessOrigin`: the second origin, serving the API at its root (`/athlete/activities`). */
  prefixlessUrl?: string;
  /** Stops the server and ends any request left hanging; safe to call twice. */
  close(): Promise<void>;
  state: SimulatorState;
  deleteActivity(id: number): void;
  /** Shallow-merges `patch`; a key set to undefined drops the field. Malformed values are served as given. */
  editActivity(id: number, patch: Record<string, unknown>): void;
  /** The athlete corrects an activity's start to `startLocal` (local wall time), e.g. into another month. */
  moveActivity(id: number, startLocal: string): void;
  /** Adds (or replaces) a record as given: tests may add malformed ones. */
  addActivity(activity: Record<string, unknown> & { id: number }): void;
  /** Sets the given faults, leaving the others as they are. */
  setFaults(faults: SimulatorFaults): void;
}

const API_PREFIX = '/api/v3/';
const NOT_FOUND_ACTIVITY = { status: 404, body: BODIES.activityNotFound };
const TOKEN_PATHS = new Set(['/oauth/token', '/api/v3/oauth/token']);
const REVOKE_PATH = '/oauth/revoke';
const AUTHORIZE_PATHS = new Set(['/oauth/authorize', '/api/v3/oauth/authorize']);

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const now = opts.now ?? (() => new Date());
  const activities = new Map<number, StravaActivity>();
  for (const a of opts.activities ?? recordedActivities()) activities.set(a.id, structuredClone(a));
  const oauth = new OAuth(
    {
      clientId: opts.clientId ?? 'simulator-client',
      clientSecret: opts.clientSecret ?? 'simulator-secret',
      refreshToken: opts.refreshToken ?? 'simulator-refresh-token',
      scope: opts.scope ?? 'read,activity:read_all',
      reportScope: opts.reportScope ?? false,
      accessTokenTtlS: opts.accessTokenTtlS ?? ACCESS_TOKEN_TTL_S,
      callbackDomain: opts.callbackDomain ?? 'localhost',
      athlete: opts.athlete ?? RECORDED_ATHLETE,
    },
    now,
  );
  const limits: { read: Pair; overall: Pair } = {
    read: opts.readLimit ?? [100, 1000],
    overall: opts.overallLimit ?? [200, 2000],
  };
  const usage = new Usage(limits, opts.windowMs ?? 15 * 60_000, now);
  const faults: SimulatorFaults = { ...opts.faults };
  const requests: SimulatorRequest[] = [];

  const send = (
    res: http.ServerResponse,
    entry: SimulatorRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    entry.status = status;
    res.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'x-request-id': randomUUID(),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const takeFault = (name: 'serverErrors' | 'stalls' | 'truncated' | 'rejectAccessToken') => {
    const left = faults[name] ?? 0;
    if (left <= 0) return false;
    faults[name] = left - 1;
    return true;
  };

  /** `apiPath`: the path below the API base, e.g. `/athlete/activities`. */
  const handleApi = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: SimulatorRequest,
    url: URL,
    apiPath: string,
  ) => {
    if (takeFault('stalls')) return;
    if (takeFault('serverErrors')) {
      send(res, entry, faults.serverErrorStatus ?? 503, BODIES.serverError);
      return;
    }
    if (!oauth.accepts(req.headers.authorization) || takeFault('rejectAccessToken')) {
      send(res, entry, 401, BODIES.badAccessToken);
      return;
    }
    if (faults.inactiveApp) {
      send(res, entry, 403, BODIES.inactiveApp);
      return;
    }
    const scopes = oauth.scopes;
    if (!scopes.includes('activity:read') && !scopes.includes('activity:read_all')) {
      send(res, entry, 401, BODIES.missingReadPermission);
      return;
    }
    if (!usage.admit()) {
      send(res, entry, 429, BODIES.rateLimited, usage.headers());
      return;
    }
    if (req.method === 'GET' && apiPath !== '/athlete/activities') {
      const answer = detailAnswer(apiPath, url.searchParams, scopes.includes('activity:read_all'));
      send(res, entry, answer.status, answer.body, usage.headers());
      return;
    }
    if (req.method !== 'GET') {
      send(res, entry, 404, BODIES.notFound, usage.headers());
      return;
    }
    const query = parseListQuery(url.searchParams);
    if (typeof query === 'string') {
      send(res, entry, 400, BODIES.badParameter(query), usage.headers());
      return;
    }
    if (faults.ignorePage) query.page = 1;
    const page = listPage(activities.values(), query, {
      includePrivate: scopes.includes('activity:read_all'),
    });
    if (takeFault('truncated')) {
      const text = JSON.stringify(page);
      entry.status = 200;
      res.writeHead(200, { 'content-type': CONTENT_TYPE, ...usage.headers() });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    send(res, entry, 200, page, usage.headers());
  };

  /** The detail endpoints, read from the activities as they are now (edits, moves, deletes). */
  const detailAnswer = (
    apiPath: string,
    params: URLSearchParams,
    readAll: boolean,
  ): { status: number; body: unknown } => {
    const visible = (id: string) => {
      const a = activities.get(Number(id));
      // Strava hides a private activity from a token without activity:read_all.
      return a && (readAll || a.private !== true) ? a : undefined;
    };
    let m = /^\/activities\/(\d+)$/.exec(apiPath);
    if (m) {
      const a = visible(m[1]!);
      return a ? { status: 200, body: activityDetail(a) } : NOT_FOUND_ACTIVITY;
    }
    m = /^\/activities\/(\d+)\/streams$/.exec(apiPath);
    if (m) {
      const a = visible(m[1]!);
      const keys = (params.get('keys') ?? '').split(',').filter(Boolean);
      if (keys.length === 0) return { status: 400, body: BODIES.badParameter('keys') };
      const streams = a && activityStreams(a, keys);
      if (!streams) return NOT_FOUND_ACTIVITY;
      // Without key_by_type Strava answers a list of streams, each naming its type.
      return params.get('key_by_type') === 'true'
        ? { status: 200, body: streams }
        : { status: 200, body: Object.entries(streams).map(([type, s]) => ({ type, ...s })) };
    }
    m = /^\/gear\/([^/]+)$/.exec(apiPath);
    if (m) {
      const gear = gearDetail(decodeURIComponent(m[1]!), activities.values());
      return gear ? { status: 200, body: gear } : { status: 404, body: BODIES.gearNotFound };
    }
    if (apiPath === '/athlete/zones') return { status: 200, body: athleteZones() };
    return { status: 404, body: BODIES.notFound };
  };

  const handleToken = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: SimulatorRequest,
    url: URL,
  ) => {
    const form = await readForm(req, url);
    entry.refreshToken = form.get('refresh_token') ?? undefined;
    oauth.revoked = faults.revokedRefreshToken ?? false;
    const answer = oauth.token(form);
    send(res, entry, answer.status, answer.body);
  };

  const handleRevoke = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: SimulatorRequest,
    url: URL,
  ) => {
    const form = await readForm(req, url);
    entry.refreshToken = form.get('token') ?? undefined;
    const answer = oauth.revoke(form);
    send(res, entry, answer.status, answer.body);
  };

  /** The first redirect rule with requests left for this path, counted down. */
  const takeRedirect = (path: string): SimulatorRedirect | undefined => {
    const rule = faults.redirects?.find((r) => r.path === path && (r.times ?? 1) > 0);
    if (rule?.times !== undefined) rule.times--;
    return rule;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, prefixless: boolean) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const entry: SimulatorRequest = {
      at: now().getTime(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(prefixless ? { prefixless: true } : {}),
    };
    requests.push(entry);
    const redirect = takeRedirect(url.pathname);
    if (redirect) {
      entry.status = redirect.status ?? 302;
      res.writeHead(entry.status, {
        location: redirect.location + (redirect.keepQuery ? url.search : ''),
      });
      res.end();
    } else if (prefixless) {
      // OAuth stays on the main origin; the API is at the root here.
      if (url.pathname.startsWith('/oauth/')) send(res, entry, 404, BODIES.notFound);
      else handleApi(req, res, entry, url, url.pathname);
    } else if (req.method === 'GET' && AUTHORIZE_PATHS.has(url.pathname)) {
      const answer = oauth.authorize(url.searchParams, {
        deny: faults.denyAuthorization,
        grantScope: faults.grantScope,
      });
      if (answer.status === 302) {
        entry.status = 302;
        res.writeHead(302, { location: answer.location });
        res.end();
      } else {
        send(res, entry, answer.status, answer.body);
      }
    } else if (req.method === 'POST' && TOKEN_PATHS.has(url.pathname)) {
      handleToken(req, res, entry, url).catch(() => send(res, entry, 400, BODIES.badGrantType));
    } else if (req.method === 'POST' && url.pathname === REVOKE_PATH) {
      handleRevoke(req, res, entry, url).catch(() => send(res, entry, 400, BODIES.badGrantType));
    } else if (url.pathname.startsWith(API_PREFIX)) {
      handleApi(req, res, entry, url, url.pathname.slice(API_PREFIX.length - 1));
    } else {
      send(res, entry, 404, BODIES.notFound);
    }
  };

  const server = await listen((req, res) => handle(req, res, false), opts.port ?? 0);
  const second = opts.prefixlessOrigin
    ? await listen((req, res) => handle(req, res, true), 0)
    : undefined;
  let closing: Promise<void> | undefined;

  return {
    url: originOf(server),
    ...(second ? { prefixlessUrl: originOf(second) } : {}),
    close: () => {
      closing ??= Promise.all([server, ...(second ? [second] : [])].map(closeServer)).then(
        () => undefined,
      );
      return closing;
    },
    state: {
      requests,
      get refreshToken() {
        return oauth.refreshToken;
      },
      get accessToken() {
        return oauth.accessToken;
      },
      get usage() {
        return usage.snapshot();
      },
    },
    deleteActivity: (id) => {
      activities.delete(id);
    },
    editActivity: (id, patch) => {
      const a = activities.get(id);
      if (!a) throw new Error(`simulator: no activity ${id} to edit`);
      activities.set(id, { ...a, ...patch } as StravaActivity);
    },
    moveActivity: (id, startLocal) => {
      const a = activities.get(id);
      if (!a) throw new Error(`simulator: no activity ${id} to move`);
      activities.set(id, movedTo(a, startLocal));
    },
    addActivity: (activity) => {
      activities.set(activity.id, structuredClone(activity) as StravaActivity);
    },
    setFaults: (f) => {
      Object.assign(faults, f);
    },
  };
}

async function listen(handler: http.RequestListener, port: number): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

const originOf = (server: http.Server) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Stalled requests hold their sockets open; end them so close() finishes.
    server.closeAllConnections();
  });
}

/** A POST's form (or JSON) fields over its query's. */
async function readForm(req: http.IncomingMessage, url: URL): Promise<URLSearchParams> {
  const form = new URLSearchParams(url.searchParams);
  const raw = await readBody(req);
  const fields = req.headers['content-type']?.includes('application/json')
    ? Object.entries(JSON.parse(raw || '{}') as Record<string, unknown>).map(
        ([k, v]) => [k, String(v)] as [string, string],
      )
    : [...new URLSearchParams(raw)];
  for (const [k, v] of fields) form.set(k, v);
  return form;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
