-- Replaces the laps of the chunk's activities with the landed ones: upserts by (activity_id,
-- lap_index) and deletes the laps of those activities (${activity_ids}: their ids as checked
-- integer literals) that the new data no longer has, in one atomic MERGE. Other activities'
-- laps are not touched (WHEN NOT MATCHED BY SOURCE with a condition on the target only).
-- The CSV is read with an explicit all-text schema (no inference, so a header-only file of an
-- empty chunk reads as no rows), then cast. The cells are detailCsv's
-- (src/lakehouse/databricks/detail-landing.ts): every value quoted, NULL an empty unquoted cell,
-- timestamps epoch microseconds. The reader turns an unquoted empty cell into its nullValue
-- (NUL, which detailCsv never writes as a value) and then NULL, and "" into its emptyValue, the
-- empty string; with the default nullValue '' both would be NULL. ${landing_file} is the landed
-- file's URI as a checked literal (read_files takes its path as a constant).
MERGE INTO IDENTIFIER(:laps) AS t
USING (
  SELECT
    CAST(`activity_id` AS BIGINT) AS `activity_id`,
    CAST(`lap_index` AS BIGINT) AS `lap_index`,
    CAST(`lap_id` AS BIGINT) AS `lap_id`,
    `name`,
    timestamp_micros(CAST(`start_date` AS BIGINT)) AS `start_date`,
    timestamp_micros(CAST(`start_date_local` AS BIGINT)) AS `start_date_local`,
    CAST(`elapsed_time` AS BIGINT) AS `elapsed_time`,
    CAST(`moving_time` AS BIGINT) AS `moving_time`,
    CAST(`distance` AS DOUBLE) AS `distance`,
    CAST(`start_index` AS BIGINT) AS `start_index`,
    CAST(`end_index` AS BIGINT) AS `end_index`,
    CAST(`total_elevation_gain` AS DOUBLE) AS `total_elevation_gain`,
    CAST(`average_speed` AS DOUBLE) AS `average_speed`,
    CAST(`max_speed` AS DOUBLE) AS `max_speed`,
    CAST(`average_heartrate` AS DOUBLE) AS `average_heartrate`,
    CAST(`max_heartrate` AS DOUBLE) AS `max_heartrate`,
    CAST(`average_cadence` AS DOUBLE) AS `average_cadence`,
    CAST(`average_watts` AS DOUBLE) AS `average_watts`,
    CAST(`device_watts` AS BOOLEAN) AS `device_watts`,
    CAST(`split` AS BIGINT) AS `split`,
    CAST(`pace_zone` AS BIGINT) AS `pace_zone`,
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
    `lap_index` STRING,
    `lap_id` STRING,
    `name` STRING,
    `start_date` STRING,
    `start_date_local` STRING,
    `elapsed_time` STRING,
    `moving_time` STRING,
    `distance` STRING,
    `start_index` STRING,
    `end_index` STRING,
    `total_elevation_gain` STRING,
    `average_speed` STRING,
    `max_speed` STRING,
    `average_heartrate` STRING,
    `max_heartrate` STRING,
    `average_cadence` STRING,
    `average_watts` STRING,
    `device_watts` STRING,
    `split` STRING,
    `pace_zone` STRING,
    `month` STRING
    '
  )
) AS s
ON t.`activity_id` = s.`activity_id` AND t.`lap_index` = s.`lap_index`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`activity_id` <=> s.`activity_id`
  AND t.`lap_index` <=> s.`lap_index`
  AND t.`lap_id` <=> s.`lap_id`
  AND t.`name` <=> s.`name`
  AND t.`start_date` <=> s.`start_date`
  AND t.`start_date_local` <=> s.`start_date_local`
  AND t.`elapsed_time` <=> s.`elapsed_time`
  AND t.`moving_time` <=> s.`moving_time`
  AND t.`distance` <=> s.`distance`
  AND t.`start_index` <=> s.`start_index`
  AND t.`end_index` <=> s.`end_index`
  AND t.`total_elevation_gain` <=> s.`total_elevation_gain`
  AND t.`average_speed` <=> s.`average_speed`
  AND t.`max_speed` <=> s.`max_speed`
  AND t.`average_heartrate` <=> s.`average_heartrate`
  AND t.`max_heartrate` <=> s.`max_heartrate`
  AND t.`average_cadence` <=> s.`average_cadence`
  AND t.`average_watts` <=> s.`average_watts`
  AND t.`device_watts` <=> s.`device_watts`
  AND t.`split` <=> s.`split`
  AND t.`pace_zone` <=> s.`pace_zone`
  AND t.`month` <=> s.`month`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`activity_id` IN (${activity_ids}) THEN DELETE
