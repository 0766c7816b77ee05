/**
 * The Databricks engine's detail methods against the driver stand-in (no warehouse here): the
 * statements each method sends (files, text, parameters, order), the landed CSV files (content-
 * addressed keys, the cell rules), and how results come back (state, months, versions). What the
 * statements do to real tables is test/interop/databricks-details.test.ts's part.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../../src/config.js';
import { detailQueue } from '../../../src/details/queue.js';
import { archiveSummarySha256, summarySha256 } from '../../../src/details/summary-hash.js';
import { QualityError } from '../../../src/errors.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { sha256Hex } from '../../../src/landing/land.js';
import { detailCsv, detailLandingKey } from '../../../src/lakehouse/databricks/detail-landing.js';
import { idsLiteral, monthsLiteral } from '../../../src/lakehouse/databricks/detail-statements.js';
import { DatabricksEngine } from '../../../src/lakehouse/databricks/engine.js';
import {
  ACTIVITY_DETAILS,
  DETAIL_TABLES,
  LAPS,
  STREAMS,
} from '../../../src/lakehouse/detail-tables.js';
import { silentProgress } from '../../../src/progress.js';
import { detailChunk, GEAR_ROWS, RIDE_ID, YOGA_ID, ZONE_ROWS } from '../../support/detail-rows.js';
import { FakeDriver } from '../databricks/fake-driver.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ctx = { runId: 'run-1', force: false };
const DDL = [
  'sql/00_create_schema.sql',
  'sql/02_create_silver.sql',
  'sql/40_create_activity_details.sql',
  'sql/41_create_laps.sql',
  'sql/42_create_streams.sql',
  'sql/43_create_gear.sql',
  'sql/44_create_athlete_zones.sql',
  'sql/45_create_gold_gear.sql',
  'sql/46_create_gold_hr_zones.sql',
  'sql/47_create_gold_bests.sql',
];

function setup(
  rows: (statement: string) => object[] = (s) =>
    s.includes('MERGE INTO') ? [{ num_affected_rows: 3 }] : [],
  tableLocation: 'external' | 'managed' = 'external',
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'databricks-details-'));
  dirs.push(root);
  const store = new FolderStore(root);
  const config = {
    databricks: {
      host: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      httpPath: '/sql/1.0/warehouses/abc123',
      token: 'dapi-test',
      catalog: 'main',
      schema: 'strava',
      tableLocation,
    },
  } as PipelineConfig;
  const driver = new FakeDriver({ rows });
  const engine = new DatabricksEngine(
    config,
    store,
    { progress: silentProgress },
    { client: driver.client },
  );
  /** The sql/ file of each detail statement sent, from the engine's records. */
  const files = () => engine.detailStatements.map((s) => s.file);
  return { root, store, driver, engine, files };
}

const fileOf = (text: string) => /MERGE INTO IDENTIFIER\(:(\w+)\)/.exec(text)?.[1];

