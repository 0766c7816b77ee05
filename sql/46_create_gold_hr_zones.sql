-- gold_hr_zones_monthly: per month, sport type and heart-rate zone, the seconds spent there.
-- Mirrors GOLD_HR_ZONES in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:gold_hr_zones) (
  `month` STRING NOT NULL,
  `sport_type` STRING NOT NULL,
  `zone_index` BIGINT NOT NULL,
  `zone_min` BIGINT,
  `zone_max` BIGINT,
  `seconds` BIGINT NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Time in each heart-rate zone per sport per month'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
