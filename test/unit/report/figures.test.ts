/**
 * The report's figures against values worked out by hand: first on activities with round
 * numbers, then on the simulator's activities (activityAt), where the expected values are the
 * sums and ratios of the named activities' own fields.
 */
import { describe, expect, it } from 'vitest';
import { distanceM } from '../../../src/details/privacy.js';
import {
  addDays,
  changePct,
  dailyTotals,
  gearMileage,
  headline,
  heartrateBySport,
  hrZoneTimes,
  lastDayOf,
  monthlyBySport,
  monthsWithoutData,
  publishable,
  routePath,
  routes,
  spanMonths,
  speedBySport,
  type ReportActivity,
} from '../../../src/report/html/figures.js';
import { decodePolyline, encodePolyline } from '../../../src/report/html/polyline.js';
import { unitSystem } from '../../../src/report/html/units.js';
import { activityAt } from '../../../src/simulator/index.js';
import { monthOf } from '../../../src/strava/months.js';
import type { StravaActivity } from '../../../src/strava/schema.js';

let nextId = 1n;
/** A hand-made activity: km, minutes, metres of climb, heart rate. */
function act(
  day: string,
  sport: string,
  km: number,
  minutes: number,
  more: Partial<ReportActivity> = {},
): ReportActivity {
  return {
    id: nextId++,
    name: `${sport} ${day}`,
    month: day.slice(0, 7),
    day,
    sport_type: sport,
    distance: km * 1000,
    moving_time: BigInt(minutes * 60),
    elapsed_time: BigInt(minutes * 60),
    total_elevation_gain: 10,
    average_heartrate: null,
    private: false,
    gear_id: null,
    summary_polyline: null,
    ...more,
  };
}