describe('DatabricksEngine.writeDetails', () => {
  it('lands one content-addressed CSV per table, then merges laps, streams, details, gear, zones', async () => {
    const { root, store, driver, engine, files } = setup();
    const result = await engine.writeDetails(
      { activities: detailChunk(), gear: GEAR_ROWS, zones: ZONE_ROWS },
      ctx,
    );

    expect(files()).toEqual([
      ...DDL,
      'sql/51_merge_laps.sql',
      'sql/52_merge_streams.sql',
      'sql/50_merge_activity_details.sql',
      'sql/53_merge_gear.sql',
      'sql/54_merge_athlete_zones.sql',
    ]);
    const landed = (await store.list('landing/details/')).map((o) => o.key);
    expect(landed).toHaveLength(5);
    for (const key of landed) {
      const m = /^landing\/details\/(\w+)\/(\w+)-([0-9a-f]{16})\.csv$/.exec(key);
      expect(m?.[1], key).toBe(m?.[2]);
      const bytes = fs.readFileSync(path.join(root, key));
      expect(sha256Hex(bytes).slice(0, 16), key).toBe(m?.[3]);
    }
    // Each MERGE reads its table's file through read_files at the file's warehouse URI.
    const merges = driver.executed.filter((e) => e.statement.includes('MERGE INTO'));
    expect(merges.map((e) => fileOf(e.statement))).toEqual([
      'laps',
      'streams',
      'activity_details',
      'gear',
      'athlete_zones',
    ]);
    for (const e of merges) {
      const table = fileOf(e.statement) as string;
      const uri = /read_files\(\s*'([^']+)'/.exec(e.statement)?.[1] as string;
      expect(uri.startsWith(store.uri(`landing/details/${table}/${table}-`)), table).toBe(true);
      expect(landed.map((k) => store.uri(k))).toContain(uri);
    }
    // Laps and streams of exactly the chunk's activities are replaced; parameters are the tables.
    const [laps, streams, details] = merges;
    expect(laps?.statement).toContain(
      `WHEN NOT MATCHED BY SOURCE AND t.\`activity_id\` IN (${RIDE_ID}, ${YOGA_ID}) THEN DELETE`,
    );
    expect(streams?.statement).toContain(`IN (${RIDE_ID}, ${YOGA_ID})`);
    expect(laps?.options?.namedParameters).toEqual({ laps: '`main`.`strava`.`silver_laps`' });
    expect(details?.options?.namedParameters).toEqual({
      activity_details: '`main`.`strava`.`silver_activity_details`',
    });
    expect(details?.statement).not.toContain('NOT MATCHED BY SOURCE');
    expect(result.changedMonths).toEqual(['2024-05']);
    expect(Object.keys(result.versions).sort()).toEqual(DETAIL_TABLES.map((d) => d.path).sort());
  });

  it('writes the same chunk to the same files, runs the DDL once, and reports no change when nothing changed', async () => {
    let affected = 2;
    const { store, engine, files } = setup((s) =>
      s.includes('MERGE INTO') ? [{ num_affected_rows: affected }] : [],
    );
    await engine.writeDetails({ activities: detailChunk(), gear: [] }, ctx);
    const first = (await store.list('landing/details/')).map((o) => o.key);
    affected = 0;
    const again = await engine.writeDetails({ activities: detailChunk(), gear: [] }, ctx);
    expect((await store.list('landing/details/')).map((o) => o.key)).toEqual(first);
    expect(first).toHaveLength(3); // no gear, no zones given: those tables are not written
    expect(files().filter((f) => DDL.includes(f))).toEqual(DDL);
    expect(files().slice(DDL.length)).toEqual(
      [1, 2].flatMap(() => [
        'sql/51_merge_laps.sql',
        'sql/52_merge_streams.sql',
        'sql/50_merge_activity_details.sql',
      ]),
    );
    expect(again.changedMonths).toEqual([]);
  });

  it('lands null as an empty cell and the empty string as "", longs and timestamps as integers', () => {
    const [ride] = detailChunk();
    const csv = detailCsv(LAPS, ride?.laps ?? []);
    const [header, first] = csv.split('\n');
    expect(header).toBe(LAPS.columns.map((c) => `"${c.name}"`).join(','));
    expect(first).toMatch(/^"11223344556","1","901","Lap ""one""$/);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records[0]?.name).toBe('Lap "one"\nfast');
    expect(records[0]?.start_date).toBe(String(ride?.laps[0]?.start_date));
    expect(records[0]?.device_watts).toBe('true');
    // The raw text: a null cell is empty and unquoted; '' is quoted.
    const details = detailCsv(ACTIVITY_DETAILS, [ride?.details ?? {}]);
    const line = details.split('\n')[1] as string;
    expect(line).toContain(',"fetched",');
    expect(line).toMatch(/,"","812.4",,"b12345",/); // description '', calories, device_name null
  });

  it('names the key by the bytes: other rows, another name', () => {
    const [ride] = detailChunk();
    const a = new TextEncoder().encode(detailCsv(STREAMS, ride?.streams ?? []));
    const b = new TextEncoder().encode(detailCsv(STREAMS, (ride?.streams ?? []).slice(1)));
    expect(detailLandingKey(STREAMS, a)).toBe(
      `landing/details/streams/streams-${sha256Hex(a).slice(0, 16)}.csv`,
    );
    expect(detailLandingKey(STREAMS, b)).not.toBe(detailLandingKey(STREAMS, a));
  });

  it('refuses a cell of the wrong type before anything is landed or sent', async () => {
    const { store, driver, engine } = setup();
    const [ride] = detailChunk();
    const bad = { ...ride!, laps: [{ ...ride!.laps[0]!, lap_index: 'one' }] };
    await expect(engine.writeDetails({ activities: [bad], gear: [] }, ctx)).rejects.toThrow(
      QualityError,
    );
    await expect(engine.writeDetails({ activities: [bad], gear: [] }, ctx)).rejects.toThrow(
      /silver\/laps row's lap_index \("one"\) is not a long/,
    );
    // NUL alone is the readers' nullValue: it would come back as NULL, so it is refused too.
    const nul = { ...ride!, details: { ...ride!.details, description: '\u0000' } };
    await expect(engine.writeDetails({ activities: [nul], gear: [] }, ctx)).rejects.toThrow(
      /description \("\\u0000"\) is the NUL character alone/,
    );
    expect(driver.executed).toEqual([]);
    expect(await store.list('landing/details/')).toEqual([]);
  });
});

