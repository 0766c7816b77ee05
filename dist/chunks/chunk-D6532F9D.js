import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  QualityError
} from "./chunk-06F01416.js";

// src/lakehouse/archive-table.ts
var col = (name, type, nullable = true) => ({ name, type, nullable });
var ARCHIVE_ACTIVITIES = {
  path: "silver/archive_activities",
  description: "What only Strava's account export holds about an activity",
  columns: [
    col("id", "long", false),
    /** The activities.csv header layout the row was read with (src/archive/layouts.ts). */
    col("layout", "string", false),
    /** The activity file's name inside the export (`activities/123.fit.gz`); null: manual. */
    col("filename", "string"),
    col("description", "string"),
    col("private_note", "string"),
    /** The gear's name as the athlete named it (silver's gear_id is the API's id). */
    col("gear_name", "string"),
    col("calories", "double"),
    /** Which rule decided the local time: `fit_offset`, `gps` or `flag` (src/archive/timezone.ts). */
    col("timezone_source", "string", false),
    /** The IANA zone that rule gave; for `fit_offset` the offset as `UTC+02:00`. */
    col("timezone_name", "string", false),
    col("month", "string", false)
  ],
  partitionColumns: ["month"]
};
function archiveFactsRow(cells, month) {
  let facts;
  try {
    facts = JSON.parse(cells.raw ?? "").archive;
  } catch {
    facts = void 0;
  }
  if (!facts || !cells.id) {
    throw new QualityError(
      `Archive landing row for activity ${cells.id || "(no id)"} has no archive facts in its raw record.`,
      "The landing file was edited or damaged; delete it and import the archive again."
    );
  }
  return {
    id: BigInt(cells.id),
    layout: facts.layout,
    filename: facts.filename,
    description: facts.description,
    private_note: facts.private_note,
    gear_name: facts.gear_name,
    calories: facts.calories,
    timezone_source: facts.timezone_source,
    timezone_name: facts.timezone_name,
    month
  };
}

export {
  ARCHIVE_ACTIVITIES,
  archiveFactsRow
};
