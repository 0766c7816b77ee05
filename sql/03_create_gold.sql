-- gold_monthly_summary: per month x sport_type totals and the change from the same sport's
-- previous month. Mirrors gold/monthly_summary in src/lakehouse/tables.ts; ${location} as in
-- 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:gold) (
  `month` STRING NOT NULL,
  `sport_type` STRING NOT NULL,
  `activity_count` BIGINT NOT NULL,
  `distance` DOUBLE NOT NULL,
  `moving_time` BIGINT NOT NULL,
  `elapsed_time` BIGINT NOT NULL,
  `total_elevation_gain` DOUBLE NOT NULL,
  `average_speed` DOUBLE,
  `average_heartrate` DOUBLE,
  `prev_activity_count` BIGINT,
  `prev_distance` DOUBLE,
  `prev_moving_time` BIGINT,
  `activity_count_change` BIGINT,
  `distance_change` DOUBLE,
  `distance_change_pct` DOUBLE,
  `moving_time_change` BIGINT,
  `moving_time_change_pct` DOUBLE
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Monthly totals per sport type with month-over-month change'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
