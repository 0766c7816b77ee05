/**
 * The figures the HTML report shows, computed from silver rows (and the detail tables). Pure:
 * no I/O, no units (values stay in metres, seconds, metres per second); the page converts them.
 * Every figure takes the activities already filtered by `publishable`, so a private activity
 * never reaches one unless the report was asked to include them.
 */
import { isPublishable, trimEndpoints } from '../../details/privacy.js';
import type { SilverForGold } from '../../lakehouse/gold.js';
import { addMonths, type Month } from '../../strava/months.js';
import { decodePolyline } from './polyline.js';

/** A silver activity with the columns the report reads. */
export interface ReportActivity extends SilverForGold {
  id: bigint;
  name: string;
  /** The local day of `start_date_local`, `YYYY-MM-DD`. */
  day: string;
  private: boolean | null;
  gear_id: string | null;
  summary_polyline: string | null;
}

/** Totals of a set of activities. */
export interface Totals {
  count: number;
  /** Metres. */
  distance: number;
  /** Seconds. */
  movingTime: number;
  /** Metres. */
  elevation: number;
}

/** The activities a published report may show: private ones only when `includePrivate`. */
export function publishable<T extends { private: boolean | null }>(
  activities: readonly T[],
  includePrivate: boolean,
): T[] {
  return activities.filter((a) => isPublishable(a, { includePrivate }));
}

/** The `n` months ending at `last`, oldest first. */
export function spanMonths(last: Month, n: number): Month[] {
  return Array.from({ length: n }, (_, i) => addMonths(last, i - n + 1));
}

/** Totals of `activities` (an empty list gives zeros). */
export function totalsOf(activities: readonly ReportActivity[]): Totals {
  const t: Totals = { count: 0, distance: 0, movingTime: 0, elevation: 0 };
  for (const a of activities) {
    t.count += 1;
    t.distance += a.distance;
    t.movingTime += Number(a.moving_time);
    t.elevation += a.total_elevation_gain ?? 0;
  }
  return t;
}

/** Sport types of `activities`, most distance first, then by name (the charts' series order). */
export function sportsOf(activities: readonly ReportActivity[]): string[] {
  const by = new Map<string, number>();
  for (const a of activities) by.set(a.sport_type, (by.get(a.sport_type) ?? 0) + a.distance);
  return [...by.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([s]) => s);
}

/** One month and sport with at least one activity. */
export interface MonthSport extends Totals {
  month: Month;
  sport: string;
}

/**
 * Totals per month and sport for `months`: a cell only where the sport has activities that
 * month, so a month without data is a gap, never a zero. Sorted by month, then sport.
 */
export function monthlyBySport(
  activities: readonly ReportActivity[],
  months: readonly Month[],
): MonthSport[] {
  const wanted = new Set(months);
  const cells = new Map<string, MonthSport>();
  for (const a of activities) {
    if (!wanted.has(a.month)) continue;
    const key = `${a.month}\u0000${a.sport_type}`;
    const c = cells.get(key) ?? {
      month: a.month,
      sport: a.sport_type,
      ...totalsOf([]),
    };
    const t = totalsOf([a]);
    c.count += t.count;
    c.distance += t.distance;
    c.movingTime += t.movingTime;
    c.elevation += t.elevation;
    cells.set(key, c);
  }
  return [...cells.values()].sort((a, b) =>
    a.month === b.month ? (a.sport < b.sport ? -1 : 1) : a.month < b.month ? -1 : 1,
  );
}

/** The months of `months` not in `known` (never ingested, or empty): shown as gaps. */
export function monthsWithoutData(months: readonly Month[], known: ReadonlySet<Month>): Month[] {
  return months.filter((m) => !known.has(m));
}

/** One sport of the headline: the month, the month before and the same month a year earlier. */
export interface HeadlineRow {
  sport: string;
  /** Null where the sport has no activity in that month. */
  now: Totals | null;
  previous: Totals | null;
  yearAgo: Totals | null;
}