describe('DatabricksEngine.detailState', () => {
  it('reads silver, the fetched hashes and the gear ids, and hashes each summary as the embedded rows would', async () => {
    const silverRow = {
      id: '11223344556',
      month: '2024-05',
      name: 'Morning Ride',
      sport_type: 'Ride',
      type: 'Ride',
      workout_type: null,
      start_date: '1714806000000000',
      start_date_local: '1714813200000000',
      distance: 25012.5,
      moving_time: '3600',
      elapsed_time: '3700',
      total_elevation_gain: 120,
      gear_id: 'b12345',
      manual: false,
      private: true,
      has_heartrate: true,
      device_watts: false,
    };
    const { driver, engine, files } = setup((s) => {
      if (s.includes('unix_micros(`start_date_local`)')) return [silverRow];
      if (s.includes('`summary_sha256`, `status`\nFROM'))
        return [{ activity_id: '11223344556', summary_sha256: 'abc', status: 'fetched' }];
      if (s.includes('SELECT `id` FROM IDENTIFIER(:gear)')) return [{ id: 'b12345' }];
      return [];
    });
    const state = await engine.detailState();
    expect(files()).toEqual([
      ...DDL,
      'sql/80_detail_state_silver.sql',
      'sql/81_detail_state_fetched.sql',
      'sql/82_detail_state_gear.sql',
    ]);
    // The embedded engine's silver row of the same activity: longs and timestamps as bigint.
    const embeddedRow = {
      ...silverRow,
      id: 11223344556n,
      start_date: 1714806000000000n,
      start_date_local: 1714813200000000n,
      moving_time: 3600n,
      elapsed_time: 3700n,
    };
    expect(state.activities).toEqual([
      {
        id: 11223344556n,
        month: '2024-05',
        summarySha256: summarySha256(embeddedRow),
        archiveSha256: archiveSummarySha256(embeddedRow),
        manual: false,
        private: true,
        gearId: 'b12345',
        startDateLocal: 1714813200000000n,
      },
    ]);
    expect(summarySha256({ ...embeddedRow, distance: 1 })).not.toBe(
      state.activities[0]?.summarySha256,
    );
    expect(state.fetched).toEqual(new Map([[11223344556n, 'abc']]));
    expect(state.archived).toEqual(new Set());
    expect(state.gearIds).toEqual(new Set(['b12345']));
    expect(state.zonesFetchedAt).toBeUndefined();
    expect(driver.executed.at(-3)?.options?.namedParameters).toEqual({
      silver: '`main`.`strava`.`silver_activities`',
    });
  });

  it("reads each row's status, so the queue keeps the archive's details by their archive hash", async () => {
    // Two activities whose silver rows are the API's; both hold the archive hash of an export
    // that agrees with the API's on every field it fills, one as `archive`, one as `fetched`.
    const api = (id: string, name: string) => ({
      id,
      month: '2024-05',
      name,
      sport_type: 'Run',
      type: 'Run',
      workout_type: '0',
      start_date: '1714806000000000',
      start_date_local: '1714813200000000',
      distance: 10012.3,
      moving_time: '3000',
      elapsed_time: '3100',
      total_elevation_gain: 42.1,
      gear_id: 'g1',
      manual: false,
      private: false,
      has_heartrate: true,
      device_watts: null,
    });
    const archiveRow = (id: bigint, name: string) => ({
      id,
      name,
      sport_type: 'Run',
      start_date: 1714806000000000n,
      start_date_local: 1714813200000000n,
      distance: Math.fround(10012.3),
      moving_time: 3000n,
      elapsed_time: 3100n,
      total_elevation_gain: Math.fround(42.1),
      manual: false,
      has_heartrate: true,
    });
    const held = [
      {
        activity_id: '501',
        summary_sha256: archiveSummarySha256(archiveRow(501n, 'Tempo')),
        status: 'archive',
      },
      {
        activity_id: '502',
        summary_sha256: archiveSummarySha256(archiveRow(502n, 'Easy')),
        status: 'fetched',
      },
      // Imported, then renamed on Strava: the API's name is not the export's.
      {
        activity_id: '503',
        summary_sha256: archiveSummarySha256(archiveRow(503n, 'Hills')),
        status: 'archive',
      },
    ];
    const { engine } = setup((s) => {
      if (s.includes('unix_micros(`start_date_local`)'))
        return [api('501', 'Tempo'), api('502', 'Easy'), api('503', 'Hills, renamed')];
      if (s.includes('`summary_sha256`, `status`\nFROM')) return held;
      return [];
    });
    const state = await engine.detailState();
    expect(state.archived).toEqual(new Set([501n, 503n]));
    expect(state.activities.map((a) => a.summarySha256)).not.toContain(held[0]!.summary_sha256);
    expect(detailQueue(state).map((a) => a.id)).toEqual([503n, 502n]);
  });
});

