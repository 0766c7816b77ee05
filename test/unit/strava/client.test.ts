import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../../src/errors.js';
import { activityAt, generateAthlete, recordedActivities } from '../../../src/simulator/index.js';
import { fetchMonths, PER_PAGE } from '../../../src/strava/client.js';
import { monthOf, monthRange, queryWindow } from '../../../src/strava/months.js';
import {
  client,
  failure,
  listRequests,
  recordingProgress,
  simulator,
  stravaConfig,
  tokenRequests,
} from './support.js';

describe('a backfill sweeps the range once', () => {
  for (const count of [450, 400, 1]) {
    it(`${count} activities: 1 token request + ceil(N/200) + 1 list requests`, async () => {
      const athlete = generateAthlete({ count, seed: count, from: '2023-01' });
      const months = athlete.map((a) => monthOf(a.start_date_local)).sort();
      const [from, to] = [months[0]!, months[months.length - 1]!];
      const sim = await simulator({ activities: athlete });
      const c = client(await stravaConfig(sim));

      const byMonth = await fetchMonths(c, from, to);

      const expected = 1 + Math.ceil(count / PER_PAGE) + 1;
      expect(c.requestCount).toBe(expected);
      expect(sim.state.requests).toHaveLength(expected);
      expect(tokenRequests(sim)).toHaveLength(1);
      expect(listRequests(sim).map((r) => r.query.per_page)).toEqual(
        Array(expected - 1).fill('200'),
      );
      expect([...byMonth.keys()]).toEqual(monthRange(from, to));
      const all = [...byMonth.values()].flat();
      expect(all.map((a) => a.id).sort((x, y) => x - y)).toEqual(
        athlete.map((a) => a.id).sort((x, y) => x - y),
      );
      for (const [month, list] of byMonth) {
        expect(list.every((a) => monthOf(a.start_date_local) === month)).toBe(true);
      }
    });
  }

  it('the recorded athlete: 1,132 activities in 8 requests, every month from 2017-10 to 2025-10 present', async () => {
    const sim = await simulator();
    const c = client(await stravaConfig(sim));
    const byMonth = await fetchMonths(c, '2017-10', '2025-10');
    expect(c.requestCount).toBe(1 + Math.ceil(1132 / 200) + 1);
    expect([...byMonth.values()].flat()).toHaveLength(1132);
    expect(byMonth.size).toBe(monthRange('2017-10', '2025-10').length);
  });
});

describe('paging', () => {
  it('keeps going past short pages until an empty one', async () => {
    // Strava cuts pages before hiding private activities from a token without
    // activity:read_all, so pages come back short before the last.
    const athlete = generateAthlete({ count: 700, seed: 3, from: '2022-01' }).map((a, i) => ({
      ...a,
      private: i % 3 === 0,
    }));
    const newest200 = [...athlete]
      .sort((a, b) => Date.parse(b.start_date) - Date.parse(a.start_date))
      .slice(0, 200);
    expect(newest200.some((a) => a.private)).toBe(true);
    const sim = await simulator({ activities: athlete, scope: 'read,activity:read' });
    const progress = recordingProgress();
    const c = client(await stravaConfig(sim), { progress });

    const got = await c.listActivities(queryWindow('2021-12', '2026-01'));

    expect(got.map((a) => a.id)).toEqual(
      athlete
        .filter((a) => !a.private)
        .map((a) => a.id)
        .sort((x, y) => x - y),
    );
    expect(listRequests(sim).map((r) => r.query.page)).toEqual(['1', '2', '3', '4', '5']);
    expect(progress.lines.some((l) => l.message.includes('activities so far'))).toBe(true);
  });

  it('de-duplicates when a new activity shifts the pages mid-sweep, and sorts by id', async () => {
    const athlete = generateAthlete({ count: 450, seed: 11, from: '2023-01' });
    const sim = await simulator({ activities: athlete });
    let lists = 0;
    const served: number[] = [];
    const shifting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/athlete/activities')) return res;
      served.push(...((await res.clone().json()) as { id: number }[]).map((a) => a.id));
      if (++lists === 1) {
        // Uploaded after page 1 was read: the newest, so every later page shifts by one.
        sim.addActivity(
          activityAt({ id: 1, startLocal: '2026-06-30T08:00:00', timezone: 'Europe/Berlin' }),
        );
      }
      return res;
    };
    const c = client(await stravaConfig(sim), { fetch: shifting });
    const got = await c.listActivities(queryWindow('2022-12', '2026-12'));
    const ids = got.map((a) => a.id);
    expect(served.length).toBe(new Set(served).size + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids).toEqual(athlete.map((a) => a.id).sort((x, y) => x - y));
  });
});

