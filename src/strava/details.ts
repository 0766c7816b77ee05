/**
 * From Strava's detail responses to rows of the detail tables (src/lakehouse/detail-tables.ts),
 * in the Delta writer's cell form: long and timestamp as bigint (timestamps in epoch
 * microseconds), double as number. Pure functions. Every value is type-checked as
 * validateActivity does for summaries: a wrong type is a SchemaError naming the activity (or
 * gear, or zones) and the field; absent and null are null.
 * Shapes: GET /activities/{id} and its laps as recorded (test/fixtures/strava-recorded/
 * activity.json, activity_ride.json, activity_laps.json), streams keyed by type
 * (activity_streams.json), GET /gear/{id} (DetailedGear) and GET /athlete/zones (Zones:
 * `heart_rate` and `power`, each `{custom_zones, zones: [{min, max}]}`) from Strava's API
 * reference (shared/fixtures/strava-api/swagger-paths.json cites gear.json#/DetailedGear and
 * zones.json#/Zones).
 */
import { bestEfforts, type EffortSample } from '../details/efforts.js';
import type { ActivityDetailRows } from '../details/types.js';
import { SchemaError } from '../errors.js';
import type { Row } from '../lakehouse/delta/table.js';
import type { Value } from '../lakehouse/delta/schema.js';
import type { FieldType } from './schema.js';
import { isIsoInstant } from './schema.js';
import type { Month } from './months.js';

const HINT = 'The record cannot be stored; report it if Strava keeps sending it.';

/** Checks one value against a column type and gives its cell; `what` names record and field. */
function typed(value: unknown, type: FieldType, what: () => string): Value {
  if (value === undefined || value === null) return null;
  const bad = (expected: string) =>
    new SchemaError(
      `${what()} should be ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}.`,
      HINT,
    );
  switch (type) {
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('a whole number');
      return BigInt(value);
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    case 'string':
      if (typeof value !== 'string') throw bad('text');
      return value;
    case 'timestamp':
      if (typeof value !== 'string' || !isIsoInstant(value)) {
        throw bad('a real instant as an ISO-8601 time ending in Z');
      }
      return BigInt(Date.parse(value)) * 1000n;
  }
}

/** Copies `fields` (column <- Strava key) from `json` into a row, typed. */
function copy(
  json: Record<string, unknown>,
  fields: readonly (readonly [column: string, type: FieldType, key?: string])[],
  where: string,
): Row {
  const row: Row = {};
  for (const [column, type, key = column] of fields) {
    row[column] = typed(json[key], type, () => `${where}: field "${key}"`);
  }
  return row;
}

const DETAIL_FIELDS = [
  ['description', 'string'],
  ['calories', 'double'],
  ['device_name', 'string'],
  ['gear_id', 'string'],
  ['workout_type', 'long'],
  ['suffer_score', 'double'],
  ['perceived_exertion', 'double'],
  ['private', 'boolean'],
] as const;

const LAP_FIELDS = [
  ['lap_id', 'long', 'id'],
  ['name', 'string'],
  ['start_date', 'timestamp'],
  ['start_date_local', 'timestamp'],
  ['elapsed_time', 'long'],
  ['moving_time', 'long'],
  ['distance', 'double'],
  ['start_index', 'long'],
  ['end_index', 'long'],
  ['total_elevation_gain', 'double'],
  ['average_speed', 'double'],
  ['max_speed', 'double'],
  ['average_heartrate', 'double'],
  ['max_heartrate', 'double'],
  ['average_cadence', 'double'],
  ['average_watts', 'double'],
  ['device_watts', 'boolean'],
  ['split', 'long'],
  ['pace_zone', 'long'],
] as const;

/** Streams with one number a sample: the column, and whether it is a rounded long. */
const NUMBER_STREAMS = [
  ['time', 'time_s', 'long'],
  ['distance', 'distance_m', 'double'],
  ['altitude', 'altitude_m', 'double'],
  ['heartrate', 'heartrate', 'round'],
  ['cadence', 'cadence', 'round'],
  ['watts', 'watts', 'round'],
  ['velocity_smooth', 'velocity_smooth', 'double'],
  ['grade_smooth', 'grade_smooth', 'double'],
] as const;

export interface ActivityDetailInput {
  activityId: bigint;
  month: Month;
  /** sha256 of the summary the details were fetched for. */
  summarySha256: string;
  fetchedAtMicros: bigint;
  /** GET /activities/{id}; undefined when Strava answered 404. */
  detail: Record<string, unknown> | undefined;
  /** GET /activities/{id}/streams keyed by type; undefined for none (manual, or 404). */
  streams: Record<string, { data: unknown[] }> | undefined;
}

/**
 * Every row of one activity for activity_details, laps and streams. A detail of undefined
 * (404) gives a `not_found` details row with nulls and no laps or streams.
 */
export function activityDetailRows(input: ActivityDetailInput): ActivityDetailRows {
  const { activityId, month, detail } = input;
  const where = `Strava activity ${activityId}`;
  const base: Row = {
    activity_id: activityId,
    summary_sha256: input.summarySha256,
    fetched_at: input.fetchedAtMicros,
  };
  if (!detail) {
    const nulls = Object.fromEntries(
      [
        ...DETAIL_FIELDS.map(([c]) => c),
        'lap_count',
        'splits_metric',
        'stream_samples',
        'best_1km_s',
        'best_5km_s',
        'best_10km_s',
        'best_5min_watts',
        'best_20min_watts',
      ].map((c) => [c, null]),
    );
    return {
      activityId,
      month,
      details: { ...base, status: 'not_found', ...nulls, month },
      laps: [],
      streams: [],
    };
  }
  if (detail.id !== undefined && detail.id !== Number(activityId)) {
    throw new SchemaError(
      `${where}: the detail response is for activity ${JSON.stringify(detail.id)?.slice(0, 30)}.`,
      HINT,
    );
  }
  const laps = lapRows(detail, activityId, month, where);
  const streams = streamRows(input.streams, activityId, month, where);
  const splits = detail.splits_metric;
  if (splits !== undefined && splits !== null && !Array.isArray(splits)) {
    throw new SchemaError(`${where}: field "splits_metric" should be a list.`, HINT);
  }
  const efforts = bestEfforts(streams.map(effortSample));
  return {
    activityId,
    month,
    details: {
      ...base,
      status: 'fetched',
      ...copy(detail, DETAIL_FIELDS, where),
      lap_count: BigInt(laps.length),
      splits_metric: Array.isArray(splits) ? JSON.stringify(splits) : null,
      stream_samples: BigInt(streams.length),
      ...efforts,
      month,
    },
    laps,
    streams,
  };
}

function lapRows(
  detail: Record<string, unknown>,
  activityId: bigint,
  month: Month,
  where: string,
): Row[] {
  const laps = detail.laps;
  if (laps === undefined || laps === null) return [];
  if (!Array.isArray(laps)) throw new SchemaError(`${where}: field "laps" should be a list.`, HINT);
  return laps.map((lap: unknown, position) => {
    const lapWhere = `${where} lap ${position + 1}`;
    if (lap === null || typeof lap !== 'object' || Array.isArray(lap)) {
      throw new SchemaError(`${lapWhere}: should be a JSON object.`, HINT);
    }
    const json = lap as Record<string, unknown>;
    const index = typed(json.lap_index, 'long', () => `${lapWhere}: field "lap_index"`);
    return {
      activity_id: activityId,
      lap_index: index ?? BigInt(position + 1),
      ...copy(json, LAP_FIELDS, lapWhere),
      month,
    };
  });
}

function streamRows(
  streams: Record<string, { data: unknown[] }> | undefined,
  activityId: bigint,
  month: Month,
  where: string,
): Row[] {
  if (!streams) return [];
  const present = Object.entries(streams).filter(([, s]) => s !== undefined && s !== null);
  if (present.length === 0) return [];
  const length = present[0]![1].data.length;
  for (const [key, s] of present) {
    if (!Array.isArray(s.data)) {
      throw new SchemaError(`${where}: stream "${key}" has no data list.`, HINT);
    }
    if (s.data.length !== length) {
      throw new SchemaError(
        `${where}: stream "${key}" has ${s.data.length} samples where stream "${present[0]![0]}" has ${length}; streams must be the same length.`,
        HINT,
      );
    }
  }
  const rows: Row[] = [];
  for (let i = 0; i < length; i++) {
    rows.push({ activity_id: activityId, sample_index: BigInt(i), month });
  }
  for (const [key, column, kind] of NUMBER_STREAMS) {
    const data = streams[key]?.data;
    for (let i = 0; i < length; i++) {
      const v = data?.[i];
      rows[i]![column] =
        v === undefined || v === null
          ? null
          : kind === 'round'
            ? BigInt(Math.round(number(v, key, i, where)))
            : typed(v, kind, () => `${where}: stream "${key}" sample ${i}`);
    }
  }
  const latlng = streams.latlng?.data;
  const moving = streams.moving?.data;
  for (let i = 0; i < length; i++) {
    const row = rows[i]!;
    const pair = latlng?.[i];
    if (pair === undefined || pair === null) {
      row.lat = null;
      row.lng = null;
    } else if (
      Array.isArray(pair) &&
      pair.length === 2 &&
      pair.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      row.lat = pair[0] as number;
      row.lng = pair[1] as number;
    } else {
      throw new SchemaError(
        `${where}: stream "latlng" sample ${i} should be a [lat, lng] pair, got ${JSON.stringify(pair)?.slice(0, 60)}.`,
        HINT,
      );
    }
    row.moving = typed(moving?.[i], 'boolean', () => `${where}: stream "moving" sample ${i}`);
  }
  return rows;
}