describe('figures on round numbers', () => {
  const A = [
    act('2024-01-03', 'Run', 10, 60, { average_heartrate: 150, gear_id: 'g1' }),
    act('2024-01-03', 'Run', 5, 30, { average_heartrate: 140, gear_id: 'g1' }),
    act('2024-01-20', 'Ride', 40, 90, { gear_id: 'b1' }),
    act('2024-03-02', 'Run', 12, 60, { average_heartrate: 160, gear_id: 'g2' }),
    act('2024-03-05', 'WeightTraining', 0, 45),
    act('2023-03-10', 'Run', 8, 48),
  ];

  it('totals per month and sport, with no cell (a gap) for a month without data', () => {
    expect(monthlyBySport(A, ['2024-01', '2024-02', '2024-03'])).toEqual([
      {
        month: '2024-01',
        sport: 'Ride',
        count: 1,
        distance: 40_000,
        movingTime: 5400,
        elevation: 10,
      },
      {
        month: '2024-01',
        sport: 'Run',
        count: 2,
        distance: 15_000,
        movingTime: 5400,
        elevation: 20,
      },
      {
        month: '2024-03',
        sport: 'Run',
        count: 1,
        distance: 12_000,
        movingTime: 3600,
        elevation: 10,
      },
      {
        month: '2024-03',
        sport: 'WeightTraining',
        count: 1,
        distance: 0,
        movingTime: 2700,
        elevation: 10,
      },
    ]);
    expect(
      monthsWithoutData(['2024-01', '2024-02', '2024-03'], new Set(['2024-01', '2024-03'])),
    ).toEqual(['2024-02']);
  });

  it('compares the month with the month before and the same month a year earlier', () => {
    const h = headline(A, '2024-03');
    // Run: 12 km now, nothing in February, 8 km in March 2023.
    expect(h).toEqual([
      {
        sport: 'Run',
        now: { count: 1, distance: 12_000, movingTime: 3600, elevation: 10 },
        previous: null,
        yearAgo: { count: 1, distance: 8000, movingTime: 2880, elevation: 10 },
      },
      {
        sport: 'WeightTraining',
        now: { count: 1, distance: 0, movingTime: 2700, elevation: 10 },
        previous: null,
        yearAgo: null,
      },
    ]);
    expect(changePct(12_000, 8000)).toBe(50);
    expect(changePct(12_000, null)).toBeNull();
    expect(changePct(12_000, 0)).toBeNull();
  });

  it('sums each day of the year ending on the last day of the month', () => {
    expect(lastDayOf('2024-02')).toBe('2024-02-29');
    expect(addDays('2024-03-31', -364)).toBe('2023-04-02');
    // 2023-03-10 is more than a year before 2024-03-31.
    expect(dailyTotals(A, lastDayOf('2024-03')).map((d) => [d.day, d.count, d.distance])).toEqual([
      ['2024-01-03', 2, 15_000],
      ['2024-01-20', 1, 40_000],
      ['2024-03-02', 1, 12_000],
      ['2024-03-05', 1, 0],
    ]);
  });

  it('speed is distance over moving time of the activities that moved; heart rate the mean', () => {
    const speeds = speedBySport(A, ['2024-01', '2024-03']);
    // January's runs: 15 km in 90 min = 10 km/h; the strength session has no speed.
    expect(speeds.map((s) => [s.month, s.sport, unitSystem('metric').speed(s.value)])).toEqual([
      ['2024-01', 'Ride', expect.closeTo(26.667, 3)],
      ['2024-01', 'Run', expect.closeTo(10, 9)],
      ['2024-03', 'Run', expect.closeTo(12, 9)],
    ]);
    expect(heartrateBySport(A, ['2024-01', '2024-03'])).toEqual([
      { month: '2024-01', sport: 'Run', value: 145, count: 2 },
      { month: '2024-03', sport: 'Run', value: 160, count: 1 },
    ]);
  });

  it('adds up gear over the span, named from silver/gear, most distance first', () => {
    const names = new Map<string, string | null>([
      ['g1', 'Old shoes'],
      ['b1', null],
    ]);
    expect(gearMileage(A, ['2024-01', '2024-02', '2024-03'], names)).toEqual([
      { gearId: 'b1', name: 'b1', count: 1, distance: 40_000 },
      { gearId: 'g1', name: 'Old shoes', count: 2, distance: 15_000 },
      { gearId: 'g2', name: 'g2', count: 1, distance: 12_000 },
    ]);
  });

  it('tells apart gear that shares a name by its id', () => {
    const names = new Map<string, string | null>([
      ['g1', 'Clifton 9'],
      ['g2', 'Clifton 9'],
      ['b1', 'Roadie'],
    ]);
    expect(
      gearMileage(A, ['2024-01', '2024-02', '2024-03'], names).map((g) => [g.gearId, g.name]),
    ).toEqual([
      ['b1', 'Roadie'],
      ['g1', 'Clifton 9 (g1)'],
      ['g2', 'Clifton 9 (g2)'],
    ]);
  });

  it('sums HR zone time per sport and zone over the span, zones with time only', () => {
    const z = (month: string, zone: number, min: number | null, max: number | null, s: number) => ({
      month,
      sport_type: 'Run',
      zone_index: BigInt(zone),
      zone_min: min === null ? null : BigInt(min),
      zone_max: max === null ? null : BigInt(max),
      seconds: BigInt(s),
    });
    expect(
      hrZoneTimes(
        [
          z('2024-01', 1, 0, 120, 600),
          z('2024-01', 2, 120, 150, 0),
          z('2024-03', 1, 0, 120, 300),
          z('2024-03', 3, 150, null, 60),
          z('2023-01', 1, 0, 120, 9999),
        ],
        ['2024-01', '2024-02', '2024-03'],
      ),
    ).toEqual([
      { sport: 'Run', zone: 1, label: '< 120 bpm', seconds: 900 },
      { sport: 'Run', zone: 3, label: '>= 150 bpm', seconds: 60 },
    ]);
  });

  it('spans N months ending at the month', () => {
    expect(spanMonths('2024-02', 3)).toEqual(['2023-12', '2024-01', '2024-02']);
  });
});

describe('polylines', () => {
  it("decodes Google's documented example, and encodes it back", () => {
    const encoded = '_p~iF~ps|U_ulLnnqC_mqNvxq`@';
    expect(decodePolyline(encoded)).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ]);
    expect(encodePolyline(decodePolyline(encoded))).toBe(encoded);
  });

  it('refuses a truncated string', () => {
    expect(() => decodePolyline('_p~iF~ps|U_')).toThrow(/truncated/);
  });

  it('draws a track inside its box, north up', () => {
    const d = routePath([
      [10, 0],
      [0, 0],
    ]);
    // North (lat 10) at the top: y grows downwards.
    expect(d).toBe('M50.0 4.0L50.0 96.0');
  });
});

