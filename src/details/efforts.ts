/**
 * Best efforts from an activity's streams: the fastest 1, 5 and 10 km and the best 5- and
 * 20-minute mean power (the `best_*` columns of silver/activity_details, gathered per month by
 * gold/best_efforts_monthly). Pure functions, each one pass with two pointers, O(n).
 *
 * Distance: the distance stream read against the time stream, moving linearly between samples
 * (a running maximum, so a GPS glitch that steps back does not count twice). The fastest cover
 * of D metres starts or ends at a sample (the time to cover D, as a function of where it
 * starts, is piecewise linear between samples), so both kinds of window are tried: ending at
 * each sample, starting at each sample.
 *
 * Power, time-weighted: each sample's watts hold from its time until the next sample, but for
 * at most POWER_HOLD_S seconds; the rest of a longer gap (a pause with the recording stopped)
 * counts as 0 W, as does a sample without watts. The best window of N seconds lies within the
 * recording (first to last sample) and starts or ends where the power steps, so those windows
 * are tried. Null when the activity has no watts at all or lasts less than N seconds.
 */

/** One sample as the efforts need it; null where the activity has no such stream. */
export interface EffortSample {
  time_s: number | null;
  distance_m: number | null;
  watts: number | null;
}

export interface BestEfforts {
  best_1km_s: number | null;
  best_5km_s: number | null;
  best_10km_s: number | null;
  best_5min_watts: number | null;
  best_20min_watts: number | null;
}

/** How long a sample's watts last when the next sample is later than this (seconds). */
export const POWER_HOLD_S = 30;

/** Every best effort of one activity's samples (in sample order). */
export function bestEfforts(samples: readonly EffortSample[]): BestEfforts {
  return {
    best_1km_s: fastestDistance(samples, 1_000),
    best_5km_s: fastestDistance(samples, 5_000),
    best_10km_s: fastestDistance(samples, 10_000),
    best_5min_watts: bestMeanPower(samples, 300),
    best_20min_watts: bestMeanPower(samples, 1_200),
  };
}

/**
 * The fewest seconds in which the samples cover `metres` (linear between samples), or null
 * when they never cover it (or have no time or distance stream).
 */
export function fastestDistance(samples: readonly EffortSample[], metres: number): number | null {
  const t: number[] = [];
  const d: number[] = [];
  let furthest = -Infinity;
  for (const s of samples) {
    if (s.time_s === null || s.distance_m === null) continue;
    if (t.length > 0 && s.time_s < t[t.length - 1]!) continue;
    furthest = Math.max(furthest, s.distance_m);
    t.push(s.time_s);
    d.push(furthest);
  }
  const n = t.length;
  if (n < 2 || d[n - 1]! - d[0]! < metres) return null;
  let best = Infinity;
  // Windows ending at sample j: start where the distance was d[j] - metres, as late as possible.
  for (let i = 0, j = 0; j < n; j++) {
    const target = d[j]! - metres;
    if (target < d[0]!) continue;
    while (i + 1 < j && d[i + 1]! <= target) i++;
    const start = d[i + 1]! > d[i]! ? timeAt(t, d, i, target) : t[i]!;
    best = Math.min(best, t[j]! - start);
  }
  // Windows starting at sample i: end where the distance first reaches d[i] + metres.
  for (let i = 0, j = 0; i < n; i++) {
    const target = d[i]! + metres;
    if (target > d[n - 1]!) break;
    while (j < n - 1 && d[j]! < target) j++;
    const end = j > 0 && d[j - 1]! < target ? timeAt(t, d, j - 1, target) : t[j]!;
    best = Math.min(best, end - t[i]!);
  }
  return best;
}

/** The time at which the distance between samples k and k+1 (which differ) was `at`. */
function timeAt(t: readonly number[], d: readonly number[], k: number, at: number): number {
  const share = (at - d[k]!) / (d[k + 1]! - d[k]!);
  return t[k]! + share * (t[k + 1]! - t[k]!);
}

/**
 * The best mean power over `seconds` (time-weighted, see the module's rule), or null when the
 * samples carry no watts or span less than `seconds`.
 */
export function bestMeanPower(samples: readonly EffortSample[], seconds: number): number | null {
  // Steps of constant power: [at[k], at[k+1]) at watts[k]; energy[k] is the joules before at[k].
  const at: number[] = [];
  const watts: number[] = [];
  let anyWatts = false;
  let previous: EffortSample | undefined;
  for (const s of samples) {
    if (s.time_s === null) continue;
    if (previous && s.time_s < previous.time_s!) continue;
    if (previous) {
      const gap = s.time_s - previous.time_s!;
      if (gap > POWER_HOLD_S) {
        at.push(previous.time_s! + POWER_HOLD_S);
        watts.push(0);
      }
    }
    at.push(s.time_s);
    watts.push(s.watts ?? 0);
    anyWatts ||= s.watts !== null;
    previous = s;
  }
  const n = at.length;
  if (!anyWatts || n < 2 || at[n - 1]! - at[0]! < seconds) return null;
  const energy: number[] = [0];
  for (let k = 1; k < n; k++) energy.push(energy[k - 1]! + watts[k - 1]! * (at[k]! - at[k - 1]!));
  const first = at[0]!;
  const last = at[n - 1]!;
  let best = -Infinity;
  // Windows starting at a step; both ends only move forward, so each has its own cursor.
  const startAt = cursor(at, watts, energy);
  const endAt = cursor(at, watts, energy);
  for (let k = 0; k < n && at[k]! + seconds <= last; k++) {
    best = Math.max(best, endAt(at[k]! + seconds) - startAt(at[k]!));
  }
  // Windows ending at a step.
  const startBefore = cursor(at, watts, energy);
  const endHere = cursor(at, watts, energy);
  for (let k = 0; k < n; k++) {
    if (at[k]! - seconds < first) continue;
    best = Math.max(best, endHere(at[k]!) - startBefore(at[k]! - seconds));
  }
  return best / seconds;
}

/** Joules from the first step to time `x`, for non-decreasing `x` across calls. */
function cursor(
  at: readonly number[],
  watts: readonly number[],
  energy: readonly number[],
): (x: number) => number {
  let k = 0;
  return (x) => {
    while (k + 1 < at.length && at[k + 1]! <= x) k++;
    return energy[k]! + watts[k]! * (x - at[k]!);
  };
}
