-- bronze_activities: the landed rows exactly as text (every landing-CSV column, '' kept as
-- NULL), plus where each row came from. Mirrors bronze/activities in src/lakehouse/tables.ts.
-- ${location} is `LOCATION '<warehouse>/bronze/activities'` for external tables, or nothing for
-- Unity Catalog managed tables. Deletion vectors stay off so the table keeps reader 1 / writer 2
-- and any Delta reader (delta-rs, strava-lakehouse inspect) can open it. The properties are the
-- ones the embedded engine writes (src/lakehouse/table-properties.ts) but for the engine, so a
-- table the embedded engine created is adopted as it is once the engine property says
-- databricks: the Databricks engine sets it before its first statement on such a warehouse
-- (`strava-lakehouse migrate --to databricks` does the same by hand).
CREATE TABLE IF NOT EXISTS IDENTIFIER(:bronze) (
  `id` STRING,
  `athlete_id` STRING,
  `name` STRING,
  `sport_type` STRING,
  `type` STRING,
  `workout_type` STRING,
  `start_date` STRING,
  `start_date_local` STRING,
  `timezone` STRING,
  `utc_offset` STRING,
  `distance` STRING,
  `moving_time` STRING,
  `elapsed_time` STRING,
  `total_elevation_gain` STRING,
  `elev_high` STRING,
  `elev_low` STRING,
  `average_speed` STRING,
  `max_speed` STRING,
  `average_cadence` STRING,
  `average_temp` STRING,
  `has_heartrate` STRING,
  `average_heartrate` STRING,
  `max_heartrate` STRING,
  `average_watts` STRING,
  `max_watts` STRING,
  `weighted_average_watts` STRING,
  `kilojoules` STRING,
  `device_watts` STRING,
  `suffer_score` STRING,
  `achievement_count` STRING,
  `kudos_count` STRING,
  `comment_count` STRING,
  `athlete_count` STRING,
  `photo_count` STRING,
  `pr_count` STRING,
  `trainer` STRING,
  `commute` STRING,
  `manual` STRING,
  `private` STRING,
  `flagged` STRING,
  `visibility` STRING,
  `gear_id` STRING,
  `external_id` STRING,
  `upload_id` STRING,
  `start_latlng` STRING,
  `end_latlng` STRING,
  `summary_polyline` STRING,
  `raw` STRING,
  `_landing_file` STRING NOT NULL,
  `_ingested_at` TIMESTAMP NOT NULL,
  `_run_id` STRING NOT NULL,
  `month` STRING NOT NULL
)
USING DELTA
PARTITIONED BY (`month`)
COMMENT 'Raw landed rows, each landing file taken once'
${location}
TBLPROPERTIES ('delta.enableDeletionVectors' = 'false', 'strava-lakehouse.engine' = 'databricks')
