-- Brings gold up to date with all of silver in one atomic MERGE: per month x sport_type totals and
-- the change from the same sport's previous month, computed over the whole table, and only rows
-- that differ are written. So a month this run did not name is corrected too: one an activity
-- left when 20_merge_silver.sql (keyed on id across months) moved it, and the month after it.
-- A month without silver rows loses its gold rows. Silver is one row per activity: small.
-- The same rules as computeGold in src/lakehouse/gold.ts.
MERGE INTO IDENTIFIER(:gold) AS t
USING (
  WITH totals AS (
    SELECT
      `month`,
      `sport_type`,
      count(*) AS `activity_count`,
      sum(`distance`) AS `distance`,
      sum(`moving_time`) AS `moving_time`,
      sum(`elapsed_time`) AS `elapsed_time`,
      coalesce(sum(`total_elevation_gain`), 0) AS `total_elevation_gain`,
      avg(`average_heartrate`) AS `average_heartrate`
    FROM IDENTIFIER(:silver)
    GROUP BY `month`, `sport_type`
  )
  SELECT
    c.`month`,
    c.`sport_type`,
    c.`activity_count`,
    c.`distance`,
    c.`moving_time`,
    c.`elapsed_time`,
    c.`total_elevation_gain`,
    CASE WHEN c.`moving_time` > 0 THEN c.`distance` / c.`moving_time` END AS `average_speed`,
    c.`average_heartrate`,
    p.`activity_count` AS `prev_activity_count`,
    p.`distance` AS `prev_distance`,
    p.`moving_time` AS `prev_moving_time`,
    c.`activity_count` - p.`activity_count` AS `activity_count_change`,
    c.`distance` - p.`distance` AS `distance_change`,
    CASE WHEN p.`distance` <> 0
      THEN 100 * (c.`distance` - p.`distance`) / p.`distance` END AS `distance_change_pct`,
    c.`moving_time` - p.`moving_time` AS `moving_time_change`,
    CASE WHEN p.`moving_time` <> 0
      THEN 100 * (c.`moving_time` - p.`moving_time`) / p.`moving_time` END AS `moving_time_change_pct`
  FROM totals AS c
  LEFT JOIN totals AS p
    ON p.`sport_type` = c.`sport_type`
    AND p.`month` = date_format(add_months(to_date(concat(c.`month`, '-01')), -1), 'yyyy-MM')
) AS s
ON t.`month` = s.`month` AND t.`sport_type` = s.`sport_type`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`month` <=> s.`month`
  AND t.`sport_type` <=> s.`sport_type`
  AND t.`activity_count` <=> s.`activity_count`
  AND t.`distance` <=> s.`distance`
  AND t.`moving_time` <=> s.`moving_time`
  AND t.`elapsed_time` <=> s.`elapsed_time`
  AND t.`total_elevation_gain` <=> s.`total_elevation_gain`
  AND t.`average_speed` <=> s.`average_speed`
  AND t.`average_heartrate` <=> s.`average_heartrate`
  AND t.`prev_activity_count` <=> s.`prev_activity_count`
  AND t.`prev_distance` <=> s.`prev_distance`
  AND t.`prev_moving_time` <=> s.`prev_moving_time`
  AND t.`activity_count_change` <=> s.`activity_count_change`
  AND t.`distance_change` <=> s.`distance_change`
  AND t.`distance_change_pct` <=> s.`distance_change_pct`
  AND t.`moving_time_change` <=> s.`moving_time_change`
  AND t.`moving_time_change_pct` <=> s.`moving_time_change_pct`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE
