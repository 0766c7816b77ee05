/**
 * Shared helpers for the pipeline-level suites (unit, s3, interop): a Strava simulator serving
 * an athlete with the secrets it hands out recorded, a config for a simulator + warehouse, the
 * bundled CLI run as a child process, and the warehouse's tables as comparable data (rows sorted
 * by key, live partition files, log versions, files on storage that no commit references).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { buildConfig, type PipelineConfig } from '../../src/config.js';
import { CLI_LABELS } from '../../src/cli/inputs.js';
import { runPipeline, type PipelineDeps, type PipelineResult } from '../../src/pipeline.js';
import type { ObjectStore } from '../../src/landing/store.js';
import type { Progress } from '../../src/progress.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { listLog, readCommit } from '../../src/lakehouse/delta/log.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import { startSimulator, recordedActivities, type Simulator } from '../../src/simulator/index.js';
import type { SimulatorOptions } from '../../src/simulator/server.js';
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
import { ARCHIVE_ACTIVITIES } from '../../src/lakehouse/archive-table.js';
import { addMonths } from '../../src/strava/months.js';
import { SPARK_TYPE, type StravaActivity } from '../../src/strava/schema.js';
import { FolderStore } from '../../src/landing/folder.js';
import { deltaRs } from './oracles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Secret-looking credentials, so a leak would be unmistakable in a scan. */
const CLIENT = {
  clientId: '31337',
  clientSecret: 'client-secret-9f3c2a71d04e4b5f8a6e1c0b7d2f9e34',
  refreshToken: 'first-refresh-token-3e8d1c5a9b7f4e2d6c0a8b1f5e3d7c9a',
} as const;

/** A simulator serving one athlete, with every secret it has given out kept for leak scans. */
export interface Athlete {
  sim: Simulator;
  /** The token file runs against this simulator share: Strava rotates on every refresh. */
  tokenFile: string;
  /** A fetch for in-process runs that notes the tokens in every OAuth answer. */
  fetch: typeof fetch;
  /** Notes the simulator's newest tokens (call after a CLI run, whose fetch is not ours). */
  noteTokens(): void;
  /** The client secret and every refresh and access token seen so far. */
  secrets(): string[];
  close(): Promise<void>;
}