/** A simulator activity as silver holds it, with the columns the report reads. */
function silverOf(a: StravaActivity): ReportActivity {
  return {
    id: BigInt(a.id),
    name: a.name,
    month: monthOf(a.start_date_local),
    day: a.start_date_local.slice(0, 10),
    sport_type: a.sport_type,
    distance: a.distance,
    moving_time: BigInt(a.moving_time),
    elapsed_time: BigInt(a.elapsed_time),
    total_elevation_gain: (a.total_elevation_gain as number | undefined) ?? null,
    average_heartrate: (a.average_heartrate as number | undefined) ?? null,
    private: (a.private as boolean | undefined) ?? null,
    gear_id: (a.gear_id as string | null | undefined) ?? null,
    summary_polyline:
      (a.map as { summary_polyline?: string } | undefined)?.summary_polyline || null,
  };
}

describe("figures on the simulator's activities", () => {
  const tz = 'Europe/Paris';
  const run1 = activityAt({ id: 101, startLocal: '2024-05-04T08:00:00', timezone: tz, seed: 1 });
  const run2 = activityAt({ id: 102, startLocal: '2024-05-18T08:00:00', timezone: tz, seed: 2 });
  const ride = activityAt({
    id: 103,
    startLocal: '2024-05-11T08:00:00',
    timezone: tz,
    sportType: 'Ride',
    seed: 3,
  });
  const secret = activityAt({
    id: 104,
    startLocal: '2024-05-25T08:00:00',
    timezone: tz,
    private: true,
    seed: 4,
  });
  const april = activityAt({ id: 105, startLocal: '2024-04-20T08:00:00', timezone: tz, seed: 5 });
  const lastMay = activityAt({ id: 106, startLocal: '2023-05-20T08:00:00', timezone: tz, seed: 6 });
  const all = [run1, run2, ride, secret, april, lastMay].map(silverOf);

  it('leaves the private activity out unless asked', () => {
    expect(publishable(all, false).map((a) => a.id)).toEqual([101n, 102n, 103n, 105n, 106n]);
    expect(publishable(all, true)).toHaveLength(6);
  });

  it("sums May's published runs, and compares them with April and May 2023", () => {
    const shown = publishable(all, false);
    const run = headline(shown, '2024-05').find((r) => r.sport === 'Run')!;
    expect(run.now).toEqual({
      count: 2,
      distance: run1.distance + run2.distance,
      movingTime: run1.moving_time + run2.moving_time,
      elevation: (run1.total_elevation_gain as number) + (run2.total_elevation_gain as number),
    });
    expect(run.previous?.distance).toBe(april.distance);
    expect(run.yearAgo?.distance).toBe(lastMay.distance);
    const withPrivate = headline(all, '2024-05').find((r) => r.sport === 'Run')!;
    expect(withPrivate.now?.distance).toBe(run1.distance + run2.distance + secret.distance);
    const speed = speedBySport(shown, ['2024-05']).find((s) => s.sport === 'Run')!;
    expect(speed.value).toBeCloseTo(
      (run1.distance + run2.distance) / (run1.moving_time + run2.moving_time),
      12,
    );
  });

  it('draws routes trimmed by the privacy radius, newest first, never a private one', () => {
    const radius = 300;
    const shown = routes(publishable(all, false), '2024-05', radius);
    const withTracks = [run2, ride, run1].filter(
      (a) => (a.map as { summary_polyline?: string }).summary_polyline,
    );
    expect(withTracks.length).toBeGreaterThan(0);
    expect(shown.map((r) => r.id)).toEqual(withTracks.map((a) => BigInt(a.id)));
    for (const r of shown) {
      const a = all.find((x) => x.id === r.id)!;
      const track = decodePolyline(a.summary_polyline!);
      const start = track[0]!;
      const end = track[track.length - 1]!;
      expect(r.points.length).toBeGreaterThanOrEqual(2);
      expect(r.points.length).toBeLessThan(track.length);
      for (const p of r.points) {
        expect(distanceM(p, start)).toBeGreaterThan(radius);
        expect(distanceM(p, end)).toBeGreaterThan(radius);
      }
    }
    expect(routes(all, '2024-05', radius).map((r) => r.id)).toContain(104n);
    // No coordinates stored: nothing to draw.
    expect(
      routes(
        all.map((a) => ({ ...a, summary_polyline: null })),
        '2024-05',
        radius,
      ),
    ).toEqual([]);
  });
});
