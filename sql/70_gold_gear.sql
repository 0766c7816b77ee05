-- gold_gear_monthly for the months ${months} (checked 'YYYY-MM' literals): per month, gear and
-- sport type, the activities of silver with that gear_id, their distance and moving time;
-- gear_name from silver_gear (NULL until the gear is fetched). Only rows that differ are
-- written, and rows of those months that no longer have activities are deleted; other months
-- are not touched.
MERGE INTO IDENTIFIER(:gold_gear) AS t
USING (
  SELECT
    a.`month`,
    a.`gear_id`,
    max(g.`name`) AS `gear_name`,
    a.`sport_type`,
    count(*) AS `activity_count`,
    sum(a.`distance`) AS `distance`,
    sum(a.`moving_time`) AS `moving_time`
  FROM IDENTIFIER(:silver) AS a
  LEFT JOIN IDENTIFIER(:gear) AS g ON g.`id` = a.`gear_id`
  WHERE a.`gear_id` IS NOT NULL AND a.`month` IN (${months})
  GROUP BY a.`month`, a.`gear_id`, a.`sport_type`
) AS s
ON t.`month` = s.`month` AND t.`gear_id` = s.`gear_id` AND t.`sport_type` = s.`sport_type`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`month` <=> s.`month`
  AND t.`gear_id` <=> s.`gear_id`
  AND t.`gear_name` <=> s.`gear_name`
  AND t.`sport_type` <=> s.`sport_type`
  AND t.`activity_count` <=> s.`activity_count`
  AND t.`distance` <=> s.`distance`
  AND t.`moving_time` <=> s.`moving_time`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`month` IN (${months}) THEN DELETE
