/**
 * The Databricks statements of the detail tables (src/lakehouse/detail-tables.ts), from sql/4x-8x:
 * which files run for each DetailEngine method, with which named parameters. As in statements.ts,
 * table names travel as `IDENTIFIER(:name)` parameters; what Databricks SQL takes no parameter for
 * is written into the text as a checked literal: the schema of CREATE SCHEMA, a table's
 * LOCATION, read_files' path (`${landing_file}`), and the lists an IN takes (`${activity_ids}` as integers, `${months}` as
 * 'YYYY-MM' strings), which a MERGE's NOT MATCHED BY SOURCE condition needs as constants.
 */
import type { Month } from '../../strava/months.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  DETAIL_TABLES,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from '../detail-tables.js';
import { SILVER, type TableDef } from '../tables.js';
import { locationLiteral, monthLiteral } from './sql-text.js';
import {
  buildStatement,
  qualifiedName,
  readSqlFiles,
  SQL_FILES,
  type Statement,
  type TableLocation,
} from './statements.js';

export const DETAIL_SQL_FILES = {
  createActivityDetails: '40_create_activity_details.sql',
  createLaps: '41_create_laps.sql',
  createStreams: '42_create_streams.sql',
  createGear: '43_create_gear.sql',
  createAthleteZones: '44_create_athlete_zones.sql',
  createGoldGear: '45_create_gold_gear.sql',
  createGoldHrZones: '46_create_gold_hr_zones.sql',
  createGoldBests: '47_create_gold_bests.sql',
  mergeActivityDetails: '50_merge_activity_details.sql',
  mergeLaps: '51_merge_laps.sql',
  mergeStreams: '52_merge_streams.sql',
  mergeGear: '53_merge_gear.sql',
  mergeAthleteZones: '54_merge_athlete_zones.sql',
  reconcileMonths: '60_reconcile_months.sql',
  reconcileActivityDetails: '61_reconcile_activity_details.sql',
  reconcileLaps: '62_reconcile_laps.sql',
  reconcileStreams: '63_reconcile_streams.sql',
  goldGear: '70_gold_gear.sql',
  goldHrZones: '71_gold_hr_zones.sql',
  goldBests: '72_gold_bests.sql',
  goldMonths: '73_gold_detail_months.sql',
  stateSilver: '80_detail_state_silver.sql',
  stateFetched: '81_detail_state_fetched.sql',
  stateGear: '82_detail_state_gear.sql',
} as const;

export type DetailSqlFileName = (typeof DETAIL_SQL_FILES)[keyof typeof DETAIL_SQL_FILES];
/** The detail files' texts, and the two of the base plan they need (schema, silver). */
export type DetailSqlTexts = Readonly<
  Record<DetailSqlFileName | typeof SQL_FILES.createSchema | typeof SQL_FILES.createSilver, string>
>;

/** Reads the sql/ files the detail statements use. */
export function loadDetailSqlTexts(dir?: string): DetailSqlTexts {
  return readSqlFiles(
    [SQL_FILES.createSchema, SQL_FILES.createSilver, ...Object.values(DETAIL_SQL_FILES)],
    dir,
  );
}

/** Each detail table's parameter name in sql/ (`:laps`, `:gold_gear`, ...). */
export const DETAIL_PARAMS: ReadonlyMap<TableDef, string> = new Map<TableDef, string>([
  [ACTIVITY_DETAILS, 'activity_details'],
  [LAPS, 'laps'],
  [STREAMS, 'streams'],
  [GEAR, 'gear'],
  [ATHLETE_ZONES, 'athlete_zones'],
  [GOLD_GEAR, 'gold_gear'],
  [GOLD_HR_ZONES, 'gold_hr_zones'],
  [GOLD_BESTS, 'gold_bests'],
]);

