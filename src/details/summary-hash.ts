/**
 * The hash of what an activity's details depend on: the summary fields that change when the
 * athlete edits, crops, re-types or moves an activity, or when Strava reprocesses it. The detail
 * phase fetches an activity again exactly when this hash differs from the one its details were
 * fetched for (activity_details.summary_sha256), so an unchanged activity costs no request.
 *
 * Both engines compute it in TypeScript from silver's typed columns, so the value cannot differ
 * between them: cells are written in one canonical text form per type whatever the reader gives
 * (bigint or number for longs; epoch microseconds, Date or ISO text for timestamps).
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

const TYPES = new Map<string, FieldType>(ACTIVITY_FIELDS.map((f) => [f.name, f.type]));

/** One cell in its canonical text form; null stays null. */
function canonical(type: FieldType, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'long':
      return BigInt(value as bigint | number | string).toString();
    case 'double':
      return String(Number(value));
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
