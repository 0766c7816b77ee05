-- gold_hr_zones_monthly for the months ${months}: per month, sport type and heart-rate zone, the
-- seconds of heart-rate samples in the zone. A sample counts the time to the activity's next
-- sample (by sample_index), at most 30 s; the last sample counts 1 s. A zone holds
-- zone_min <= heartrate < zone_max; the top zone (zone_max NULL) is open. Only samples of
-- activities silver holds in that month, with a heart rate, and zones with time are kept.
MERGE INTO IDENTIFIER(:gold_hr_zones) AS t
USING (
  WITH samples AS (
    SELECT
      st.`month`,
      a.`sport_type`,
      st.`heartrate`,
      -- least() skips NULLs: the last sample's missing gap must become 1 before the cap.
      least(30, coalesce((lead(st.`time_s`) OVER w) - st.`time_s`, 1)) AS `seconds`
    FROM IDENTIFIER(:streams) AS st
    JOIN IDENTIFIER(:silver) AS a ON a.`id` = st.`activity_id` AND a.`month` = st.`month`
    WHERE st.`month` IN (${months})
    WINDOW w AS (PARTITION BY st.`activity_id` ORDER BY st.`sample_index`)
  ),
  zones AS (
    SELECT `zone_index`, `zone_min`, `zone_max`
    FROM IDENTIFIER(:athlete_zones)
    WHERE `zone_type` = 'heartrate'
  )
  SELECT
    p.`month`,
    p.`sport_type`,
    z.`zone_index`,
    z.`zone_min`,
    z.`zone_max`,
    sum(p.`seconds`) AS `seconds`
  FROM samples AS p
  JOIN zones AS z
    ON (z.`zone_min` IS NULL OR p.`heartrate` >= z.`zone_min`)
    AND (z.`zone_max` IS NULL OR p.`heartrate` < z.`zone_max`)
  WHERE p.`heartrate` IS NOT NULL
  GROUP BY p.`month`, p.`sport_type`, z.`zone_index`, z.`zone_min`, z.`zone_max`
) AS s
ON t.`month` = s.`month` AND t.`sport_type` = s.`sport_type` AND t.`zone_index` = s.`zone_index`
-- Only rows that differ in some column (NULL-safe) are rewritten.
WHEN MATCHED AND NOT (
  t.`month` <=> s.`month`
  AND t.`sport_type` <=> s.`sport_type`
  AND t.`zone_index` <=> s.`zone_index`
  AND t.`zone_min` <=> s.`zone_min`
  AND t.`zone_max` <=> s.`zone_max`
  AND t.`seconds` <=> s.`seconds`
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND t.`month` IN (${months}) THEN DELETE
