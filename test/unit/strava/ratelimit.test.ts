import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../../src/errors.js';
import { generateAthlete } from '../../../src/simulator/index.js';
import { fetchMonths, sweepMonths } from '../../../src/strava/client.js';
import { monthOf, monthRange, queryWindow } from '../../../src/strava/months.js';
import {
  FIFTEEN_MINUTES_MS,
  nextUtcMidnight,
  nextWindowStart,
  parseBudget,
} from '../../../src/strava/ratelimit.js';
import {
  client,
  failure,
  fakeClock,
  listRequests,
  recordingProgress,
  simulator,
  stravaConfig,
} from './support.js';

describe('rate-limit arithmetic', () => {
  it('reads Strava\'s "15-minute,daily" headers', () => {
    expect(parseBudget('100,1000', '70,303')).toEqual({ limit: [100, 1000], usage: [70, 303] });
    expect(parseBudget('100,1000', null)).toBeUndefined();
    expect(parseBudget('100', '3')).toBeUndefined();
  });

  it('windows turn at :00, :15, :30, :45 UTC and days at midnight UTC', () => {
    expect(new Date(nextWindowStart(Date.parse('2025-10-20T21:14:59.999Z'))).toISOString()).toBe(
      '2025-10-20T21:15:00.000Z',
    );
    expect(new Date(nextWindowStart(Date.parse('2025-10-20T21:15:00Z'))).toISOString()).toBe(
      '2025-10-20T21:30:00.000Z',
    );
    expect(new Date(nextWindowStart(Date.parse('2025-10-20T23:50:00Z'))).toISOString()).toBe(
      '2025-10-21T00:00:00.000Z',
    );
    expect(new Date(nextUtcMidnight(Date.parse('2025-10-20T21:25:45Z'))).toISOString()).toBe(
      '2025-10-21T00:00:00.000Z',
    );
  });
});

/** List requests per 15-minute window (by the simulator's clock), in order. */
function perWindow(requests: { at: number; status?: number }[], windowMs: number): number[] {
  const counts = new Map<number, number>();
  for (const r of requests) {
    const w = Math.floor(r.at / windowMs);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.values()];
}

const athlete = generateAthlete({ count: 1000, seed: 5, from: '2021-01' });
const months = athlete.map((a) => monthOf(a.start_date_local)).sort();
const FROM = months[0]!;
const TO = months[months.length - 1]!;

