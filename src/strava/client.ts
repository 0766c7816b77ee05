/**
 * Where Strava is called: `GET {apiUrl}/api/v3/athlete/activities?after&before&page&per_page`.
 * A window is swept page by page (200 a page) until an EMPTY page, because Strava's pages can be
 * short before the last. Every record is schema-checked; the result is de-duplicated and sorted by
 * id here, since paging over a changing list can repeat a record. Pacing, retries and a single
 * token refresh on a rejected access token happen per request.
 */
import type { StravaConfig } from '../config.js';
import { RateLimitError, StravaApiError, StravaAuthError } from '../errors.js';
import { silentProgress, type Progress } from '../progress.js';
import { StravaAuth } from './auth.js';
import { knownFailure, unexpectedResponse } from './error-bodies.js';
import { monthOf, monthRange, queryWindow, type Month } from './months.js';
import { RatePacer, nextWindowStart } from './ratelimit.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, sendWithRetry } from './retry.js';
import { validateActivity, type StravaActivity } from './schema.js';

export const PER_PAGE = 200;
const ACTIVITIES_PATH = '/api/v3/athlete/activities';
const LIST_CALL = `GET ${ACTIVITIES_PATH}`;

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
}

export class StravaClient {
  readonly auth: StravaAuth;
  private readonly fetchFn: typeof fetch;
  private readonly progress: Progress;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pacer: RatePacer;
  private readonly now: () => Date;
  private listRequests = 0;

  constructor(private readonly opts: StravaClientOptions) {
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.progress = opts.progress ?? silentProgress;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? (() => new Date());
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
    this.pacer = new RatePacer({
      now: this.now,
      sleep: this.sleep,
      progress: this.progress,
      windowMs: opts.windowMs,
    });
  }

  /** Token + list requests sent so far, retries included. */
  get requestCount(): number {
    return this.auth.requests + this.listRequests;
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
    let stoppedAt: RateLimitError | undefined;
    try {
      for (let page = 1; ; page++) {
        const records = await this.page(window, page);
        if (records.length === 0) break;
        const fresh: StravaActivity[] = [];
        for (const record of records) {
          const activity = validateActivity(record);
          const t = Date.parse(activity.start_date) / 1000;
          if (t > window.after && t < window.before && !seen.has(activity.id)) {
            seen.add(activity.id);
            fresh.push(activity);
          }
        }
        if (onPage) await onPage(fresh, `${LIST_CALL} page ${page}`);
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
      ...(stoppedAt ? { stoppedAt } : {}),
    };
  }

  private async page(window: ActivityWindow, page: number): Promise<unknown[]> {
    const call = `${LIST_CALL} page ${page}`;
    const query = new URLSearchParams({
      after: String(window.after),
      before: String(window.before),
      page: String(page),
      per_page: String(PER_PAGE),
    });
    const url = `${this.opts.config.apiUrl}${ACTIVITIES_PATH}?${query}`;
    let refreshed = false;
    for (let limited = 0; ;) {
      const token = await this.auth.getAccessToken();
      const res = await sendWithRetry(
        call,
        (signal) => {
          this.listRequests++;
          return this.fetchFn(url, {
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
            signal,
          });
        },
        {
          maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
          timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          sleep: this.sleep,
          random: this.opts.random,
          beforeAttempt: () => this.pacer.beforeRequest(),
          onResponse: (headers) => this.pacer.observe(headers),
          onRetry: (reason, delayMs) =>
            this.progress.update(`${call}: ${reason}; retrying in ${Math.ceil(delayMs / 1000)} s`),
        },
      );
      if (res.status === 200) {
        if (!Array.isArray(res.body)) {
          throw new StravaApiError(
            `${call} answered 200 with something other than a list of activities.`,
            'Check that STRAVA_API_URL points at Strava (https://www.strava.com).',
            { status: 200 },
          );
        }
        return res.body;
      }
      if (res.status === 429) {
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
        // The access token expired or was revoked early: one refresh, then the same page again.
        refreshed = true;
        await this.auth.getAccessToken(true);
        continue;
      }
      throw unexpectedResponse(call, res.status, res.body);
    }
  }
}

export interface MonthsSweep {
  /** The months known to be complete: all of them unless the daily budget ran out. */
  months: Map<Month, StravaActivity[]>;
  complete: boolean;
  stoppedAt?: RateLimitError;
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
  onMonth: (month: Month, activities: StravaActivity[]) => Promise<void> | void,
): Promise<StreamedSweep> {
  const pending = new Map<Month, StravaActivity[]>(monthRange(from, to).map((m) => [m, []]));
  const handed: Month[] = [];
  const handOver = async (ready: (month: Month) => boolean) => {
    for (const month of [...pending.keys()].sort().reverse()) {
      if (!ready(month)) continue;
      const activities = pending.get(month)!.sort((a, b) => a.id - b.id);
      pending.delete(month);
      handed.push(month);
      await onMonth(month, activities);
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
