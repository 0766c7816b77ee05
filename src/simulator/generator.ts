/**
 * Synthetic athletes for tests and benchmarks: deterministic for a seed, shaped like the
 * recorded summary activities (same field names and JSON types; see
 * test/unit/simulator/recordings.test.ts). Several time zones, indoor activities with
 * `start_latlng: []`, sensor fields absent (not null) when there is no sensor, and now and then
 * an activity close to local midnight so month boundaries get exercised.
 */
import type { Month } from '../strava/months.js';
import type { StravaActivity } from '../strava/schema.js';
import { isoSeconds, offsetMs, stravaTimezone, wallToUtc } from './time-zones.js';

const DEFAULT_TIMEZONES: readonly string[] = [
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/Sao_Paulo',
];

const ATHLETE_ID = 26462176;
const HOUR = 3_600_000;

/** Where outdoor activities start in each zone, roughly. */
const PLACES: Record<string, [number, number]> = {
  'America/New_York': [40.7812, -73.9665],
  'America/Los_Angeles': [34.0736, -118.4004],
  'Asia/Tokyo': [35.6852, 139.7528],
  'Europe/Berlin': [52.5145, 13.3501],
  'Australia/Sydney': [-33.8688, 151.2093],
  'Asia/Kolkata': [22.5726, 88.3639],
  'America/Sao_Paulo': [-23.5874, -46.6576],
  'Pacific/Kiritimati': [1.8721, -157.4278],
  'Etc/GMT+12': [0.1956, -176.4769],
};

interface Sport {
  sport: string;
  type: string;
  weight: number;
  /** metres per second, typical */
  speed: number;
  /** minutes, typical */
  minutes: number;
  indoor: number;
  power: number;
  climb: number;
  names: string[];
}

const SPORTS: Sport[] = [
  {
    sport: 'Run',
    type: 'Run',
    weight: 50,
    speed: 3.0,
    minutes: 50,
    indoor: 0.05,
    power: 0,
    climb: 8,
    names: ['Morning Run', 'Easy Run', 'Tempo', 'Long Run', 'Lunch Run'],
  },
  {
    sport: 'TrailRun',
    type: 'Run',
    weight: 5,
    speed: 2.4,
    minutes: 90,
    indoor: 0,
    power: 0,
    climb: 40,
    names: ['Trail Run', 'Hill Loop'],
  },
  {
    sport: 'Ride',
    type: 'Ride',
    weight: 14,
    speed: 7.5,
    minutes: 110,
    indoor: 0,
    power: 0.5,
    climb: 12,
    names: ['Morning Ride', 'Coffee Ride', 'Hill Repeats'],
  },
  {
    sport: 'VirtualRide',
    type: 'VirtualRide',
    weight: 5,
    speed: 8.5,
    minutes: 60,
    indoor: 1,
    power: 1,
    climb: 10,
    names: ['Zwift - Watopia', 'Indoor Intervals'],
  },
  {
    sport: 'Swim',
    type: 'Swim',
    weight: 12,
    speed: 0.75,
    minutes: 45,
    indoor: 0.8,
    power: 0,
    climb: 0,
    names: ['Swim Team', 'Pool Swim', 'Open Water'],
  },
  {
    sport: 'Hike',
    type: 'Hike',
    weight: 5,
    speed: 1.2,
    minutes: 180,
    indoor: 0,
    power: 0,
    climb: 60,
    names: ['Hike', 'Summit Day'],
  },
  {
    sport: 'WeightTraining',
    type: 'WeightTraining',
    weight: 6,
    speed: 0,
    minutes: 45,
    indoor: 1,
    power: 0,
    climb: 0,
    names: ['Strength', 'Gym'],
  },
  {
    sport: 'AlpineSki',
    type: 'AlpineSki',
    weight: 3,
    speed: 6,
    minutes: 240,
    indoor: 0,
    power: 0,
    climb: 5,
    names: ['Ski Day'],
  },
];

/** mulberry32: small, fast and deterministic; quality enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export interface ActivitySpec {
  id: number;
  /** Local wall time, `YYYY-MM-DDTHH:MM:SS`. */
  startLocal: string;
  /** An IANA zone, e.g. America/Los_Angeles. */
  timezone: string;
  sportType?: string;
  private?: boolean;
  seed?: number;
}

/** One activity starting at a given local time in a given zone: for tests of month edges. */
export function activityAt(spec: ActivitySpec): StravaActivity {
  const rnd = prng(spec.seed ?? spec.id % 2 ** 31);
  const sport = SPORTS.find((s) => s.sport === (spec.sportType ?? 'Run'));
  if (!sport) throw new Error(`activityAt: unknown sport type ${spec.sportType}`);
  const wall = Date.parse(`${spec.startLocal}Z`);
  return build(rnd, spec.id, wallToUtc(spec.timezone, wall), spec.timezone, sport, spec.private);
}