export async function startAthlete(
  activities: StravaActivity[] = recordedActivities(),
  simOptions: Omit<SimulatorOptions, 'activities' | keyof typeof CLIENT> = {},
): Promise<Athlete> {
  const sim = await startSimulator({ ...simOptions, activities, ...CLIENT });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-token-'));
  const seen = new Set<string>([CLIENT.clientSecret, CLIENT.refreshToken]);
  const noteTokens = () => {
    for (const t of [sim.state.refreshToken, sim.state.accessToken]) if (t) seen.add(t);
  };
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await globalThis.fetch(input, init);
    if (String(input).includes('/oauth/token')) {
      const body = (await res
        .clone()
        .json()
        .catch(() => ({}))) as Record<string, unknown>;
      for (const k of ['access_token', 'refresh_token']) {
        if (typeof body[k] === 'string') seen.add(body[k]);
      }
    }
    return res;
  };
  return {
    sim,
    tokenFile: path.join(dir, 'refresh-token'),
    fetch: recordingFetch,
    noteTokens,
    secrets: () => {
      noteTokens();
      for (const r of sim.state.requests) if (r.refreshToken) seen.add(r.refreshToken);
      return [...seen];
    },
    close: async () => {
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export type Range = { month: string } | { from: string; to: string };

/**
 * Options of a run in the suites. Details are off unless `details` is set: most suites are
 * about the list and the three tables, and the detail phase has suites of its own.
 */
export interface RunOptions {
  force?: boolean;
  s3Endpoint?: string;
  lookback?: number;
  details?: boolean;
  maxRequests?: number;
  privacyRadius?: number;
  noCoordinates?: boolean;
  includePrivate?: boolean;
}

/**
 * The config the CLI would build for `athlete` and `warehouse` (a folder or s3://). A run of one
 * month re-checks no earlier month unless `lookback` says so: most suites are about one month.
 */
export function pipelineConfig(
  athlete: Athlete,
  warehouse: string,
  range: Range,
  opts: RunOptions = {},
): PipelineConfig {
  return buildConfig(
    {
      ...range,
      warehouse,
      force: opts.force ?? false,
      ...('month' in range ? { lookback: String(opts.lookback ?? 0) } : {}),
      ...CLIENT,
      apiUrl: athlete.sim.url,
      tokenFile: athlete.tokenFile,
      s3Endpoint: opts.s3Endpoint,
      noDetails: !opts.details,
      ...(opts.maxRequests !== undefined ? { maxRequests: String(opts.maxRequests) } : {}),
      ...(opts.privacyRadius !== undefined ? { privacyRadius: String(opts.privacyRadius) } : {}),
      noCoordinates: opts.noCoordinates ?? false,
      includePrivate: opts.includePrivate ?? false,
    },
    CLI_LABELS,
  );
}

/** runPipeline in this process, through the athlete's recording fetch. */
export function runIn(
  athlete: Athlete,
  warehouse: string,
  range: Range,
  opts: RunOptions & { deps?: PipelineDeps } = {},
): Promise<PipelineResult> {
  return runPipeline(pipelineConfig(athlete, warehouse, range, opts), {
    fetch: athlete.fetch,
    ...opts.deps,
  });
}

/** The environment a CLI child process needs to reach `athlete` (AWS settings come from `extra`). */
export function cliEnv(athlete: Athlete, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' };
  return {
    ...env,
    STRAVA_CLIENT_ID: CLIENT.clientId,
    STRAVA_CLIENT_SECRET: CLIENT.clientSecret,
    STRAVA_REFRESH_TOKEN: CLIENT.refreshToken,
    STRAVA_API_URL: athlete.sim.url,
    STRAVA_TOKEN_FILE: athlete.tokenFile,
    ...extra,
  };
}

/**
 * Builds the bundle with scripts/bundle.mjs, as dist/ is built, into a fresh temporary folder (so
 * other work on dist/ cannot disturb the test). Returns the folder; the CLI is `<folder>/cli.js`.
 * Remove the folder when done.
 */
export async function bundleCli(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-cli-'));
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs'), dir]);
  return dir;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The preload that SIGKILLs the CLI just before it writes a chosen Delta log entry. */
const CRASH_PRELOAD = fileURLToPath(new URL('./crash-before-commit.mjs', import.meta.url));

/**
 * Runs the bundled CLI (`run` and `backfill` with --no-details unless `details`). With `crashBeforeCommit` (a table path such as 'silver/activities'),
 * the process is killed with SIGKILL at the moment it would write that table's next log entry:
 * after the transaction's data files are on storage, before its commit exists.
 */
export function runCli(
  bundle: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { crashBeforeCommit?: string; details?: boolean } = {},
): Promise<CliResult> {
  // As with runIn: `run` and `backfill` skip details unless the test is about them.
  if ((args[0] === 'run' || args[0] === 'backfill') && !opts.details) {
    // Right after the command, so a flag the test leaves without a value stays last.
    args = [args[0], '--no-details', ...args.slice(1)];
  }
  const nodeArgs = opts.crashBeforeCommit ? ['--import', CRASH_PRELOAD] : [];
  const childEnv = opts.crashBeforeCommit
    ? { ...env, CRASH_BEFORE_COMMIT: `${opts.crashBeforeCommit}/_delta_log/` }
    : env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(bundle, 'cli.js'), ...args], {
      env: childEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Rows as plain JSON values (bigints as numbers; every id and epoch-micro time fits). */
export function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
    ),
  );
}

/** `rows` sorted by the values of `keys`. */
export function sortedBy<T extends Record<string, unknown>>(rows: T[], keys: string[]): T[] {
  const key = (r: T) => JSON.stringify(keys.map((k) => String(r[k])));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Each table's natural key, to sort its rows by. */
export const ROW_KEYS: Record<string, string[]> = {
  [BRONZE.path]: ['_landing_file', 'id'],
  [SILVER.path]: ['id'],
  [GOLD.path]: ['month', 'sport_type'],
  [ACTIVITY_DETAILS.path]: ['activity_id'],
  [LAPS.path]: ['activity_id', 'lap_index'],
  [STREAMS.path]: ['activity_id', 'sample_index'],
  [GEAR.path]: ['id'],
  [ATHLETE_ZONES.path]: ['zone_type', 'zone_index'],
  [GOLD_GEAR.path]: ['month', 'gear_id', 'sport_type'],
  [GOLD_HR_ZONES.path]: ['month', 'sport_type', 'zone_index'],
  [GOLD_BESTS.path]: ['month', 'sport_type', 'effort'],
  [ARCHIVE_ACTIVITIES.path]: ['id'],
};

/**
 * Every detail table's rows, sorted by key, without `fetched_at` (it names the moment of the
 * run, so it differs between equivalent runs); table path -> rows.
 */
export async function detailContent(store: ObjectStore): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const def of DETAIL_TABLES) {
    const { rows } = await tableState(store, def);
    out[def.path] = rows.map((r) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'fetched_at')),
    );
  }
  return out;
}

/** Bronze's lineage columns: they name the run, so they differ between equivalent runs. */
const BRONZE_LINEAGE = ['_ingested_at', '_run_id'];

