/**
 * The client's detail calls against the simulator: what they ask for, 404 as undefined, the
 * request cap (nothing sent past it, the token refresh included), a 429 with stopOn429 ending
 * at once, and the counting of every request.
 */
import { describe, expect, it } from 'vitest';
import { RateLimitError, RequestCapError } from '../../../src/errors.js';
import { STREAM_KEYS } from '../../../src/lakehouse/detail-tables.js';
import { generateAthlete, type Simulator } from '../../../src/simulator/index.js';
import { queryWindow } from '../../../src/strava/months.js';
import { client, failure, fakeClock, simulator, stravaConfig, tokenRequests } from './support.js';

const athlete = generateAthlete({ count: 30, seed: 21, from: '2024-03' }).map((a, i) =>
  i === 1 ? { ...a, manual: true } : a,
);
const [first, manual] = [athlete[0]!, athlete[1]!];
const apiRequests = (sim: Simulator) =>
  sim.state.requests.filter((r) => r.path.startsWith('/api/v3/'));

/** Spends `n` read requests of the simulator's budget as another client of the same app would. */
async function spend(sim: Simulator, n: number) {
  for (let i = 0; i < n; i++) {
    await fetch(`${sim.url}/api/v3/athlete/zones`, {
      headers: { authorization: `Bearer ${sim.state.accessToken}` },
    }).then((r) => r.text());
  }
}

describe('detail calls', () => {
  it('ask for what the pipeline needs, once each', async () => {
    const sim = await simulator({ activities: athlete });
    const c = client(await stravaConfig(sim));
    expect(c.remainingToday()).toBeUndefined();

    const detail = await c.getActivity(BigInt(first.id));
    const streams = await c.getStreams(BigInt(first.id));
    const gearId = athlete.find((a) => typeof a.gear_id === 'string')!.gear_id as string;
    const gear = await c.getGear(gearId);
    const zones = await c.getAthleteZones();

    expect(detail).toMatchObject({ id: first.id, name: first.name });
    expect(Object.keys(streams!)).toEqual(expect.arrayContaining(['time', 'distance', 'moving']));
    expect(streams!.time!.data).toHaveLength(first.elapsed_time + 1);
    expect(gear).toMatchObject({ id: gearId });
    expect(zones).toHaveProperty('heart_rate');
    expect(apiRequests(sim).map((r) => [r.path, r.query])).toEqual([
      [`/api/v3/activities/${first.id}`, { include_all_efforts: 'false' }],
      [
        `/api/v3/activities/${first.id}/streams`,
        { keys: STREAM_KEYS.join(','), key_by_type: 'true' },
      ],
      [`/api/v3/gear/${gearId}`, {}],
      ['/api/v3/athlete/zones', {}],
    ]);
    expect(c.requestCount).toBe(1 + 4);
    expect(sim.state.requests).toHaveLength(5);
    expect(c.remainingToday()).toBe(1000 - 4);
  });

  it("404 is undefined: a deleted activity, a manual activity's streams, unknown gear", async () => {
    const sim = await simulator({ activities: athlete });
    const c = client(await stravaConfig(sim));
    sim.deleteActivity(first.id);
    expect(await c.getActivity(BigInt(first.id))).toBeUndefined();
    expect(await c.getStreams(BigInt(first.id))).toBeUndefined();
    expect(await c.getActivity(BigInt(manual.id))).toMatchObject({ id: manual.id, manual: true });
    expect(await c.getStreams(BigInt(manual.id))).toBeUndefined();
    expect(await c.getGear('g1')).toBeUndefined();
    expect(apiRequests(sim).map((r) => r.status)).toEqual([404, 404, 200, 404, 404]);
  });
});

describe('--max-requests', () => {
  it('the request past the cap is not sent: RequestCapError, a RateLimitError naming --max-requests', async () => {
    const sim = await simulator({ activities: athlete });
    const c = client(await stravaConfig(sim), { maxRequests: 3 });
    await c.getActivity(BigInt(first.id));
    await c.getStreams(BigInt(first.id));
    const err = await failure(() => c.getActivity(BigInt(athlete[2]!.id)));
    expect(err).toBeInstanceOf(RequestCapError);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toContain('--max-requests');
    expect(sim.state.requests).toHaveLength(3);
    expect(c.requestCount).toBe(3);
  });

  it('the token refresh counts: a cap of 0 sends nothing at all', async () => {
    const sim = await simulator({ activities: athlete });
    const c = client(await stravaConfig(sim), { maxRequests: 0 });
    expect(await failure(() => c.getAthleteZones())).toBeInstanceOf(RequestCapError);
    expect(sim.state.requests).toHaveLength(0);
    expect(tokenRequests(sim)).toHaveLength(0);
  });

  it('retries count: a 5xx and its retry are two requests of the cap', async () => {
    const sim = await simulator({ activities: athlete, faults: { serverErrors: 1 } });
    const c = client(await stravaConfig(sim), { maxRequests: 2 });
    const err = await failure(() => c.getActivity(BigInt(first.id)));
    expect(err).toBeInstanceOf(RequestCapError);
    expect(apiRequests(sim).map((r) => r.status)).toEqual([503]);
    expect(c.requestCount).toBe(2);
  });

  it('the list stops early on the cap like on a spent daily budget, keeping what it had', async () => {
    const many = generateAthlete({ count: 450, seed: 8, from: '2023-01' });
    const sim = await simulator({ activities: many });
    const c = client(await stravaConfig(sim), { maxRequests: 2 });
    const result = await c.fetchActivities(queryWindow('2022-12', '2026-01'));
    expect(result.complete).toBe(false);
    expect(result.stoppedAt).toBeInstanceOf(RequestCapError);
    expect(result.activities).toHaveLength(200);
    expect(sim.state.requests).toHaveLength(2);
  });
});

describe('rate limits in the detail phase', () => {
  it('a 429 with stopOn429 throws RateLimitError at once; without it the client waits a window', async () => {
    const clock = fakeClock('2025-03-10T10:01:00Z');
    const sim = await simulator({ activities: athlete, readLimit: [3, 1000], now: clock.now });
    const config = await stravaConfig(sim);
    const c = client(config, { now: clock.now, sleep: clock.sleep });
    await c.getActivity(BigInt(first.id));
    expect(c.wouldWait()).toBe(false);
    await spend(sim, 2); // another client of the app spends the rest of the window

    const err = await failure(() => c.getStreams(BigInt(first.id), { stopOn429: true }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).not.toBeInstanceOf(RequestCapError);
    expect((err as RateLimitError).resumeAt.toISOString()).toBe('2025-03-10T10:15:00.000Z');
    expect(clock.sleeps).toEqual([]);
    expect(
      apiRequests(sim)
        .map((r) => r.status)
        .at(-1),
    ).toBe(429);
    // The client now knows the window is spent.
    expect(c.wouldWait()).toBe(true);
    expect(c.requestCount).toBe(1 + 2);

    // Without stopOn429 the same call waits for the next window and succeeds.
    const streams = await c.getStreams(BigInt(first.id));
    expect(streams).toHaveProperty('time');
    expect(clock.ms).toBeGreaterThanOrEqual(Date.parse('2025-03-10T10:15:00Z'));
  });

  it('a spent daily budget ends a detail call before sending', async () => {
    const clock = fakeClock();
    const sim = await simulator({ activities: athlete, readLimit: [100, 2], now: clock.now });
    const c = client(await stravaConfig(sim), { now: clock.now, sleep: clock.sleep });
    await c.getActivity(BigInt(first.id));
    await c.getStreams(BigInt(first.id));
    expect(c.remainingToday()).toBe(0);
    const err = await failure(() => c.getAthleteZones({ stopOn429: true }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(apiRequests(sim)).toHaveLength(2);
  });
});
