-- Replaces the stream samples of the chunk's activities with the landed ones, as 51_merge_laps.sql
-- does for laps: upsert by (activity_id, sample_index), delete the samples of those activities
-- (${activity_ids}) the new data no longer has, in one atomic MERGE.
-- The CSV is read with an explicit all-text schema (no inference, so a header-only file of an
-- empty chunk reads as no rows), then cast. The cells are detailCsv's
-- (src/lakehouse/databricks/detail-landing.ts): every value quoted, NULL an empty unquoted cell,
-- timestamps epoch microseconds. The reader turns an unquoted empty cell into its nullValue
-- (NUL, which detailCsv never writes as a value) and then NULL, and "" into its emptyValue, the
-- empty string; with the default nullValue '' both would be NULL. ${landing_file} is the landed
-- file's URI as a checked literal (read_files takes its path as a constant).
MERGE INTO IDENTIFIER(:streams) AS t
USING (
  SELECT
    CAST(`activity_id` AS BIGINT) AS `activity_id`,
    CAST(`sample_index` AS BIGINT) AS `sample_index`,
    CAST(`time_s` AS BIGINT) AS `time_s`,
    CAST(`distance_m` AS DOUBLE) AS `distance_m`,
    CAST(`lat` AS DOUBLE) AS `lat`,
    CAST(`lng` AS DOUBLE) AS `lng`,
    CAST(`altitude_m` AS DOUBLE) AS `altitude_m`,
    CAST(`heartrate` AS BIGINT) AS `heartrate`,
    CAST(`cadence` AS BIGINT) AS `cadence`,
    CAST(`watts` AS BIGINT) AS `watts`,
    CAST(`velocity_smooth` AS DOUBLE) AS `velocity_smooth`,
    CAST(`grade_smooth` AS DOUBLE) AS `grade_smooth`,
    CAST(`moving` AS BOOLEAN) AS `moving`,
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
    `sample_index` STRING,
    `time_s` STRING,
    `distance_m` STRING,
    `lat` STRING,
    `lng` STRING,
    `altitude_m` STRING,
    `heartrate` STRING,
    `cadence` STRING,
    `watts` STRING,
    `velocity_smooth` STRING,
    `grade_smooth` STRING,
    `moving` STRING,
    `month` STRING
    '
  )
) AS s
ON t.`activity_id` = s.`activity_id` AND t.`sample_index` = s.`sample_index`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`activity_id` <=> s.`activity_id`
  AND t.`sample_index` <=> s.`sample_index`
  AND t.`time_s` <=> s.`time_s`
  AND t.`distance_m` <=> s.`distance_m`
  AND t.`lat` <=> s.`lat`
  AND t.`lng` <=> s.`lng`
  AND t.`altitude_m` <=> s.`altitude_m`
  AND t.`heartrate` <=> s.`heartrate`
  AND t.`cadence` <=> s.`cadence`
  AND t.`watts` <=> s.`watts`
  AND t.`velocity_smooth` <=> s.`velocity_smooth`
  AND t.`grade_smooth` <=> s.`grade_smooth`
  AND t.`moving` <=> s.`moving`
  AND t.`month` <=> s.`month`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`activity_id` IN (${activity_ids}) THEN DELETE
