-- gold_best_efforts_monthly: per month, sport type and effort, the best value and its activity.
-- Mirrors GOLD_BESTS in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:gold_bests) (
  `month` STRING NOT NULL,
  `sport_type` STRING NOT NULL,
  `effort` STRING NOT NULL,
  `value` DOUBLE NOT NULL,
  `unit` STRING NOT NULL,
  `activity_id` BIGINT NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Best 1/5/10 km times and 5/20 min power per sport per month'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
