/**
 * The one definition of a Strava summary activity as this project stores it.
 *
 * It drives, and so keeps in step: record validation (zod), the landing CSV columns, the
 * Delta `schemaString` of bronze and silver, and the Databricks DDL. Field names are Strava's
 * (users know them); nested values are flattened (`athlete.id` -> `athlete_id`,
 * `map.summary_polyline` -> `summary_polyline`) and lat/lng pairs kept as JSON text.
 * Source: Strava API v3 SummaryActivity, checked against the recordings in
 * test/fixtures/strava-recorded.
 */
import { z } from 'zod';
import { SchemaError } from '../errors.js';

export type FieldType = 'long' | 'double' | 'boolean' | 'string' | 'timestamp';

export interface ActivityField {
  /** Column name (Strava's name, or the flattened path). */
  readonly name: string;
  readonly type: FieldType;
  /** Missing or null in a record is a schema error naming the activity and the field. */
  readonly required: boolean;
  /** JSON lat/lng pairs and similar: stored as JSON text in a string column. */
  readonly json?: boolean;
  /** Where the value sits in Strava's record when not at the top level. */
  readonly path?: readonly string[];
}

const field = (
  name: string,
  type: FieldType,
  opts: { required?: boolean; json?: boolean; path?: string[] } = {},
): ActivityField => ({ name, type, required: opts.required ?? false, ...opts });

export const ACTIVITY_FIELDS: readonly ActivityField[] = [
  field('id', 'long', { required: true }),
  field('athlete_id', 'long', { path: ['athlete', 'id'] }),
  field('name', 'string', { required: true }),
  field('sport_type', 'string', { required: true }),
  field('type', 'string', { required: true }),
  field('workout_type', 'long'),
  field('start_date', 'timestamp', { required: true }),
  field('start_date_local', 'timestamp', { required: true }),
  field('timezone', 'string', { required: true }),
  field('utc_offset', 'double'),
  field('distance', 'double', { required: true }),
  field('moving_time', 'long', { required: true }),
  field('elapsed_time', 'long', { required: true }),
  field('total_elevation_gain', 'double'),
  field('elev_high', 'double'),
  field('elev_low', 'double'),
  field('average_speed', 'double'),
  field('max_speed', 'double'),
  field('average_cadence', 'double'),
  field('average_temp', 'double'),
  field('has_heartrate', 'boolean'),
  field('average_heartrate', 'double'),
  field('max_heartrate', 'double'),
  field('average_watts', 'double'),
  field('max_watts', 'double'),
  field('weighted_average_watts', 'double'),
  field('kilojoules', 'double'),
  field('device_watts', 'boolean'),
  field('suffer_score', 'double'),
  field('achievement_count', 'long'),
  field('kudos_count', 'long'),
  field('comment_count', 'long'),
  field('athlete_count', 'long'),
  field('photo_count', 'long'),
  field('pr_count', 'long'),
  field('trainer', 'boolean'),
  field('commute', 'boolean'),
  field('manual', 'boolean'),
  field('private', 'boolean'),
  field('flagged', 'boolean'),
  field('visibility', 'string'),
  field('gear_id', 'string'),
  field('external_id', 'string'),
  field('upload_id', 'long'),
  field('start_latlng', 'string', { json: true }),
  field('end_latlng', 'string', { json: true }),
  field('summary_polyline', 'string', { path: ['map', 'summary_polyline'] }),
];

/** The landing CSV: every field, then the whole record as JSON (unknown fields kept for bronze). */
export const RAW_COLUMN = 'raw';
export const CSV_COLUMNS: readonly string[] = [...ACTIVITY_FIELDS.map((f) => f.name), RAW_COLUMN];

/** A Strava summary activity as received: known fields typed, unknown ones kept. */
export type StravaActivity = Record<string, unknown> & {
  id: number;
  name: string;
  sport_type: string;
  type: string;
  start_date: string;
  start_date_local: string;
  timezone: string;
  distance: number;
  moving_time: number;
  elapsed_time: number;
};

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;

/**
 * True for an ISO-8601 UTC time that names a real instant: the pattern alone lets through the
 * 45th of a month, hour 99, a leap second (23:59:60, which Date and Delta cannot hold) or 31 April.
 */
