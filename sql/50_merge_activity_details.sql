-- Lands a chunk of activity_details rows (landing/details/activity_details/...csv) in
-- silver_activity_details: keyed by activity_id, so a row that moved month is updated in place.
-- Runs after 51 and 52, so an activity is marked fetched only once its laps and streams are in.
-- The CSV is read with an explicit all-text schema (no inference, so a header-only file of an
-- empty chunk reads as no rows), then cast. The cells are detailCsv's
-- (src/lakehouse/databricks/detail-landing.ts): every value quoted, NULL an empty unquoted cell,
-- timestamps epoch microseconds. The reader turns an unquoted empty cell into its nullValue
-- (NUL, which detailCsv never writes as a value) and then NULL, and "" into its emptyValue, the
-- empty string; with the default nullValue '' both would be NULL. ${landing_file} is the landed
-- file's URI as a checked literal (read_files takes its path as a constant).
MERGE INTO IDENTIFIER(:activity_details) AS t
USING (
  SELECT
    CAST(`activity_id` AS BIGINT) AS `activity_id`,
    `status`,
    `summary_sha256`,
    timestamp_micros(CAST(`fetched_at` AS BIGINT)) AS `fetched_at`,
    `description`,
    CAST(`calories` AS DOUBLE) AS `calories`,
    `device_name`,
    `gear_id`,
    CAST(`workout_type` AS BIGINT) AS `workout_type`,
    CAST(`suffer_score` AS DOUBLE) AS `suffer_score`,
    CAST(`perceived_exertion` AS DOUBLE) AS `perceived_exertion`,
    CAST(`private` AS BOOLEAN) AS `private`,
    CAST(`lap_count` AS BIGINT) AS `lap_count`,
    `splits_metric`,
    CAST(`stream_samples` AS BIGINT) AS `stream_samples`,
    CAST(`best_1km_s` AS DOUBLE) AS `best_1km_s`,
    CAST(`best_5km_s` AS DOUBLE) AS `best_5km_s`,
    CAST(`best_10km_s` AS DOUBLE) AS `best_10km_s`,
    CAST(`best_5min_watts` AS DOUBLE) AS `best_5min_watts`,
    CAST(`best_20min_watts` AS DOUBLE) AS `best_20min_watts`,
    `month`
  FROM read_files(
    ${landing_file},
    format => 'csv',
    header => true,
    multiLine => true,
    quote => '"',
    escape => '"',
    encoding => 'UTF-8',
    mode => 'FAILFAST',
    nullValue => '\u0000',
    schema => '
    `activity_id` STRING,
    `status` STRING,
    `summary_sha256` STRING,
    `fetched_at` STRING,
    `description` STRING,
    `calories` STRING,
    `device_name` STRING,
    `gear_id` STRING,
    `workout_type` STRING,
    `suffer_score` STRING,
    `perceived_exertion` STRING,
    `private` STRING,
    `lap_count` STRING,
    `splits_metric` STRING,
    `stream_samples` STRING,
    `best_1km_s` STRING,
    `best_5km_s` STRING,
    `best_10km_s` STRING,
    `best_5min_watts` STRING,
    `best_20min_watts` STRING,
    `month` STRING
    '
  )
) AS s
ON t.`activity_id` = s.`activity_id`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`activity_id` <=> s.`activity_id`
  AND t.`status` <=> s.`status`
  AND t.`summary_sha256` <=> s.`summary_sha256`
  AND t.`fetched_at` <=> s.`fetched_at`
  AND t.`description` <=> s.`description`
  AND t.`calories` <=> s.`calories`
  AND t.`device_name` <=> s.`device_name`
  AND t.`gear_id` <=> s.`gear_id`
  AND t.`workout_type` <=> s.`workout_type`
  AND t.`suffer_score` <=> s.`suffer_score`
  AND t.`perceived_exertion` <=> s.`perceived_exertion`
  AND t.`private` <=> s.`private`
  AND t.`lap_count` <=> s.`lap_count`
  AND t.`splits_metric` <=> s.`splits_metric`
  AND t.`stream_samples` <=> s.`stream_samples`
  AND t.`best_1km_s` <=> s.`best_1km_s`
  AND t.`best_5km_s` <=> s.`best_5km_s`
  AND t.`best_10km_s` <=> s.`best_10km_s`
  AND t.`best_5min_watts` <=> s.`best_5min_watts`
  AND t.`best_20min_watts` <=> s.`best_20min_watts`
  AND t.`month` <=> s.`month`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
