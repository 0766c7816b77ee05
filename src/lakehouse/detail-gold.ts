/**
 * The detail gold tables (detail-tables.ts: GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS) as pure
 * computations over rows already read; the embedded engine reads and writes, these decide.
 *
 * Time in a heart-rate zone: each sample with a heart rate counts the seconds until the next
 * sample that has a time (`time_s` of the next minus its own), at most MAX_SAMPLE_GAP_S (a
 * pause in recording is not time spent at that heart rate), and the last sample counts
 * LAST_SAMPLE_S. A gap of zero or less (a repeated or out-of-order time) counts nothing. A heart
 * rate h is in the zone with zone_min <= h < zone_max; the top zone (zone_max null) is open, a
 * null zone_min has no lower bound, and h in no zone is not counted.
 */
import type { Row } from './delta/table.js';
import { EFFORTS } from './detail-tables.js';
import type { Month } from '../strava/months.js';
import { compareBigint } from './id-bounds.js';

/** A sample's longest counted time in a zone, in seconds. */
export const MAX_SAMPLE_GAP_S = 30;
/** What the last sample of an activity counts, in seconds. */
export const LAST_SAMPLE_S = 1;

/** What gold needs of a silver activity. */
export interface ActivityForGold {
  id: bigint;
  month: Month;
  sport_type: string;
  gear_id: string | null;
  distance: number;
  moving_time: bigint;
}

/** A heart-rate zone of silver/athlete_zones. */
export interface HrZone {
  zone_index: bigint;
  zone_min: bigint | null;
  zone_max: bigint | null;
}

/** One stream sample: the columns the zone time needs. */
export interface HrSample {
  time_s: bigint | null;
  heartrate: bigint | null;
}

/** The best efforts of one activity (activity_details' best_* columns). */
export type BestsOfActivity = { activity_id: bigint } & Partial<
  Record<(typeof EFFORTS)[number]['column'], number | null>
>;

/** The index in `zones` (sorted by zone_index) of heart rate `h`, or -1. */
export function zoneOf(h: number, zones: readonly HrZone[]): number {
  return zones.findIndex(
    (z) =>
      (z.zone_min === null || Number(z.zone_min) <= h) &&
      (z.zone_max === null || h < Number(z.zone_max)),
  );
}

/**
 * Seconds in each of `zones` (sorted by zone_index) for one activity's samples, given in
 * sample order; the rule is in this module's comment.
 */
export function hrSecondsPerZone(samples: readonly HrSample[], zones: readonly HrZone[]): number[] {
  const seconds = zones.map(() => 0);
  let nextTime: number | null = null;
  // Backwards, so each sample knows the time of the next sample that has one.
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    const t = s.time_s === null ? null : Number(s.time_s);
    if (s.heartrate !== null && t !== null) {
      const zone = zoneOf(Number(s.heartrate), zones);
      if (zone >= 0) {
        const gap = nextTime === null ? LAST_SAMPLE_S : Math.min(nextTime - t, MAX_SAMPLE_GAP_S);
        if (gap > 0) seconds[zone]! += gap;
      }
    }
    if (t !== null) nextTime = t;
  }
  return seconds;
}

const byId = <T extends { id: bigint }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => compareBigint(a.id, b.id));
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** GOLD_GEAR rows of `months`: per month, gear and sport, activities, distance, moving time. */
export function gearGold(
  activities: readonly ActivityForGold[],
  gearNames: ReadonlyMap<string, string | null>,
  months: readonly Month[],
): Row[] {
  const wanted = new Set(months);
  const groups = new Map<string, Row>();
  // By id, so the sums of doubles come out the same whatever order the files were read in.
  for (const a of byId(activities)) {
    if (a.gear_id === null || !wanted.has(a.month)) continue;
    const key = JSON.stringify([a.month, a.gear_id, a.sport_type]);
    const g = groups.get(key) ?? {
      month: a.month,
      gear_id: a.gear_id,
      gear_name: gearNames.get(a.gear_id) ?? null,
      sport_type: a.sport_type,
      activity_count: 0n,
      distance: 0,
      moving_time: 0n,
    };
    g.activity_count = (g.activity_count as bigint) + 1n;
    g.distance = (g.distance as number) + a.distance;
    g.moving_time = (g.moving_time as bigint) + a.moving_time;
    groups.set(key, g);
  }
  return [...groups.entries()].sort(([a], [b]) => text(a, b)).map(([, row]) => row);
}

/**
 * GOLD_HR_ZONES rows of `months`: per month and sport with any time in a zone, one row per
 * zone (zero seconds included). `secondsByActivity` holds hrSecondsPerZone of each activity.
 */
export function hrZonesGold(
  secondsByActivity: ReadonlyMap<bigint, readonly number[]>,
  activities: readonly ActivityForGold[],
  zones: readonly HrZone[],
  months: readonly Month[],
): Row[] {
  const wanted = new Set(months);
  const totals = new Map<string, { month: Month; sport: string; seconds: number[] }>();
  for (const a of activities) {
    const seconds = secondsByActivity.get(a.id);
    if (!seconds || !wanted.has(a.month) || !seconds.some((s) => s > 0)) continue;
    const key = JSON.stringify([a.month, a.sport_type]);
    const t = totals.get(key) ?? {
      month: a.month,
      sport: a.sport_type,
      seconds: zones.map(() => 0),
    };
    seconds.forEach((s, i) => (t.seconds[i]! += s));
    totals.set(key, t);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => text(a, b))
    .flatMap(([, t]) =>
      zones.map((z, i) => ({
        month: t.month,
        sport_type: t.sport,
        zone_index: z.zone_index,
        zone_min: z.zone_min,
        zone_max: z.zone_max,
        seconds: BigInt(Math.round(t.seconds[i]!)),
      })),
    );
}

/**
 * GOLD_BESTS rows of `months`: per month, sport and effort, the best value (the least time, the
 * most watts) and the activity it came from; on a tie the smaller activity id.
 */
export function bestsGold(
  details: readonly BestsOfActivity[],
  activities: readonly ActivityForGold[],
  months: readonly Month[],
): Row[] {
  const wanted = new Set(months);
  const silver = new Map(activities.map((a) => [a.id, a]));
  const best = new Map<string, Row>();
  for (const d of details) {
    const a = silver.get(d.activity_id);
    if (!a || !wanted.has(a.month)) continue;
    for (const e of EFFORTS) {
      const value = d[e.column];
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      const key = JSON.stringify([a.month, a.sport_type, e.effort]);
      const held = best.get(key);
      const better =
        !held ||
        (e.lowerIsBetter ? value < (held.value as number) : value > (held.value as number)) ||
        (value === held.value && a.id < (held.activity_id as bigint));
      if (better) {
        best.set(key, {
          month: a.month,
          sport_type: a.sport_type,
          effort: e.effort,
          value,
          unit: e.unit,
          activity_id: a.id,
        });
      }
    }
  }
  return [...best.entries()].sort(([a], [b]) => text(a, b)).map(([, row]) => row);
}
