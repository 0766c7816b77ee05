-- gold_best_efforts_monthly for the months ${months}: per month, sport type and effort, the best
-- of the activities' best efforts (activity_details.best_*, computed from the streams): the
-- lowest time for 1/5/10 km, the highest mean watts for 5/20 min; a tie goes to the smaller
-- activity id. The month and sport type are silver's. The efforts are EFFORTS of
-- src/lakehouse/detail-tables.ts, in its order; the same rules as bestsGold in
-- src/lakehouse/detail-gold.ts (the embedded engine's).
MERGE INTO IDENTIFIER(:gold_bests) AS t
USING (
  WITH details AS (
    SELECT
      a.`month`,
      a.`sport_type`,
      d.`activity_id`,
      d.`best_1km_s`,
      d.`best_5km_s`,
      d.`best_10km_s`,
      d.`best_5min_watts`,
      d.`best_20min_watts`
    FROM IDENTIFIER(:activity_details) AS d
    JOIN IDENTIFIER(:silver) AS a ON a.`id` = d.`activity_id`
    WHERE a.`month` IN (${months})
  ),
  efforts AS (
    SELECT `month`, `sport_type`, '1km' AS `effort`, `best_1km_s` AS `value`, 's' AS `unit`, true AS `lower`, `activity_id` FROM details
    UNION ALL
    SELECT `month`, `sport_type`, '5km' AS `effort`, `best_5km_s` AS `value`, 's' AS `unit`, true AS `lower`, `activity_id` FROM details
    UNION ALL
    SELECT `month`, `sport_type`, '10km' AS `effort`, `best_10km_s` AS `value`, 's' AS `unit`, true AS `lower`, `activity_id` FROM details
    UNION ALL
    SELECT `month`, `sport_type`, '5min' AS `effort`, `best_5min_watts` AS `value`, 'W' AS `unit`, false AS `lower`, `activity_id` FROM details
    UNION ALL
    SELECT `month`, `sport_type`, '20min' AS `effort`, `best_20min_watts` AS `value`, 'W' AS `unit`, false AS `lower`, `activity_id` FROM details
  ),
  ranked AS (
    SELECT
      *,
      row_number() OVER (
        PARTITION BY `month`, `sport_type`, `effort`
        ORDER BY CASE WHEN `lower` THEN `value` ELSE -`value` END, `activity_id`
      ) AS `rank`
    FROM efforts
    WHERE `value` IS NOT NULL
  )
  SELECT `month`, `sport_type`, `effort`, `value`, `unit`, `activity_id`
  FROM ranked
  WHERE `rank` = 1
) AS s
ON t.`month` = s.`month` AND t.`sport_type` = s.`sport_type` AND t.`effort` = s.`effort`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`month` <=> s.`month`
  AND t.`sport_type` <=> s.`sport_type`
  AND t.`effort` <=> s.`effort`
  AND t.`value` <=> s.`value`
  AND t.`unit` <=> s.`unit`
  AND t.`activity_id` <=> s.`activity_id`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`month` IN (${months}) THEN DELETE
