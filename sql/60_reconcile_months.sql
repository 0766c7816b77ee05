-- The months that reconciling will change: those holding activity_details, laps or streams rows
-- whose activity is no longer in silver (deleted on Strava), or is in silver under another month
-- (moved). Empty: 61-63 are not sent. LEFT ANTI JOIN keeps the rows with no (id, month) in silver.
SELECT DISTINCT d.`month`
FROM (
  SELECT `activity_id`, `month` FROM IDENTIFIER(:activity_details)
  UNION ALL
  SELECT `activity_id`, `month` FROM IDENTIFIER(:laps)
  UNION ALL
  SELECT `activity_id`, `month` FROM IDENTIFIER(:streams)
) AS d
LEFT ANTI JOIN IDENTIFIER(:silver) AS a
  ON a.`id` = d.`activity_id` AND a.`month` = d.`month`
ORDER BY d.`month`