describe('DatabricksEngine.reconcileDetails', () => {
  it('asks which months change, then deletes in the three per-activity tables', async () => {
    const { engine, files } = setup((s) =>
      s.includes('LEFT ANTI JOIN') ? [{ month: '2024-04' }, { month: '2024-05' }] : [],
    );
    expect(await engine.reconcileDetails([])).toEqual(['2024-04', '2024-05']);
    expect(files().slice(DDL.length)).toEqual([
      'sql/60_reconcile_months.sql',
      'sql/61_reconcile_activity_details.sql',
      'sql/62_reconcile_laps.sql',
      'sql/63_reconcile_streams.sql',
    ]);
  });

  it('sends no delete when nothing is out of place', async () => {
    const { engine, files } = setup(() => []);
    expect(await engine.reconcileDetails([])).toEqual([]);
    expect(files().slice(DDL.length)).toEqual(['sql/60_reconcile_months.sql']);
  });
});

describe('DatabricksEngine.refreshDetailGold', () => {
  it('recomputes the named months, as checked literals in the text', async () => {
    const { driver, engine, files } = setup();
    expect(await engine.refreshDetailGold(['2024-05', '2024-04'], ctx)).toEqual([
      '2024-04',
      '2024-05',
    ]);
    expect(files().slice(DDL.length)).toEqual([
      'sql/70_gold_gear.sql',
      'sql/71_gold_hr_zones.sql',
      'sql/72_gold_bests.sql',
    ]);
    for (const e of driver.executed.slice(-3)) {
      expect(e.statement).toContain("t.`month` IN ('2024-04', '2024-05') THEN DELETE");
    }
    expect(driver.executed.at(-1)?.options?.namedParameters).toEqual({
      gold_bests: '`main`.`strava`.`gold_best_efforts_monthly`',
      activity_details: '`main`.`strava`.`silver_activity_details`',
      silver: '`main`.`strava`.`silver_activities`',
    });
  });

  it('with no months named, finds every month first', async () => {
    const { driver, engine, files } = setup((s) =>
      s.includes('UNION\nSELECT `month`') ? [{ month: '2024-03' }, { month: '2024-05' }] : [],
    );
    // No MERGE changed a row: no month reported.
    expect(await engine.refreshDetailGold(undefined, ctx)).toEqual([]);
    expect(files().slice(DDL.length)).toEqual([
      'sql/73_gold_detail_months.sql',
      'sql/70_gold_gear.sql',
      'sql/71_gold_hr_zones.sql',
      'sql/72_gold_bests.sql',
    ]);
    expect(driver.executed.at(-1)?.statement).toContain("IN ('2024-03', '2024-05')");
  });

  it('refuses a month that is not YYYY-MM, and ids that are not integers, before sending', () => {
    expect(() => monthsLiteral(["2024-05') OR ('1"])).toThrow(/is not a month/);
    expect(() => monthsLiteral([])).toThrow();
    expect(idsLiteral([1n, 22n])).toBe('1, 22');
    expect(() => idsLiteral([-1n])).toThrow(/is not an id/);
  });
});

describe('DatabricksEngine.detailVersions', () => {
  it('reads external tables’ Delta logs under the warehouse', async () => {
    const { root, engine } = setup();
    const dir = path.join(root, 'silver/streams/_delta_log');
    fs.mkdirSync(dir, { recursive: true });
    for (const v of [0, 1, 2])
      fs.writeFileSync(path.join(dir, `${String(v).padStart(20, '0')}.json`), '{}\n');
    const versions = await engine.detailVersions();
    expect(versions['silver/streams']).toBe(2);
    expect(versions['silver/laps']).toBeNull();
  });

  it('reports none for managed tables, whose DDL has no LOCATION', async () => {
    const { driver, engine } = setup(undefined, 'managed');
    expect(Object.values(await engine.detailVersions())).toEqual(DETAIL_TABLES.map(() => null));
    await engine.reconcileDetails([]);
    const creates = driver.executed.filter((e) => e.statement.includes('CREATE TABLE'));
    expect(creates).toHaveLength(9);
    for (const e of creates) expect(e.statement).not.toContain('LOCATION');
  });
});
