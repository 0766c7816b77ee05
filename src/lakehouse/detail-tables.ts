/**
 * The detail tables: what Strava's detail endpoints return (GET /activities/{id} with laps and
 * splits, /activities/{id}/streams, /gear/{id}, /athlete/zones), fetched within the request
 * budget, and the gold tables computed from them. The embedded writer, the Databricks DDL
 * (sql/4x) and the readers in the tests take their layout from here, as for tables.ts.
 *
 * Keys: activity_details by activity_id; laps by (activity_id, lap_index); streams by
 * (activity_id, sample_index); gear by id; athlete_zones by (zone_type, zone_index). The
 * per-activity tables are partitioned by the activity's local month (the month of its silver
 * row), so a month's details are replaced in one commit like silver.
 */
import type { FieldType } from '../strava/schema.js';
import type { Column, TableDef } from './tables.js';

const col = (name: string, type: FieldType, nullable = true): Column => ({ name, type, nullable });
const month = col('month', 'string', false);

/**
 * One row per activity whose details were asked for. `status` is `fetched`, or `not_found`
 * when Strava answered 404 (deleted meanwhile): such an activity is not asked for again while
 * its summary is unchanged; or `archive` when the details were read from the activity file of
 * Strava's account export (src/archive/detail-rows.ts), which an API fetch replaces and an
 * import never replaces a fetched one with. `summary_sha256` is the hash of the summary the details were
 * fetched for (src/details/summary-hash.ts): a different hash in silver queues them again.
 */
export const ACTIVITY_DETAILS: TableDef = {
  path: 'silver/activity_details',
  description: 'Per activity: the detail endpoint, and the summary it was fetched for',
  columns: [
    col('activity_id', 'long', false),
    col('status', 'string', false),
    col('summary_sha256', 'string', false),
    col('fetched_at', 'timestamp', false),
    col('description', 'string'),
    col('calories', 'double'),
    col('device_name', 'string'),
    col('gear_id', 'string'),
    col('workout_type', 'long'),
    col('suffer_score', 'double'),
    col('perceived_exertion', 'double'),
    col('private', 'boolean'),
    col('lap_count', 'long'),
    /** `splits_metric` as Strava gives it (JSON text): one entry per kilometre. */
    col('splits_metric', 'string'),
    /** Samples in silver/streams for this activity (0 for a manual activity: no streams). */
    col('stream_samples', 'long'),
    /** Best efforts from the streams: fastest 1/5/10 km in seconds, best 5/20 min mean watts. */
    col('best_1km_s', 'double'),
    col('best_5km_s', 'double'),
    col('best_10km_s', 'double'),
    col('best_5min_watts', 'double'),
    col('best_20min_watts', 'double'),
    month,
  ],
  partitionColumns: ['month'],
};

/** One row per lap, as in the detail response's `laps`. */
export const LAPS: TableDef = {
  path: 'silver/laps',
  description: 'Laps, one row per activity and lap index',
  columns: [
    col('activity_id', 'long', false),
    col('lap_index', 'long', false),
    col('lap_id', 'long'),
    col('name', 'string'),
    col('start_date', 'timestamp'),
    col('start_date_local', 'timestamp'),
    col('elapsed_time', 'long'),
    col('moving_time', 'long'),
    col('distance', 'double'),
    col('start_index', 'long'),
    col('end_index', 'long'),
    col('total_elevation_gain', 'double'),
    col('average_speed', 'double'),
    col('max_speed', 'double'),
    col('average_heartrate', 'double'),
    col('max_heartrate', 'double'),
    col('average_cadence', 'double'),
    col('average_watts', 'double'),
    col('device_watts', 'boolean'),
    col('split', 'long'),
    col('pace_zone', 'long'),
    month,
  ],
  partitionColumns: ['month'],
};

/** The stream keys asked for, in one request per activity (`keys=...&key_by_type=true`). */
export const STREAM_KEYS = [
  'time',
  'distance',
  'latlng',
  'altitude',
  'heartrate',
  'cadence',
  'watts',
  'velocity_smooth',
  'grade_smooth',
  'moving',
] as const;
export type StreamKey = (typeof STREAM_KEYS)[number];

/** One row per sample; a column is null where the activity has no such stream. */
export const STREAMS: TableDef = {
  path: 'silver/streams',
  description: 'Stream samples, one row per activity and sample index',
  columns: [
    col('activity_id', 'long', false),
    col('sample_index', 'long', false),
    col('time_s', 'long'),
    col('distance_m', 'double'),
    col('lat', 'double'),
    col('lng', 'double'),
    col('altitude_m', 'double'),
    col('heartrate', 'long'),
    col('cadence', 'long'),
    col('watts', 'long'),
    col('velocity_smooth', 'double'),
    col('grade_smooth', 'double'),
    col('moving', 'boolean'),
    month,
  ],
  partitionColumns: ['month'],
};

/** Bikes and shoes, one row per gear id (GET /gear/{id}); not partitioned. */
export const GEAR: TableDef = {
  path: 'silver/gear',
  description: 'Gear (bikes and shoes), one row per id',
  columns: [
    col('id', 'string', false),
    /** `bike` (id starts with b) or `shoe` (id starts with g). */
    col('gear_type', 'string', false),
    col('name', 'string'),
    col('brand_name', 'string'),
    col('model_name', 'string'),
    col('description', 'string'),
    col('is_primary', 'boolean'),
    col('retired', 'boolean'),
    /** Metres, as Strava counts them for the gear. */
    col('distance', 'double'),
    col('fetched_at', 'timestamp', false),
  ],
  partitionColumns: [],
};

/** The athlete's heart-rate and power zones (GET /athlete/zones); not partitioned. */
export const ATHLETE_ZONES: TableDef = {
  path: 'silver/athlete_zones',
  description: 'Heart-rate and power zones of the athlete',
  columns: [
    /** `heartrate` or `power`. */
    col('zone_type', 'string', false),
    /** From 1, in Strava's order. */
    col('zone_index', 'long', false),
    col('zone_min', 'long'),
    /** Null for the open top zone (Strava's -1). */
    col('zone_max', 'long'),
    col('custom_zones', 'boolean'),
    col('fetched_at', 'timestamp', false),
  ],
  partitionColumns: [],
};

/** Per month, gear and sport type: activities, distance and moving time (from silver). */
export const GOLD_GEAR: TableDef = {
  path: 'gold/gear_monthly',
  description: 'Distance and time per gear per month',
  columns: [
    month,
    col('gear_id', 'string', false),
    col('gear_name', 'string'),
    col('sport_type', 'string', false),
    col('activity_count', 'long', false),
    col('distance', 'double', false),
    col('moving_time', 'long', false),
  ],
  partitionColumns: ['month'],
};

/**
 * Per month, sport type and heart-rate zone: seconds spent there, from the heart-rate stream
 * (each sample counts the time to the next one, at most 30 s) and the athlete's zones.
 */
export const GOLD_HR_ZONES: TableDef = {
  path: 'gold/hr_zones_monthly',
  description: 'Time in each heart-rate zone per sport per month',
  columns: [
    month,
    col('sport_type', 'string', false),
    col('zone_index', 'long', false),
    col('zone_min', 'long'),
    col('zone_max', 'long'),
    col('seconds', 'long', false),
  ],
  partitionColumns: ['month'],
};

/** The efforts gold reports, their unit and whether lower is better. */
export const EFFORTS = [
  { effort: '1km', column: 'best_1km_s', unit: 's', lowerIsBetter: true },
  { effort: '5km', column: 'best_5km_s', unit: 's', lowerIsBetter: true },
  { effort: '10km', column: 'best_10km_s', unit: 's', lowerIsBetter: true },
  { effort: '5min', column: 'best_5min_watts', unit: 'W', lowerIsBetter: false },
  { effort: '20min', column: 'best_20min_watts', unit: 'W', lowerIsBetter: false },
] as const;

/** Per month, sport type and effort: the best value of the month and the activity it came from. */
export const GOLD_BESTS: TableDef = {
  path: 'gold/best_efforts_monthly',
  description: 'Best 1/5/10 km times and 5/20 min power per sport per month',
  columns: [
    month,
    col('sport_type', 'string', false),
    /** One of EFFORTS' `effort`. */
    col('effort', 'string', false),
    col('value', 'double', false),
    /** `s` or `W`. */
    col('unit', 'string', false),
    col('activity_id', 'long', false),
  ],
  partitionColumns: ['month'],
};

export const DETAIL_SILVER = [ACTIVITY_DETAILS, LAPS, STREAMS, GEAR, ATHLETE_ZONES] as const;
export const DETAIL_GOLD = [GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS] as const;
export const DETAIL_TABLES = [...DETAIL_SILVER, ...DETAIL_GOLD] as const;