export function isIsoInstant(text: string): boolean {
  const m = ISO_UTC.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    t.getUTCFullYear() === year &&
    t.getUTCMonth() === month - 1 &&
    t.getUTCDate() === day &&
    t.getUTCHours() === hour &&
    t.getUTCMinutes() === minute &&
    t.getUTCSeconds() === second
  );
}

function zodFor(f: ActivityField): z.ZodType {
  if (f.json) return z.array(z.number());
  switch (f.type) {
    case 'long':
      return z.number().int();
    case 'double':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'string':
      return z.string();
    case 'timestamp':
      return z.string().refine(isIsoInstant, 'a real ISO-8601 time ending in Z');
  }
}

const VALIDATORS = ACTIVITY_FIELDS.map((f) => ({ field: f, schema: zodFor(f) }));

/** The value of a field in a raw Strava record (following `path`), or undefined. */
export function fieldValue(record: Record<string, unknown>, f: ActivityField): unknown {
  let v: unknown = record;
  for (const key of f.path ?? [f.name]) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Checks one record against the schema. Absent and null optional fields are fine (Strava
 * leaves heart-rate and power fields out when there is no sensor); a missing required field or
 * a wrong type is a SchemaError naming the activity id and the field.
 */
export function validateActivity(record: unknown): StravaActivity {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new SchemaError(
      `Strava returned an activity that is not a JSON object: ${JSON.stringify(record)?.slice(0, 80)}.`,
      'This is a Strava-side problem; re-run later.',
    );
  }
  const rec = record as Record<string, unknown>;
  const id = typeof rec.id === 'number' ? String(rec.id) : '(missing id)';
  for (const { field: f, schema } of VALIDATORS) {
    const v = fieldValue(rec, f);
    if (v === undefined || v === null) {
      if (f.required) {
        throw new SchemaError(
          `Strava activity ${id}: required field "${f.name}" is missing.`,
          'The record cannot be stored; report it if Strava keeps sending it.',
        );
      }
      continue;
    }
    const r = schema.safeParse(v);
    if (!r.success) {
      throw new SchemaError(
        `Strava activity ${id}: field "${f.name}" should be ${describe(f)}, got ${JSON.stringify(v)?.slice(0, 60)}.`,
        'The record cannot be stored; report it if Strava keeps sending it.',
      );
    }
  }
  return rec as StravaActivity;
}

function describe(f: ActivityField): string {
  if (f.json) return 'a list of numbers';
  return {
    long: 'a whole number',
    double: 'a number',
    boolean: 'true or false',
    string: 'text',
    timestamp: 'a real instant as an ISO-8601 time ending in Z',
  }[f.type];
}

/** One landing-CSV cell for a field: '' for absent/null, JSON for lists, String() otherwise. */
export function csvCell(record: Record<string, unknown>, f: ActivityField): string {
  const v = fieldValue(record, f);
  if (v === undefined || v === null) return '';
  if (f.json) return JSON.stringify(v);
  return String(v);
}

/** A typed value parsed back from a landing-CSV cell (the silver cast). */
export type Typed = number | bigint | boolean | string | null;

/**
 * The silver cast of one cell, the same rules as sql/: '' is null, except in a required text
 * field, where it is the empty string (Strava allows an activity with an empty name, and CSV
 * cannot tell the two apart); long -> bigint; double -> number; boolean -> 'true'/'false';
 * timestamp -> epoch microseconds (bigint).
 */
export function parseCell(f: ActivityField, cell: string | undefined): Typed {
  if (cell === undefined || cell === '') return f.required && f.type === 'string' ? '' : null;
  switch (f.type) {
    case 'long':
      return BigInt(cell);
    case 'double':
      return Number(cell);
    case 'boolean':
      return cell === 'true';
    case 'string':
      return cell;
    case 'timestamp':
      return BigInt(Date.parse(cell)) * 1000n;
  }
}

/** Spark/Delta type names for the schemaString and the DDL. */
export const SPARK_TYPE: Record<FieldType, string> = {
  long: 'long',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  timestamp: 'timestamp',
};

/** SQL DDL type names (Databricks / Spark SQL). */
export const SQL_TYPE: Record<FieldType, string> = {
  long: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  string: 'STRING',
  timestamp: 'TIMESTAMP',
};
