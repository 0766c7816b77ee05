-- silver_laps: one row per lap (activity_id, lap_index), by the activity's local month. Mirrors
-- LAPS in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:laps) (
  `activity_id` BIGINT NOT NULL,
  `lap_index` BIGINT NOT NULL,
  `lap_id` BIGINT,
  `name` STRING,
  `start_date` TIMESTAMP,
  `start_date_local` TIMESTAMP,
  `elapsed_time` BIGINT,
  `moving_time` BIGINT,
  `distance` DOUBLE,
  `start_index` BIGINT,
  `end_index` BIGINT,
  `total_elevation_gain` DOUBLE,
  `average_speed` DOUBLE,
  `max_speed` DOUBLE,
  `average_heartrate` DOUBLE,
  `max_heartrate` DOUBLE,
  `average_cadence` DOUBLE,
  `average_watts` DOUBLE,
  `device_watts` BOOLEAN,
  `split` BIGINT,
  `pace_zone` BIGINT,
  `month` STRING NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Laps, one row per activity and lap index'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
