/**
 * The simulator's detail endpoints, derived from an activity's summary, deterministic for its
 * id, and computed on request (the recorded athlete's 1,132 activities hold hours of samples,
 * never kept). Shapes follow the recordings in test/fixtures/strava-recorded (activity.json,
 * activity_ride.json, activity_laps.json, activity_streams.json); gear follows the DetailedGear
 * example and zones the Zones model of Strava's API reference
 * (shared/fixtures/strava-api/swagger-paths.json).
 *
 * - GET /activities/{id}: the summary (resource_state 3) plus description, calories,
 *   device_name, gear, laps (one a full kilometre for runs and rides, the rest in a last lap;
 *   one lap otherwise) and splits_metric (runs, a kilometre each).
 * - GET /activities/{id}/streams: one sample a second over elapsed_time, from the summary:
 *   distance rising to its distance, heart rate around average_heartrate, watts around
 *   average_watts, latlng from start_latlng toward end_latlng, altitude between elev_low and
 *   elev_high. None for a manual activity.
 * - GET /gear/{id} for a gear id an activity uses; GET /athlete/zones.
 */
import type { StravaActivity } from '../strava/schema.js';

/** One stream as Strava answers with key_by_type=true. */
export interface StreamBody {
  data: unknown[];
  series_type: 'distance';
  original_size: number;
  resolution: 'high';
}

const DEVICES = ['Garmin Forerunner 945', 'Garmin Edge 530', 'Apple Watch Series 8', 'Zwift'];
const BRANDS = [
  ['Adidas', 'Supernova ST'],
  ['Nike', 'Pegasus 40'],
  ['Brooks', 'Ghost 15'],
  ['Hoka', 'Clifton 9'],
] as const;
const BIKES = [
  ['BMC', 'Teammachine'],
  ['Canyon', 'Endurace'],
  ['Trek', 'Domane'],
] as const;

/** Three waves of speed over an activity, each ±3 × SPEED_SWING (18 %) around the mean. */
const SPEED_SWING = 0.06;

