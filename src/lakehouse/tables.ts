/**
 * The three tables, derived from the one activity schema: their paths under the warehouse,
 * columns, types and partitioning. The embedded Delta writer, the Databricks DDL (sql/) and
 * the readers in the tests all take their layout from here.
 */
import { ACTIVITY_FIELDS, CSV_COLUMNS, SPARK_TYPE, type FieldType } from '../strava/schema.js';

export interface Column {
  readonly name: string;
  readonly type: FieldType;
  readonly nullable: boolean;
}

export interface TableDef {
  /** Path under the warehouse root, e.g. `silver/activities`. */
  readonly path: string;
  readonly columns: readonly Column[];
  readonly partitionColumns: readonly string[];
  readonly description: string;
}

const col = (name: string, type: FieldType, nullable = true): Column => ({ name, type, nullable });

/** Raw rows as landed (every CSV column as text) plus lineage; partitioned by month. */
export const BRONZE: TableDef = {
  path: 'bronze/activities',
  description: 'Raw landed rows, each landing file taken once',
  columns: [
    ...CSV_COLUMNS.map((c) => col(c, 'string')),
    col('_landing_file', 'string', false),
    col('_ingested_at', 'timestamp', false),
    col('_run_id', 'string', false),
    col('month', 'string', false),
  ],
  partitionColumns: ['month'],
};

/** Typed, one row per activity id, partitioned by the athlete's local month. */
export const SILVER: TableDef = {
  path: 'silver/activities',
  description: 'Typed activities, one row per id, by local month',
  columns: [
    ...ACTIVITY_FIELDS.map((f) => col(f.name, f.type, !f.required)),
    col('month', 'string', false),
  ],
  partitionColumns: ['month'],
};

/** Per month x sport_type totals and the change from the previous month. */
export const GOLD: TableDef = {
  path: 'gold/monthly_summary',
  description: 'Monthly totals per sport type with month-over-month change',
  columns: [
    col('month', 'string', false),
    col('sport_type', 'string', false),
    col('activity_count', 'long', false),
    col('distance', 'double', false),
    col('moving_time', 'long', false),
    col('elapsed_time', 'long', false),
    col('total_elevation_gain', 'double', false),
    col('average_speed', 'double'),
    col('average_heartrate', 'double'),
    col('prev_activity_count', 'long'),
    col('prev_distance', 'double'),
    col('prev_moving_time', 'long'),
    col('activity_count_change', 'long'),
    col('distance_change', 'double'),
    col('distance_change_pct', 'double'),
    col('moving_time_change', 'long'),
    col('moving_time_change_pct', 'double'),
  ],
  partitionColumns: ['month'],
};

export const TABLES = [BRONZE, SILVER, GOLD] as const;

/** Delta's `schemaString`: Spark's StructType JSON. */
export function schemaString(table: TableDef): string {
  return JSON.stringify({
    type: 'struct',
    fields: table.columns.map((c) => ({
      name: c.name,
      type: SPARK_TYPE[c.type],
      nullable: c.nullable,
      metadata: {},
    })),
  });
}
