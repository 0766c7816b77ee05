-- Upserts the fetched gear by id; gear not fetched in this chunk is left alone.
-- The CSV is read with an explicit all-text schema (no inference, so a header-only file of an
-- empty chunk reads as no rows), then cast. The cells are detailCsv's
-- (src/lakehouse/databricks/detail-landing.ts): every value quoted, NULL an empty unquoted cell,
-- timestamps epoch microseconds. The reader turns an unquoted empty cell into its nullValue
-- (NUL, which detailCsv never writes as a value) and then NULL, and "" into its emptyValue, the
-- empty string; with the default nullValue '' both would be NULL. ${landing_file} is the landed
-- file's URI as a checked literal (read_files takes its path as a constant).
MERGE INTO IDENTIFIER(:gear) AS t
USING (
  SELECT
    `id`,
    `gear_type`,
    `name`,
    `brand_name`,
    `model_name`,
    `description`,
    CAST(`is_primary` AS BOOLEAN) AS `is_primary`,
    CAST(`retired` AS BOOLEAN) AS `retired`,
    CAST(`distance` AS DOUBLE) AS `distance`,
    timestamp_micros(CAST(`fetched_at` AS BIGINT)) AS `fetched_at`
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
    `id` STRING,
    `gear_type` STRING,
    `name` STRING,
    `brand_name` STRING,
    `model_name` STRING,
    `description` STRING,
    `is_primary` STRING,
    `retired` STRING,
    `distance` STRING,
    `fetched_at` STRING
    '
  )
) AS s
ON t.`id` = s.`id`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`id` <=> s.`id`
  AND t.`gear_type` <=> s.`gear_type`
  AND t.`name` <=> s.`name`
  AND t.`brand_name` <=> s.`brand_name`
  AND t.`model_name` <=> s.`model_name`
  AND t.`description` <=> s.`description`
  AND t.`is_primary` <=> s.`is_primary`
  AND t.`retired` <=> s.`retired`
  AND t.`distance` <=> s.`distance`
  AND t.`fetched_at` <=> s.`fetched_at`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
