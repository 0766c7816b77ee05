-- silver_streams: one row per stream sample (activity_id, sample_index), by the activity's local
-- month. Mirrors STREAMS in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:streams) (
  `activity_id` BIGINT NOT NULL,
  `sample_index` BIGINT NOT NULL,
  `time_s` BIGINT,
  `distance_m` DOUBLE,
  `lat` DOUBLE,
  `lng` DOUBLE,
  `altitude_m` DOUBLE,
  `heartrate` BIGINT,
  `cadence` BIGINT,
  `watts` BIGINT,
  `velocity_smooth` DOUBLE,
  `grade_smooth` DOUBLE,
  `moving` BOOLEAN,
  `month` STRING NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Stream samples, one row per activity and sample index'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
