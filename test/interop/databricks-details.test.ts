/**
 * The Databricks engine's detail tables on open-source Spark 4 + Delta 4, the stand-in for a
 * Databricks SQL warehouse: the real DatabricksEngine lands the chunks and sends sql/4x-8x, through
 * a driver whose session is a local Spark (test/support/spark-sql.ts); delta-rs then reads every
 * table and must find exactly the rows given, and the three gold tables must hold the values
 * worked out by hand from the rules (the embedded engine's gold is not on this branch).
 *
 * One difference from Databricks, in the driver below only: read_files (Databricks-only) becomes
 * a temporary view over the same file, read with the same options and the same all-text schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../src/config.js';
import { archiveSummarySha256, summarySha256 } from '../../src/details/summary-hash.js';
import type { ActivityDetailRows } from '../../src/details/types.js';
import { FolderStore } from '../../src/landing/folder.js';
import type { DBSQLClientLike, SessionLike } from '../../src/lakehouse/databricks/connection.js';
import { DatabricksEngine } from '../../src/lakehouse/databricks/engine.js';
import { qualifiedName } from '../../src/lakehouse/databricks/statements.js';
import type { Row } from '../../src/lakehouse/delta/table.js';
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
} from '../../src/lakehouse/detail-tables.js';
import { SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import { silentProgress } from '../../src/progress.js';
import { detailChunk, GEAR_ROWS, RIDE_ID, T0, YOGA_ID, ZONE_ROWS } from '../support/detail-rows.js';
import { deltaRs } from '../support/oracles.js';
import { outside, readFilesAsView, SparkSql } from '../support/spark-sql.js';

const CATALOG = 'spark_catalog';
const SCHEMA = 'strava_details';
/** A second ride, with a smaller id than RIDE_ID: it wins a tie. Its gear is never fetched. */
const RIDE2_ID = 11_223_344_550n;
const ctx = { runId: 'run-1', force: false };

let scratch: string;
let spark: SparkSql;
let store: FolderStore;
let engine: DatabricksEngine;

/**
 * A driver whose session is the local Spark: each statement as the engine sends it, with its
 * named parameters, except that read_files(...) becomes a view over the same file read with the
 * call's own options (schema included).
 */
function sparkClient(): DBSQLClientLike {
  let n = 0;
  const session: SessionLike = {
    async executeStatement(text, options) {
      const id = `spark-${++n}`;
      let sql = text;
      const standIn = readFilesAsView({ text }, `read_files_${n}`);
      if (standIn) {
        const { csv, replaced } = standIn;
        // The call is all that changes: the rest is the statement as the engine sent it.
        expect(
          outside(
            standIn.text,
            replaced.map((r) => r.now),
          ),
        ).toEqual(
          outside(
            text,
            replaced.map((r) => r.was),
          ),
        );
        await spark.csvView(csv.view, csv.path, csv.options);
        sql = standIn.text;
      }
      const rows = await spark.rows(sql, options?.namedParameters ?? {});
      return { id, fetchAll: async () => rows, close: async () => undefined };
    },
    close: async () => undefined,
  };
  return {
    connect: async () => undefined,
    openSession: async () => session,
    close: async () => undefined,
  };
}

const table = (def: TableDef) => qualifiedName(CATALOG, SCHEMA, def);

/** Cells as delta-rs gives them back in JSON: bigints as numbers. */
const plain = (row: Row) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
  );

/** The rows delta-rs reads from the table's folder, sorted by `keys`; checks the table's shape. */
async function read(def: TableDef, keys: string[]): Promise<Record<string, unknown>[]> {
  const view = await deltaRs(store.uri(def.path));
  expect(
    view.schema.map((f) => f.name),
    def.path,
  ).toEqual(def.columns.map((c) => c.name));
  expect(view.metadata.partitionColumns, def.path).toEqual([...def.partitionColumns]);
  expect(view.protocol, def.path).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  return sortBy(view.rows, keys);
}

function sortBy<T extends Record<string, unknown>>(rows: T[], keys: string[]): T[] {
  const cmp = (a: unknown, b: unknown) =>
    a === b ? 0 : a === null ? -1 : b === null ? 1 : (a as number) < (b as number) ? -1 : 1;
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const c = cmp(a[k], b[k]);
      if (c) return c;
    }
    return 0;
  });
}

