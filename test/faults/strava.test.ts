/**
 * Strava misbehaving, end to end through runPipeline against the simulator: rate limits (the
 * 15-minute window and the daily budget), bursts of 5xx, a stalled response, cut-off JSON, an
 * access token revoked mid-backfill, a revoked refresh token and an inactive application;
 * redirects to other hosts and within Strava's, a list that ignores `page`, and the prefix-less
 * API of Strava's 2027 host on its own origin. The
 * simulator and the run share a fake clock, so waiting for a window or for midnight is free.
 * Each run either finishes with the tables a clean run writes, or stops with one clear message
 * and writes nothing it should not; no secret reaches a message, a progress line or a file.
 * The stalled response is the one real wait: the client's 30-second timeout.
 */
import fs from 'node:fs/promises';
import { describe, test, type ExpectStatic } from 'vitest';
import { AppError, RateLimitError, StravaApiError, StravaAuthError } from '../../src/errors.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { monthRange } from '../../src/strava/months.js';
import {
  FIFTEEN_MINUTES_MS,
  nextUtcMidnight,
  nextWindowStart,
} from '../../src/strava/ratelimit.js';
import { LeakScan } from '../support/faults.js';
import { activitiesIn, contentOf, idsOf, warehouseState, type Range } from '../support/pipeline.js';
import { warehouse, type Warehouse } from './support/harness.js';
import {
  afterListRequest,
  spendBudget,
  startStrava,
  stranger,
  type Strava,
} from './support/strava.js';

const ALL = recordedActivities();

/** The run failed with an AppError; returns it. */
async function failure(run: Promise<unknown>): Promise<AppError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

/** Silver holds exactly the activities of `months`, each once. */
async function expectSilverOf(expect: ExpectStatic, wh: Warehouse, months: string[]) {
  const state = await warehouseState(wh.store);
  expect(idsOf(state.silver.rows)).toEqual(idsOf(months.flatMap((m) => activitiesIn(ALL, m))));
  expect(new Set(state.silver.rows.map((r) => r.month))).toEqual(
    new Set(months.filter((m) => activitiesIn(ALL, m).length)),
  );
  return state;
}

/** The tables a clean run of `range` writes, on an unlimited, well-behaved simulator. */
async function cleanContent(range: Range) {
  const strava = await startStrava();
  const wh = await warehouse('folder');
  await strava.run(wh, range);
  return contentOf(await warehouseState(wh.store));
}

/** Nothing under the warehouse at all. */
async function expectNothingWritten(expect: ExpectStatic, wh: Warehouse) {
  expect(await wh.store.list('')).toEqual([]);
}

async function expectNoLeaks(
  expect: ExpectStatic,
  strava: Strava,
  wh: Warehouse,
  ...texts: string[]
) {
  const scan = new LeakScan();
  scan.secret(...strava.secrets());
  for (const l of strava.lines) scan.text(`progress ${l.kind}`, l.message);
  for (const [i, t] of texts.entries()) scan.text(`message ${i}`, t);
  await scan.store(wh.store);
  expect(scan.collected).toBeGreaterThan(0);
  expect(scan.hits()).toEqual([]);
}

const savedToken = async (strava: Strava) => (await fs.readFile(strava.tokenFile, 'utf8')).trim();

