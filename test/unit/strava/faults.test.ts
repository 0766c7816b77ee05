import { describe, expect, it } from 'vitest';
import { StravaApiError, StravaAuthError } from '../../../src/errors.js';
import { generateAthlete } from '../../../src/simulator/index.js';
import { queryWindow } from '../../../src/strava/months.js';
import { backoffDelay } from '../../../src/strava/retry.js';
import {
  client,
  expectNoSecrets,
  failure,
  fakeClock,
  listRequests,
  simulator,
  stravaConfig,
  tokenRequests,
} from './support.js';

const athlete = generateAthlete({ count: 450, seed: 21, from: '2023-01' });
const WINDOW = queryWindow('2022-12', '2026-12');
const ALL_IDS = athlete.map((a) => a.id).sort((x, y) => x - y);
const ids = (list: { id: number }[]) => list.map((a) => a.id);

describe('backoff', () => {
  it('is exponential with full jitter, capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.999)).toBe(999);
    expect(backoffDelay(3, () => 0.5)).toBe(4_000);
    expect(backoffDelay(20, () => 0.999)).toBe(29_970);
  });
});

describe('transient failures are retried', () => {
  it('a burst of 5xx: waits with growing backoff, then finishes', async () => {
    const sim = await simulator({ activities: athlete, faults: { serverErrors: 3 } });
    const clock = fakeClock();
    const c = client(await stravaConfig(sim), { sleep: clock.sleep, random: () => 0.999 });

    expect(ids(await c.listActivities(WINDOW))).toEqual(ALL_IDS);

    expect(listRequests(sim).map((r) => r.status)).toEqual([503, 503, 503, 200, 200, 200, 200]);
    expect(clock.sleeps).toEqual([999, 1998, 3996]);
    expect(c.requestCount).toBe(1 + 7);
  });

  it('gives up after the bounded tries, naming the call', async () => {
    const sim = await simulator({
      activities: athlete,
      faults: { serverErrors: 100, serverErrorStatus: 502 },
    });
    const config = await stravaConfig(sim);
    const err = await failure(() => client(config, { maxRetries: 2 }).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaApiError);
    expect(err.message).toBe(
      'GET /api/v3/athlete/activities page 1 failed 3 times; last: Strava answered 502.',
    );
    expect((err as StravaApiError).status).toBe(502);
    expect(listRequests(sim)).toHaveLength(3);
    expectNoSecrets(err.line, sim, config);
  });

  it('a stalled response times out and is retried', async () => {
    const sim = await simulator({ activities: athlete, faults: { stalls: 1 } });
    const c = client(await stravaConfig(sim), { timeoutMs: 300 });
    expect(ids(await c.listActivities(WINDOW))).toEqual(ALL_IDS);
    const statuses = listRequests(sim).map((r) => r.status);
    expect(statuses).toEqual([undefined, 200, 200, 200, 200]);
  });

  it('a response cut off mid-JSON is retried', async () => {
    const sim = await simulator({ activities: athlete });
    let lists = 0;
    const cutAfterFirstPage: typeof fetch = async (input, init) => {
      if (String(input).includes('/athlete/activities') && ++lists === 2) {
        sim.setFaults({ truncated: 1 });
      }
      return fetch(input, init);
    };
    const c = client(await stravaConfig(sim), { fetch: cutAfterFirstPage });
    expect(ids(await c.listActivities(WINDOW))).toEqual(ALL_IDS);
    expect(listRequests(sim).map((r) => r.query.page)).toEqual(['1', '2', '2', '3', '4']);
  });

  it('an unreachable Strava fails the token call after its tries', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim);
    await sim.close();
    const err = await failure(() => client(config, { maxRetries: 1 }).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaApiError);
    expect(err.message).toMatch(/^POST \/oauth\/token failed 2 times; last: fetch failed/);
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('a rejected access token mid-run', () => {
  it('refreshes once and carries on with the same page', async () => {
    const sim = await simulator({ activities: athlete });
    let lists = 0;
    const revokeAfterFirstPage: typeof fetch = async (input, init) => {
      if (String(input).includes('/athlete/activities') && ++lists === 2) {
        sim.setFaults({ rejectAccessToken: 1 });
      }
      return fetch(input, init);
    };
    const c = client(await stravaConfig(sim), { fetch: revokeAfterFirstPage });
    expect(ids(await c.listActivities(WINDOW))).toEqual(ALL_IDS);
    expect(tokenRequests(sim)).toHaveLength(2);
    expect(listRequests(sim).map((r) => [r.query.page, r.status])).toEqual([
      ['1', 200],
      ['2', 401],
      ['2', 200],
      ['3', 200],
      ['4', 200],
    ]);
  });

  it('a second rejection right after a refresh is an auth error', async () => {
    const sim = await simulator({ activities: athlete, faults: { rejectAccessToken: 2 } });
    const config = await stravaConfig(sim);
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toContain('freshly refreshed access token');
    expect(tokenRequests(sim)).toHaveLength(2);
    expectNoSecrets(err.line, sim, config);
  });
});
