/**
 * What the detail phase moves between Strava, the pipeline and the engines. Rows are in the
 * Delta writer's cell form (src/lakehouse/delta): long and timestamp columns as bigint
 * (timestamps in epoch microseconds), doubles as number, strings, booleans, or null; keys are
 * the column names of src/lakehouse/detail-tables.ts.
 */
import type { Row } from '../lakehouse/delta/table.js';
import type { Month } from '../strava/months.js';

/** What the queue needs of one silver activity (see summary-hash.ts for both hashes). */
export interface SilverSummary {
  id: bigint;
  month: Month;
  /** sha256 hex of the summary fields the details depend on. */
  summarySha256: string;
  /** sha256 hex of the fields the account export fills (archiveSummarySha256). */
  archiveSha256: string;
  manual: boolean;
  private: boolean;
  gearId: string | null;
  /** Epoch microseconds (start_date_local as stored): newest first within a month. */
  startDateLocal: bigint;
}

/** The details of one activity as fetched: all rows of it for every per-activity table. */
export interface ActivityDetailRows {
  activityId: bigint;
  month: Month;
  /** The activity_details row (status `fetched` or `not_found`). */
  details: Row;
  /** silver/laps rows ([] when not_found). */
  laps: Row[];
  /** silver/streams rows ([] for a manual activity or not_found). */
  streams: Row[];
}

/** What the warehouse holds of the detail tables, read once a run before the queue is built. */
export interface DetailState {
  /** Every silver activity (all months). */
  activities: SilverSummary[];
  /** activity_details: activity id -> summary_sha256 it was fetched for. */
  fetched: Map<bigint, string>;
  /** activity_details: the ids whose row has status `archive` (read from the account export). */
  archived: Set<bigint>;
  /** Gear ids in silver/gear. */
  gearIds: Set<string>;
  /** When silver/athlete_zones was last fetched (epoch ms); undefined if never or unknown. */
  zonesFetchedAt?: number;
}

export interface DetailWriteResult {
  /** Table path -> Delta version after the write (null: nothing committed / not known). */
  versions: Record<string, number | null>;
  /** Months whose per-activity detail rows changed. */
  changedMonths: Month[];
}