describe('pacing', () => {
  it('waits for the next window instead of exceeding the 15-minute budget, with a countdown', async () => {
    const clock = fakeClock('2025-03-10T10:07:00Z');
    const sim = await simulator({ activities: athlete, readLimit: [2, 1000], now: clock.now });
    const progress = recordingProgress();
    const c = client(await stravaConfig(sim), {
      now: clock.now,
      sleep: clock.sleep,
      progress,
    });

    const byMonth = await fetchMonths(c, FROM, TO);

    expect([...byMonth.values()].flat()).toHaveLength(1000);
    const lists = listRequests(sim);
    expect(lists).toHaveLength(6);
    expect(lists.every((r) => r.status === 200)).toBe(true);
    expect(perWindow(lists, FIFTEEN_MINUTES_MS)).toEqual([2, 2, 2]);
    // It waited into the next windows, not beyond: three windows from 10:07 end before 10:45.
    expect(clock.ms).toBeGreaterThanOrEqual(Date.parse('2025-03-10T10:30:00Z'));
    expect(clock.ms).toBeLessThan(Date.parse('2025-03-10T10:45:00Z'));
    const countdown = progress.lines.filter((l) => l.message.includes('resuming in'));
    expect(countdown[0]!.message).toContain('2 of 2 requests used in this window; resuming in 8:0');
  });

  it('paces the same way against a simulator with a short real window', async () => {
    const windowMs = 250;
    const sim = await simulator({
      activities: athlete.slice(0, 500),
      readLimit: [2, 1000],
      windowMs,
    });
    const c = client(await stravaConfig(sim), {
      windowMs,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const got = await c.listActivities(queryWindow(FROM, TO));
    expect(got).toHaveLength(500);
    const lists = listRequests(sim);
    expect(lists.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(Math.max(...perWindow(lists, windowMs))).toBeLessThanOrEqual(2);
  });

  it('a 429 waits for the window, once, and counts against the day', async () => {
    const clock = fakeClock('2025-03-10T10:07:00Z');
    const sim = await simulator({ activities: athlete, readLimit: [2, 1000], now: clock.now });
    const config = await stravaConfig(sim);
    // Another run of the same app spent this window's budget; this client has not seen it.
    await client(config, { now: clock.now, sleep: clock.sleep }).listActivities(
      queryWindow('2021-01', '2021-01'),
    );
    const before = listRequests(sim).length;
    expect(before).toBe(2);

    const c = client(config, { now: clock.now, sleep: clock.sleep });
    const got = await c.listActivities(queryWindow(FROM, TO));

    expect(got).toHaveLength(1000);
    const lists = listRequests(sim).slice(before);
    expect(lists.map((r) => r.status)).toEqual([429, 200, 200, 200, 200, 200, 200]);
    expect(lists[1]!.at).toBeGreaterThanOrEqual(Date.parse('2025-03-10T10:15:00Z'));
    expect(sim.state.usage.read[1]).toBe(2 + 7);
  });
});

describe('the daily budget', () => {
  it('stops with a RateLimitError that says when to resume, keeping what was fetched', async () => {
    const clock = fakeClock('2025-03-10T22:40:00Z');
    const sim = await simulator({ activities: athlete, readLimit: [100, 3], now: clock.now });
    const progress = recordingProgress();
    const c = client(await stravaConfig(sim), { now: clock.now, sleep: clock.sleep, progress });

    const result = await c.fetchActivities(queryWindow(FROM, TO));

    expect(result.complete).toBe(false);
    expect(result.activities).toHaveLength(600);
    expect(result.stoppedAt).toBeInstanceOf(RateLimitError);
    expect(result.stoppedAt!.resumeAt.toISOString()).toBe('2025-03-11T00:00:00.000Z');
    expect(result.stoppedAt!.message).toContain('2025-03-11T00:00:00.000Z');
    expect(result.stoppedAt!.message).toContain('3 of 3');
    expect(result.requests).toBe(1 + 3);
    // It stopped on the numbers Strava sent: no fourth request to be refused.
    expect(listRequests(sim).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(progress.lines.some((l) => l.kind === 'warn' && l.message.includes('daily'))).toBe(true);
  });

  it('fetchMonths throws it; sweepMonths keeps the months the sweep finished', async () => {
    const clock = fakeClock('2025-03-10T22:40:00Z');
    const sim = await simulator({ activities: athlete, readLimit: [100, 3], now: clock.now });
    const config = await stravaConfig(sim);

    const err = await failure(() =>
      fetchMonths(client(config, { now: clock.now, sleep: clock.sleep }), FROM, TO),
    );
    expect(err).toBeInstanceOf(RateLimitError);

    // The next day, the same budget runs out at the same point.
    await clock.sleep(nextUtcMidnight(clock.ms) - clock.ms);
    const sweep = await sweepMonths(
      client(config, { now: clock.now, sleep: clock.sleep }),
      FROM,
      TO,
    );
    expect(sweep.complete).toBe(false);
    const kept = [...sweep.months.keys()];
    expect(kept.length).toBeGreaterThan(3);
    // The newest months, each exactly as complete as Strava has it.
    expect(kept).toEqual(monthRange(FROM, TO).slice(-kept.length));
    for (const [month, list] of sweep.months) {
      const expected = athlete.filter((a) => monthOf(a.start_date_local) === month);
      expect(list.map((a) => a.id).sort()).toEqual(expected.map((a) => a.id).sort());
    }
    // Of the 600 activities fetched, those of the oldest, partly fetched month were left out.
    const keptCount = [...sweep.months.values()].flat().length;
    expect(keptCount).toBeLessThan(600);
    expect(keptCount).toBeGreaterThan(600 - 40);
  });
});
