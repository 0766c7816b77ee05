/**
 * The databricks engine: the same quality gate as the embedded engine, then sql/ on a Databricks
 * SQL warehouse (runner.ts). With external tables their Delta logs sit under the warehouse, so
 * the run record gets their versions from there; Unity Catalog managed tables report none.
 *
 * The detail tables (DetailEngine) go the same way: a chunk's rows are landed as CSV files under
 * the warehouse (detail-landing.ts) and merged by sql/5x; reconciling, gold and the phase's state
 * are sql/6x-8x (detail-statements.ts). Every statement sent is kept in `detailStatements`.
 */
import type { PipelineConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import type { Progress } from '../../progress.js';
import type { StatementRecord, TableProtocol, TableVersions } from '../../runs/record.js';
import type { Month } from '../../strava/months.js';
import type {
  ActivityDetailRows,
  DetailState,
  DetailWriteResult,
  SilverSummary,
} from '../../details/types.js';
import { ARCHIVE_STATUS } from '../../details/queue.js';
import { archiveSummarySha256, summarySha256 } from '../../details/summary-hash.js';
import { listLog } from '../delta/log.js';
import { tableProtocolOf } from '../delta/protocol.js';
import { DeltaTable } from '../delta/table.js';
import { ENGINE_TABLES, migrateWarehouse } from '../migrate.js';
import type { Row } from '../delta/table.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  DETAIL_TABLES,
  GEAR,
  LAPS,
  STREAMS,
} from '../detail-tables.js';
import type {
  DetailEngine,
  Engine,
  EngineResult,
  MonthLanding,
  ProcessContext,
} from '../engine.js';
import { goldMonthsFor } from '../gold.js';
import { checkQuality, type QualityRow } from '../quality.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../tables.js';
import type { DBSQLClientLike, WarehouseWait } from './connection.js';
import { detailFile, landDetailFile } from './detail-landing.js';
import { DetailPlanner, loadDetailSqlTexts, type DetailSqlTexts } from './detail-statements.js';
import { executeStatements, runDatabricks, type ExecutedStatement } from './runner.js';
import type { Statement } from './statements.js';

export class DatabricksEngine implements Engine, DetailEngine {
  readonly name = 'databricks' as const;
  readonly readsRows = false;
  /** Every detail statement sent so far, in order, for the run record. */
  readonly detailStatements: StatementRecord[] = [];
  private readonly progress: Progress;
  /** Set once the detail tables' DDL has run in this engine's life. */
  private detailTablesReady = false;
  /** Tables whose engine property this engine set to databricks before its first statement. */
  readonly handedOver: string[] = [];
  private takingOver: Promise<void> | undefined;
  private detailTexts: DetailSqlTexts | undefined;