/** The headline comparison per sport (sports of any of the three months, most distance first). */
export function headline(activities: readonly ReportActivity[], month: Month): HeadlineRow[] {
  const previous = addMonths(month, -1);
  const yearAgo = addMonths(month, -12);
  const inMonths = activities.filter(
    (a) => a.month === month || a.month === previous || a.month === yearAgo,
  );
  const of = (sport: string, m: Month) => {
    const rows = inMonths.filter((a) => a.sport_type === sport && a.month === m);
    return rows.length ? totalsOf(rows) : null;
  };
  return sportsOf(inMonths).map((sport) => ({
    sport,
    now: of(sport, month),
    previous: of(sport, previous),
    yearAgo: of(sport, yearAgo),
  }));
}

/** Percentage change from `before` to `now`; null when there is nothing to compare with. */
export function changePct(now: number, before: number | null | undefined): number | null {
  return before === null || before === undefined || before === 0
    ? null
    : (100 * (now - before)) / before;
}

/** One day with activities. */
export interface Day extends Totals {
  day: string;
}

/** The last day of `month`, `YYYY-MM-DD`. */
export function lastDayOf(month: Month): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The day `n` days after `day` (negative: before), `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Daily totals for the year ending on `lastDay` (365 days, `lastDay` included), only the days
 * with activities, oldest first.
 */
export function dailyTotals(activities: readonly ReportActivity[], lastDay: string): Day[] {
  const first = addDays(lastDay, -364);
  const days = new Map<string, Day>();
  for (const a of activities) {
    if (a.day < first || a.day > lastDay) continue;
    const d = days.get(a.day) ?? { day: a.day, ...totalsOf([]) };
    const t = totalsOf([a]);
    d.count += t.count;
    d.distance += t.distance;
    d.movingTime += t.movingTime;
    d.elevation += t.elevation;
    days.set(a.day, d);
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** A value per month and sport (a speed, a heart rate). */
export interface MonthSportValue {
  month: Month;
  sport: string;
  value: number;
  /** The activities it was computed from. */
  count: number;
}

/**
 * Average moving speed (m/s) per month and sport: total distance over total moving time of the
 * activities that have both (so a strength session does not drag a run's speed down).
 */
export function speedBySport(
  activities: readonly ReportActivity[],
  months: readonly Month[],
): MonthSportValue[] {
  const moving = activities.filter((a) => a.distance > 0 && a.moving_time > 0n);
  return monthlyBySport(moving, months).map((c) => ({
    month: c.month,
    sport: c.sport,
    value: c.distance / c.movingTime,
    count: c.count,
  }));
}

/** Mean of the activities' average heart rate per month and sport (activities with one only). */
export function heartrateBySport(
  activities: readonly ReportActivity[],
  months: readonly Month[],
): MonthSportValue[] {
  const wanted = new Set(months);
  const sums = new Map<string, MonthSportValue>();
  for (const a of activities) {
    if (!wanted.has(a.month) || a.average_heartrate === null) continue;
    const key = `${a.month}\u0000${a.sport_type}`;
    const s = sums.get(key) ?? { month: a.month, sport: a.sport_type, value: 0, count: 0 };
    s.value += a.average_heartrate;
    s.count += 1;
    sums.set(key, s);
  }
  return [...sums.values()]
    .map((s) => ({ ...s, value: s.value / s.count }))
    .sort((a, b) =>
      a.month === b.month ? (a.sport < b.sport ? -1 : 1) : a.month < b.month ? -1 : 1,
    );
}

/** Distance on one piece of gear over the report's span. */
export interface GearMileage {
  gearId: string;
  name: string;
  count: number;
  /** Metres. */
  distance: number;
}

/**
 * Distance per gear over `months` (activities with a gear id), most first; named from
 * silver/gear where it has a name, else by id.
 */
export function gearMileage(
  activities: readonly ReportActivity[],
  months: readonly Month[],
  names: ReadonlyMap<string, string | null>,
): GearMileage[] {
  const wanted = new Set(months);
  const by = new Map<string, GearMileage>();
  for (const a of activities) {
    if (!wanted.has(a.month) || !a.gear_id) continue;
    const g = by.get(a.gear_id) ?? {
      gearId: a.gear_id,
      name: names.get(a.gear_id) || a.gear_id,
      count: 0,
      distance: 0,
    };
    g.count += 1;
    g.distance += a.distance;
    by.set(a.gear_id, g);
  }
  const list = [...by.values()].sort(
    (a, b) => b.distance - a.distance || (a.gearId < b.gearId ? -1 : 1),
  );
  // Two pairs of the same shoe are common: a name shared by several ids gets the id too.
  const uses = new Map<string, number>();
  for (const g of list) uses.set(g.name, (uses.get(g.name) ?? 0) + 1);
  return list.map((g) =>
    (uses.get(g.name) ?? 0) > 1 && g.name !== g.gearId
      ? { ...g, name: `${g.name} (${g.gearId})` }
      : g,
  );
}

/** A row of gold/hr_zones_monthly (or the same computed for published activities). */
export interface HrZoneRow {
  month: string;
  sport_type: string;
  zone_index: bigint;
  zone_min: bigint | null;
  zone_max: bigint | null;
  seconds: bigint;
}

/** Seconds in one heart-rate zone for one sport over the span. */
export interface ZoneTime {
  sport: string;
  zone: number;
  /** `120-140 bpm`, `< 120 bpm`, `>= 170 bpm`. */
  label: string;
  seconds: number;
}

/** Time per sport and zone over `months`, zones with time only; by sport, then zone. */
export function hrZoneTimes(rows: readonly HrZoneRow[], months: readonly Month[]): ZoneTime[] {
  const wanted = new Set(months);
  const by = new Map<string, ZoneTime>();
  for (const r of rows) {
    if (!wanted.has(r.month) || r.seconds <= 0n) continue;
    const zone = Number(r.zone_index);
    const key = `${r.sport_type}\u0000${zone}`;
    const label =
      r.zone_min === null || Number(r.zone_min) <= 0
        ? `< ${r.zone_max} bpm`
        : r.zone_max === null
          ? `>= ${r.zone_min} bpm`
          : `${r.zone_min}-${r.zone_max} bpm`;
    const z = by.get(key) ?? { sport: r.sport_type, zone, label, seconds: 0 };
    z.seconds += Number(r.seconds);
    by.set(key, z);
  }
  return [...by.values()].sort((a, b) =>
    a.sport === b.sport ? a.zone - b.zone : a.sport < b.sport ? -1 : 1,
  );
}

/** A route thumbnail: the published part of an activity's track. */
export interface Route {
  id: bigint;
  name: string;
  day: string;
  sport: string;
  /** [lat, lng] points left after trimming; at least two. */
  points: [number, number][];
}

/** How many route thumbnails the report draws at most. */
export const MAX_ROUTES = 12;

/**
 * The newest activities of `month` with a track, trimmed by `radiusM` around start and end
 * (trimEndpoints); an activity whose track is all within the radius, or whose polyline does
 * not decode, is left out. Nothing when the warehouse stores no coordinates.
 */
export function routes(
  activities: readonly ReportActivity[],
  month: Month,
  radiusM: number,
  max = MAX_ROUTES,
): Route[] {
  const out: Route[] = [];
  const newest = activities
    .filter((a) => a.month === month && a.summary_polyline)
    .sort((a, b) => (a.day === b.day ? (a.id > b.id ? -1 : 1) : a.day > b.day ? -1 : 1));
  for (const a of newest) {
    if (out.length >= max) break;
    let points: [number, number][];
    try {
      points = decodePolyline(a.summary_polyline!);
    } catch {
      continue;
    }
    const kept = trimEndpoints(points, radiusM);
    if (kept.length < 2) continue;
    out.push({ id: a.id, name: a.name, day: a.day, sport: a.sport_type, points: kept });
  }
  return out;
}

/**
 * A track as an SVG path in a `size` x `size` box (with `pad` around): an equirectangular
 * projection with longitude scaled by the cosine of the mean latitude, north up, aspect kept.
 */
export function routePath(
  points: readonly (readonly [number, number])[],
  size = 100,
  pad = 4,
): string {
  const meanLat = points.reduce((s, p) => s + p[0], 0) / points.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const xy = points.map(([lat, lng]) => [lng * k, -lat] as const);
  const xs = xy.map((p) => p[0]);
  const ys = xy.map((p) => p[1]);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY) || 1;
  const scale = (size - 2 * pad) / span;
  const offX = (size - 2 * pad - (Math.max(...xs) - minX) * scale) / 2 + pad;
  const offY = (size - 2 * pad - (Math.max(...ys) - minY) * scale) / 2 + pad;
  return xy
    .map(
      ([x, y], i) =>
        `${i ? 'L' : 'M'}${((x - minX) * scale + offX).toFixed(1)} ${((y - minY) * scale + offY).toFixed(1)}`,
    )
    .join('');
}