describe('rate limits', () => {
  test('another client spends the 15-minute budget mid-run: a 429, a wait for the next window, then the run finishes', async ({
    expect,
  }) => {
    const range = { from: '2024-04', to: '2024-06' };
    const strava = await startStrava({ readLimit: [5, 1000], start: '2026-01-12T10:07:00Z' });
    const wh = await warehouse('folder');

    const { records } = await strava.run(wh, range, {
      wrapFetch: afterListRequest(1, (auth) => spendBudget(strava.sim, auth, 4)),
    });

    // Page 1, then page 2 refused with 429, then page 2 again in the next window.
    const lists = strava.lists();
    expect(lists.map((r) => [r.query.page, r.status])).toEqual([
      ['1', 200],
      ['2', 429],
      ['2', 200],
    ]);
    expect(lists[2]!.at).toBeGreaterThanOrEqual(nextWindowStart(lists[1]!.at));
    expect(
      strava.lines.some((l) => /^Strava read rate limit: .* resuming in \d+:\d\d$/.test(l.message)),
    ).toBe(true);
    expect(records.map((r) => [r.month, r.status])).toEqual(
      monthRange(range.from, range.to).map((m) => [m, 'ingested']),
    );
    // The 429 costs one request more than the minimum: 1 token + 2 list requests.
    expect(records[0]!.stravaRequests).toBe(4);
    await expectSilverOf(expect, wh, monthRange(range.from, range.to));
    await expectNoLeaks(expect, strava, wh);
  });

  test('a backfill larger than the 15-minute budget is paced across windows without a 429', async ({
    expect,
  }) => {
    const range = { from: '2023-01', to: '2024-12' };
    const strava = await startStrava({ readLimit: [2, 1000] });
    const wh = await warehouse('folder');

    await strava.run(wh, range);

    const lists = strava.lists();
    // 423 activities: pages of 200 until an empty one.
    expect(lists.map((r) => [r.query.page, r.status])).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 200],
      ['4', 200],
    ]);
    const perWindow = new Map<number, number>();
    for (const r of lists) {
      const w = Math.floor(r.at / FIFTEEN_MINUTES_MS);
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    }
    expect([...perWindow.values()]).toEqual([2, 2]);
    await expectSilverOf(expect, wh, monthRange(range.from, range.to));
    await expectNoLeaks(expect, strava, wh);
  });

  test('the daily budget runs out: the finished months are written, the rest wait for the next day, whose run completes', async ({
    expect,
  }) => {
    const range = { from: '2017-10', to: '2025-10' };
    const months = monthRange(range.from, range.to);
    const strava = await startStrava({ readLimit: [100, 8], start: '2026-01-12T20:00:00Z' });
    const wh = await warehouse('folder');

    // Another client spends 3 of the 8 requests of the day; the backfill needs 7.
    const first = await strava.run(wh, range, {
      wrapFetch: afterListRequest(1, (auth) => spendBudget(strava.sim, auth, 3)),
    });

    expect(first.stoppedEarly).toBeDefined();
    expect(first.stoppedEarly!.resumeAt).toBe(
      new Date(nextUtcMidnight(Date.parse('2026-01-12T20:00:00Z'))).toISOString(),
    );
    expect(first.stoppedEarly!.message).toMatch(
      /^Strava's daily read budget is spent \(8 of 8 requests today\); .* Processed the \d+ month\(s\) fetched completely; run the same command again after the reset for the rest\.$/,
    );
    expect(strava.lists().map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // The months it wrote are the newest ones, each whole; nothing of the others anywhere.
    const done = first.records.map((r) => r.month);
    expect(done.length).toBeGreaterThan(12);
    expect(done).toEqual(months.slice(months.length - done.length));
    await expectSilverOf(expect, wh, done);
    const landed = (await wh.store.list('landing/')).map((o) => o.key.split('/')[2]);
    expect(landed).toEqual(done.map((m) => `month=${m}`));

    // The next day: the same command finishes the rest, and the tables equal one clean backfill.
    strava.clock.set('2026-01-13T00:05:00Z');
    const second = await strava.run(wh, range);

    expect(second.stoppedEarly).toBeUndefined();
    expect(second.records.map((r) => r.month)).toEqual(months);
    expect(second.records.filter((r) => r.status === 'unchanged').map((r) => r.month)).toEqual(
      done,
    );
    await expectSilverOf(expect, wh, months);
    expect(contentOf(await warehouseState(wh.store))).toEqual(await cleanContent(range));
    await expectNoLeaks(expect, strava, wh, first.stoppedEarly!.message);
  });
});

describe('transient failures are retried, then the run finishes', () => {
  const range = { from: '2024-04', to: '2024-06' };

  test.for([503, 500, 502])('a burst of three %i answers', async (status, { expect }) => {
    const strava = await startStrava({ faults: { serverErrors: 3, serverErrorStatus: status } });
    const wh = await warehouse('folder');

    const { records } = await strava.run(wh, range);

    expect(strava.lists().map((r) => [r.query.page, r.status])).toEqual([
      ['1', status],
      ['1', status],
      ['1', status],
      ['1', 200],
      ['2', 200],
    ]);
    expect(records.every((r) => r.status === 'ingested')).toBe(true);
    expect(contentOf(await warehouseState(wh.store))).toEqual(await cleanContent(range));
    await expectNoLeaks(expect, strava, wh);
  });

  test('a stalled response: the request times out, is sent again, and the run finishes', async ({
    expect,
  }) => {
    const strava = await startStrava({ faults: { stalls: 1 } });
    const wh = await warehouse('folder');

    await strava.run(wh, range);

    expect(strava.lists().map((r) => [r.query.page, r.status])).toEqual([
      ['1', undefined],
      ['1', 200],
      ['2', 200],
    ]);
    expect(
      strava.lines.some((l) =>
        /page 1: no complete answer within 30 s; retrying in \d+ s$/.test(l.message),
      ),
    ).toBe(true);
    expect(contentOf(await warehouseState(wh.store))).toEqual(await cleanContent(range));
    await expectNoLeaks(expect, strava, wh);
  });

  test('JSON cut off half-way, twice: both pages are fetched again', async ({ expect }) => {
    const strava = await startStrava({ faults: { truncated: 2 } });
    const wh = await warehouse('folder');

    await strava.run(wh, range);

    expect(strava.lists().map((r) => r.query.page)).toEqual(['1', '1', '1', '2']);
    expect(contentOf(await warehouseState(wh.store))).toEqual(await cleanContent(range));
    await expectNoLeaks(expect, strava, wh);
  });

  test('an access token revoked mid-backfill: one refresh, the page again, and on to the end', async ({
    expect,
  }) => {
    const backfill = { from: '2022-01', to: '2025-10' };
    const strava = await startStrava();
    const wh = await warehouse('folder');

    await strava.run(wh, backfill, {
      wrapFetch: afterListRequest(2, () => strava.sim.setFaults({ rejectAccessToken: 1 })),
    });

    expect(strava.lists().map((r) => [r.query.page, r.status])).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 401],
      ['3', 200],
      ['4', 200],
      ['5', 200],
    ]);
    // Two refreshes, each rotating the refresh token; the file holds the one Strava accepts now.
    expect(strava.tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    expect(await savedToken(strava)).toBe(strava.sim.state.refreshToken);
    await expectSilverOf(expect, wh, monthRange(backfill.from, backfill.to));
    await expectNoLeaks(expect, strava, wh);
  });
});

