/**
 * An engine turns landed months into bronze, silver and gold. Two implement this: `embedded`
 * (the TypeScript Delta writer, the default) and `databricks` (sql/ on a SQL warehouse).
 */
import type { Month } from '../strava/months.js';
import type { StatementRecord, TableVersions } from '../runs/record.js';

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

export interface Engine {
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
  close?(): Promise<void>;
}