export interface TableState {
  version: number | null;
  /** Live data files (as in the log), sorted. */
  files: string[];
  /** Partition month -> number of live files. */
  filesPerMonth: Record<string, number>;
  /** Live rows as plain values, sorted by the table's key. */
  rows: Record<string, unknown>[];
}

export async function tableState(store: ObjectStore, def: TableDef): Promise<TableState> {
  const table = new DeltaTable(store, def);
  const snap = await table.snapshot();
  const files = snap?.files ?? [];
  const filesPerMonth: Record<string, number> = {};
  for (const f of files) {
    const m = f.partitionValues.month ?? '';
    filesPerMonth[m] = (filesPerMonth[m] ?? 0) + 1;
  }
  return {
    version: snap ? snap.version : null,
    files: files.map((f) => f.path).sort(),
    filesPerMonth,
    rows: sortedBy(plain(await table.readRows(files)), ROW_KEYS[def.path]!),
  };
}

export interface WarehouseState {
  bronze: TableState;
  silver: TableState;
  gold: TableState;
}

export async function warehouseState(store: ObjectStore): Promise<WarehouseState> {
  const [bronze, silver, gold] = await Promise.all(
    [BRONZE, SILVER, GOLD].map((def) => tableState(store, def)),
  );
  return { bronze: bronze!, silver: silver!, gold: gold! };
}

/** What two equivalent runs must share: rows (bronze without lineage) and files per month. */
export function contentOf(state: WarehouseState) {
  const withoutLineage = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !BRONZE_LINEAGE.includes(k)));
  return {
    bronze: state.bronze.rows.map(withoutLineage),
    silver: state.silver.rows,
    gold: state.gold.rows,
    silverFilesPerMonth: state.silver.filesPerMonth,
    goldFilesPerMonth: state.gold.filesPerMonth,
  };
}

/** The commit versions in a table's log, ascending. */
export async function logVersions(store: ObjectStore, def: TableDef): Promise<number[]> {
  return (await listLog(store, def.path)).commits;
}

/** Every data file (parquet) on storage under the table, relative to it, sorted. */
export async function dataFilesOnStorage(store: ObjectStore, def: TableDef): Promise<string[]> {
  const prefix = `${def.path}/`;
  return (await store.list(prefix))
    .map((o) => o.key.slice(prefix.length))
    .filter((k) => !k.startsWith('_delta_log/') && k.endsWith('.parquet'))
    .sort();
}

/** Every data file any commit in the log ever added (paths decoded), sorted. */
export async function filesEverAdded(store: ObjectStore, def: TableDef): Promise<string[]> {
  const added = new Set<string>();
  for (const v of await logVersions(store, def)) {
    for (const a of (await readCommit(store, def.path, v)) ?? []) {
      if (a.add) added.add(decodeURI(a.add.path));
    }
  }
  return [...added].sort();
}

/** Data files on storage that no commit references: what a crash or a lost race leaves. */
export async function orphanFiles(store: ObjectStore, def: TableDef): Promise<string[]> {
  const added = new Set(await filesEverAdded(store, def));
  return (await dataFilesOnStorage(store, def)).filter((f) => !added.has(f));
}