const expected = (def: TableDef, rows: Row[], keys: string[]) =>
  sortBy(
    rows.map((r) => plain(r)),
    keys,
  ).map((r) => Object.fromEntries(def.columns.map((c) => [c.name, r[c.name] ?? null])));

async function insertSilver(
  id: bigint,
  name: string,
  sport: string,
  gear: string | null,
  distance: number,
  moving: number,
  manual: boolean,
) {
  await spark.sql(
    `INSERT INTO IDENTIFIER(:silver)
       (id, name, sport_type, type, start_date, start_date_local, timezone, distance,
        moving_time, elapsed_time, manual, private, gear_id, month)
     SELECT CAST(:id AS BIGINT), :name, :sport, :sport, timestamp_micros(CAST(:t AS BIGINT)),
        timestamp_micros(CAST(:t AS BIGINT)), '(GMT+00:00) Europe/London',
        CAST(:distance AS DOUBLE), CAST(:moving AS BIGINT), CAST(:moving AS BIGINT),
        CAST(:manual AS BOOLEAN), false, NULLIF(:gear, ''), '2024-05'`,
    {
      silver: table(SILVER),
      id: String(id),
      name,
      sport,
      t: String(T0),
      distance: String(distance),
      moving: String(moving),
      manual: String(manual),
      gear: gear ?? '',
    },
  );
}

function ride2(extra: Row = {}): ActivityDetailRows {
  const [ride] = detailChunk();
  return {
    activityId: RIDE2_ID,
    month: '2024-05',
    details: {
      ...ride!.details,
      activity_id: RIDE2_ID,
      summary_sha256: 'sha-ride2',
      gear_id: 'g999',
      lap_count: 0n,
      stream_samples: 0n,
      best_1km_s: 181.5, // the ride's own: a tie, won by the smaller id
      best_5min_watts: 240, // lower than the ride's 250.75
      best_20min_watts: 230,
      ...extra,
    },
    laps: [],
    streams: [],
  };
}

