/**
 * An activity file's track (files.ts) -> the rows of silver/streams, silver/laps and
 * silver/activity_details, in the same columns and units as the API path (src/strava/details.ts):
 * - streams: time_s from the first sample (whole seconds), distance_m, lat/lng (degrees),
 *   altitude_m, heartrate/cadence/watts rounded to whole numbers; velocity_smooth is the speed the
 *   file records (FIT, TCX), else the distance gained over the last (up to) 5 s of samples (GPX);
 *   grade_smooth is FIT's grade, else the altitude change over the distance gained in those
 *   samples when at least 10 m, else null; moving is velocity_smooth >= MOVING_SPEED. The
 *   files' temperature has no column in silver/streams (the API path asks for no temp stream).
 * - laps: one row per FIT lap message or TCX Lap (`Lap N`), no lap id (the API's ids are not in
 *   the file); a GPX has no laps, so none are written.
 * - activity_details: status `archive` (the source), the archive hash of the activity
 *   (src/details/summary-hash.ts, given by the caller), the export's description and calories,
 *   lap and sample counts and the best efforts from the streams.
 */
import { bestEfforts } from '../details/efforts.js';
import { ARCHIVE_STATUS } from '../details/queue.js';
import type { ActivityDetailRows } from '../details/types.js';
import type { Row } from '../lakehouse/delta/table.js';
import type { Month } from '../strava/months.js';
import type { ActivityTrack, TrackSample } from './files.js';

export { ARCHIVE_STATUS };
/** m/s at or above which a sample counts as moving (about 1.8 km/h). */
export const MOVING_SPEED = 0.5;
/** Seconds of samples a derived speed or grade looks back over. */
const WINDOW_S = 5;

export interface TrackRowsInput {
  activityId: bigint;
  month: Month;
  /** Stored in activity_details.summary_sha256: the import gives the archive hash. */
  summarySha256: string;
  fetchedAtMicros: bigint;
  /** The activity's utc_offset (s), for the laps' start_date_local. */
  utcOffsetS: number;
  description: string | null;
  calories: number | null;
  /** --no-coordinates: lat/lng null. */
  noCoordinates: boolean;
}

const whole = (v: number | null) => (v === null ? null : BigInt(Math.round(v)));
const micros = (ms: number) => BigInt(Math.round(ms)) * 1000n;

/** velocity_smooth and grade_smooth for each sample (see the module doc). */
function derived(samples: readonly TrackSample[]): { v: (number | null)[]; g: (number | null)[] } {
  const v: (number | null)[] = [];
  const g: (number | null)[] = [];
  let back = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    while (back < i && s.t - samples[back]!.t > WINDOW_S * 1000) back++;
    const b = samples[back]!;
    const dt = (s.t - b.t) / 1000;
    const dd = s.distance !== null && b.distance !== null ? s.distance - b.distance : null;
    v.push(s.speed ?? (dd !== null && dt > 0 ? dd / dt : i === 0 ? 0 : null));
    const da = s.altitude !== null && b.altitude !== null ? s.altitude - b.altitude : null;
    g.push(s.grade ?? (da !== null && dd !== null && dd >= 10 ? (100 * da) / dd : null));
  }
  return { v, g };
}

/** The rows of one activity from its file. */
export function trackRows(track: ActivityTrack, input: TrackRowsInput): ActivityDetailRows {
  const { activityId, month } = input;
  const samples = [...track.samples].sort((a, b) => a.t - b.t);
  const t0 = samples[0]?.t ?? 0;
  const { v, g } = derived(samples);
  const streams: Row[] = samples.map((s, i) => ({
    activity_id: activityId,
    sample_index: BigInt(i),
    time_s: BigInt(Math.round((s.t - t0) / 1000)),
    distance_m: s.distance,
    lat: input.noCoordinates ? null : s.lat,
    lng: input.noCoordinates ? null : s.lng,
    altitude_m: s.altitude,
    heartrate: whole(s.heartrate),
    cadence: whole(s.cadence),
    watts: whole(s.watts),
    velocity_smooth: v[i]!,
    grade_smooth: g[i]!,
    moving: v[i] === null ? null : v[i]! >= MOVING_SPEED,
    month,
  }));
  const laps: Row[] = track.laps.map((l, i) => {
    const end = l.start + (l.elapsedS ?? 0) * 1000;
    let first = -1;
    let last = -1;
    samples.forEach((s, j) => {
      if (s.t >= l.start && s.t <= end) {
        if (first < 0) first = j;
        last = j;
      }
    });
    return {
      activity_id: activityId,
      lap_index: BigInt(i + 1),
      lap_id: null,
      name: `Lap ${i + 1}`,
      start_date: micros(l.start),
      start_date_local: micros(l.start + input.utcOffsetS * 1000),
      elapsed_time: whole(l.elapsedS),
      moving_time: whole(l.movingS),
      distance: l.distanceM,
      start_index: first < 0 ? null : BigInt(first),
      end_index: last < 0 ? null : BigInt(last),
      total_elevation_gain: l.ascentM,
      average_speed: l.avgSpeed,
      max_speed: l.maxSpeed,
      average_heartrate: l.avgHeartrate,
      max_heartrate: l.maxHeartrate,
      average_cadence: l.avgCadence,
      average_watts: l.avgWatts,
      device_watts: l.avgWatts === null ? null : true,
      split: null,
      pace_zone: null,
      month,
    };
  });
  const efforts = bestEfforts(
    streams.map((r) => ({
      time_s: Number(r.time_s as bigint),
      distance_m: r.distance_m as number | null,
      watts: r.watts === null ? null : Number(r.watts as bigint),
    })),
  );
  return {
    activityId,
    month,
    details: {
      activity_id: activityId,
      status: ARCHIVE_STATUS,
      summary_sha256: input.summarySha256,
      fetched_at: input.fetchedAtMicros,
      description: input.description,
      calories: input.calories,
      device_name: null,
      gear_id: null,
      workout_type: null,
      suffer_score: null,
      perceived_exertion: null,
      private: null,
      lap_count: BigInt(laps.length),
      splits_metric: null,
      stream_samples: BigInt(streams.length),
      ...efforts,
      month,
    },
    laps,
    streams,
  };
}
