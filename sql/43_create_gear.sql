-- silver_gear: bikes and shoes, one row per gear id (GET /gear/{id}). Mirrors GEAR in
-- src/lakehouse/detail-tables.ts; ${location} as in 01_create_bronze.sql.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:gear) (
  `id` STRING NOT NULL,
  `gear_type` STRING NOT NULL,
  `name` STRING,
  `brand_name` STRING,
  `model_name` STRING,
  `description` STRING,
  `is_primary` BOOLEAN,
  `retired` BOOLEAN,
  `distance` DOUBLE,
  `fetched_at` TIMESTAMP NOT NULL
)
USING DELTA
COMMENT 'Gear (bikes and shoes), one row per id'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
