/**
 * Where Strava is called: `GET {apiBase}/athlete/activities?after&before&page&per_page`, and the
 * detail endpoints (`/activities/{id}`, `/activities/{id}/streams`, `/gear/{id}`,
 * `/athlete/zones`), every GET through one request loop. A window is swept page by page (200 a
 * page) until an EMPTY page, because Strava's pages can be short before the last. Every record is
 * schema-checked; the result is de-duplicated and sorted by id here, since paging over a
 * changing list can repeat a record. Pacing, retries and a single token refresh on a rejected
 * access token happen per request, and `maxRequests` caps everything sent (token requests
 * included). The access token travels in the Authorization header only, and a redirect off the
 * API's origin is refused (redirects.ts).
 */
import type { StravaConfig } from '../config.js';
import {
  RateLimitError,
  RequestCapError,
  SchemaError,
  StravaApiError,
  StravaAuthError,
} from '../errors.js';
import { STREAM_KEYS } from '../lakehouse/detail-tables.js';
import { silentProgress, type Progress } from '../progress.js';
import { StravaAuth, TOKEN_CALL } from './auth.js';
import { knownFailure, unexpectedResponse } from './error-bodies.js';
import { fetchWithinOrigin, isConnectFailure } from './redirects.js';
import { monthOf, monthRange, queryWindow, type Month } from './months.js';
import { RatePacer, nextUtcMidnight, nextWindowStart } from './ratelimit.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, sendWithRetry } from './retry.js';
import { validateActivity, type StravaActivity } from './schema.js';

export const PER_PAGE = 200;
const ACTIVITIES_PATH = '/athlete/activities';
/** Pages a window may take beyond 100 activities a day at 200 a page, before paging is runaway. */
const PAGE_MARGIN = 3;

/** The most pages a window can need: 100 activities a day, 200 a page, plus a margin. */
export function maxPages(window: ActivityWindow): number {
  const days = (window.before - window.after) / 86_400;
  return Math.ceil((days * 100) / PER_PAGE) + PAGE_MARGIN;
}

/** Epoch seconds, both exclusive. */
export interface ActivityWindow {
  after: number;
  before: number;
}

export interface FetchResult {
  activities: StravaActivity[];
  /** Token and list requests this fetch sent. */
  requests: number;
  /** False when Strava's daily budget ran out part-way. */
  complete: boolean;
  /** Where a list page was redirected (within the origin), if any: such an answer is not Strava's own word. */
  redirectedTo?: string;
  stoppedAt?: RateLimitError;
}

export interface StravaClientOptions {
  config: StravaConfig;
  auth?: StravaAuth;
  fetch?: typeof fetch;
  progress?: Progress;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Retries of a transiently failed request after the first try (default 4). */
  maxRetries?: number;
  timeoutMs?: number;
  /** The rate-limit window: Strava's 15 minutes unless a test simulator uses a shorter one. */
  windowMs?: number;
  /** Jitter source for retry waits. */
  random?: () => number;
  /**
   * `--max-requests`: the most HTTP requests this client sends in all (token refreshes, list
   * pages, details; every retry and redirect hop counts). The one that would cross it is not
   * sent: a RequestCapError is thrown instead.
   */
  maxRequests?: number;
}

/** How a detail call meets the rate limit. */
export interface DetailCallOptions {
  /**
   * A 429, or a spent daily budget, throws RateLimitError at once instead of waiting for a new
   * window, so the detail phase ends cleanly with what it fetched. Pacing within the 15-minute
   * window still applies (see wouldWait()).
   */
  stopOn429?: boolean;
}

/** What one GET may answer besides 200. */
interface RequestOptions extends DetailCallOptions {
  /** 404 is an answer (undefined), not a failure. */
  allowNotFound?: boolean;
  /** A list page: a redirect it follows marks the list as not Strava's own word. */
  list?: boolean;
}

export class StravaClient {
  readonly auth: StravaAuth;
  private readonly fetchFn: typeof fetch;
  private readonly progress: Progress;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pacer: RatePacer;
  private readonly now: () => Date;
  /** API requests sent (list and details), retries, fallbacks and redirect hops included. */
  private apiRequests = 0;
  /** The API base in use: the configured one, or its fallback once the new host failed to connect. */
  private apiBase: string;
  private fallback: string | undefined;
  /** Set once a list request followed a redirect within the origin. */
  private redirectedTo: string | undefined;