describe('permanent failures stop the run with one message and write nothing', () => {
  const range = { month: '2024-05' };

  test('five 503s in a row: the tries run out, naming the call', async ({ expect }) => {
    const strava = await startStrava({ faults: { serverErrors: 5 } });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, range));

    expect(err).toBeInstanceOf(StravaApiError);
    expect(err.line).toBe(
      'GET /api/v3/athlete/activities page 1 failed 5 times; last: Strava answered 503. Strava or the network is having trouble (see https://status.strava.com); re-run later.',
    );
    await expectNothingWritten(expect, wh);
    // The refresh before the failure rotated the token: the new one is kept for the next run.
    expect(await savedToken(strava)).toBe(strava.sim.state.refreshToken);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('a revoked refresh token: re-authorize', async ({ expect }) => {
    const strava = await startStrava({ faults: { revokedRefreshToken: true } });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, range));

    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toMatch(/^Strava rejected the refresh token at POST \/oauth\/token/);
    expect(err.hint).toMatch(/^Re-authorize with `strava-lakehouse auth`/);
    expect(strava.lists()).toEqual([]);
    await expectNothingWritten(expect, wh);
    await expect(fs.access(strava.tokenFile)).rejects.toThrow();
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('an inactive application (403 Inactive): say how to reactivate it', async ({ expect }) => {
    const strava = await startStrava({ faults: { inactiveApp: true } });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, range));

    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toMatch(
      /^Strava refused GET \/api\/v3\/athlete\/activities page 1: your API application is inactive/,
    );
    expect(strava.lists().map((r) => r.status)).toEqual([403]);
    await expectNothingWritten(expect, wh);
    expect(await savedToken(strava)).toBe(strava.sim.state.refreshToken);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('a token without activity:read permission: re-authorize with it', async ({ expect }) => {
    const strava = await startStrava({ scope: 'read' });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, range));

    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.line).toMatch(/activity:read/);
    await expectNothingWritten(expect, wh);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('the daily budget spent before the first page: nothing to keep, a RateLimitError', async ({
    expect,
  }) => {
    const strava = await startStrava({ readLimit: [100, 2] });
    const wh = await warehouse('folder');
    await strava.run(wh, range);

    const err = await failure(strava.run(wh, { month: '2024-04' }));

    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).resumeAt.toISOString()).toBe(
      new Date(nextUtcMidnight(strava.clock.ms)).toISOString(),
    );
    expect(await wh.store.list('landing/activities/month=2024-04/')).toEqual([]);
    expect(await wh.store.list('_runs/month=2024-04/')).toEqual([]);
    await expectNoLeaks(expect, strava, wh, err.line);
  });
});

describe('untrusted answers: redirects, runaway paging, the 2027 host', () => {
  const may = { month: '2024-05' };

  test('a 302 of the list to another host answering []: refused, naming both hosts; the stranger gets nothing and the month keeps its activities', async ({
    expect,
  }) => {
    const strava = await startStrava();
    const wh = await warehouse('folder');
    await strava.run(wh, may);
    const before = contentOf(await warehouseState(wh.store));
    const evil = await stranger([]);
    strava.sim.setFaults({
      redirects: [
        {
          path: '/api/v3/athlete/activities',
          location: `${evil.url}/api/v3/athlete/activities`,
          keepQuery: true,
        },
      ],
    });

    const err = await failure(strava.run(wh, may, { force: true }));

    expect(err).toBeInstanceOf(StravaApiError);
    expect(err.line).toMatch(
      new RegExp(
        `^GET /api/v3/athlete/activities page 1: ${new URL(strava.sim.url).host} redirected the request to ${evil.host}; refused, so nothing was sent to ${evil.host}\\.`,
      ),
    );
    expect(evil.received).toEqual([]);
    expect(contentOf(await warehouseState(wh.store))).toEqual(before);
    await expectSilverOf(expect, wh, ['2024-05']);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('a 307 of the token request to another host: the client secret and refresh token are not re-posted there, and nothing is saved', async ({
    expect,
  }) => {
    const evil = await stranger({
      token_type: 'Bearer',
      access_token: 'e'.repeat(40),
      expires_at: 4_000_000_000,
      refresh_token: 'f'.repeat(40),
    });
    const strava = await startStrava({
      faults: {
        redirects: [{ path: '/oauth/token', location: `${evil.url}/oauth/token`, status: 307 }],
      },
    });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, may));

    expect(err.line).toMatch(
      new RegExp(
        `^POST /oauth/token: ${new URL(strava.sim.url).host} redirected the request to ${evil.host}; refused`,
      ),
    );
    expect(evil.received).toEqual([]);
    expect(strava.tokenCalls().map((r) => r.status)).toEqual([307]);
    await expect(fs.access(strava.tokenFile)).rejects.toThrow();
    expect(strava.lists()).toEqual([]);
    await expectNothingWritten(expect, wh);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('a redirect within Strava to an empty list cannot empty a month that held activities', async ({
    expect,
  }) => {
    const strava = await startStrava();
    const wh = await warehouse('folder');
    const first = await strava.run(wh, may);
    expect(first.records[0]!.activities).toBeGreaterThan(0);
    const before = contentOf(await warehouseState(wh.store));
    // Same origin, an empty window: a valid, empty list.
    strava.sim.setFaults({
      redirects: [
        {
          path: '/api/v3/athlete/activities',
          location: '/api/v3/athlete/activities?after=0&before=1&per_page=200',
          times: 1,
        },
      ],
    });

    const err = await failure(strava.run(wh, may, { force: true }));

    expect(err.line).toBe(
      `Strava's list was redirected to ${new URL(strava.sim.url).host}/api/v3/athlete/activities and came back without the ${first.records[0]!.activities} activities 2024-05 held: refused to empty the month. Nothing was written to the tables; run again later, and check STRAVA_API_BASE (or STRAVA_API_URL) if it persists.`,
    );
    expect(contentOf(await warehouseState(wh.store))).toEqual(before);
    expect(await wh.store.list('_runs/month=2024-05/')).toHaveLength(1);

    // Without the redirect, the same list is Strava's word: a month emptied on Strava is emptied.
    for (const a of activitiesIn(ALL, '2024-05')) strava.sim.deleteActivity(a.id);
    const emptied = await strava.run(wh, may);
    expect(emptied.records.map((r) => [r.status, r.activities])).toEqual([['ingested', 0]]);
    const state = await warehouseState(wh.store);
    expect(state.silver.rows.filter((r) => r.month === '2024-05')).toEqual([]);
  });

  test('a server that ignores page: 2 list requests, one error line, nothing written', async ({
    expect,
  }) => {
    const strava = await startStrava({ faults: { ignorePage: true } });
    const wh = await warehouse('folder');

    const err = await failure(strava.run(wh, { from: '2023-01', to: '2024-12' }));

    expect(err.line).toMatch(
      /^GET \/api\/v3\/athlete\/activities page 2: Strava's list answered the same activities as page 1; paging stopped/,
    );
    expect(strava.lists().map((r) => r.query.page)).toEqual(['1', '2']);
    expect(await wh.store.list('_runs/')).toEqual([]);
    expect(await wh.store.list('bronze/')).toEqual([]);
    await expectNoLeaks(expect, strava, wh, err.line);
  });

  test('the prefix-less API on its own origin (api-v3.strava.com from 2027), OAuth on the other: the same tables as one origin', async ({
    expect,
  }) => {
    const range = { from: '2024-04', to: '2024-06' };
    const strava = await startStrava({ prefixlessOrigin: true });
    const wh = await warehouse('folder');

    await strava.run(wh, range, {
      inputs: { apiUrl: '', apiBase: strava.sim.prefixlessUrl, oauthUrl: strava.sim.url },
    });

    const lists = strava.sim.state.requests.filter((r) => r.path === '/athlete/activities');
    expect(lists.map((r) => [r.prefixless, r.query.page, r.status])).toEqual([
      [true, '1', 200],
      [true, '2', 200],
    ]);
    expect(strava.lists()).toEqual([]);
    expect(strava.tokenCalls().map((r) => [r.prefixless, r.status])).toEqual([[undefined, 200]]);
    expect(contentOf(await warehouseState(wh.store))).toEqual(await cleanContent(range));
    await expectNoLeaks(expect, strava, wh);
  });
});
