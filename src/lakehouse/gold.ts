/**
 * gold/monthly_summary from silver rows: per month x sport_type totals and the change from the
 * same sport's previous calendar month. Pure. sql/30_gold.sql states the same rules in SQL; the
 * interop suite checks the two agree row for row.
 */
import { addMonths, type Month } from '../strava/months.js';

/** The silver columns gold reads. */
export interface SilverForGold {
  month: string;
  sport_type: string;
  distance: number;
  moving_time: bigint;
  elapsed_time: bigint;
  total_elevation_gain: number | null;
  average_heartrate: number | null;
}

/** The silver columns gold is computed from, and `id` to sort by (stable sums). */
export const SILVER_FOR_GOLD = [
  'id',
  'month',
  'sport_type',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'average_heartrate',
] as const satisfies readonly (keyof SilverForGold | 'id')[];

export interface GoldRow {
  month: string;
  sport_type: string;
  activity_count: bigint;
  distance: number;
  moving_time: bigint;
  elapsed_time: bigint;
  total_elevation_gain: number;
  average_speed: number | null;
  average_heartrate: number | null;
  prev_activity_count: bigint | null;
  prev_distance: number | null;
  prev_moving_time: bigint | null;
  activity_count_change: bigint | null;
  distance_change: number | null;
  distance_change_pct: number | null;
  moving_time_change: bigint | null;
  moving_time_change_pct: number | null;
}

interface Totals {
  count: bigint;
  distance: number;
  moving: bigint;
  elapsed: bigint;
  elevation: number;
  hrSum: number;
  hrCount: number;
}

const key = (month: string, sport: string) => `${month}\u0000${sport}`;

function totalsByMonthSport(rows: Iterable<SilverForGold>): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const r of rows) {
    const k = key(r.month, r.sport_type);
    let t = out.get(k);
    if (!t) {
      t = { count: 0n, distance: 0, moving: 0n, elapsed: 0n, elevation: 0, hrSum: 0, hrCount: 0 };
      out.set(k, t);
    }
    t.count += 1n;
    t.distance += r.distance;
    t.moving += r.moving_time;
    t.elapsed += r.elapsed_time;
    t.elevation += r.total_elevation_gain ?? 0;
    if (r.average_heartrate !== null) {
      t.hrSum += r.average_heartrate;
      t.hrCount += 1;
    }
  }
  return out;
}

const pct = (now: number, prev: number | null): number | null =>
  prev === null || prev === 0 ? null : (100 * (now - prev)) / prev;

/**
 * Gold rows for `months`, from silver rows covering those months and the month before each
 * (rows of other months are ignored). Sorted by month, then sport_type.
 */
export function computeGold(silver: Iterable<SilverForGold>, months: Iterable<Month>): GoldRow[] {
  const totals = totalsByMonthSport(silver);
  const wanted = new Set(months);
  const out: GoldRow[] = [];
  for (const [k, t] of totals) {
    const [month, sport] = k.split('\u0000') as [string, string];
    if (!wanted.has(month)) continue;
    const prev = totals.get(key(addMonths(month, -1), sport));
    const prevMoving = prev ? prev.moving : null;
    out.push({
      month,
      sport_type: sport,
      activity_count: t.count,
      distance: t.distance,
      moving_time: t.moving,
      elapsed_time: t.elapsed,
      total_elevation_gain: t.elevation,
      average_speed: t.moving > 0n ? t.distance / Number(t.moving) : null,
      average_heartrate: t.hrCount ? t.hrSum / t.hrCount : null,
      prev_activity_count: prev ? prev.count : null,
      prev_distance: prev ? prev.distance : null,
      prev_moving_time: prevMoving,
      activity_count_change: prev ? t.count - prev.count : null,
      distance_change: prev ? t.distance - prev.distance : null,
      distance_change_pct: pct(t.distance, prev ? prev.distance : null),
      moving_time_change: prevMoving === null ? null : t.moving - prevMoving,
      moving_time_change_pct: pct(
        Number(t.moving),
        prevMoving === null ? null : Number(prevMoving),
      ),
    });
  }
  return out.sort((a, b) =>
    a.month === b.month ? (a.sport_type < b.sport_type ? -1 : 1) : a.month < b.month ? -1 : 1,
  );
}

/** The months whose gold depends on a change to `months`: each and the one after it. */
export function goldMonthsFor(months: Iterable<Month>): Month[] {
  const out = new Set<Month>();
  for (const m of months) {
    out.add(m);
    out.add(addMonths(m, 1));
  }
  return [...out].sort();
}
