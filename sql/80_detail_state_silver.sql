-- Silver's activities as the detail phase's queue needs them, and the summary fields the
-- summary hash covers (SUMMARY_HASH_FIELDS of src/details/summary-hash.ts, which include the
-- archive hash's ARCHIVE_HASH_FIELDS; both hashes are computed in TypeScript). Longs and
-- timestamps come back as text (timestamps in epoch microseconds), so no driver's number or date
-- conversion can change a value.
SELECT
  CAST(`id` AS STRING) AS `id`,
  `month`,
  `name`,
  `sport_type`,
  `type`,
  CAST(`workout_type` AS STRING) AS `workout_type`,
  CAST(unix_micros(`start_date`) AS STRING) AS `start_date`,
  CAST(unix_micros(`start_date_local`) AS STRING) AS `start_date_local`,
  `distance`,
  CAST(`moving_time` AS STRING) AS `moving_time`,
  CAST(`elapsed_time` AS STRING) AS `elapsed_time`,
  `total_elevation_gain`,
  `gear_id`,
  `manual`,
  `private`,
  `has_heartrate`,
  `device_watts`
FROM IDENTIFIER(:silver)
ORDER BY `id`