  constructor(private readonly opts: StravaClientOptions) {
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.progress = opts.progress ?? silentProgress;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? (() => new Date());
    this.apiBase = opts.config.apiBase;
    this.fallback = opts.config.apiBaseFallback;
    this.auth =
      opts.auth ??
      new StravaAuth({
        config: opts.config,
        fetch: this.fetchFn,
        progress: this.progress,
        now: this.now,
        sleep: this.sleep,
        maxRetries: opts.maxRetries,
        timeoutMs: opts.timeoutMs,
      });
    // Token refreshes count against the cap too.
    this.auth.beforeSend = () => this.checkCap(TOKEN_CALL);
    this.pacer = new RatePacer({
      now: this.now,
      sleep: this.sleep,
      progress: this.progress,
      windowMs: opts.windowMs,
    });
  }

  /** Every request sent so far (token, list, details), retries included. */
  get requestCount(): number {
    return this.auth.requests + this.apiRequests;
  }

  /** The daily read budget left by the last rate-limit headers seen; undefined before any. */
  remainingToday(): number | undefined {
    return this.pacer.remainingToday();
  }

  /** True when the next request would first have to wait for a new 15-minute window. */
  wouldWait(): boolean {
    return this.pacer.wouldWait();
  }

  /**
   * `GET /activities/{id}?include_all_efforts=false`: the detailed activity, with laps and
   * splits_metric; undefined when Strava answers 404 (deleted, or not this athlete's).
   */
  async getActivity(
    id: bigint,
    opts: DetailCallOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    const body = await this.request(`/activities/${id}`, 'include_all_efforts=false', {
      ...opts,
      allowNotFound: true,
    });
    return body === undefined ? undefined : this.objectBody(`/activities/${id}`, body);
  }

  /**
   * `GET /activities/{id}/streams?keys=...&key_by_type=true` for every STREAM_KEYS key: the
   * streams Strava has, keyed by type; undefined on 404 (a manual activity has no streams).
   */
  async getStreams(
    id: bigint,
    opts: DetailCallOptions = {},
  ): Promise<Record<string, { data: unknown[] }> | undefined> {
    const path = `/activities/${id}/streams`;
    const query = `keys=${STREAM_KEYS.join(',')}&key_by_type=true`;
    const body = await this.request(path, query, { ...opts, allowNotFound: true });
    if (body === undefined) return undefined;
    const streams = this.objectBody(path, body);
    for (const [key, stream] of Object.entries(streams)) {
      const data = (stream as { data?: unknown } | null)?.data;
      if (!Array.isArray(data)) {
        throw new SchemaError(
          `${this.callName(path)}: stream "${key}" has no data list.`,
          'The streams cannot be stored; report it if Strava keeps sending it.',
        );
      }
    }
    return streams as Record<string, { data: unknown[] }>;
  }

  /** `GET /gear/{id}`: a bike or a pair of shoes; undefined on 404. */
  async getGear(
    id: string,
    opts: DetailCallOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    const path = `/gear/${encodeURIComponent(id)}`;
    const body = await this.request(path, '', { ...opts, allowNotFound: true });
    return body === undefined ? undefined : this.objectBody(path, body);
  }

  /** `GET /athlete/zones`: the athlete's heart-rate and power zones. */
  async getAthleteZones(opts: DetailCallOptions = {}): Promise<Record<string, unknown>> {
    const body = await this.request('/athlete/zones', '', opts);
    return this.objectBody('/athlete/zones', body);
  }

  /** Every activity with start_date in (after, before), validated with validateActivity, deduped, sorted by id. */
  async listActivities(window: ActivityWindow): Promise<StravaActivity[]> {
    const result = await this.fetchActivities(window);
    if (result.stoppedAt) throw result.stoppedAt;
    return result.activities;
  }

  /**
   * Like listActivities, but a spent daily budget returns what was fetched so far. With `onPage`,
   * each page's new activities (validated, in the window, not seen on an earlier page) go to it
   * as the page arrives and are not kept: `activities` is then empty.
   */
  async fetchActivities(
    window: ActivityWindow,
    onPage?: (activities: StravaActivity[], call: string) => Promise<void> | void,
  ): Promise<FetchResult> {
    const startRequests = this.requestCount;
    const byId = new Map<number, StravaActivity>();
    const seen = new Set<number>();
    const limit = maxPages(window);
    let previousIds = '';
    let stoppedAt: RateLimitError | undefined;
    try {
      for (let page = 1; ; page++) {
        if (page > limit)
          throw this.runawayPaging(page, `${limit} pages, more than the window can hold`);
        const records = await this.page(window, page);
        if (records.length === 0) break;
        // A server that ignores `page` answers page 1 again and again: stop at the first repeat.
        const ids = records.map((r) => String((r as { id?: unknown } | null)?.id)).join(',');
        if (ids === previousIds)
          throw this.runawayPaging(page, `the same activities as page ${page - 1}`);
        previousIds = ids;
        const fresh: StravaActivity[] = [];
        for (const record of records) {
          const activity = validateActivity(record);
          const t = Date.parse(activity.start_date) / 1000;
          if (t > window.after && t < window.before && !seen.has(activity.id)) {
            seen.add(activity.id);
            fresh.push(activity);
          }
        }
        if (onPage) await onPage(fresh, `${this.listCall()} page ${page}`);
        else for (const a of fresh) byId.set(a.id, a);
        this.progress.update(`Strava: ${page} page(s), ${seen.size} activities so far`);
      }
    } catch (err) {
      if (!(err instanceof RateLimitError)) throw err;
      stoppedAt = err;
      this.progress.warn(err.line);
    }
    return {
      activities: [...byId.values()].sort((a, b) => a.id - b.id),
      requests: this.requestCount - startRequests,
      complete: !stoppedAt,
      ...(this.redirectedTo ? { redirectedTo: this.redirectedTo } : {}),
      ...(stoppedAt ? { stoppedAt } : {}),
    };
  }

  /** Where a list request was redirected within the origin so far, if it was. */
  get listRedirectedTo(): string | undefined {
    return this.redirectedTo;
  }

  private runawayPaging(page: number, what: string): StravaApiError {
    return new StravaApiError(
      `${this.listCall()} page ${page}: Strava's list answered ${what}; paging stopped so as not to spend the day's request budget.`,
      'The server ignores the page parameter or is not Strava: check STRAVA_API_BASE (or STRAVA_API_URL). Nothing was written to the tables.',
    );
  }

  /** `GET /api/v3/athlete/activities` on the old base, `GET /athlete/activities` on the new one. */
  private listCall(): string {
    return this.callName(ACTIVITIES_PATH);
  }

  /** `GET {base path}{path}`, e.g. `GET /api/v3/gear/b123`. */
  private callName(path: string): string {
    return `GET ${new URL(this.apiBase).pathname.replace(/\/$/, '')}${path}`;
  }

  private async page(window: ActivityWindow, page: number): Promise<unknown[]> {
    const query = new URLSearchParams({
      after: String(window.after),
      before: String(window.before),
      page: String(page),
      per_page: String(PER_PAGE),
    }).toString();
    const body = await this.request(ACTIVITIES_PATH, query, { list: true }, ` page ${page}`);
    if (!Array.isArray(body)) {
      throw new StravaApiError(
        `${this.listCall()} page ${page} answered 200 with something other than a list of activities.`,
        'Check that STRAVA_API_BASE (or STRAVA_API_URL) points at Strava.',
        { status: 200 },
      );
    }
    return body;
  }