/**
 * `activity` as the athlete would have it after correcting its start to `startLocal` (local
 * wall time, `YYYY-MM-DDTHH:MM:SS`) in its own zone: both start dates and the offset change,
 * nothing else. The zone is the IANA name at the end of Strava's `timezone` label; without one
 * the activity keeps its offset.
 */
export function movedTo(activity: StravaActivity, startLocal: string): StravaActivity {
  const wall = Date.parse(`${startLocal}Z`);
  if (Number.isNaN(wall)) throw new Error(`movedTo: "${startLocal}" is not a local time`);
  const zone = /\) (\S+)$/.exec(activity.timezone ?? '')?.[1];
  const start = zone
    ? wallToUtc(zone, wall)
    : wall - ((activity.utc_offset as number | undefined) ?? 0) * 1000;
  return {
    ...activity,
    start_date: isoSeconds(start),
    start_date_local: isoSeconds(wall),
    utc_offset: (wall - start) / 1000,
  };
}

/**
 * A deterministic athlete: `count` activities from the start of `from` onwards, one every day or
 * three, mostly in the first zone with trips to the others.
 */
export function generateAthlete(opts: {
  count: number;
  seed?: number;
  from?: Month;
  timezones?: string[];
}): StravaActivity[] {
  const rnd = prng(opts.seed ?? 1);
  const zones = opts.timezones?.length ? opts.timezones : DEFAULT_TIMEZONES;
  const totalWeight = SPORTS.reduce((n, s) => n + s.weight, 0);
  let wallDay = Date.parse(`${opts.from ?? '2024-01'}-01T00:00:00Z`);
  let id = 10_000_000_000 + Math.floor(rnd() * 1_000_000_000);
  let zone = zones[0]!;
  const out: StravaActivity[] = [];
  for (let i = 0; i < opts.count; i++) {
    if (rnd() < 0.1) zone = rnd() < 0.5 ? zones[0]! : zones[Math.floor(rnd() * zones.length)]!;
    let pick = rnd() * totalWeight;
    const sport = SPORTS.find((s) => (pick -= s.weight) < 0) ?? SPORTS[0]!;
    // Mostly daytime; one in twelve close to midnight, either side, to cross month edges.
    const hour = rnd() < 1 / 12 ? (rnd() < 0.5 ? 23 : 0) : 5 + Math.floor(rnd() * 16);
    const wall = wallDay + hour * HOUR + Math.floor(rnd() * HOUR);
    id += 1_000_000 + Math.floor(rnd() * 60_000_000);
    out.push(build(rnd, id, wallToUtc(zone, wall), zone, sport, rnd() < 0.03));
    wallDay += (1 + Math.floor(rnd() * 3)) * 24 * HOUR;
  }
  return out;
}

