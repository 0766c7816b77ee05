/**
 * The table of what only Strava's account export knows about an activity (activities.csv's
 * private note, description, gear name, file name, calories) and how its local time was
 * decided. Silver, gold and sql/ keep their columns: these live beside them, one row per
 * activity id, partitioned by the activity's local month as the archive import placed it.
 */
import type { FieldType } from '../strava/schema.js';
import type { Row } from './delta/table.js';
import type { Column, TableDef } from './tables.js';
import type { ArchiveFacts } from '../archive/activities-csv.js';
import type { Month } from '../strava/months.js';
import { QualityError } from '../errors.js';

const col = (name: string, type: FieldType, nullable = true): Column => ({ name, type, nullable });

export const ARCHIVE_ACTIVITIES: TableDef = {
  path: 'silver/archive_activities',
  description: "What only Strava's account export holds about an activity",
  columns: [
    col('id', 'long', false),
    /** The activities.csv header layout the row was read with (src/archive/layouts.ts). */
    col('layout', 'string', false),
    /** The activity file's name inside the export (`activities/123.fit.gz`); null: manual. */
    col('filename', 'string'),
    col('description', 'string'),
    col('private_note', 'string'),
    /** The gear's name as the athlete named it (silver's gear_id is the API's id). */
    col('gear_name', 'string'),
    col('calories', 'double'),
    /** Which rule decided the local time: `fit_offset`, `gps` or `flag` (src/archive/timezone.ts). */
    col('timezone_source', 'string', false),
    /** The IANA zone that rule gave; for `fit_offset` the offset as `UTC+02:00`. */
    col('timezone_name', 'string', false),
    col('month', 'string', false),
  ],
  partitionColumns: ['month'],
};

/** The archive table's row for a landing row of the archive import (its raw JSON's `archive`). */
export function archiveFactsRow(cells: Record<string, string>, month: Month): Row {
  let facts: ArchiveFacts | undefined;
  try {
    facts = (JSON.parse(cells.raw ?? '') as { archive?: ArchiveFacts }).archive;
  } catch {
    facts = undefined;
  }
  if (!facts || !cells.id) {
    throw new QualityError(
      `Archive landing row for activity ${cells.id || '(no id)'} has no archive facts in its raw record.`,
      'The landing file was edited or damaged; delete it and import the archive again.',
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
    month,
  };
}
