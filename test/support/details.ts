/**
 * Hand-built detail rows for the engine tests (the detail phase that builds them from Strava's
 * responses is not here yet): an activity's details, laps and 1 Hz streams derived from its id,
 * so a test can say what it expects without a fixture file.
 */
import type { ActivityDetailRows } from '../../src/details/types.js';
import type { Row } from '../../src/lakehouse/delta/table.js';
import type { Month } from '../../src/strava/months.js';

/** Epoch microseconds of an ISO time. */
export const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

export interface ActivityShape {
  /** Stream samples (1 Hz); 0 for a manual activity. */
  samples?: number;
  laps?: number;
  /** Heart rate of sample i; null for no heart-rate stream. Default: 100 + i % 80. */
  heartrate?: ((i: number) => number) | null;
  /** Mixed into every value, so a re-fetch with another `edit` gives other rows. */
  edit?: number;
  status?: 'fetched' | 'not_found';
  summarySha256?: string;
  best1km?: number | null;
  best5min?: number | null;
}

/** The rows of one activity, as the detail phase hands them to writeDetails. */
export function activityRows(
  id: number,
  month: Month,
  shape: ActivityShape = {},
): ActivityDetailRows {
  const activityId = BigInt(id);
  const status = shape.status ?? 'fetched';
  const edit = shape.edit ?? 0;
  const samples = status === 'fetched' ? (shape.samples ?? 60) : 0;
  const lapCount = status === 'fetched' ? (shape.laps ?? 2) : 0;
  const hr = shape.heartrate === undefined ? (i: number) => 100 + (i % 80) : shape.heartrate;
  const details: Row = {
    activity_id: activityId,
    status,
    summary_sha256: shape.summarySha256 ?? `sha-${id}-${edit}`,
    fetched_at: micros(`${month}-20T10:00:00Z`),
    description: status === 'fetched' ? `activity ${id} edit ${edit}` : null,
    calories: status === 'fetched' ? 500 + id + edit : null,
    device_name: status === 'fetched' ? 'Garmin Edge' : null,
    gear_id: null,
    workout_type: null,
    suffer_score: null,
    perceived_exertion: null,
    private: false,
    lap_count: BigInt(lapCount),
    splits_metric: null,
    stream_samples: BigInt(samples),
    best_1km_s: shape.best1km === undefined ? null : shape.best1km,
    best_5km_s: null,
    best_10km_s: null,
    best_5min_watts: shape.best5min === undefined ? null : shape.best5min,
    best_20min_watts: null,
    month,
  };
  const laps: Row[] = Array.from({ length: lapCount }, (_, i) => ({
    activity_id: activityId,
    lap_index: BigInt(i + 1),
    lap_id: BigInt(id * 100 + i),
    name: `Lap ${i + 1}`,
    start_date: micros(`${month}-10T08:00:00Z`) + BigInt(i * 600) * 1_000_000n,
    start_date_local: micros(`${month}-10T10:00:00Z`) + BigInt(i * 600) * 1_000_000n,
    elapsed_time: 600n,
    moving_time: BigInt(590 - edit),
    distance: 1000 + i + edit,
    start_index: BigInt(i * 600),
    end_index: BigInt(i * 600 + 599),
    total_elevation_gain: 3.5,
    average_speed: 1.7,
    max_speed: 3.1,
    average_heartrate: 140.5,
    max_heartrate: 171,
    average_cadence: null,
    average_watts: null,
    device_watts: null,
    split: BigInt(i + 1),
    pace_zone: null,
    month,
  }));
  const streams: Row[] = Array.from({ length: samples }, (_, i) => ({
    activity_id: activityId,
    sample_index: BigInt(i),
    time_s: BigInt(i),
    distance_m: i * 2.5 + edit,
    lat: 52.5 + i * 1e-5,
    lng: 13.4 + i * 1e-5,
    altitude_m: 34 + (i % 7),
    heartrate: hr ? BigInt(hr(i)) : null,
    cadence: BigInt(80 + (i % 5)),
    watts: null,
    velocity_smooth: 2.5,
    grade_smooth: 0.1 * (i % 3),
    moving: true,
    month,
  }));
  return { activityId, month, details, laps, streams };
}

/** A gear row. */
export function gearRow(id: string, name: string, distance = 1000): Row {
  return {
    id,
    gear_type: id.startsWith('b') ? 'bike' : 'shoe',
    name,
    brand_name: 'Brand',
    model_name: 'Model',
    description: null,
    is_primary: false,
    retired: false,
    distance,
    fetched_at: micros('2024-06-01T00:00:00Z'),
  };
}

/** Heart-rate zones with the given lower bounds (the last zone open), then power zones. */
export function zoneRows(mins: readonly number[] = [0, 120, 150, 170]): Row[] {
  return mins.map((min, i) => ({
    zone_type: 'heartrate',
    zone_index: BigInt(i + 1),
    zone_min: BigInt(min),
    zone_max: i + 1 < mins.length ? BigInt(mins[i + 1]!) : null,
    custom_zones: false,
    fetched_at: micros('2024-06-01T00:00:00Z'),
  }));
}
