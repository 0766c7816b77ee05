-- Replaces the athlete's zones with the landed ones: upsert by (zone_type, zone_index), and every
-- zone not in the new data deleted. Runs only when the chunk carries zones.
-- The CSV is read with an explicit all-text schema (no inference, so a header-only file of an
-- empty chunk reads as no rows), then cast. The cells are detailCsv's
-- (src/lakehouse/databricks/detail-landing.ts): every value quoted, NULL an empty unquoted cell,
-- timestamps epoch microseconds. The reader turns an unquoted empty cell into its nullValue
-- (NUL, which detailCsv never writes as a value) and then NULL, and "" into its emptyValue, the
-- empty string; with the default nullValue '' both would be NULL. ${landing_file} is the landed
-- file's URI as a checked literal (read_files takes its path as a constant).
MERGE INTO IDENTIFIER(:athlete_zones) AS t
USING (
  SELECT
    `zone_type`,
    CAST(`zone_index` AS BIGINT) AS `zone_index`,
    CAST(`zone_min` AS BIGINT) AS `zone_min`,
    CAST(`zone_max` AS BIGINT) AS `zone_max`,
    CAST(`custom_zones` AS BOOLEAN) AS `custom_zones`,
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
    `zone_type` STRING,
    `zone_index` STRING,
    `zone_min` STRING,
    `zone_max` STRING,
    `custom_zones` STRING,
    `fetched_at` STRING
    '
  )
) AS s
ON t.`zone_type` = s.`zone_type` AND t.`zone_index` = s.`zone_index`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`zone_type` <=> s.`zone_type`
  AND t.`zone_index` <=> s.`zone_index`
  AND t.`zone_min` <=> s.`zone_min`
  AND t.`zone_max` <=> s.`zone_max`
  AND t.`custom_zones` <=> s.`custom_zones`
  AND t.`fetched_at` <=> s.`fetched_at`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE
