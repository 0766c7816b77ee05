/** The detail gold computations on small inputs whose answers are worked out by hand. */
import { describe, expect, test } from 'vitest';
import {
  bestsGold,
  gearGold,
  hrSecondsPerZone,
  hrZonesGold,
  zoneOf,
  type ActivityForGold,
  type HrZone,
} from '../../../src/lakehouse/detail-gold.js';

const ZONES: HrZone[] = [
  { zone_index: 1n, zone_min: 0n, zone_max: 120n },
  { zone_index: 2n, zone_min: 120n, zone_max: 150n },
  { zone_index: 3n, zone_min: 150n, zone_max: null },
];

const s = (t: number | null, h: number | null) => ({
  time_s: t === null ? null : BigInt(t),
  heartrate: h === null ? null : BigInt(h),
});

const activity = (
  id: number,
  month: string,
  sport: string,
  gear: string | null,
  distance = 1000,
  moving = 600,
): ActivityForGold => ({
  id: BigInt(id),
  month,
  sport_type: sport,
  gear_id: gear,
  distance,
  moving_time: BigInt(moving),
});

describe('zones', () => {
  test('zone_min <= h < zone_max, the top zone open', () => {
    expect([0, 119, 120, 149, 150, 230].map((h) => zoneOf(h, ZONES))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(zoneOf(90, ZONES.slice(1))).toBe(-1);
  });

  test('each sample counts the time to the next timed sample, at most 30 s, the last 1 s', () => {
    const samples = [
      s(0, 100), // 1 s to t=1: zone 1
      s(1, 130), // 2 s to t=3 (a sample without heart rate still has a time): zone 2
      s(3, null),
      s(5, 160), // 95 s to t=100, capped at 30: zone 3
      s(100, 110), // the next sample has no time: 2 s to t=102, zone 1
      s(null, 140), // no time: not counted
      s(102, 155), // the last: 1 s, zone 3
    ];
    expect(hrSecondsPerZone(samples, ZONES)).toEqual([3, 2, 31]);
  });

  test('a repeated time counts nothing; no samples, no seconds', () => {
    expect(hrSecondsPerZone([s(10, 130), s(10, 130), s(12, 130)], ZONES)).toEqual([0, 3, 0]);
    expect(hrSecondsPerZone([], ZONES)).toEqual([0, 0, 0]);
  });

  test('per month and sport, every zone of a sport with heart-rate time', () => {
    const seconds = new Map([
      [1n, [3, 2, 31]],
      [2n, [0, 0, 0]],
      [3n, [10, 0, 0]],
      [4n, [7, 7, 7]],
      [5n, [1, 1, 1]],
    ]);
    const activities = [
      activity(1, '2024-05', 'Ride', null),
      activity(2, '2024-05', 'Walk', null),
      activity(3, '2024-05', 'Run', null),
      activity(4, '2024-06', 'Ride', null),
      activity(5, '2024-05', 'Ride', null),
    ];
    const rows = hrZonesGold(seconds, activities, ZONES, ['2024-05']);
    expect(rows.map((r) => [r.sport_type, r.zone_index, r.seconds])).toEqual([
      ['Ride', 1n, 4n],
      ['Ride', 2n, 3n],
      ['Ride', 3n, 32n],
      ['Run', 1n, 10n],
      ['Run', 2n, 0n],
      ['Run', 3n, 0n],
    ]);
    expect(rows[2]).toEqual({
      month: '2024-05',
      sport_type: 'Ride',
      zone_index: 3n,
      zone_min: 150n,
      zone_max: null,
      seconds: 32n,
    });
  });
});

test('gear: per month, gear and sport; names from silver/gear; no gear, no row', () => {
  const rows = gearGold(
    [
      activity(2, '2024-05', 'Ride', 'b1', 5000.25, 1800),
      activity(1, '2024-05', 'Ride', 'b1', 10000.5, 3600),
      activity(3, '2024-05', 'Run', 'g1', 8000, 2400),
      activity(4, '2024-06', 'Ride', 'b1', 1, 1),
      activity(5, '2024-05', 'Ride', null, 1, 1),
    ],
    new Map([['b1', 'Bike']]),
    ['2024-05'],
  );
  expect(rows).toEqual([
    {
      month: '2024-05',
      gear_id: 'b1',
      gear_name: 'Bike',
      sport_type: 'Ride',
      activity_count: 2n,
      distance: 15000.75,
      moving_time: 5400n,
    },
    {
      month: '2024-05',
      gear_id: 'g1',
      gear_name: null,
      sport_type: 'Run',
      activity_count: 1n,
      distance: 8000,
      moving_time: 2400n,
    },
  ]);
});

test('bests: least time, most watts, ties to the smaller id, by silver month and sport', () => {
  const activities = [
    activity(1, '2024-05', 'Ride', null),
    activity(2, '2024-05', 'Ride', null),
    activity(3, '2024-05', 'Run', null),
    activity(4, '2024-06', 'Ride', null),
  ];
  const rows = bestsGold(
    [
      { activity_id: 2n, best_1km_s: 240, best_5min_watts: 260 },
      { activity_id: 1n, best_1km_s: 240, best_5min_watts: 250 },
      { activity_id: 3n, best_1km_s: 200, best_5min_watts: null },
      { activity_id: 4n, best_1km_s: 100 },
      { activity_id: 9n, best_1km_s: 50 },
    ],
    activities,
    ['2024-05'],
  );
  expect(rows.map((r) => [r.sport_type, r.effort, r.value, r.unit, r.activity_id])).toEqual([
    ['Ride', '1km', 240, 's', 1n],
    ['Ride', '5min', 260, 'W', 2n],
    ['Run', '1km', 200, 's', 3n],
  ]);
  expect(rows.every((r) => r.month === '2024-05')).toBe(true);
});
