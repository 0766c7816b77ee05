-- What silver_activity_details holds: for each activity, the summary hash its details were
-- fetched for (the activity id as text, see 80_detail_state_silver.sql), and its status: an
-- `archive` row (read from the account export) holds the archive hash, which the queue compares
-- with the archive hash of silver's row (src/details/queue.ts).
SELECT CAST(`activity_id` AS STRING) AS `activity_id`, `summary_sha256`, `status`
FROM IDENTIFIER(:activity_details)