  private objectBody(path: string, body: unknown): Record<string, unknown> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new StravaApiError(
        `${this.callName(path)} answered 200 with something other than a JSON object.`,
        'Check that STRAVA_API_BASE (or STRAVA_API_URL) points at Strava.',
        { status: 200 },
      );
    }
    return body as Record<string, unknown>;
  }

  /** Throws RequestCapError when one more request would cross `maxRequests`. */
  private checkCap(call: string): void {
    const cap = this.opts.maxRequests;
    if (cap !== undefined && this.requestCount >= cap) {
      throw new RequestCapError(cap, call, this.now());
    }
  }

  /** Counts one HTTP request about to be sent, after the cap allowed it. */
  private count(call: string): void {
    this.checkCap(call);
    this.apiRequests++;
  }

  /**
   * The one request loop of every API GET: the access token (refreshed once on a 401), the
   * rate-limit pacer and the request cap before each try, retries of transient failures, the
   * fallback host, waits for a new window on 429 (or, with `stopOn429`, a RateLimitError at
   * once). Answers the 200 body, or undefined for a 404 when `allowNotFound`.
   */
  private async request(
    path: string,
    query: string,
    opts: RequestOptions,
    callSuffix = '',
  ): Promise<unknown> {
    let refreshed = false;
    for (let limited = 0; ;) {
      const token = await this.auth.getAccessToken();
      const call = `${this.callName(path)}${callSuffix}`;
      const res = await sendWithRetry(
        call,
        (signal) =>
          this.send(call, path, query, opts, {
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
            signal,
          }),
        {
          maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
          timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          sleep: this.sleep,
          random: this.opts.random,
          beforeAttempt: async () => {
            this.checkCap(call);
            await this.pacer.beforeRequest();
          },
          onResponse: (headers) => this.pacer.observe(headers),
          onRetry: (reason, delayMs) =>
            this.progress.update(`${call}: ${reason}; retrying in ${Math.ceil(delayMs / 1000)} s`),
        },
      );
      if (res.status === 200) return res.body;
      if (res.status === 404 && opts.allowNotFound) return undefined;
      if (res.status === 429) {
        if (opts.stopOn429) {
          this.pacer.observe(res.headers);
          const daySpent = this.pacer.daySpent();
          const resumeAt = new Date(
            daySpent
              ? nextUtcMidnight(this.now().getTime())
              : nextWindowStart(this.now().getTime(), this.opts.windowMs),
          );
          throw new RateLimitError(
            `${call}: Strava answered 429 Too Many Requests; the detail phase stops here, keeping what it fetched.`,
            resumeAt,
            'The rest stays queued for the next run.',
          );
        }
        if (++limited > (this.opts.maxRetries ?? DEFAULT_MAX_RETRIES)) {
          throw new RateLimitError(
            `${call}: Strava kept answering 429 Too Many Requests after ${limited - 1} waits for a new window.`,
            new Date(nextWindowStart(this.now().getTime(), this.opts.windowMs)),
            'Another client may share this API application; re-run later.',
          );
        }
        await this.pacer.afterTooManyRequests(res.headers);
        continue;
      }
      const known = knownFailure(call, res.status, res.body);
      if (known) throw known;
      if (res.status === 401) {
        if (refreshed) {
          throw new StravaAuthError(
            `Strava rejected a freshly refreshed access token at ${call}.`,
            'Check that STRAVA_CLIENT_ID matches the app the refresh token was issued for.',
          );
        }
        // The access token expired or was revoked early: one refresh, then the same request again.
        refreshed = true;
        await this.auth.getAccessToken(true);
        continue;
      }
      throw unexpectedResponse(call, res.status, res.body);
    }
  }

  /**
   * One try of a request. If the API base was chosen by date and its host cannot be resolved
   * or connected to, the old base is used from then on, once, with a warning.
   */
  private async send(
    call: string,
    path: string,
    query: string,
    opts: RequestOptions,
    init: RequestInit,
  ): Promise<Response> {
    const send = () =>
      fetchWithinOrigin(
        this.fetchFn,
        call,
        `${this.apiBase}${path}${query ? `?${query}` : ''}`,
        init,
        {
          onRedirect: (to) => {
            // A hop is one more request sent.
            this.count(call);
            if (opts.list) this.redirectedTo ??= `${to.host}${to.pathname}`;
          },
        },
      );
    this.count(call);
    try {
      return await send();
    } catch (err) {
      const fallback = this.fallback;
      if (!fallback || !isConnectFailure(err)) throw err;
      this.fallback = undefined;
      this.progress.warn(
        `Strava's new API host ${new URL(this.apiBase).host} could not be reached (${describeCause(err)}); using ${fallback} for this run.`,
      );
      this.apiBase = fallback;
      this.count(call);
      return send();
    }
  }
}