describe('the Databricks detail statements on Spark 4 + Delta 4, read back by delta-rs', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-details-'));
    store = new FolderStore(path.join(scratch, 'warehouse'));
    spark = await SparkSql.start(scratch);
    const config = {
      databricks: {
        host: 'spark.invalid',
        httpPath: '/sql/1.0/warehouses/local',
        token: 'none',
        catalog: CATALOG,
        schema: SCHEMA,
        tableLocation: 'external',
      },
    } as PipelineConfig;
    engine = new DatabricksEngine(
      config,
      store,
      { progress: silentProgress },
      { client: sparkClient() },
    );
  });

  afterAll(async () => {
    await spark?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('creates the tables and starts from an empty state', async () => {
    const state = await engine.detailState();
    expect(state.activities).toEqual([]);
    expect(state.fetched.size).toBe(0);
    expect(state.gearIds.size).toBe(0);
    for (const def of DETAIL_TABLES) {
      expect(fs.existsSync(path.join(store.root, def.path, '_delta_log')), def.path).toBe(true);
    }
    await insertSilver(RIDE_ID, 'Morning Ride', 'Ride', 'b12345', 25012.5, 3600, false);
    await insertSilver(YOGA_ID, 'Yoga', 'Yoga', null, 0, 1800, true);
    await insertSilver(RIDE2_ID, '', 'Ride', 'g999', 5000, 1500, false);
  });

  it('writes a chunk: every row given, and nothing else, in all five tables', async () => {
    const chunk = detailChunk();
    const result = await engine.writeDetails(
      { activities: chunk, gear: GEAR_ROWS, zones: ZONE_ROWS },
      ctx,
    );
    expect(result.changedMonths).toEqual(['2024-05']);
    expect(result.versions['silver/laps']).toBeTypeOf('number');

    const details = await read(ACTIVITY_DETAILS, ['activity_id']);
    expect(details).toEqual(
      expected(
        ACTIVITY_DETAILS,
        chunk.map((a) => a.details),
        ['activity_id'],
      ),
    );
    // '' and NULL stay apart through the CSV.
    expect(details.find((r) => r.activity_id === Number(RIDE_ID))?.description).toBe('');
    expect(details.find((r) => r.activity_id === Number(RIDE_ID))?.device_name).toBeNull();
    const laps = await read(LAPS, ['activity_id', 'lap_index']);
    expect(laps).toEqual(
      expected(
        LAPS,
        chunk.flatMap((a) => a.laps),
        ['activity_id', 'lap_index'],
      ),
    );
    expect(laps[0]?.name).toBe('Lap "one"\nfast');
    expect(await read(STREAMS, ['activity_id', 'sample_index'])).toEqual(
      expected(
        STREAMS,
        chunk.flatMap((a) => a.streams),
        ['activity_id', 'sample_index'],
      ),
    );
    expect(await read(GEAR, ['id'])).toEqual(expected(GEAR, GEAR_ROWS, ['id']));
    expect(await read(ATHLETE_ZONES, ['zone_type', 'zone_index'])).toEqual(
      expected(ATHLETE_ZONES, ZONE_ROWS, ['zone_type', 'zone_index']),
    );
  });

  it('changes nothing when the same chunk comes again, and leaves other activities alone', async () => {
    const again = await engine.writeDetails(
      { activities: detailChunk(), gear: GEAR_ROWS, zones: ZONE_ROWS },
      ctx,
    );
    expect(again.changedMonths).toEqual([]);
    // The second ride's details come from the account export (status archive).
    const changed = await engine.writeDetails(
      { activities: [ride2({ status: 'archive' })], gear: [] },
      ctx,
    );
    expect(changed.changedMonths).toEqual(['2024-05']);
    // The first chunk's laps and streams are still there.
    expect((await read(LAPS, ['activity_id', 'lap_index'])).length).toBe(2);
    expect((await read(STREAMS, ['activity_id', 'sample_index'])).length).toBe(6);
    expect((await read(ACTIVITY_DETAILS, ['activity_id'])).map((r) => r.activity_id)).toEqual([
      Number(RIDE2_ID),
      Number(RIDE_ID),
      Number(YOGA_ID),
    ]);
  });

  it('reads the state the phase needs, hashing silver as the embedded engine would', async () => {
    const state = await engine.detailState();
    expect(state.activities.map((a) => [a.id, a.month, a.manual, a.gearId])).toEqual([
      [RIDE2_ID, '2024-05', false, 'g999'],
      [RIDE_ID, '2024-05', false, 'b12345'],
      [YOGA_ID, '2024-05', true, null],
    ]);
    const ride = state.activities.find((a) => a.id === RIDE_ID);
    expect(ride?.startDateLocal).toBe(T0);
    // The embedded engine's silver row of the ride, as its Delta reader gives it.
    const embeddedRow = {
      id: RIDE_ID,
      name: 'Morning Ride',
      sport_type: 'Ride',
      type: 'Ride',
      workout_type: null,
      start_date: T0,
      start_date_local: T0,
      distance: 25012.5,
      moving_time: 3600n,
      elapsed_time: 3600n,
      total_elevation_gain: null,
      gear_id: 'b12345',
      manual: false,
      private: false,
      has_heartrate: null,
      device_watts: null,
    };
    expect(ride?.summarySha256).toBe(summarySha256(embeddedRow));
    expect(ride?.archiveSha256).toBe(archiveSummarySha256(embeddedRow));
    expect(state.fetched).toEqual(
      new Map([
        [RIDE2_ID, 'sha-ride2'],
        [RIDE_ID, `sha-${RIDE_ID}`],
        [YOGA_ID, `sha-${YOGA_ID}`],
      ]),
    );
    // sql/81 reads the status: only the export's row is archived.
    expect(state.archived).toEqual(new Set([RIDE2_ID]));
    expect(state.gearIds).toEqual(new Set(['b12345']));
  });

  it('computes the three gold tables for the month by the rules', async () => {
    expect(await engine.refreshDetailGold(['2024-05'], ctx)).toEqual(['2024-05']);
    expect(await read(GOLD_GEAR, ['gear_id', 'sport_type'])).toEqual([
      {
        month: '2024-05',
        gear_id: 'b12345',
        gear_name: 'Canyon Endurace',
        sport_type: 'Ride',
        activity_count: 1,
        distance: 25012.5,
        moving_time: 3600,
      },
      {
        month: '2024-05',
        gear_id: 'g999',
        gear_name: null,
        sport_type: 'Ride',
        activity_count: 1,
        distance: 5000,
        moving_time: 1500,
      },
    ]);
    // 119 -> zone 1 (1 s); 120 -> zone 2 (45 s capped at 30); 150 -> zone 3 (1 s); 130 at a
    // repeated time counts nothing; 200 -> the open zone 5 (last sample, 1 s); the sample without
    // heart rate counts nowhere. Every zone has its row, zone 4 with 0 s.
    expect(await read(GOLD_HR_ZONES, ['zone_index'])).toEqual(
      [
        [1, 0, 120, 1],
        [2, 120, 140, 30],
        [3, 140, 160, 1],
        [4, 160, 180, 0],
        [5, 180, null, 1],
      ].map(([zone_index, zone_min, zone_max, seconds]) => ({
        month: '2024-05',
        sport_type: 'Ride',
        zone_index,
        zone_min,
        zone_max,
        seconds,
      })),
    );
    expect(await read(GOLD_BESTS, ['effort'])).toEqual(
      sortBy(
        [
          // A tie on 1 km: the smaller activity id.
          { effort: '1km', value: 181.5, unit: 's', activity_id: Number(RIDE2_ID) },
          { effort: '5min', value: 250.75, unit: 'W', activity_id: Number(RIDE_ID) },
          { effort: '20min', value: 230, unit: 'W', activity_id: Number(RIDE2_ID) },
        ].map((r) => ({ month: '2024-05', sport_type: 'Ride', ...r })),
        ['effort'],
      ),
    );
    // Again: nothing differs, nothing is reported.
    expect(await engine.refreshDetailGold(['2024-05'], ctx)).toEqual([]);
  });

  it("replaces an activity's laps and streams with fewer", async () => {
    const [ride] = detailChunk();
    const fewer = { ...ride!, laps: ride!.laps.slice(0, 1), streams: ride!.streams.slice(0, 2) };
    await engine.writeDetails({ activities: [fewer], gear: [] }, ctx);
    expect(await read(LAPS, ['activity_id', 'lap_index'])).toEqual(
      expected(LAPS, fewer.laps, ['activity_id', 'lap_index']),
    );
    expect(await read(STREAMS, ['activity_id', 'sample_index'])).toEqual(
      expected(STREAMS, fewer.streams, ['activity_id', 'sample_index']),
    );
  });

  it('reconciles with silver: a deleted activity and a moved one leave the month', async () => {
    await spark.sql('DELETE FROM IDENTIFIER(:silver) WHERE id = CAST(:id AS BIGINT)', {
      silver: table(SILVER),
      id: String(YOGA_ID),
    });
    await spark.sql(
      `UPDATE IDENTIFIER(:silver) SET month = '2024-06' WHERE id = CAST(:id AS BIGINT)`,
      {
        silver: table(SILVER),
        id: String(RIDE2_ID),
      },
    );
    expect(await engine.reconcileDetails([])).toEqual(['2024-05']);
    expect((await read(ACTIVITY_DETAILS, ['activity_id'])).map((r) => r.activity_id)).toEqual([
      Number(RIDE_ID),
    ]);
    expect(new Set((await read(LAPS, ['activity_id'])).map((r) => r.activity_id))).toEqual(
      new Set([Number(RIDE_ID)]),
    );
    // Nothing left out of place: nothing to do.
    expect(await engine.reconcileDetails([])).toEqual([]);

    // Gold of every month: 2024-05 loses the moved ride's efforts and gear; 2024-06 gains its gear.
    expect(await engine.refreshDetailGold(undefined, ctx)).toEqual(['2024-05', '2024-06']);
    expect(
      (await read(GOLD_BESTS, ['effort'])).map((r) => [r.month, r.effort, r.activity_id]),
    ).toEqual([
      ['2024-05', '1km', Number(RIDE_ID)],
      ['2024-05', '5min', Number(RIDE_ID)],
    ]);
    expect((await read(GOLD_GEAR, ['month', 'gear_id'])).map((r) => [r.month, r.gear_id])).toEqual([
      ['2024-05', 'b12345'],
      ['2024-06', 'g999'],
    ]);
    expect(engine.detailStatements.length).toBeGreaterThan(20);
  });
});
