/**
 * An engine turns landed months into bronze, silver and gold. Two implement this: `embedded`
 * (the TypeScript Delta writer, the default) and `databricks` (sql/ on a SQL warehouse).
 */
import type { Month } from '../strava/months.js';
import type { StatementRecord, TableProtocol, TableVersions } from '../runs/record.js';
import type {
  ActivityDetailRows,
  DetailState,
  DetailWriteResult,
  SilverSummary,
} from '../details/types.js';
import type { Row } from './delta/table.js';

/** One month's landing file, parsed: every CSV cell as text, keyed by column. */
export interface MonthLanding {
  month: Month;
  key: string;
  sha256: string;
  /** The rows; [] for an engine that does not read them (`readsRows` false) when not at hand. */
  rows: Record<string, string>[];
}

export interface ProcessContext {
  runId: string;
  force: boolean;
}

export interface EngineResult {
  before: TableVersions;
  after: TableVersions;
  /** Quality warnings, each starting with its month (`2024-05: ...`). */
  warnings: string[];
  /** Months whose silver or gold changed in this run. */
  changedMonths: Month[];
  statements?: StatementRecord[];
}

export interface Engine extends DetailEngine {
  readonly name: 'embedded' | 'databricks';
  /**
   * True if process() writes the landing rows itself (embedded): the pipeline then hands it a
   * backfill in batches of months so that only one batch's rows are in memory. False if the
   * engine loads the landing files by their location (Databricks COPY INTO): every month goes
   * in one call, and rows only where the pipeline still holds them.
   */
  readonly readsRows: boolean;
  /** The current table versions; refuses tables this engine must not write, before any write. */
  preflight(): Promise<TableVersions>;
  process(landings: MonthLanding[], ctx: ProcessContext): Promise<EngineResult>;
  /**
   * An engine whose tables another writer may upgrade (Databricks): each table's protocol after
   * the run, for the run record and the job summary.
   */
  tableProtocols?(): Promise<TableProtocol[]>;
  /** Tables this engine took over from the other one in this run (their engine property). */
  readonly handedOver?: readonly string[];
  close?(): Promise<void>;
}

/**
 * The detail tables (detail-tables.ts), written in chunks by the detail phase
 * (src/details/phase.ts). Every method is idempotent: writing the same chunk twice, or two runs
 * writing it at once, ends with the same tables as writing it once.
 */
export interface DetailEngine {
  /** Silver's activities and what the detail tables already hold. */
  detailState(): Promise<DetailState>;
  /**
   * Takes out of activity_details, laps and streams every activity that is no longer in silver
   * (deleted on Strava) and the rows of an activity held under another month than its silver
   * row's; returns the months changed.
   */
  reconcileDetails(activities: readonly SilverSummary[]): Promise<Month[]>;
  /**
   * Writes one chunk: for each activity, its rows replace whatever the per-activity tables
   * held for its id (in any month), one commit per table; gear rows are upserted by id; zone
   * rows, when given, replace the zones table.
   */
  writeDetails(
    chunk: { activities: ActivityDetailRows[]; gear: Row[]; zones?: Row[] },
    ctx: ProcessContext,
  ): Promise<DetailWriteResult>;
  /** Recomputes the detail gold tables for the given months (all months with `undefined`). */
  refreshDetailGold(months: readonly Month[] | undefined, ctx: ProcessContext): Promise<Month[]>;
  /** Delta versions of the detail tables, by table path (null: no table or not known). */
  detailVersions(): Promise<Record<string, number | null>>;
  /** The SQL statements the detail methods sent so far (an engine that runs SQL), for the run record. */
  readonly detailStatements?: readonly StatementRecord[];
}
