-- What silver_activity_details holds: for each activity, the summary hash its details were
-- fetched for (the activity id as text, see 80_detail_state_silver.sql).
SELECT CAST(`activity_id` AS STRING) AS `activity_id`, `summary_sha256`
FROM IDENTIFIER(:activity_details)