/** The activities whose local start falls in `month`, computed here from the raw records. */
export function activitiesIn(activities: StravaActivity[], month: string): StravaActivity[] {
  return activities.filter((a) => {
    const local = new Date(a.start_date_local);
    const m = `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
    return m === month;
  });
}

/** Silver rows' ids, as numbers, sorted. */
export const idsOf = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Number(r.id)).sort((a, b) => a - b);

/** Every file under a folder, recursively (for scans). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

export interface SportTotals {
  activity_count: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
}

/** Per sport_type totals of one local month, summed here from the raw records. */
export function monthTotals(activities: StravaActivity[], month: string): Map<string, SportTotals> {
  const out = new Map<string, SportTotals>();
  for (const a of activitiesIn(activities, month)) {
    const t = out.get(a.sport_type) ?? {
      activity_count: 0,
      distance: 0,
      moving_time: 0,
      elapsed_time: 0,
      total_elevation_gain: 0,
    };
    t.activity_count += 1;
    t.distance += a.distance;
    t.moving_time += a.moving_time;
    t.elapsed_time += a.elapsed_time;
    t.total_elevation_gain += (a.total_elevation_gain as number | undefined) ?? 0;
    out.set(a.sport_type, t);
  }
  return out;
}

/** The activities of the given local months: what silver holds after running just those. */
export function activitiesInMonths(
  activities: StravaActivity[],
  months: string[],
): StravaActivity[] {
  return months.flatMap((m) => activitiesIn(activities, m));
}

/**
 * Checks gold rows (plain values) for `months` against sums computed here from `silver`, the
 * raw records of the months the warehouse holds: one row per sport that month, its totals, and
 * the change from the same sport's previous month.
 */
export function expectGold(
  gold: Record<string, unknown>[],
  silver: StravaActivity[],
  months: string[],
): void {
  for (const month of months) {
    const rows = gold.filter((r) => r.month === month);
    const totals = monthTotals(silver, month);
    const before = monthTotals(silver, addMonths(month, -1));
    expect(rows.map((r) => r.sport_type).sort(), month).toEqual([...totals.keys()].sort());
    for (const row of rows) {
      const sport = row.sport_type as string;
      const t = totals.get(sport)!;
      const p = before.get(sport);
      const where = `${month} ${sport}`;
      expect(row.activity_count, where).toBe(t.activity_count);
      expect(row.distance as number, where).toBeCloseTo(t.distance, 6);
      expect(row.moving_time, where).toBe(t.moving_time);
      expect(row.elapsed_time, where).toBe(t.elapsed_time);
      expect(row.total_elevation_gain as number, where).toBeCloseTo(t.total_elevation_gain, 6);
      expect(row.prev_activity_count, where).toBe(p ? p.activity_count : null);
      expect(row.prev_moving_time, where).toBe(p ? p.moving_time : null);
      expect(row.activity_count_change, where).toBe(p ? t.activity_count - p.activity_count : null);
      if (p) {
        expect(row.prev_distance as number, where).toBeCloseTo(p.distance, 6);
        expect(row.distance_change as number, where).toBeCloseTo(t.distance - p.distance, 6);
      } else {
        expect(row.prev_distance, where).toBeNull();
        expect(row.distance_change, where).toBeNull();
      }
    }
  }
}

/** Who wrote each version of a table's log: commitInfo's runId and readVersion, by version. */
export async function commitAuthors(
  store: ObjectStore,
  def: TableDef,
): Promise<{ version: number; runId: unknown; readVersion: unknown }[]> {
  const out = [];
  for (const version of await logVersions(store, def)) {
    const info = (await readCommit(store, def.path, version))?.find(
      (a) => a.commitInfo,
    )?.commitInfo;
    out.push({
      version,
      runId: info?.runId,
      readVersion: info?.readVersion,
    });
  }
  return out;
}

/** The commits a run says it made, from its progress lines (`silver: replaced 1 month(s), version 3`). */
export function claimedCommits(lines: string[]): { table: string; version: number }[] {
  const tables: Record<string, string> = {
    bronze: BRONZE.path,
    silver: SILVER.path,
    gold: GOLD.path,
  };
  return lines.flatMap((line) => {
    const m = /^(bronze|silver|gold): .*, version (\d+)$/.exec(line.trim());
    return m ? [{ table: tables[m[1]!]!, version: Number(m[2]) }] : [];
  });
}

/** Progress that keeps every line, for claimedCommits. */
export function recordingProgress(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    update: (m) => lines.push(m),
    group: (_name, fn) => fn(),
  };
}

/** A run's id and its progress lines (which name the versions it committed). */
export interface Racer {
  runId: string;
  lines: string[];
}

/**
 * After runs that raced: every table's log is versions 0..n, each commit read from the one
 * before, and each claimed by exactly the run that wrote it: no gap, nothing overwritten.
 */
export async function expectCleanLogs(store: ObjectStore, racers: Racer[]): Promise<void> {
  for (const def of [BRONZE, SILVER, GOLD]) {
    const authors = await commitAuthors(store, def);
    expect(
      authors.map((a) => a.version),
      def.path,
    ).toEqual(authors.map((_, i) => i));
    expect(
      authors.map((a) => a.readVersion),
      def.path,
    ).toEqual(authors.map((_, i) => (i === 0 ? undefined : i - 1)));
    const claims = racers
      .flatMap((r) =>
        claimedCommits(r.lines)
          .filter((c) => c.table === def.path)
          .map((c) => ({ version: c.version, runId: r.runId })),
      )
      .sort((x, y) => x.version - y.version);
    expect(claims, def.path).toEqual(authors.map((a) => ({ version: a.version, runId: a.runId })));
  }
}

/**
 * A table of a folder warehouse as delta-rs and the embedded reader give it: delta-rs's rows
 * sorted by the table's key (`rs`) beside ours, its partitioning and schema checked against the
 * table's definition, and its protocol for the caller to check.
 */
export async function deltaRsBesideOurs(def: TableDef, warehouse: string) {
  const [view, ours] = await Promise.all([
    deltaRs(path.join(warehouse, def.path)),
    tableState(new FolderStore(warehouse), def),
  ]);
  expect(view.metadata.partitionColumns).toEqual(['month']);
  expect(view.schema).toEqual(
    def.columns.map((c) => ({ name: c.name, type: SPARK_TYPE[c.type], nullable: c.nullable })),
  );
  return { rs: sortedBy(view.rows, ROW_KEYS[def.path]!), ours: ours.rows, protocol: view.protocol };
}
