-- silver_athlete_zones: the athlete's heart-rate and power zones (GET /athlete/zones). Mirrors
-- ATHLETE_ZONES in src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:athlete_zones) (
  `zone_type` STRING NOT NULL,
  `zone_index` BIGINT NOT NULL,
  `zone_min` BIGINT,
  `zone_max` BIGINT,
  `custom_zones` BOOLEAN,
  `fetched_at` TIMESTAMP NOT NULL
)
USING DELTA
COMMENT 'Heart-rate and power zones of the athlete'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