const CREATE_FILES: ReadonlyMap<TableDef, DetailSqlFileName> = new Map<TableDef, DetailSqlFileName>(
  [
    [ACTIVITY_DETAILS, DETAIL_SQL_FILES.createActivityDetails],
    [LAPS, DETAIL_SQL_FILES.createLaps],
    [STREAMS, DETAIL_SQL_FILES.createStreams],
    [GEAR, DETAIL_SQL_FILES.createGear],
    [ATHLETE_ZONES, DETAIL_SQL_FILES.createAthleteZones],
    [GOLD_GEAR, DETAIL_SQL_FILES.createGoldGear],
    [GOLD_HR_ZONES, DETAIL_SQL_FILES.createGoldHrZones],
    [GOLD_BESTS, DETAIL_SQL_FILES.createGoldBests],
  ],
);

export interface DetailPlanContext {
  catalog: string;
  schema: string;
  tableLocation: TableLocation;
  /** Full URI of a warehouse key, e.g. `s3://bucket/prefix/silver/laps`. */
  warehouseUri: (key: string) => string;
}

/** One chunk's landed files, by table (absent: that table is not written by this chunk). */
export interface LandedChunk {
  /** The chunk's activity ids: their laps and streams are replaced by the landed ones. */
  activityIds: readonly bigint[];
  /** The months of the chunk's activities, for the run's list of changed months. */
  months: readonly Month[];
  activityDetails: string;
  laps: string;
  streams: string;
  gear?: string;
  zones?: string;
}

/** `'2024-04', '2024-05'`: checked months as SQL string literals for an IN list. */
export function monthsLiteral(months: readonly string[]): string {
  if (!months.length) throw new Error('An IN list needs at least one month.');
  return months.map(monthLiteral).join(', ');
}

/** `1, 2, 3`: activity ids as SQL integer literals for an IN list. */
export function idsLiteral(ids: readonly bigint[]): string {
  if (!ids.length) throw new Error('An IN list needs at least one id.');
  return ids
    .map((id) => {
      if (typeof id !== 'bigint' || id < 0n) throw new Error(`"${String(id)}" is not an id.`);
      return id.toString();
    })
    .join(', ');
}

/** Builds the statements of the detail methods from the sql/ texts. */
export class DetailPlanner {
  private readonly values: Record<string, string>;

  constructor(
    private readonly ctx: DetailPlanContext,
    private readonly texts: DetailSqlTexts,
  ) {
    const values: Record<string, string> = {
      schema: qualifiedName(ctx.catalog, ctx.schema),
      silver: this.table(SILVER),
    };
    for (const [def, param] of DETAIL_PARAMS) values[param] = this.table(def);
    this.values = values;
  }

  /** `catalog`.`schema`.`table`, back-quoted. */
  table(def: TableDef): string {
    return qualifiedName(this.ctx.catalog, this.ctx.schema, def);
  }

  private statement(
    file: DetailSqlFileName | typeof SQL_FILES.createSchema | typeof SQL_FILES.createSilver,
    target: string,
    months: readonly Month[] = [],
    placeholders: Record<string, string> = {},
  ): Statement {
    return buildStatement(file, this.texts[file], this.values, placeholders, target, months);
  }

  private create(
    file: typeof SQL_FILES.createSilver | DetailSqlFileName,
    def: TableDef,
  ): Statement {
    const external = this.ctx.tableLocation === 'external';
    const uri = this.ctx.warehouseUri(def.path);
    return this.statement(file, `table ${this.table(def)}${external ? ` at ${uri}` : ''}`, [], {
      location: external ? `LOCATION ${locationLiteral(uri)}` : '',
    });
  }

  /**
   * The schema, silver (the detail statements read it; created empty if no run made it yet) and
   * the eight detail tables, each `CREATE ... IF NOT EXISTS`.
   */
  createTables(): Statement[] {
    return [
      this.statement(SQL_FILES.createSchema, `schema ${this.values.schema}`, [], {
        schema: this.values.schema as string,
      }),
      this.create(SQL_FILES.createSilver, SILVER),
      ...DETAIL_TABLES.map((def) => this.create(CREATE_FILES.get(def) as DetailSqlFileName, def)),
    ];
  }

