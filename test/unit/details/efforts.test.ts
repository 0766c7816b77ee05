/** Best efforts from streams, against values worked out by hand (see each case). */
import { describe, expect, it } from 'vitest';
import {
  bestEfforts,
  bestMeanPower,
  fastestDistance,
  type EffortSample,
} from '../../../src/details/efforts.js';

const samples = (
  time: (number | null)[],
  distance: (number | null)[] | null,
  watts: (number | null)[] | null = null,
): EffortSample[] =>
  time.map((t, i) => ({
    time_s: t,
    distance_m: distance ? distance[i]! : null,
    watts: watts ? watts[i]! : null,
  }));

describe('fastest distance', () => {
  it('interpolates the start inside a sample gap', () => {
    // 50 m/s for 10 s, 80 m/s for 10 s, 10 m/s for 10 s: 1,000 m fastest is the 800 m of the
    // middle plus 200 m at 50 m/s (4 s) before it: from t=6 to t=20, 14 s.
    expect(fastestDistance(samples([0, 10, 20, 30], [0, 500, 1300, 1400]), 1000)).toBe(14);
  });

  it('interpolates the end inside a sample gap', () => {
    // 10 m/s, then 80 m/s, then 50 m/s: the 800 m at 80 plus 200 m at 50 (4 s) after it.
    expect(fastestDistance(samples([0, 10, 20, 30], [0, 100, 900, 1400]), 1000)).toBe(14);
  });

  it('a window on sample times exactly', () => {
    // 20, 30, 40, 30 m/s over 10 s each: 1,000 m in the last 30 s (300 + 400 + 300).
    expect(fastestDistance(samples([0, 10, 20, 30, 40], [0, 200, 500, 900, 1200]), 1000)).toBe(30);
  });

  it('a stop (distance flat while time runs) is not part of the best effort', () => {
    // 1,000 m at 10 m/s, a 60 s stop, 1,000 m at 20 m/s: 1 km best 50 s; 2 km takes all 210 s.
    const t = [0, 100, 160, 210];
    const d = [0, 1000, 1000, 2000];
    expect(fastestDistance(samples(t, d), 1000)).toBe(50);
    expect(fastestDistance(samples(t, d), 2000)).toBe(210);
  });

  it('a distance that steps back (GPS) is read as a running maximum', () => {
    // 600 m in 10 s, nothing for 10 s (550 < 600), 600 m in 10 s. By hand: end at t=30
    // (1,200 m), start where the distance was 200 m: t = 200/600 * 10 s, so 26.67 s.
    expect(fastestDistance(samples([0, 10, 20, 30], [0, 600, 550, 1200]), 1000)).toBeCloseTo(
      30 - 10 / 3,
      9,
    );
  });

  it('null when shorter than the distance, or without a time or distance stream', () => {
    expect(fastestDistance(samples([0, 100], [0, 999]), 1000)).toBeNull();
    expect(fastestDistance(samples([0, 100], null), 1000)).toBeNull();
    expect(fastestDistance(samples([null, null], [0, 5000]), 1000)).toBeNull();
    expect(fastestDistance([], 1000)).toBeNull();
  });

  it('one sample a second at a steady 4 m/s: 1 km in 250 s, 5 km in 1,250 s', () => {
    const t = Array.from({ length: 3001 }, (_, i) => i);
    const s = samples(
      t,
      t.map((x) => 4 * x),
    );
    expect(fastestDistance(s, 1000)).toBe(250);
    expect(fastestDistance(s, 5000)).toBe(1250);
    expect(fastestDistance(s, 12_001)).toBeNull();
  });
});

describe('best mean power (time-weighted)', () => {
  const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const w = [100, 100, 200, 300, 400, 100, 100, 100, 100, 100];

  it('each sample holds until the next: best 3 s is 200+300+400, best 5 s is 1,100 J / 5', () => {
    expect(bestMeanPower(samples(t, null, w), 3)).toBe(300);
    expect(bestMeanPower(samples(t, null, w), 5)).toBe(220);
  });

  it('a window may start inside a step', () => {
    // 100 W for 4 s, then 400 W for 6 s, then the end: best 5 s is inside the 400 W.
    expect(bestMeanPower(samples([0, 4, 10], null, [100, 400, 0]), 5)).toBe(400);
    // Best 8 s: 2 s of 100 W and 6 s of 400 W = 2,600 J / 8.
    expect(bestMeanPower(samples([0, 4, 10], null, [100, 400, 0]), 8)).toBe(325);
  });

  it('a gap over 30 s counts 0 W after its first 30 s', () => {
    // 300 W at t=0, 100 W at t=60, end at t=120: 300 W for 30 s, 0 W, 100 W for 30 s, 0 W.
    // Best 60 s: 9,000 J / 60 = 150 W (300 W held for the whole 60 s would say 300).
    expect(bestMeanPower(samples([0, 60, 120], null, [300, 100, 100]), 60)).toBe(150);
  });

  it('a sample without watts counts 0 W', () => {
    expect(bestMeanPower(samples([0, 1, 2, 3], null, [200, null, 200, 0]), 3)).toBe(400 / 3);
  });

  it('null when shorter than the window or without watts', () => {
    expect(bestMeanPower(samples(t, null, w), 10)).toBeNull();
    expect(bestMeanPower(samples(t, null, null), 3)).toBeNull();
    expect(bestMeanPower(samples(t, null, Array(10).fill(null)), 3)).toBeNull();
  });
});

describe('bestEfforts', () => {
  it('an hour at 1 Hz, 3 m/s and 200 W with a 5-minute block at 300 W', () => {
    const t = Array.from({ length: 3601 }, (_, i) => i);
    const watts = t.map((x) => (x >= 1000 && x < 1300 ? 300 : 200));
    const got = bestEfforts(
      samples(
        t,
        t.map((x) => 3 * x),
        watts,
      ),
    );
    expect(got.best_1km_s).toBeCloseTo(1000 / 3, 9);
    expect(got.best_5km_s).toBeCloseTo(5000 / 3, 9);
    expect(got.best_10km_s).toBeCloseTo(10000 / 3, 9);
    expect(got.best_5min_watts).toBe(300);
    // 300 s at 300 W + 900 s at 200 W over 1,200 s.
    expect(got.best_20min_watts).toBe(225);
  });

  it('a short swim without power: only what it covers', () => {
    const t = Array.from({ length: 1201 }, (_, i) => i);
    const got = bestEfforts(
      samples(
        t,
        t.map((x) => x),
      ),
    );
    expect(got).toEqual({
      best_1km_s: 1000,
      best_5km_s: null,
      best_10km_s: null,
      best_5min_watts: null,
      best_20min_watts: null,
    });
  });
});