function number(v: unknown, key: string, i: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SchemaError(
      `${where}: stream "${key}" sample ${i} should be a number, got ${JSON.stringify(v)?.slice(0, 60)}.`,
      HINT,
    );
  }
  return v;
}

function effortSample(row: Row): EffortSample {
  const num = (v: Value | undefined) =>
    typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : null;
  return { time_s: num(row.time_s), distance_m: num(row.distance_m), watts: num(row.watts) };
}

/**
 * The silver/gear row of GET /gear/{id}. `gear_type`: Strava's ids start with b for bikes and
 * g for shoes; an id of neither form is a bike when it has a `frame_type` (only bikes do).
 */
export function gearRow(json: Record<string, unknown>, fetchedAtMicros: bigint): Row {
  const id = json.id;
  if (typeof id !== 'string' || id === '') {
    throw new SchemaError(
      `Strava gear: field "id" should be text, got ${JSON.stringify(id)?.slice(0, 60)}.`,
      HINT,
    );
  }
  const where = `Strava gear ${id}`;
  const gearType = id.startsWith('b')
    ? 'bike'
    : id.startsWith('g')
      ? 'shoe'
      : json.frame_type !== undefined && json.frame_type !== null
        ? 'bike'
        : 'shoe';
  return {
    id,
    gear_type: gearType,
    ...copy(
      json,
      [
        ['name', 'string'],
        ['brand_name', 'string'],
        ['model_name', 'string'],
        ['description', 'string'],
        ['is_primary', 'boolean', 'primary'],
        ['retired', 'boolean'],
        ['distance', 'double'],
      ],
      where,
    ),
    fetched_at: fetchedAtMicros,
  };
}

/**
 * The silver/athlete_zones rows of GET /athlete/zones: `heart_rate.zones` as `heartrate` and
 * `power.zones` as `power`, zone_index from 1 in Strava's order, the open top zone's max (-1)
 * as null. A kind the athlete has no zones for gives no rows.
 */
export function zoneRows(json: Record<string, unknown>, fetchedAtMicros: bigint): Row[] {
  const rows: Row[] = [];
  for (const [key, zoneType] of [
    ['heart_rate', 'heartrate'],
    ['power', 'power'],
  ] as const) {
    const where = `Strava athlete zones: ${key}`;
    const kind = json[key];
    if (kind === undefined || kind === null) continue;
    if (typeof kind !== 'object' || Array.isArray(kind)) {
      throw new SchemaError(`${where} should be a JSON object.`, HINT);
    }
    const { zones, custom_zones: custom } = kind as Record<string, unknown>;
    if (zones === undefined || zones === null) continue;
    if (!Array.isArray(zones)) throw new SchemaError(`${where}: "zones" should be a list.`, HINT);
    const customZones = typed(custom, 'boolean', () => `${where}: field "custom_zones"`);
    zones.forEach((zone: unknown, i) => {
      const zoneWhere = `${where} zone ${i + 1}`;
      if (zone === null || typeof zone !== 'object' || Array.isArray(zone)) {
        throw new SchemaError(`${zoneWhere} should be a JSON object.`, HINT);
      }
      const z = zone as Record<string, unknown>;
      const max = typed(z.max, 'long', () => `${zoneWhere}: field "max"`);
      rows.push({
        zone_type: zoneType,
        zone_index: BigInt(i + 1),
        zone_min: typed(z.min, 'long', () => `${zoneWhere}: field "min"`),
        zone_max: max === -1n ? null : max,
        custom_zones: customZones,
        fetched_at: fetchedAtMicros,
      });
    });
  }
  return rows;
}
