-- Brings silver up to date with this run's landing file: the month's activities as they are on
-- Strava now. New ids are inserted, changed ones updated, and ids of this month that are no
-- longer on Strava deleted. Unchanged rows are left alone, so a re-run rewrites nothing.
-- Casts (the same rules as parseCell in src/strava/schema.ts): '' is NULL, but a required text
-- field keeps '' (Strava allows an empty activity name; CSV cannot tell it from NULL); long -> BIGINT,
-- double -> DOUBLE, boolean -> value = 'true', timestamp -> TIMESTAMP of an ISO time ending in Z.
-- :landing_file (the landing key 10_copy_into_bronze.sql wrote into `_landing_file`) and :month
-- are parameter markers in expressions, where Databricks documents them.
MERGE INTO IDENTIFIER(:silver) AS t
USING (
  SELECT
    CAST(NULLIF(`id`, '') AS BIGINT) AS `id`,
    CAST(NULLIF(`athlete_id`, '') AS BIGINT) AS `athlete_id`,
    COALESCE(`name`, '') AS `name`,
    COALESCE(`sport_type`, '') AS `sport_type`,
    COALESCE(`type`, '') AS `type`,
    CAST(NULLIF(`workout_type`, '') AS BIGINT) AS `workout_type`,
    CAST(NULLIF(`start_date`, '') AS TIMESTAMP) AS `start_date`,
    CAST(NULLIF(`start_date_local`, '') AS TIMESTAMP) AS `start_date_local`,
    COALESCE(`timezone`, '') AS `timezone`,
    CAST(NULLIF(`utc_offset`, '') AS DOUBLE) AS `utc_offset`,
    CAST(NULLIF(`distance`, '') AS DOUBLE) AS `distance`,
    CAST(NULLIF(`moving_time`, '') AS BIGINT) AS `moving_time`,
    CAST(NULLIF(`elapsed_time`, '') AS BIGINT) AS `elapsed_time`,
    CAST(NULLIF(`total_elevation_gain`, '') AS DOUBLE) AS `total_elevation_gain`,
    CAST(NULLIF(`elev_high`, '') AS DOUBLE) AS `elev_high`,
    CAST(NULLIF(`elev_low`, '') AS DOUBLE) AS `elev_low`,
    CAST(NULLIF(`average_speed`, '') AS DOUBLE) AS `average_speed`,
    CAST(NULLIF(`max_speed`, '') AS DOUBLE) AS `max_speed`,
    CAST(NULLIF(`average_cadence`, '') AS DOUBLE) AS `average_cadence`,
    CAST(NULLIF(`average_temp`, '') AS DOUBLE) AS `average_temp`,
    NULLIF(`has_heartrate`, '') = 'true' AS `has_heartrate`,
    CAST(NULLIF(`average_heartrate`, '') AS DOUBLE) AS `average_heartrate`,
    CAST(NULLIF(`max_heartrate`, '') AS DOUBLE) AS `max_heartrate`,
    CAST(NULLIF(`average_watts`, '') AS DOUBLE) AS `average_watts`,
    CAST(NULLIF(`max_watts`, '') AS DOUBLE) AS `max_watts`,
    CAST(NULLIF(`weighted_average_watts`, '') AS DOUBLE) AS `weighted_average_watts`,
    CAST(NULLIF(`kilojoules`, '') AS DOUBLE) AS `kilojoules`,
    NULLIF(`device_watts`, '') = 'true' AS `device_watts`,
    CAST(NULLIF(`suffer_score`, '') AS DOUBLE) AS `suffer_score`,
    CAST(NULLIF(`achievement_count`, '') AS BIGINT) AS `achievement_count`,
    CAST(NULLIF(`kudos_count`, '') AS BIGINT) AS `kudos_count`,
    CAST(NULLIF(`comment_count`, '') AS BIGINT) AS `comment_count`,
    CAST(NULLIF(`athlete_count`, '') AS BIGINT) AS `athlete_count`,
    CAST(NULLIF(`photo_count`, '') AS BIGINT) AS `photo_count`,
    CAST(NULLIF(`pr_count`, '') AS BIGINT) AS `pr_count`,
    NULLIF(`trainer`, '') = 'true' AS `trainer`,
    NULLIF(`commute`, '') = 'true' AS `commute`,
    NULLIF(`manual`, '') = 'true' AS `manual`,
    NULLIF(`private`, '') = 'true' AS `private`,
    NULLIF(`flagged`, '') = 'true' AS `flagged`,
    NULLIF(`visibility`, '') AS `visibility`,
    NULLIF(`gear_id`, '') AS `gear_id`,
    NULLIF(`external_id`, '') AS `external_id`,
    CAST(NULLIF(`upload_id`, '') AS BIGINT) AS `upload_id`,
    NULLIF(`start_latlng`, '') AS `start_latlng`,
    NULLIF(`end_latlng`, '') AS `end_latlng`,
    NULLIF(`summary_polyline`, '') AS `summary_polyline`,
    `month`
  FROM IDENTIFIER(:bronze)
  WHERE `_landing_file` = :landing_file
) AS s
ON t.`id` = s.`id`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`id` <=> s.`id`
  AND t.`athlete_id` <=> s.`athlete_id`
  AND t.`name` <=> s.`name`
  AND t.`sport_type` <=> s.`sport_type`
  AND t.`type` <=> s.`type`
  AND t.`workout_type` <=> s.`workout_type`
  AND t.`start_date` <=> s.`start_date`
  AND t.`start_date_local` <=> s.`start_date_local`
  AND t.`timezone` <=> s.`timezone`
  AND t.`utc_offset` <=> s.`utc_offset`
  AND t.`distance` <=> s.`distance`
  AND t.`moving_time` <=> s.`moving_time`
  AND t.`elapsed_time` <=> s.`elapsed_time`
  AND t.`total_elevation_gain` <=> s.`total_elevation_gain`
  AND t.`elev_high` <=> s.`elev_high`
  AND t.`elev_low` <=> s.`elev_low`
  AND t.`average_speed` <=> s.`average_speed`
  AND t.`max_speed` <=> s.`max_speed`
  AND t.`average_cadence` <=> s.`average_cadence`
  AND t.`average_temp` <=> s.`average_temp`
  AND t.`has_heartrate` <=> s.`has_heartrate`
  AND t.`average_heartrate` <=> s.`average_heartrate`
  AND t.`max_heartrate` <=> s.`max_heartrate`
  AND t.`average_watts` <=> s.`average_watts`
  AND t.`max_watts` <=> s.`max_watts`
  AND t.`weighted_average_watts` <=> s.`weighted_average_watts`
  AND t.`kilojoules` <=> s.`kilojoules`
  AND t.`device_watts` <=> s.`device_watts`
  AND t.`suffer_score` <=> s.`suffer_score`
  AND t.`achievement_count` <=> s.`achievement_count`
  AND t.`kudos_count` <=> s.`kudos_count`
  AND t.`comment_count` <=> s.`comment_count`
  AND t.`athlete_count` <=> s.`athlete_count`
  AND t.`photo_count` <=> s.`photo_count`
  AND t.`pr_count` <=> s.`pr_count`
  AND t.`trainer` <=> s.`trainer`
  AND t.`commute` <=> s.`commute`
  AND t.`manual` <=> s.`manual`
  AND t.`private` <=> s.`private`
  AND t.`flagged` <=> s.`flagged`
  AND t.`visibility` <=> s.`visibility`
  AND t.`gear_id` <=> s.`gear_id`
  AND t.`external_id` <=> s.`external_id`
  AND t.`upload_id` <=> s.`upload_id`
  AND t.`start_latlng` <=> s.`start_latlng`
  AND t.`end_latlng` <=> s.`end_latlng`
  AND t.`summary_polyline` <=> s.`summary_polyline`
  AND t.`month` <=> s.`month`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`month` = :month THEN DELETE
