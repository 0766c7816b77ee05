/**
 * A small chunk of detail rows in the Delta writer's cell form, for the Databricks detail tests
 * (unit and Spark): two activities of 2024-05, one recorded with laps and a heart-rate stream and
 * one manual (no laps, no streams), a bike, and five heart-rate zones. The values are chosen so
 * every rule shows: an empty description next to a NULL device name, a quote and a newline in a
 * lap name, a stream gap longer than 30 s, a heart rate on a zone boundary and one above the
 * open top zone.
 */
import type { ActivityDetailRows } from '../../src/details/types.js';
import type { Row } from '../../src/lakehouse/delta/table.js';

/** 2024-05-04T07:00:00Z in epoch microseconds. */
export const T0 = 1_714_806_000_000_000n;
const s = (seconds: number) => T0 + BigInt(seconds) * 1_000_000n;
export const FETCHED_AT = 1_733_400_000_000_000n;

export const RIDE_ID = 11_223_344_556n;
export const YOGA_ID = 11_223_344_557n;

function details(activityId: bigint, extra: Row): Row {
  return {
    activity_id: activityId,
    status: 'fetched',
    summary_sha256: `sha-${activityId}`,
    fetched_at: FETCHED_AT,
    description: null,
    calories: null,
    device_name: null,
    gear_id: null,
    workout_type: null,
    suffer_score: null,
    perceived_exertion: null,
    private: false,
    lap_count: 0n,
    splits_metric: null,
    stream_samples: 0n,
    best_1km_s: null,
    best_5km_s: null,
    best_10km_s: null,
    best_5min_watts: null,
    best_20min_watts: null,
    month: '2024-05',
    ...extra,
  };
}

function lap(index: number, extra: Row): Row {
  return {
    activity_id: RIDE_ID,
    lap_index: BigInt(index),
    lap_id: 900n + BigInt(index),
    name: `Lap ${index}`,
    start_date: s(index * 60),
    start_date_local: s(index * 60 + 7200),
    elapsed_time: 60n,
    moving_time: 58n,
    distance: 512.3,
    start_index: BigInt(index * 3),
    end_index: BigInt(index * 3 + 2),
    total_elevation_gain: 0,
    average_speed: 8.83,
    max_speed: 11.1,
    average_heartrate: 141.5,
    max_heartrate: 160,
    average_cadence: null,
    average_watts: 201.25,
    device_watts: true,
    split: BigInt(index),
    pace_zone: null,
    month: '2024-05',
    ...extra,
  };
}

/**
 * time_s, heartrate per sample. In the heart-rate zones below: 119 -> zone 1 for 1 s; 120 (on the
 * boundary) -> zone 2 for 45 s capped at 30; 150 -> zone 3 for 1 s; 130 at a repeated time
 * (a gap of 0) counts nothing; no heart rate: not counted; 200 (above the open top zone's min)
 * -> zone 5 for 1 s, the last sample. Zone 4 gets no time.
 */
export const RIDE_SAMPLES: [number, number | null][] = [
  [0, 119],
  [1, 120],
  [46, 150],
  [47, 130],
  [47, null],
  [48, 200],
];

function sample(index: number, [time, hr]: [number, number | null]): Row {
  return {
    activity_id: RIDE_ID,
    sample_index: BigInt(index),
    time_s: BigInt(time),
    distance_m: index * 9.5,
    lat: index === 0 ? 51.501 : 51.501 + index * 1e-4,
    lng: -0.1412,
    altitude_m: 12.5,
    heartrate: hr === null ? null : BigInt(hr),
    cadence: null,
    watts: 180n + BigInt(index),
    velocity_smooth: 9.5,
    grade_smooth: -0.5,
    moving: index !== 4,
    month: '2024-05',
  };
}

/** The chunk: the ride (laps, streams, best efforts) and the manual yoga session. */
export function detailChunk(): ActivityDetailRows[] {
  const ride: ActivityDetailRows = {
    activityId: RIDE_ID,
    month: '2024-05',
    details: details(RIDE_ID, {
      description: '',
      calories: 812.4,
      gear_id: 'b12345',
      workout_type: 10n,
      suffer_score: 37,
      lap_count: 2n,
      splits_metric: '[{"distance":1000.2,"split":1}]',
      stream_samples: BigInt(RIDE_SAMPLES.length),
      best_1km_s: 181.5,
      best_5min_watts: 250.75,
    }),
    laps: [lap(1, { name: 'Lap "one"\nfast' }), lap(2, {})],
    streams: RIDE_SAMPLES.map((x, i) => sample(i, x)),
  };
  const yoga: ActivityDetailRows = {
    activityId: YOGA_ID,
    month: '2024-05',
    details: details(YOGA_ID, { device_name: 'Strava App', private: true }),
    laps: [],
    streams: [],
  };
  return [ride, yoga];
}

export const GEAR_ROWS: Row[] = [
  {
    id: 'b12345',
    gear_type: 'bike',
    name: 'Canyon Endurace',
    brand_name: 'Canyon',
    model_name: null,
    description: '',
    is_primary: true,
    retired: false,
    distance: 12345.6,
    fetched_at: FETCHED_AT,
  },
];

/** Heart-rate zones as Strava gives them (the top one open), and one power zone. */
export const ZONE_ROWS: Row[] = [
  [0, 120],
  [120, 140],
  [140, 160],
  [160, 180],
  [180, null],
]
  .map(([min, max], i): Row => ({
    zone_type: 'heartrate',
    zone_index: BigInt(i + 1),
    zone_min: BigInt(min as number),
    zone_max: max === null ? null : BigInt(max as number),
    custom_zones: false,
    fetched_at: FETCHED_AT,
  }))
  .concat([
    {
      zone_type: 'power',
      zone_index: 1n,
      zone_min: 0n,
      zone_max: null,
      custom_zones: false,
      fetched_at: FETCHED_AT,
    },
  ]);
