/**
 * The databricks engine: the same quality gate as the embedded engine, then sql/ on a Databricks
 * SQL warehouse (runner.ts). With external tables their Delta logs sit under the warehouse, so
 * the run record gets their versions from there; Unity Catalog managed tables report none.
 */
import type { PipelineConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import type { Progress } from '../../progress.js';
import type { TableVersions } from '../../runs/record.js';
import { listLog } from '../delta/log.js';
import type { Engine, EngineResult, MonthLanding, ProcessContext } from '../engine.js';
import { goldMonthsFor } from '../gold.js';
import { checkQuality, type QualityRow } from '../quality.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../tables.js';
import type { DBSQLClientLike, WarehouseWait } from './connection.js';
import { runDatabricks } from './runner.js';

export class DatabricksEngine implements Engine {
  readonly name = 'databricks' as const;
  readonly readsRows = false;
  private readonly progress: Progress;

  constructor(
    private readonly config: PipelineConfig,
    private readonly store: ObjectStore,
    opts: { progress: Progress },
    /** For tests: a driver stand-in and a wait without real sleeping. */
    private readonly driver: { client?: DBSQLClientLike; wait?: WarehouseWait } = {},
  ) {
    this.progress = opts.progress;
  }

  async preflight(): Promise<TableVersions> {
    if (this.databricks().tableLocation === 'managed') {
      return { bronze: null, silver: null, gold: null };
    }
    const [bronze, silver, gold] = await Promise.all([
      this.version(BRONZE),
      this.version(SILVER),
      this.version(GOLD),
    ]);
    return { bronze, silver, gold };
  }

  async process(landings: MonthLanding[], ctx: ProcessContext): Promise<EngineResult> {
    const before = await this.preflight();
    // The gate runs before any statement: a failing month reaches no table.
    const warnings = landings.flatMap((l) =>
      checkQuality(l.rows as unknown as QualityRow[], l.month, l.key),
    );
    const run = await runDatabricks({
      config: this.databricks(),
      warehouseUri: (key) => this.store.uri(key),
      landings: landings.map(({ month, key }) => ({ month, key })),
      goldMonths: goldMonthsFor(landings.map((l) => l.month)),
      runId: ctx.runId,
      progress: this.progress,
      client: this.driver.client,
      wait: this.driver.wait,
    });
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: run.changedMonths,
      statements: run.statements,
    };
  }

  private databricks() {
    if (!this.config.databricks) {
      throw new ConfigError(
        'The databricks engine was chosen without Databricks settings.',
        'Set DATABRICKS_HOST, DATABRICKS_HTTP_PATH and DATABRICKS_TOKEN.',
      );
    }
    return this.config.databricks;
  }

  /** The table's latest Delta version from its log under the warehouse, or null if none. */
  private async version(table: TableDef): Promise<number | null> {
    const { commits, checkpoints } = await listLog(this.store, table.path);
    return commits.at(-1) ?? checkpoints.at(-1) ?? null;
  }
}
