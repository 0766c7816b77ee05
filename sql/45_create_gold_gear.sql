-- gold_gear_monthly: per month, gear and sport type, activities, distance and moving time.
-- Mirrors GOLD_GEAR in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:gold_gear) (
  `month` STRING NOT NULL,
  `gear_id` STRING NOT NULL,
  `gear_name` STRING,
  `sport_type` STRING NOT NULL,
  `activity_count` BIGINT NOT NULL,
  `distance` DOUBLE NOT NULL,
  `moving_time` BIGINT NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Distance and time per gear per month'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