export interface MonthsSweep {
  /** The months known to be complete: all of them unless the daily budget ran out. */
  months: Map<Month, StravaActivity[]>;
  complete: boolean;
  stoppedAt?: RateLimitError;
}

/** How a month's list was answered: `redirectedTo` when a page came through a redirect. */
export interface MonthAnswer {
  redirectedTo?: string;
}

export interface StreamedSweep {
  /** The months handed to `onMonth`, newest first: all of them unless the budget ran out. */
  months: Month[];
  complete: boolean;
  stoppedAt?: RateLimitError;
}

/**
 * One sweep for the local months from..to that hands each month to `onMonth` (its activities
 * sorted by id) as soon as it is complete, so a large backfill never holds every activity.
 * Strava lists newest first (the recordings show it for after+before), so a local month is
 * complete once an activity older than its widened window has arrived: a local month starts no
 * earlier (UTC) than its window's `after` + 1 s. An activity of a month already handed over
 * would mean the list was not newest first; the sweep then fails rather than lose it. When the
 * daily budget runs out part-way, only the complete months were handed over.
 */
export async function streamMonths(
  client: StravaClient,
  from: Month,
  to: Month,
  onMonth: (
    month: Month,
    activities: StravaActivity[],
    answer: MonthAnswer,
  ) => Promise<void> | void,
): Promise<StreamedSweep> {
  const pending = new Map<Month, StravaActivity[]>(monthRange(from, to).map((m) => [m, []]));
  const handed: Month[] = [];
  const handOver = async (ready: (month: Month) => boolean) => {
    for (const month of [...pending.keys()].sort().reverse()) {
      if (!ready(month)) continue;
      const activities = pending.get(month)!.sort((a, b) => a.id - b.id);
      pending.delete(month);
      handed.push(month);
      const redirectedTo = client.listRedirectedTo;
      await onMonth(month, activities, redirectedTo ? { redirectedTo } : {});
    }
  };
  let oldest = Infinity;
  const result = await client.fetchActivities(queryWindow(from, to), async (page, call) => {
    for (const a of page) {
      const month = monthOf(a.start_date_local);
      const bucket = pending.get(month);
      if (bucket) bucket.push(a);
      else if (handed.includes(month)) {
        throw new StravaApiError(
          `${call} listed activity ${a.id} of ${month} after activities older than that month: Strava's list was not newest first.`,
          'Nothing was written to the tables; run the same command again.',
        );
      }
      oldest = Math.min(oldest, Date.parse(a.start_date) / 1000);
    }
    await handOver((month) => queryWindow(month).after + 1 > oldest);
  });
  if (result.complete) await handOver(() => true);
  return {
    months: handed,
    complete: result.complete,
    ...(result.stoppedAt ? { stoppedAt: result.stoppedAt } : {}),
  };
}

/**
 * One sweep for the local months from..to, every activity kept. When the daily budget runs out
 * part-way, `months` keeps only the months the sweep finished.
 */
export async function sweepMonths(
  client: StravaClient,
  from: Month,
  to: Month,
): Promise<MonthsSweep> {
  const months = new Map<Month, StravaActivity[]>();
  const sweep = await streamMonths(client, from, to, (month, activities) => {
    months.set(month, activities);
  });
  const sorted = new Map([...months].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    months: sorted,
    complete: sweep.complete,
    ...(sweep.stoppedAt ? { stoppedAt: sweep.stoppedAt } : {}),
  };
}

/** One sweep for local months from..to, split by monthOf(start_date_local); months with no activities are present with []. */
export async function fetchMonths(
  client: StravaClient,
  from: Month,
  to: Month,
): Promise<Map<Month, StravaActivity[]>> {
  const sweep = await sweepMonths(client, from, to);
  if (sweep.stoppedAt) throw sweep.stoppedAt;
  return sweep.months;
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return String(cause?.code ?? (err as Error).message);
}