/** A number in [0, 1) from an id and a salt, the same every time. */
function unit(id: number, salt: number): number {
  let x = (Math.imul(id ^ (id / 2 ** 32), 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

const num = (a: StravaActivity, key: string): number | undefined =>
  typeof a[key] === 'number' ? (a[key] as number) : undefined;

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The activity's shape over time: the one curve laps, splits and streams are cut from. */
class Course {
  readonly samples: number;
  private readonly elapsed: number;
  private readonly distance: number;

  constructor(readonly a: StravaActivity) {
    this.elapsed = Math.max(0, Math.round(a.elapsed_time));
    this.samples = this.elapsed + 1;
    this.distance = Math.max(0, a.distance);
  }

  /** Metres covered at second i: rising to the summary distance, the speed swinging gently. */
  distanceAt(i: number): number {
    if (this.elapsed === 0) return this.distance;
    const x = i / this.elapsed;
    const wobble = (SPEED_SWING / (2 * Math.PI)) * Math.sin(2 * Math.PI * 3 * x);
    return round(this.distance * Math.min(1, Math.max(0, x + wobble)), 1);
  }

  /** Sample indexes where each full kilometre is first reached, then the last sample. */
  kilometreMarks(): number[] {
    const marks: number[] = [];
    let next = 1000;
    for (let i = 0; i < this.samples && next <= this.distance; i++) {
      if (this.distanceAt(i) >= next) {
        marks.push(i);
        next += 1000;
      }
    }
    if (marks[marks.length - 1] !== this.samples - 1) marks.push(this.samples - 1);
    return marks;
  }
}

function isRunOrRide(a: StravaActivity): boolean {
  return ['Run', 'Ride', 'VirtualRide', 'EBikeRide'].includes(a.type);
}

/** GET /activities/{id}: the detailed activity. */
export function activityDetail(a: StravaActivity): Record<string, unknown> {
  const course = new Course(a);
  const gearId = typeof a.gear_id === 'string' ? a.gear_id : null;
  const detail: Record<string, unknown> = {
    ...a,
    resource_state: 3,
    description: unit(a.id, 1) < 0.3 ? null : `${a.name}: ${Math.round(a.distance)} m`,
    calories: round((a.moving_time / 60) * (6 + 6 * unit(a.id, 2)), 1),
    device_name: DEVICES[Math.floor(unit(a.id, 3) * DEVICES.length)],
    perceived_exertion: null,
    prefer_perceived_exertion: false,
    private: a.private ?? false,
    laps: laps(a, course),
  };
  if (gearId) detail.gear = gearSummary(gearId);
  if (a.type === 'Run') detail.splits_metric = splits(a, course);
  return detail;
}

function laps(a: StravaActivity, course: Course): Record<string, unknown>[] {
  const marks = isRunOrRide(a) ? course.kilometreMarks() : [course.samples - 1];
  const start = Date.parse(a.start_date);
  const startLocal = Date.parse(a.start_date_local);
  const movingShare = a.elapsed_time > 0 ? a.moving_time / a.elapsed_time : 1;
  let from = 0;
  return marks.map((to, k) => {
    const elapsed = to - from;
    const distance = round(course.distanceAt(to) - course.distanceAt(from), 1);
    const lap: Record<string, unknown> = {
      id: a.id * 100 + k + 1,
      resource_state: 2,
      name: `Lap ${k + 1}`,
      activity: { id: a.id, visibility: a.visibility ?? 'everyone', resource_state: 1 },
      athlete: { id: (a.athlete as { id?: number } | undefined)?.id ?? 0, resource_state: 1 },
      elapsed_time: elapsed,
      moving_time: Math.round(elapsed * movingShare),
      start_date: iso(start + from * 1000),
      start_date_local: iso(startLocal + from * 1000),
      distance,
      average_speed: elapsed > 0 ? round(distance / elapsed, 2) : 0,
      max_speed: num(a, 'max_speed') ?? 0,
      lap_index: k + 1,
      split: k + 1,
      start_index: from,
      end_index: to,
      total_elevation_gain: round((num(a, 'total_elevation_gain') ?? 0) / marks.length, 1),
      device_watts: a.device_watts === true,
    };
    const cadence = num(a, 'average_cadence');
    if (cadence !== undefined) lap.average_cadence = cadence;
    const watts = num(a, 'average_watts');
    if (watts !== undefined) lap.average_watts = watts;
    const hr = num(a, 'average_heartrate');
    if (a.has_heartrate === true && hr !== undefined) {
      lap.average_heartrate = hr;
      lap.max_heartrate = num(a, 'max_heartrate') ?? hr;
    }
    from = to;
    return lap;
  });
}

function splits(a: StravaActivity, course: Course): Record<string, unknown>[] {
  let from = 0;
  return course.kilometreMarks().map((to, k) => {
    const elapsed = to - from;
    const distance = round(course.distanceAt(to) - course.distanceAt(from), 1);
    const speed = elapsed > 0 ? round(distance / elapsed, 2) : 0;
    const split: Record<string, unknown> = {
      distance,
      elapsed_time: elapsed,
      elevation_difference: round(altitudeAt(a, course, to) - altitudeAt(a, course, from), 1),
      moving_time: elapsed,
      split: k + 1,
      average_speed: speed,
      average_grade_adjusted_speed: speed,
      pace_zone: 2,
    };
    if (a.has_heartrate === true && num(a, 'average_heartrate') !== undefined) {
      split.average_heartrate = heartrateAt(a, course, Math.round((from + to) / 2));
    }
    from = to;
    return split;
  });
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function hasLatlng(a: StravaActivity): boolean {
  return Array.isArray(a.start_latlng) && a.start_latlng.length === 2;
}

function altitudeAt(a: StravaActivity, course: Course, i: number): number {
  const low = num(a, 'elev_low') ?? 10;
  const high = num(a, 'elev_high') ?? low + (num(a, 'total_elevation_gain') ?? 0);
  const x = course.samples > 1 ? i / (course.samples - 1) : 0;
  return round(low + (high - low) * (0.5 - 0.5 * Math.cos(2 * Math.PI * x)), 1);
}

function heartrateAt(a: StravaActivity, course: Course, i: number): number {
  const avg = num(a, 'average_heartrate')!;
  const max = num(a, 'max_heartrate') ?? avg + 15;
  const x = course.samples > 1 ? i / (course.samples - 1) : 0;
  return Math.min(max, Math.round(avg + 8 * Math.sin(2 * Math.PI * (2 * x + unit(a.id, 4)))));
}

/**
 * The streams of the given keys Strava would have for this activity (a key with no such
 * stream is left out), or undefined for a manual activity (Strava answers 404).
 */
export function activityStreams(
  a: StravaActivity,
  keys: readonly string[],
): Record<string, StreamBody> | undefined {
  if (a.manual === true) return undefined;
  const course = new Course(a);
  const n = course.samples;
  const seconds = Array.from({ length: n }, (_, i) => i);
  const distance = seconds.map((i) => course.distanceAt(i));
  const outdoor = hasLatlng(a);
  const hr = a.has_heartrate === true && num(a, 'average_heartrate') !== undefined;
  const watts = num(a, 'average_watts');
  const cadence = num(a, 'average_cadence');
  const makers: Record<string, (() => unknown[]) | undefined> = {
    time: () => seconds,
    distance: () => distance,
    latlng: outdoor ? () => latlng(a, n) : undefined,
    altitude: outdoor ? () => seconds.map((i) => altitudeAt(a, course, i)) : undefined,
    heartrate: hr ? () => seconds.map((i) => heartrateAt(a, course, i)) : undefined,
    cadence:
      cadence !== undefined
        ? () => seconds.map((i) => Math.round(cadence + 3 * Math.sin(i / 45)))
        : undefined,
    watts:
      watts !== undefined
        ? () => seconds.map((i) => Math.max(0, Math.round(watts * (1 + 0.15 * Math.sin(i / 120)))))
        : undefined,
    velocity_smooth: () => distance.map((d, i) => (i === 0 ? 0 : round(d - distance[i - 1]!, 2))),
    grade_smooth: outdoor
      ? () =>
          seconds.map((i) => {
            if (i === 0) return 0;
            const run = distance[i]! - distance[i - 1]!;
            const rise = altitudeAt(a, course, i) - altitudeAt(a, course, i - 1);
            return run > 0 ? round((100 * rise) / run, 1) : 0;
          })
      : undefined,
    moving: () => seconds.map(() => true),
  };
  const out: Record<string, StreamBody> = {};
  for (const key of keys) {
    const make = makers[key];
    if (!make || key in out) continue;
    out[key] = { data: make(), series_type: 'distance', original_size: n, resolution: 'high' };
  }
  return out;
}

function latlng(a: StravaActivity, n: number): [number, number][] {
  const [lat0, lng0] = a.start_latlng as [number, number];
  const end = Array.isArray(a.end_latlng) && a.end_latlng.length === 2 ? a.end_latlng : undefined;
  const [lat1, lng1] = (end as [number, number] | undefined) ?? [lat0, lng0];
  return Array.from({ length: n }, (_, i) => {
    const x = n > 1 ? i / (n - 1) : 0;
    // Toward the end point, with a loop of about 200 m on the way.
    return [
      round(lat0 + (lat1 - lat0) * x + 0.002 * Math.sin(2 * Math.PI * x), 6),
      round(lng0 + (lng1 - lng0) * x + 0.002 * (1 - Math.cos(2 * Math.PI * x)), 6),
    ];
  });
}

function gearName(id: string): { name: string; brand: string; model: string } {
  const seed = [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const [brand, model] = id.startsWith('b')
    ? BIKES[seed % BIKES.length]!
    : BRANDS[seed % BRANDS.length]!;
  return { name: `${brand} ${model}`, brand, model };
}

/** The `gear` summary a detailed activity carries (as in activity.json). */
function gearSummary(id: string): Record<string, unknown> {
  return { id, primary: false, name: gearName(id).name, nickname: '', resource_state: 2 };
}

/**
 * GET /gear/{id}: DetailedGear, with the distance of the activities that use it (metres), or
 * undefined when no activity uses the id.
 */
export function gearDetail(
  id: string,
  activities: Iterable<StravaActivity>,
): Record<string, unknown> | undefined {
  let distance = 0;
  let used = false;
  for (const a of activities) {
    if (a.gear_id !== id) continue;
    used = true;
    distance += a.distance;
  }
  if (!used) return undefined;
  const { name, brand, model } = gearName(id);
  const gear: Record<string, unknown> = {
    id,
    primary: false,
    resource_state: 3,
    distance: Math.round(distance),
    brand_name: brand,
    model_name: model,
    name,
    nickname: '',
    retired: false,
    description: null,
  };
  if (id.startsWith('b')) gear.frame_type = 3;
  return gear;
}

/** GET /athlete/zones: five heart-rate zones (Strava's default shape) and seven power zones. */
export function athleteZones(): Record<string, unknown> {
  const zones = (bounds: number[]) => bounds.map((min, i) => ({ min, max: bounds[i + 1] ?? -1 }));
  return {
    heart_rate: { custom_zones: false, zones: zones([0, 123, 153, 169, 184]) },
    power: { zones: zones([0, 138, 188, 225, 263, 300, 375]) },
  };
}
