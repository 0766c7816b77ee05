-- silver_activity_details: one row per activity whose details were asked for (GET /activities/{id}),
-- with the hash of the summary they were fetched for. Mirrors ACTIVITY_DETAILS in
-- src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:activity_details) (
  `activity_id` BIGINT NOT NULL,
  `status` STRING NOT NULL,
  `summary_sha256` STRING NOT NULL,
  `fetched_at` TIMESTAMP NOT NULL,
  `description` STRING,
  `calories` DOUBLE,
  `device_name` STRING,
  `gear_id` STRING,
  `workout_type` BIGINT,
  `suffer_score` DOUBLE,
  `perceived_exertion` DOUBLE,
  `private` BOOLEAN,
  `lap_count` BIGINT,
  `splits_metric` STRING,
  `stream_samples` BIGINT,
  `best_1km_s` DOUBLE,
  `best_5km_s` DOUBLE,
  `best_10km_s` DOUBLE,
  `best_5min_watts` DOUBLE,
  `best_20min_watts` DOUBLE,
  `month` STRING NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Per activity: the detail endpoint, and the summary it was fetched for'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
