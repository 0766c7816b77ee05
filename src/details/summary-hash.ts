/**
 * The hash of what an activity's details depend on: the summary fields that change when the
 * athlete edits, crops, re-types or moves an activity, or when Strava reprocesses it. The detail
 * phase fetches an activity again exactly when this hash differs from the one its details were
 * fetched for (activity_details.summary_sha256), so an unchanged activity costs no request.
 *
 * Details read from Strava's account export (status `archive`) carry a second hash,
 * archiveSummarySha256: over only the summary fields the export's activities.csv fills, doubles at
 * 32-bit precision. An API run replaces the summaries of a month with the API's, which carry what
 * the export has not (private, gear_id, workout_type, device_watts, full-precision doubles): the
 * full hash then differs, but the archive hash stays equal until the athlete edits a field the
 * export covers, so the archive's details stand and cost no request (src/details/queue.ts).
 *
 * Both engines compute both hashes in TypeScript from silver's typed columns, so the values cannot
 * differ between them: cells are written in one canonical text form per type whatever the reader
 * gives (bigint or number for longs; epoch microseconds, Date or ISO text for timestamps).
 */
import { createHash } from 'node:crypto';
import { ACTIVITY_FIELDS, type FieldType } from '../strava/schema.js';

/** The summary fields the hash covers, in this order. */
export const SUMMARY_HASH_FIELDS = [
  'id',
  'name',
  'sport_type',
  'type',
  'workout_type',
  'start_date',
  'start_date_local',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'gear_id',
  'manual',
  'private',
  'has_heartrate',
  'device_watts',
] as const;

/**
 * The summary fields the archive hash covers, in this order: what activities.csv fills
 * (src/archive/activities-csv.ts) and the API gives alike for the same activity: the recorded
 * athlete's activities, written as activities.csv rows in each known layout and read back, hash
 * as the API's records do (test/unit/archive/activities-csv.test.ts).
 * - `id`, `name`, `start_date`, `elapsed_time`: the export's own columns, as the API gives them.
 * - `sport_type`: the export's `Activity Type` without its spaces; a re-typed activity is queued.
 * - `start_date_local`: the export's UTC date at the offset of the time zone rule. The archive's
 *   laps take their local times from that offset, so when the rule found another zone than
 *   Strava's, the API's details are the better ones and are fetched.
 * - `distance`, `moving_time`, `total_elevation_gain`: the export's SI block (32-bit floats:
 *   `18962.80078125` for the API's 18962.8), compared at that precision; a crop changes them.
 * - `manual`: "no activity file" in the export. An export read without its files (every activity
 *   manual, no streams) differs from the API's `false`, so the API's streams are fetched.
 * - `has_heartrate`: whether `Average Heart Rate` is filled, as the API's flag is.
 * Left out:
 * - `type`: the importer derives it from `sport_type` (legacyType), so it adds nothing but a
 *   chance that its table lags Strava's.
 * - `workout_type`, `gear_id`, `private`, `device_watts`: not in the export (null in an
 *   archive row, set in the API's), so they cannot be compared.
 */
export const ARCHIVE_HASH_FIELDS = [
  'id',
  'name',
  'sport_type',
  'start_date',
  'start_date_local',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'manual',
  'has_heartrate',
] as const satisfies readonly (typeof SUMMARY_HASH_FIELDS)[number][];

const TYPES = new Map<string, FieldType>(ACTIVITY_FIELDS.map((f) => [f.name, f.type]));

/** One cell in its canonical text form (doubles at 32-bit precision with `f32`); null stays null. */
function canonical(type: FieldType, value: unknown, f32 = false): string | null {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'long':
      return BigInt(value as bigint | number | string).toString();
    case 'double':
      return String(f32 ? Math.fround(Number(value)) : Number(value));
    case 'boolean':
      return String(value === true || value === 'true');
    case 'string':
      return String(value);
    case 'timestamp': {
      if (typeof value === 'bigint') return new Date(Number(value / 1000n)).toISOString();
      if (value instanceof Date) return value.toISOString();
      if (typeof value === 'number') return new Date(value).toISOString();
      return new Date(String(value)).toISOString();
    }
  }
}

/** sha256 (hex) of a silver row's summary fields. */
export function summarySha256(row: Readonly<Record<string, unknown>>): string {
  const cells = SUMMARY_HASH_FIELDS.map((name) => [name, canonical(TYPES.get(name)!, row[name])]);
  return createHash('sha256').update(JSON.stringify(cells)).digest('hex');
}

/**
 * sha256 (hex) of a silver row's (or an archive record's) ARCHIVE_HASH_FIELDS, doubles at 32-bit
 * precision: equal for an archive row and the API's row of the same, unedited activity.
 */
export function archiveSummarySha256(row: Readonly<Record<string, unknown>>): string {
  const cells = ARCHIVE_HASH_FIELDS.map((name) => [
    name,
    canonical(TYPES.get(name)!, row[name], true),
  ]);
  return createHash('sha256')
    .update(JSON.stringify(['archive', cells]))
    .digest('hex');
}
