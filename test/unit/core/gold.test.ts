import { describe, expect, it } from 'vitest';
import { computeGold, goldMonthsFor, type SilverForGold } from '../../../src/lakehouse/gold.js';

const row = (
  month: string,
  sport: string,
  distance: number,
  moving: number,
  extra: Partial<SilverForGold> = {},
): SilverForGold => ({
  month,
  sport_type: sport,
  distance,
  moving_time: BigInt(moving),
  elapsed_time: BigInt(moving + 60),
  total_elevation_gain: 10,
  average_heartrate: null,
  ...extra,
});

describe('computeGold', () => {
  const silver = [
    row('2024-04', 'Run', 10_000, 3000, { average_heartrate: 150 }),
    row('2024-05', 'Run', 5_000, 1500, { average_heartrate: 140 }),
    row('2024-05', 'Run', 10_000, 3500, { average_heartrate: null, total_elevation_gain: null }),
    row('2024-05', 'Swim', 1_000, 1800),
    row('2024-06', 'Run', 0, 0),
  ];

  it('totals a month per sport and compares with the previous month', () => {
    const gold = computeGold(silver, ['2024-05']);
    expect(gold.map((g) => g.sport_type)).toEqual(['Run', 'Swim']);
    const run = gold[0]!;
    expect(run).toMatchObject({
      month: '2024-05',
      activity_count: 2n,
      distance: 15_000,
      moving_time: 5000n,
      elapsed_time: 5120n,
      total_elevation_gain: 10,
      average_speed: 3,
      average_heartrate: 140,
      prev_activity_count: 1n,
      prev_distance: 10_000,
      prev_moving_time: 3000n,
      activity_count_change: 1n,
      distance_change: 5_000,
      distance_change_pct: 50,
      moving_time_change: 2000n,
    });
    expect(run.moving_time_change_pct).toBeCloseTo(66.6667, 3);
    const swim = gold[1]!;
    expect(swim.prev_activity_count).toBeNull();
    expect(swim.distance_change_pct).toBeNull();
    expect(swim.average_heartrate).toBeNull();
  });

  it('has no speed for zero moving time and no percentage against zero', () => {
    const june = computeGold(silver, ['2024-06'])[0]!;
    expect(june.average_speed).toBeNull();
    expect(june.distance_change).toBe(-15_000);
    const july = computeGold(
      [row('2024-06', 'Run', 0, 0), row('2024-07', 'Run', 100, 10)],
      ['2024-07'],
    )[0]!;
    expect(july.distance_change_pct).toBeNull();
  });

  it('emits only the asked months, and nothing for an empty month', () => {
    expect(computeGold(silver, ['2024-08'])).toEqual([]);
    expect(new Set(computeGold(silver, ['2024-04', '2024-06']).map((g) => g.month))).toEqual(
      new Set(['2024-04', '2024-06']),
    );
  });

  it('touches each month and the one after it', () => {
    expect(goldMonthsFor(['2024-12', '2024-05', '2025-01'])).toEqual([
      '2024-05',
      '2024-06',
      '2024-12',
      '2025-01',
      '2025-02',
    ]);
  });
});
