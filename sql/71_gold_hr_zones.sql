-- gold_hr_zones_monthly for the months ${months}: per month and sport type with any time in a
-- heart-rate zone, one row per zone (zero seconds included), the seconds spent there. Samples
-- without a time are left out; each remaining sample counts the time to the activity's next one
-- (by sample_index), at most 30 s, the last one 1 s, and a gap of zero or less counts nothing.
-- A heart rate h is in the zone with zone_min <= h < zone_max; the top zone (zone_max NULL) is
-- open. Only activities silver holds in that month count. The same rules as hrSecondsPerZone and
-- hrZonesGold in src/lakehouse/detail-gold.ts (the embedded engine's).
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
    WHERE st.`month` IN (${months}) AND st.`time_s` IS NOT NULL
    WINDOW w AS (PARTITION BY st.`activity_id` ORDER BY st.`sample_index`)
  ),
  zones AS (
    SELECT `zone_index`, `zone_min`, `zone_max`
    FROM IDENTIFIER(:athlete_zones)
    WHERE `zone_type` = 'heartrate'
  ),
  in_zone AS (
    SELECT p.`month`, p.`sport_type`, z.`zone_index`, p.`seconds`
    FROM samples AS p
    JOIN zones AS z
      ON (z.`zone_min` IS NULL OR p.`heartrate` >= z.`zone_min`)
      AND (z.`zone_max` IS NULL OR p.`heartrate` < z.`zone_max`)
    WHERE p.`heartrate` IS NOT NULL AND p.`seconds` > 0
  ),
  sports AS (
    SELECT DISTINCT `month`, `sport_type` FROM in_zone
  )
  SELECT
    g.`month`,
    g.`sport_type`,
    z.`zone_index`,
    z.`zone_min`,
    z.`zone_max`,
    coalesce(sum(i.`seconds`), 0) AS `seconds`
  FROM sports AS g
  CROSS JOIN zones AS z
  LEFT JOIN in_zone AS i
    ON i.`month` = g.`month` AND i.`sport_type` = g.`sport_type` AND i.`zone_index` = z.`zone_index`
  GROUP BY g.`month`, g.`sport_type`, z.`zone_index`, z.`zone_min`, z.`zone_max`
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