  /**
   * A chunk's MERGEs: laps and streams first, activity_details last, so an activity is marked
   * fetched (its summary hash) only once its laps and streams are in; then gear and zones.
   */
  writeChunk(chunk: LandedChunk): Statement[] {
    const landing = (key: string) => ({
      landing_file: locationLiteral(this.ctx.warehouseUri(key)),
    });
    const out: Statement[] = [];
    if (chunk.activityIds.length) {
      const ids = idsLiteral(chunk.activityIds);
      for (const [file, def, key] of [
        [DETAIL_SQL_FILES.mergeLaps, LAPS, chunk.laps],
        [DETAIL_SQL_FILES.mergeStreams, STREAMS, chunk.streams],
      ] as const) {
        out.push(
          this.statement(file, `table ${this.table(def)}`, chunk.months, {
            ...landing(key),
            activity_ids: ids,
          }),
        );
      }
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeActivityDetails,
          `table ${this.table(ACTIVITY_DETAILS)}`,
          chunk.months,
          landing(chunk.activityDetails),
        ),
      );
    }
    if (chunk.gear) {
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeGear,
          `table ${this.table(GEAR)}`,
          [],
          landing(chunk.gear),
        ),
      );
    }
    if (chunk.zones) {
      out.push(
        this.statement(
          DETAIL_SQL_FILES.mergeAthleteZones,
          `table ${this.table(ATHLETE_ZONES)}`,
          [],
          landing(chunk.zones),
        ),
      );
    }
    return out;
  }

  /** The query of the months reconciling changes (sql/60). */
  reconcileMonths(): Statement {
    return this.statement(
      DETAIL_SQL_FILES.reconcileMonths,
      `tables ${this.table(ACTIVITY_DETAILS)}, ${this.table(LAPS)}, ${this.table(STREAMS)}`,
    );
  }

  /** The deletes of reconciling (sql/61-63), reported for `months`. */
  reconcile(months: readonly Month[]): Statement[] {
    return (
      [
        [DETAIL_SQL_FILES.reconcileActivityDetails, ACTIVITY_DETAILS],
        [DETAIL_SQL_FILES.reconcileLaps, LAPS],
        [DETAIL_SQL_FILES.reconcileStreams, STREAMS],
      ] as const
    ).map(([file, def]) => this.statement(file, `table ${this.table(def)}`, months));
  }

  /** The query of every month the detail gold covers (sql/73), for a refresh of all months. */
  goldMonths(): Statement {
    return this.statement(DETAIL_SQL_FILES.goldMonths, `table ${this.table(SILVER)}`);
  }

  /** The three detail gold MERGEs (sql/70-72) for `months` (at least one). */
  gold(months: readonly Month[]): Statement[] {
    const placeholders = { months: monthsLiteral(months) };
    return (
      [
        [DETAIL_SQL_FILES.goldGear, GOLD_GEAR],
        [DETAIL_SQL_FILES.goldHrZones, GOLD_HR_ZONES],
        [DETAIL_SQL_FILES.goldBests, GOLD_BESTS],
      ] as const
    ).map(([file, def]) => this.statement(file, `table ${this.table(def)}`, months, placeholders));
  }

  /**
   * The queries of detailState (sql/80-82): silver's summaries, the stored hashes with their
   * statuses, the gear ids.
   */
  state(): Statement[] {
    return [
      this.statement(DETAIL_SQL_FILES.stateSilver, `table ${this.table(SILVER)}`),
      this.statement(DETAIL_SQL_FILES.stateFetched, `table ${this.table(ACTIVITY_DETAILS)}`),
      this.statement(DETAIL_SQL_FILES.stateGear, `table ${this.table(GEAR)}`),
    ];
  }
}