describe('months are local months', () => {
  const edges = [
    // 23:30 on 31 March in Los Angeles is 06:30 UTC on 1 April: a March activity.
    activityAt({ id: 101, startLocal: '2024-03-31T23:30:00', timezone: 'America/Los_Angeles' }),
    // 00:15 on 1 May in Tokyo is 15:15 UTC on 30 April: a May activity.
    activityAt({ id: 102, startLocal: '2024-05-01T00:15:00', timezone: 'Asia/Tokyo' }),
    // The widest zones: UTC+14 just after midnight on 1 April (10:00 UTC on 31 March) and
    // UTC-12 just before midnight on 30 April (11:59 UTC on 1 May): both April.
    activityAt({ id: 103, startLocal: '2024-04-01T00:00:30', timezone: 'Pacific/Kiritimati' }),
    activityAt({ id: 104, startLocal: '2024-04-30T23:59:00', timezone: 'Etc/GMT+12' }),
    activityAt({ id: 105, startLocal: '2024-04-15T07:00:00', timezone: 'America/New_York' }),
  ];

  it('puts edge-of-month activities in the month of their local start', async () => {
    expect(edges[0]!.start_date.slice(0, 10)).toBe('2024-04-01');
    expect(edges[1]!.start_date.slice(0, 10)).toBe('2024-04-30');
    const sim = await simulator({ activities: edges });
    const byMonth = await fetchMonths(client(await stravaConfig(sim)), '2024-03', '2024-05');
    const ids = (m: string) => byMonth.get(m)!.map((a) => a.id);
    expect(ids('2024-03')).toEqual([101]);
    expect(ids('2024-04')).toEqual([103, 104, 105]);
    expect(ids('2024-05')).toEqual([102]);
  });

  it('a single month keeps only its own local activities from the widened window', async () => {
    const sim = await simulator({ activities: edges });
    const byMonth = await fetchMonths(client(await stravaConfig(sim)), '2024-04', '2024-04');
    expect([...byMonth.keys()]).toEqual(['2024-04']);
    expect(byMonth.get('2024-04')!.map((a) => a.id)).toEqual([103, 104, 105]);
  });
});

describe('schema validation', () => {
  const recorded = recordedActivities().slice(0, 50);
  const athlete = () => structuredClone(recorded);
  const window = queryWindow('2025-01', '2025-10');

  it('a record missing a required field fails naming the activity and the field', async () => {
    const sim = await simulator({ activities: athlete() });
    const victim = athlete()[7]!;
    sim.editActivity(victim.id, { sport_type: undefined });
    const c = client(await stravaConfig(sim));
    const err = await failure(() => c.listActivities(window));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(String(victim.id));
    expect(err.message).toContain('"sport_type"');
  });

  it('a field of the wrong type fails the same way', async () => {
    const sim = await simulator({ activities: athlete() });
    const victim = athlete()[3]!;
    sim.editActivity(victim.id, { moving_time: '42 minutes' });
    const c = client(await stravaConfig(sim));
    const err = await failure(() => c.listActivities(window));
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(String(victim.id));
    expect(err.message).toContain('"moving_time"');
  });

  it('keeps fields the schema does not know', async () => {
    const sim = await simulator({ activities: athlete() });
    const extra = { ...athlete()[0]!, id: 5, brand_new_field: { nested: [1, 2] } };
    sim.addActivity(extra);
    const got = await client(await stravaConfig(sim)).listActivities(window);
    expect(got.find((a) => a.id === 5)?.brand_new_field).toEqual({ nested: [1, 2] });
    expect(got.find((a) => a.id === athlete()[1]!.id)?.heartrate_opt_out).toBe(false);
  });
});
