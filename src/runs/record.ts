/**
 * The run record: what one run of one month did. Written to the warehouse under
 * `_runs/month=YYYY-MM/<run-id>.json` and uploaded by the action as the workflow artifact
 * `strava-lakehouse-YYYY-MM`. It never holds a secret.
 */
import type { DetailsRecord } from '../details/phase.js';
import type { Month } from '../strava/months.js';

export type RunStatus = 'ingested' | 'unchanged';

export interface TableVersions {
  bronze: number | null;
  silver: number | null;
  gold: number | null;
}

export interface StatementRecord {
  file: string;
  statementId?: string;
  durationMs: number;
  affectedRows?: number;
}

/** A table's Delta protocol as a reader meets it, read from its log after a Databricks run. */
export interface TableProtocol {
  /** The table's path under the warehouse, e.g. `silver/activities`. */
  table: string;
  minReaderVersion: number;
  minWriterVersion: number;
  /** The reader features a reader must support (column mapping for legacy reader version 2). */
  readerFeatures: string[];
  /** True if strava-lakehouse's own reader (inspect, report, the quality gate) reads it. */
  embeddedReads: boolean;
}

export interface RunRecord {
  /** Record format version. */
  schemaVersion: 1;
  runId: string;
  /** GitHub's run id and attempt when run by the action. */
  github?: { repository?: string; runId?: string; runAttempt?: string; workflow?: string };
  toolVersion: string;
  engine: 'embedded' | 'databricks';
  month: Month;
  /** The Strava query window, epoch seconds and ISO. */
  window: { after: number; before: number; afterIso: string; beforeIso: string };
  status: RunStatus;
  activities: number;
  landing: { key: string; sha256: string; bytes: number; reused: boolean };
  tables: { before: TableVersions; after: TableVersions };
  qualityWarnings: string[];
  stravaRequests: number;
  statements?: StatementRecord[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  forced: boolean;
  /** On a run's own month: the months before it re-checked in the same sweep (lookback). */
  rechecked?: Month[];
  /** On a run's own month, when the run fetched details: what it fetched and what is queued. */
  details?: DetailsRecord;
  /**
   * On a Databricks run's own month (external tables): the protocol of every table after the
   * run, and the tables whose engine property the run set to databricks (a hand-over).
   */
  tableProtocols?: TableProtocol[];
  handedOver?: string[];
  /** `archive` for a month imported from Strava's account export (absent: the API). */
  source?: 'archive';
  /** For an archive import: what was read, and the files that could not be. */
  archive?: ArchiveRecord;
}

/** What an archive import read for one month. */
export interface ArchiveRecord {
  /** The export's .zip or folder, as given. */
  location: string;
  /** The activities.csv header layout (src/archive/layouts.ts). */
  layout: string;
  /**
   * How local time was decided: `--timezone`'s zone (null: not given) and how many of this
   * month's activities each rule decided (`fit_offset`, `gps`, `flag`; see src/archive/timezone.ts).
   */
  timezone: { flag: string | null; rules: Partial<Record<'fit_offset' | 'gps' | 'flag', number>> };
  /**
   * Activity files of this month's activities that could not be read, each as
   * `<name in the archive> (activity <id>): <problem>`; only with --skip-bad-files.
   */
  unreadableFiles: string[];
  /**
   * Activities no time zone rule decided, left out of the import (only with --skip-bad-files),
   * as `activity <id> (<file>)`: they have no local month, so every record of the run lists them.
   */
  undecidedActivities?: string[];
  /** Details read from this month's activity files (streams, laps, activity_details). */
  details?: { activities: number; samples: number; laps: number; keptFromApi: number };
}

export function runRecordKey(month: Month, runId: string): string {
  return `_runs/month=${month}/${runId}.json`;
}