function build(
  rnd: () => number,
  id: number,
  startMs: number,
  tz: string,
  sport: Sport,
  isPrivate = false,
): StravaActivity {
  const vary = (x: number, spread = 0.25) => x * (1 - spread + 2 * spread * rnd());
  const indoor = rnd() < sport.indoor;
  const movingTime = Math.round(vary(sport.minutes) * 60);
  const elapsedTime = movingTime + Math.floor(rnd() * movingTime * 0.1);
  const averageSpeed = sport.speed > 0 ? round(vary(sport.speed, 0.15), 3) : 0;
  const distance = round(averageSpeed * movingTime, 1);
  const climb = indoor ? 0 : round((distance / 1000) * vary(sport.climb, 0.6), 1);
  const offset = offsetMs(tz, startMs);
  const year = new Date(startMs).getUTCFullYear();
  const hasHeartrate = rnd() < 0.85;
  const hasPower = rnd() < sport.power;
  const start = indoor ? [] : place(rnd, tz);
  const route = start.length ? walk(rnd, start as [number, number], distance) : [];
  const end = route.length ? route[route.length - 1]! : [];
  const elevLow = indoor ? undefined : round(vary(40, 0.9), 1);
  const uploadId = id + 1_130_000_000;
  const a: Record<string, unknown> = {
    resource_state: 2,
    athlete: { id: ATHLETE_ID, resource_state: 1 },
    name: sport.names[Math.floor(rnd() * sport.names.length)]!,
    distance,
    moving_time: movingTime,
    elapsed_time: elapsedTime,
    total_elevation_gain: climb,
    type: sport.type,
    sport_type: sport.sport,
  };
  // workout_type: set on runs and rides, null or absent elsewhere (both happen in the recordings).
  if (sport.type === 'Run') a.workout_type = rnd() < 0.8 ? 0 : 1 + Math.floor(rnd() * 3);
  else if (sport.type === 'Ride') a.workout_type = 10 + Math.floor(rnd() * 3);
  else if (rnd() < 0.5) a.workout_type = null;
  Object.assign(a, {
    id,
    start_date: isoSeconds(startMs),
    start_date_local: isoSeconds(startMs + offset),
    timezone: stravaTimezone(tz, year),
    utc_offset: offset / 1000,
    location_city: null,
    location_state: null,
    location_country: null,
    achievement_count: Math.floor(rnd() * 5),
    kudos_count: Math.floor(rnd() * 20),
    comment_count: Math.floor(rnd() * 3),
    athlete_count: 1 + (rnd() < 0.2 ? Math.floor(rnd() * 6) : 0),
    photo_count: 0,
    map: { id: `a${id}`, summary_polyline: encodePolyline(route), resource_state: 2 },
    trainer: indoor,
    commute: !indoor && rnd() < 0.05,
    manual: false,
    private: isPrivate,
    visibility: isPrivate ? 'only_me' : 'everyone',
    flagged: false,
    gear_id: sport.type === 'Run' || sport.type === 'Ride' ? `g${20_000_000 + (id % 7)}` : null,
    start_latlng: start,
    end_latlng: end,
    average_speed: averageSpeed,
    max_speed: round(averageSpeed * vary(1.6, 0.2), 3),
  });
  if (sport.type === 'Run' || sport.type === 'Ride') a.average_cadence = round(vary(80), 1);
  if (!indoor && rnd() < 0.6) a.average_temp = Math.round(vary(18, 0.8));
  if (hasPower) {
    const watts = round(vary(200, 0.3), 1);
    Object.assign(a, {
      average_watts: watts,
      max_watts: Math.round(watts * vary(2.5, 0.3)),
      weighted_average_watts: Math.round(watts * 1.05),
      kilojoules: round((watts * movingTime) / 1000, 1),
      device_watts: true,
    });
  }
  a.has_heartrate = hasHeartrate;
  if (hasHeartrate) {
    a.average_heartrate = round(vary(140, 0.12), 1);
    a.max_heartrate = Math.round(vary(175, 0.08));
  }
  a.heartrate_opt_out = false;
  a.display_hide_heartrate_option = hasHeartrate;
  if (elevLow !== undefined) {
    a.elev_high = round(elevLow + climb / 3, 1);
    a.elev_low = elevLow;
  }
  Object.assign(a, {
    upload_id: uploadId,
    upload_id_str: String(uploadId),
    external_id: `garmin_ping_${uploadId * 3}`,
    from_accepted_tag: false,
    pr_count: Math.floor(rnd() * 3),
    total_photo_count: 0,
    has_kudoed: false,
  });
  if (hasHeartrate) a.suffer_score = Math.round(vary(movingTime / 60, 0.5));
  return a as StravaActivity;
}

function place(rnd: () => number, tz: string): [number, number] {
  const [lat, lng] = PLACES[tz] ?? [0, 0];
  return [round(lat + (rnd() - 0.5) * 0.05, 6), round(lng + (rnd() - 0.5) * 0.05, 6)];
}

/** A loose random route of about the right length (a dozen points). */
function walk(rnd: () => number, start: [number, number], metres: number): [number, number][] {
  const points: [number, number][] = [start];
  const step = metres / 12 / 111_000;
  let [lat, lng] = start;
  let heading = rnd() * 2 * Math.PI;
  for (let i = 0; i < 12; i++) {
    heading += (rnd() - 0.5) * 1.2;
    lat += Math.cos(heading) * step;
    lng += Math.sin(heading) * step;
    points.push([round(lat, 6), round(lng, 6)]);
  }
  return points;
}

/** Google's encoded polyline format, which Strava uses for summary_polyline. */
function encodePolyline(points: [number, number][]): string {
  let out = '';
  let prevLat = 0;
  let prevLng = 0;
  for (const [lat, lng] of points) {
    const la = Math.round(lat * 1e5);
    const ln = Math.round(lng * 1e5);
    out += encodeSigned(la - prevLat) + encodeSigned(ln - prevLng);
    prevLat = la;
    prevLng = ln;
  }
  return out;
}

function encodeSigned(value: number): string {
  let v = value < 0 ? ~(value << 1) : value << 1;
  let out = '';
  while (v >= 0x20) {
    out += String.fromCharCode((0x20 | (v & 0x1f)) + 63);
    v >>= 5;
  }
  return out + String.fromCharCode(v + 63);
}