  constructor(
    private readonly config: PipelineConfig,
    private readonly store: ObjectStore,
    opts: { progress: Progress },
    /** For tests: a driver stand-in and a wait without real sleeping. */
    private readonly driver: {
      client?: DBSQLClientLike;
      wait?: WarehouseWait;
      detailSqlTexts?: DetailSqlTexts;
    } = {},
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
    await this.takeOver(ctx.runId);
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

  async detailState(): Promise<DetailState> {
    const [silver, fetched, gear] = await this.runDetail(this.planner().state());
    const held = (fetched?.rows ?? []).map((r) => {
      const row = r as { activity_id: string; summary_sha256: string; status: string | null };
      return { id: BigInt(row.activity_id), sha256: row.summary_sha256, status: row.status };
    });
    return {
      activities: (silver?.rows ?? []).map((r) => silverSummary(r as Record<string, unknown>)),
      fetched: new Map(held.map((h) => [h.id, h.sha256])),
      archived: new Set(held.filter((h) => h.status === ARCHIVE_STATUS).map((h) => h.id)),
      gearIds: new Set((gear?.rows ?? []).map((r) => (r as { id: string }).id)),
    };
  }

  /**
   * Reads silver itself (the warehouse's silver_activities) rather than `_activities`: the
   * deletes are MERGEs against it, and sql/60 names the months they change first.
   */
  async reconcileDetails(_activities: readonly SilverSummary[]): Promise<Month[]> {
    const planner = this.planner();
    const [found] = await this.runDetail([planner.reconcileMonths()]);
    const months = (found?.rows ?? []).map((r) => (r as { month: Month }).month);
    if (!months.length) return [];
    await this.runDetail(planner.reconcile(months));
    return months;
  }

  async writeDetails(
    chunk: { activities: ActivityDetailRows[]; gear: Row[]; zones?: Row[] },
    _ctx: ProcessContext,
  ): Promise<DetailWriteResult> {
    const planner = this.planner();
    const { activities } = chunk;
    // Every file is built (and every cell checked) before any is written.
    const details = detailFile(
      ACTIVITY_DETAILS,
      activities.map((a) => a.details),
    );
    const laps = detailFile(
      LAPS,
      activities.flatMap((a) => a.laps),
    );
    const streams = detailFile(
      STREAMS,
      activities.flatMap((a) => a.streams),
    );
    const gear = chunk.gear.length ? detailFile(GEAR, chunk.gear) : undefined;
    const zones = chunk.zones ? detailFile(ATHLETE_ZONES, chunk.zones) : undefined;
    await Promise.all(
      [details, laps, streams, gear, zones].map((f) => f && landDetailFile(this.store, f)),
    );
    const plan = planner.writeChunk({
      activityIds: activities.map((a) => a.activityId),
      months: [...new Set(activities.map((a) => a.month))].sort(),
      activityDetails: details.key,
      laps: laps.key,
      streams: streams.key,
      gear: gear?.key,
      zones: zones?.key,
    });
    const executed = await this.runDetail(plan);
    return { versions: await this.detailVersions(), changedMonths: changedMonths(plan, executed) };
  }

  async refreshDetailGold(
    months: readonly Month[] | undefined,
    _ctx: ProcessContext,
  ): Promise<Month[]> {
    const planner = this.planner();
    let all = months;
    if (!all) {
      const [found] = await this.runDetail([planner.goldMonths()]);
      all = (found?.rows ?? []).map((r) => (r as { month: Month }).month);
    }
    if (!all.length) return [];
    const plan = planner.gold([...new Set(all)].sort());
    return changedMonths(plan, await this.runDetail(plan));
  }

  async detailVersions(): Promise<Record<string, number | null>> {
    const managed = this.databricks().tableLocation === 'managed';
    const versions = await Promise.all(
      DETAIL_TABLES.map(async (def) => [def.path, managed ? null : await this.version(def)]),
    );
    return Object.fromEntries(versions) as Record<string, number | null>;
  }

  private planner(): DetailPlanner {
    const config = this.databricks();
    this.detailTexts ??= this.driver.detailSqlTexts ?? loadDetailSqlTexts();
    return new DetailPlanner(
      {
        catalog: config.catalog,
        schema: config.schema,
        tableLocation: config.tableLocation ?? 'external',
        warehouseUri: (key) => this.store.uri(key),
      },
      this.detailTexts,
    );
  }

  /**
   * Runs `plan` in one session, after the detail tables' DDL the first time; returns what the
   * statements of `plan` gave, in order.
   */
  private async runDetail(plan: readonly Statement[]): Promise<ExecutedStatement[]> {
    if (!plan.length) return [];
    if (!this.detailTablesReady) await this.takeOver();
    const ddl = this.detailTablesReady ? [] : this.planner().createTables();
    const executed = await executeStatements([...ddl, ...plan], {
      config: this.databricks(),
      progress: this.progress,
      client: this.driver.client,
      wait: this.driver.wait,
    });
    this.detailTablesReady = true;
    this.detailStatements.push(...executed.map((e) => e.record));
    return executed.slice(ddl.length);
  }

  /**
   * Each table's Delta protocol, read from its log under the warehouse (external tables; a
   * Unity Catalog managed table has no log there and is not listed). Databricks may upgrade a
   * table (deletion vectors, say) whatever sql/ declares: this says what a reader now needs.
   */
  async tableProtocols(): Promise<TableProtocol[]> {
    if (this.databricks().tableLocation === 'managed') return [];
    const snaps = await Promise.all(
      ENGINE_TABLES.map((def) => new DeltaTable(this.store, def).snapshot()),
    );
    return ENGINE_TABLES.flatMap((def, i) => {
      const snap = snaps[i];
      return snap ? [tableProtocolOf(def.path, snap)] : [];
    });
  }

  /**
   * Before the first statement on a warehouse of external tables that another engine wrote:
   * sets each table's engine property to databricks (a metadata-only commit, migrate.ts), so
   * sql/'s CREATE TABLE IF NOT EXISTS adopts it as it is, and the embedded engine leaves it
   * alone from then on. Once per engine; tables already Databricks' cost no commit.
   */
  private takeOver(runId?: string): Promise<void> {
    if (this.databricks().tableLocation === 'managed') return Promise.resolve();
    this.takingOver ??= migrateWarehouse(this.store, 'databricks', runId ? { runId } : {}).then(
      (tables) => {
        const changed = tables.filter((t) => t.outcome === 'changed').map((t) => t.table);
        this.handedOver.push(...changed);
        if (changed.length) {
          this.progress.info(
            `Took over ${changed.length} table(s) the embedded engine wrote (${changed.join(', ')}): their engine property now says databricks. \`strava-lakehouse migrate --to embedded\` hands them back.`,
          );
        }
      },
    );
    return this.takingOver;
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

/** The months of the statements that inserted, updated or deleted rows. */
function changedMonths(
  plan: readonly Statement[],
  executed: readonly ExecutedStatement[],
): Month[] {
  const months = new Set<Month>();
  executed.forEach(({ record }, i) => {
    if (record.affectedRows) for (const m of plan[i]?.months ?? []) months.add(m);
  });
  return [...months].sort();
}

const big = (v: unknown): bigint | null =>
  v === null || v === undefined ? null : BigInt(v as string | number | bigint);

/**
 * A row of sql/80 as the phase's SilverSummary: longs and timestamps arrive as text (epoch
 * microseconds for timestamps) and go into both summary hashes as bigints, as the embedded engine's
 * rows do, so both engines hash the same activity alike.
 */
export function silverSummary(r: Readonly<Record<string, unknown>>): SilverSummary {
  const typed: Record<string, unknown> = {
    ...r,
    id: big(r.id),
    workout_type: big(r.workout_type),
    start_date: big(r.start_date),
    start_date_local: big(r.start_date_local),
    moving_time: big(r.moving_time),
    elapsed_time: big(r.elapsed_time),
  };
  return {
    id: typed.id as bigint,
    month: r.month as Month,
    summarySha256: summarySha256(typed),
    archiveSha256: archiveSummarySha256(typed),
    manual: r.manual === true,
    private: r.private === true,
    gearId: typeof r.gear_id === 'string' ? r.gear_id : null,
    startDateLocal: typed.start_date_local as bigint,
  };
}
