-- Takes this run's landing file into bronze, once. COPY INTO remembers every file it loaded
-- and skips it on later runs even if its content changed; landing files are named by the hash
-- of their content, so a month whose data changed arrives as a new file and is loaded.
-- Every column is read as text (no schema inference) and named, so a file missing a column
-- fails instead of loading NULLs. ${landing_dir} is the month's landing folder and
-- ${landing_file_name} the file's name in it; ${landing_key} (the file's warehouse key),
-- ${run_id} and ${month} are this landing's lineage. All five are checked literals: Databricks
-- documents no parameter marker in COPY INTO's source, FILES or SELECT list. COPY INTO exists on
-- Databricks only: the Spark parity suite runs this file as an INSERT ... SELECT of this SELECT
-- list over the CSV read with these FORMAT_OPTIONS, the rest of the text unchanged.
COPY INTO IDENTIFIER(:bronze)
FROM (
  SELECT
    `id`,
    `athlete_id`,
    `name`,
    `sport_type`,
    `type`,
    `workout_type`,
    `start_date`,
    `start_date_local`,
    `timezone`,
    `utc_offset`,
    `distance`,
    `moving_time`,
    `elapsed_time`,
    `total_elevation_gain`,
    `elev_high`,
    `elev_low`,
    `average_speed`,
    `max_speed`,
    `average_cadence`,
    `average_temp`,
    `has_heartrate`,
    `average_heartrate`,
    `max_heartrate`,
    `average_watts`,
    `max_watts`,
    `weighted_average_watts`,
    `kilojoules`,
    `device_watts`,
    `suffer_score`,
    `achievement_count`,
    `kudos_count`,
    `comment_count`,
    `athlete_count`,
    `photo_count`,
    `pr_count`,
    `trainer`,
    `commute`,
    `manual`,
    `private`,
    `flagged`,
    `visibility`,
    `gear_id`,
    `external_id`,
    `upload_id`,
    `start_latlng`,
    `end_latlng`,
    `summary_polyline`,
    `raw`,
    ${landing_key} AS `_landing_file`,
    current_timestamp() AS `_ingested_at`,
    ${run_id} AS `_run_id`,
    ${month} AS `month`
  FROM ${landing_dir}
)
FILEFORMAT = CSV
FILES = (${landing_file_name})
FORMAT_OPTIONS (
  'header' = 'true',
  'inferSchema' = 'false',
  'multiLine' = 'true',
  'quote' = '"',
  'escape' = '"',
  'encoding' = 'UTF-8',
  'mode' = 'FAILFAST'
)
COPY_OPTIONS ('mergeSchema' = 'false')
