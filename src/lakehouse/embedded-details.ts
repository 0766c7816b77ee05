/**
 * The embedded engine's detail tables (detail-tables.ts), written by the TypeScript Delta
 * writer with the same guarantees as silver:
 * - activity_details, laps and streams are written a chunk of activities at a time, one commit
 *   per table that takes every row of the chunk's ids out of whatever files hold them (in any
 *   month) and adds the chunk's rows, one file per month, sorted by (activity_id, index) so the
 *   files' activity_id bounds are tight. Each file is tagged with the ids it holds (`activityIds`),
 *   so finding an id's files needs the log only, and a chunk's file with the hash of its rows
 *   (`detailRowsSha256`), so writing the same chunk again commits nothing;
 * - every commit is built inside `commit(build)` from the newest snapshot: two runs racing on a
 *   chunk end with one copy of each row;
 * - gear is upserted by id and zones replaced, one commit each, none when the rows are equal;
 * - the detail gold tables are recomputed from inputs read inside the commit builder.
 */
import { createHash } from 'node:crypto';
import { STORAGE_CONCURRENCY, mapConcurrently } from '../concurrency.js';
import {
  SUMMARY_HASH_FIELDS,
  archiveSummarySha256,
  summarySha256,
} from '../details/summary-hash.js';
import type {
  ActivityDetailRows,
  DetailState,
  DetailWriteResult,
  SilverSummary,
} from '../details/types.js';
import { ARCHIVE_STATUS } from '../details/queue.js';
import { QualityError } from '../errors.js';
import type { ObjectStore } from '../landing/store.js';
import type { Progress } from '../progress.js';
import { silentProgress } from '../progress.js';
import type { Month } from '../strava/months.js';
import { DeltaTable, type AddFile, type Row, type Snapshot } from './delta/table.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  DETAIL_TABLES,
  EFFORTS,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from './detail-tables.js';
import {
  bestsGold,
  gearGold,
  hrSecondsPerZone,
  hrZonesGold,
  type ActivityForGold,
  type BestsOfActivity,
  type HrSample,
  type HrZone,
} from './detail-gold.js';
import type { DetailEngine, ProcessContext } from './engine.js';
import { compareBigint, mayHoldAny } from './id-bounds.js';
import type { TableDef } from './tables.js';

/** File tag: the activity ids a per-activity file holds, ascending, comma-separated. */
export const IDS_TAG = 'activityIds';
/** File tag: sha256 of the rows a chunk wrote into the file (see rowsSha256). */
export const ROWS_TAG = 'detailRowsSha256';

/** A per-activity table: where its rows come from in a chunk, and their order within an id. */
interface PerActivity {
  def: TableDef;
  rowsOf: (a: ActivityDetailRows) => Row[];
  /** The index column rows are sorted by within an activity. */
  index?: string;
}

const PER_ACTIVITY: readonly PerActivity[] = [
  { def: ACTIVITY_DETAILS, rowsOf: (a) => [a.details] },
  { def: LAPS, rowsOf: (a) => a.laps, index: 'lap_index' },
  { def: STREAMS, rowsOf: (a) => a.streams, index: 'sample_index' },
];

const monthOfFile = (f: AddFile) => f.partitionValues.month ?? '';
const versionOf = (s: Snapshot | undefined) => (s ? s.version : null);
const unique = <T>(xs: Iterable<T>) => [...new Set(xs)];

/**
 * sha256 (hex) of rows over `columns`, in order, each cell encoded in binary with a type byte:
 * null (or missing) 0; false/true 1/2; a long 3 and 8 bytes; a double 4 and 8 bytes; text 5,
 * its UTF-8 length in 4 bytes, and the bytes. Binary, not text: streams chunks hash 40,000 rows.
 */
export function rowsSha256(rows: readonly Row[], columns: readonly string[]): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 16);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const room = (n: number) => {
    if (at + n <= buf.length) return;
    hash.update(buf.subarray(0, at));
    at = 0;
  };
  for (const row of rows) {
    for (const c of columns) {
      const v = row[c];
      room(9);
      if (v === null || v === undefined) buf[at++] = 0;
      else if (typeof v === 'boolean') buf[at++] = v ? 2 : 1;
      else if (typeof v === 'bigint') {
        buf[at++] = 3;
        view.setBigInt64(at, v, true);
        at += 8;
      } else if (typeof v === 'number') {
        buf[at++] = 4;
        view.setFloat64(at, v, true);
        at += 8;
      } else if (v.length * 3 + 5 <= buf.length) {
        // At most 3 bytes a UTF-16 unit: written in place, its length put before it after.
        room(v.length * 3 + 5);
        buf[at] = 5;
        const n = buf.write(v, at + 5, 'utf8');
        view.setUint32(at + 1, n, true);
        at += 5 + n;
      } else {
        const bytes = Buffer.from(v, 'utf8');
        buf[at++] = 5;
        view.setUint32(at, bytes.length, true);
        at += 4;
        hash.update(buf.subarray(0, at));
        hash.update(bytes);
        at = 0;
      }
    }
  }
  return hash.update(buf.subarray(0, at)).digest('hex');
}

/** Throws the error of a chunk whose rows do not belong to the activity they came with. */
function checkRows(table: string, a: ActivityDetailRows, rows: readonly Row[]): void {
  for (const r of rows) {
    if (r.activity_id !== a.activityId || r.month !== a.month) {
      throw new QualityError(
        `${table}: a row given for activity ${a.activityId} (${a.month}) has activity_id ${String(r.activity_id)} and month ${String(r.month)}.`,
        'This is a bug in the detail phase: every row of an activity must carry its id and its silver month.',
      );
    }
  }
}

/** `rows` sorted by the long column `index`, the same array when already in order. */
function inIndexOrder(rows: Row[], index: string | undefined): Row[] {
  if (!index) return rows;
  for (let i = 1; i < rows.length; i++) {
    if ((rows[i - 1]![index] as bigint) > (rows[i]![index] as bigint)) {
      return [...rows].sort((a, b) => compareBigint(a[index] as bigint, b[index] as bigint));
    }
  }
  return rows;
}

/**
 * Rewrites files without the rows `keep` refuses; a rewritten file is kept for the next attempt
 * of the same commit. The new files are tagged with the ids they still hold.
 */
class Rewriter {
  private readonly done = new Map<string, AddFile[]>();

  constructor(
    private readonly table: DeltaTable,
    private readonly keep: (row: Row) => boolean,
  ) {}

  async rewrite(files: readonly AddFile[]): Promise<AddFile[]> {
    const added = await mapConcurrently(files, STORAGE_CONCURRENCY, async (f) => {
      const cached = this.done.get(f.path);
      if (cached) return cached;
      const rows = (await this.table.readRows([f])).filter(this.keep);
      const ids = unique(rows.map((r) => r.activity_id as bigint));
      const add = rows.length
        ? await this.table.writeFiles(rows, { tags: { [IDS_TAG]: ids.join(',') } })
        : [];
      this.done.set(f.path, add);
      return add;
    });
    return added.flat();
  }
}

export interface EmbeddedDetailsOptions {
  progress?: Progress;
}

/** The detail tables in one warehouse, next to the silver table they depend on. */
export class EmbeddedDetails implements DetailEngine {
  readonly tables: ReadonlyMap<string, DeltaTable>;
  private readonly progress: Progress;
  /** Ids held by a data file (by table and file path): files never change. */
  private readonly heldCache = new Map<string, bigint[]>();

  constructor(
    store: ObjectStore,
    private readonly silver: DeltaTable,
    opts: EmbeddedDetailsOptions = {},
  ) {
    this.tables = new Map(DETAIL_TABLES.map((def) => [def.path, new DeltaTable(store, def)]));
    this.progress = opts.progress ?? silentProgress;
  }

  private table(def: TableDef): DeltaTable {
    return this.tables.get(def.path)!;
  }

  /** The detail tables' versions; refuses (DeltaProtocolError) a table this writer must not write. */
  async preflight(): Promise<Record<string, number | null>> {
    const tables = [...this.tables.values()];
    const snaps = await Promise.all(tables.map((t) => t.snapshot()));
    tables.forEach((t, i) => t.assertWritable(snaps[i]));
    return Object.fromEntries(tables.map((t, i) => [t.def.path, versionOf(snaps[i])]));
  }

  async detailVersions(): Promise<Record<string, number | null>> {
    const tables = [...this.tables.values()];
    const snaps = await Promise.all(tables.map((t) => t.snapshot()));
    return Object.fromEntries(tables.map((t, i) => [t.def.path, versionOf(snaps[i])]));
  }

  async detailState(): Promise<DetailState> {
    const [silverRows, fetchedRows, gearRows, zoneRows] = await Promise.all([
      readAll(this.silver, [...SUMMARY_HASH_FIELDS, 'month']),
      readAll(this.table(ACTIVITY_DETAILS), ['activity_id', 'summary_sha256', 'status']),
      readAll(this.table(GEAR), ['id']),
      readAll(this.table(ATHLETE_ZONES), ['fetched_at']),
    ]);
    const activities: SilverSummary[] = silverRows.map((r) => ({
      id: r.id as bigint,
      month: r.month as Month,
      summarySha256: summarySha256(r),
      archiveSha256: archiveSummarySha256(r),
      manual: r.manual === true,
      private: r.private === true,
      gearId: (r.gear_id as string | null) ?? null,
      startDateLocal: r.start_date_local as bigint,
    }));
    const fetchedAt = zoneRows.map((r) => r.fetched_at as bigint);
    const latest = fetchedAt.length ? fetchedAt.reduce((a, b) => (a > b ? a : b)) : undefined;
    return {
      activities,
      fetched: new Map(
        fetchedRows.map((r) => [r.activity_id as bigint, r.summary_sha256 as string]),
      ),
      archived: new Set(
        fetchedRows.filter((r) => r.status === ARCHIVE_STATUS).map((r) => r.activity_id as bigint),
      ),
      gearIds: new Set(gearRows.map((r) => r.id as string)),
      ...(latest !== undefined ? { zonesFetchedAt: Number(latest / 1000n) } : {}),
    };
  }

  async reconcileDetails(activities: readonly SilverSummary[]): Promise<Month[]> {
    const silverMonth = new Map(activities.map((a) => [a.id, a.month]));
    const changed = await Promise.all(
      PER_ACTIVITY.map(async ({ def }) => {
        const table = this.table(def);
        const rewriter = new Rewriter(
          table,
          (r) => silverMonth.get(r.activity_id as bigint) === r.month,
        );
        let months: Month[] = [];
        const version = await table.commit(
          async (latest) => {
            const files = latest?.files ?? [];
            const held = await mapConcurrently(files, STORAGE_CONCURRENCY, (f) =>
              this.heldIds(table, f),
            );
            const stale = files.filter((f, i) =>
              held[i]!.some((id) => silverMonth.get(id) !== monthOfFile(f)),
            );
            months = unique(stale.map(monthOfFile)).sort();
            if (!stale.length) return null;
            return { add: await rewriter.rewrite(stale), remove: stale };
          },
          {
            operation: 'DELETE',
            operationParameters: {
              predicate: 'activity_id not in silver/activities of its month',
            },
          },
        );
        if (version === null) return [];
        this.progress.info(
          `${def.path}: took out activities deleted or moved (${months.join(', ')}), version ${version}`,
        );
        return months;
      }),
    );
    return unique(changed.flat()).sort();
  }

  async writeDetails(
    chunk: { activities: ActivityDetailRows[]; gear: Row[]; zones?: Row[] },
    ctx: ProcessContext,
  ): Promise<DetailWriteResult> {
    const versions: Record<string, number | null> = {};
    const changed: Month[] = [];
    const activities = [...chunk.activities].sort((a, b) =>
      compareBigint(a.activityId, b.activityId),
    );
    // Every row is checked before the first commit, so a bad chunk writes nothing anywhere.
    for (const spec of PER_ACTIVITY) {
      for (const a of activities) checkRows(spec.def.path, a, spec.rowsOf(a));
    }
    // One table at a time: a chunk's streams are the most a run holds in memory at once.
    for (const spec of PER_ACTIVITY) {
      const { version, months } = await this.writePerActivity(spec, activities, ctx);
      versions[spec.def.path] = version;
      changed.push(...months);
    }
    if (chunk.gear.length) {
      versions[GEAR.path] = await this.upsertGear(chunk.gear, ctx);
    }
    if (chunk.zones) {
      versions[ATHLETE_ZONES.path] = await this.replaceZones(chunk.zones, ctx);
    }
    return { versions, changedMonths: unique(changed).sort() };
  }

  /** One commit replacing the chunk's ids in one per-activity table; none if it holds them already. */
  private async writePerActivity(
    spec: PerActivity,
    activities: readonly ActivityDetailRows[],
    ctx: ProcessContext,
  ): Promise<{ version: number | null; months: Month[] }> {
    const { def } = spec;
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const ids = unique(activities.map((a) => a.activityId));
    const idSet = new Set(ids);
    const byMonth = new Map<Month, { rows: Row[]; ids: bigint[] }>();
    for (const a of activities) {
      const rows = inIndexOrder(spec.rowsOf(a), spec.index);
      if (!rows.length) continue;
      const group = byMonth.get(a.month) ?? { rows: [], ids: [] };
      for (const r of rows) group.rows.push(r);
      group.ids.push(a.activityId);
      byMonth.set(a.month, group);
    }
    const hashes = new Map([...byMonth].map(([m, g]) => [m, rowsSha256(g.rows, columns)]));
    let written: Promise<AddFile[]> | undefined;
    const write = () =>
      mapConcurrently([...byMonth], STORAGE_CONCURRENCY, ([month, g]) =>
        table.writeFiles(g.rows, {
          tags: { [IDS_TAG]: unique(g.ids).join(','), [ROWS_TAG]: hashes.get(month)! },
        }),
      ).then((files) => files.flat());
    const rewriter = new Rewriter(table, (r) => !idSet.has(r.activity_id as bigint));
    let months: Month[] = [];
    const version = await table.commit(
      async (latest) => {
        const holders = await this.holders(table, latest, ids);
        const same =
          holders.length === hashes.size &&
          new Set(holders.map(monthOfFile)).size === holders.length &&
          holders.every((f) => f.tags?.[ROWS_TAG] === hashes.get(monthOfFile(f)));
        if (same) return null;
        written ??= write();
        const add = [...(await written), ...(await rewriter.rewrite(holders))];
        months = unique([...byMonth.keys(), ...holders.map(monthOfFile)]).sort();
        return { add, remove: holders };
      },
      {
        operation: 'WRITE',
        operationParameters: {
          mode: 'Overwrite',
          partitionBy: JSON.stringify(def.partitionColumns),
          predicate: `activity_id IN (${ids.join(', ')})`,
        },
        runId: ctx.runId,
        month: [...byMonth.keys()].sort().join(','),
      },
    );
    if (version === null) return { version: null, months: [] };
    this.progress.info(
      `${def.path}: wrote ${ids.length} activit${ids.length === 1 ? 'y' : 'ies'}, version ${version}`,
    );
    return { version, months };
  }

  /** The live files of `table` that hold any of `ids` (ascending). */
  private async holders(
    table: DeltaTable,
    snap: Snapshot | undefined,
    ids: readonly bigint[],
  ): Promise<AddFile[]> {
    const wanted = new Set(ids);
    const candidates = (snap?.files ?? []).filter((f) => mayHoldAny(f, ids, 'activity_id'));
    const held = await mapConcurrently(candidates, STORAGE_CONCURRENCY, (f) =>
      this.heldIds(table, f),
    );
    return candidates.filter((_, i) => held[i]!.some((id) => wanted.has(id)));
  }

  /** The activity ids a file holds: from its tag, else from its activity_id column. */
  private async heldIds(table: DeltaTable, file: AddFile): Promise<bigint[]> {
    const key = `${table.def.path}/${file.path}`;
    const cached = this.heldCache.get(key);
    if (cached) return cached;
    const tag = file.tags?.[IDS_TAG];
    const ids =
      tag !== undefined
        ? tag
            .split(',')
            .filter(Boolean)
            .map((s) => BigInt(s))
        : unique(
            (await table.readRows([file], ['activity_id'])).map((r) => r.activity_id as bigint),
          );
    this.heldCache.set(key, ids);
    return ids;
  }

  /** One commit rewriting silver/gear with `rows` upserted by id; none if nothing changes. */
  private upsertGear(rows: readonly Row[], ctx: ProcessContext): Promise<number | null> {
    return this.replaceSmall(
      GEAR,
      (current) => {
        const byId = new Map(current.map((r) => [r.id as string, r]));
        for (const r of rows) byId.set(r.id as string, r);
        return [...byId.values()];
      },
      ['id'],
      { operation: 'MERGE', operationParameters: { predicate: 'target.id = source.id' } },
      ctx,
    );
  }

  /** One commit replacing silver/athlete_zones with `rows`; none if they are the same rows. */
  private replaceZones(rows: readonly Row[], ctx: ProcessContext): Promise<number | null> {
    return this.replaceSmall(
      ATHLETE_ZONES,
      () => [...rows],
      ['zone_type', 'zone_index'],
      { operation: 'WRITE', operationParameters: { mode: 'Overwrite' } },
      ctx,
    );
  }

  /** Rewrites a small unpartitioned table as one file of `next(current rows)`, if different. */
  private async replaceSmall(
    def: TableDef,
    next: (current: Row[]) => Row[],
    keys: readonly string[],
    info: { operation: string; operationParameters: Record<string, unknown> },
    ctx: ProcessContext,
  ): Promise<number | null> {
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const version = await table.commit(
      async (latest) => {
        const files = latest?.files ?? [];
        const current = sortRows(await table.readRows(files), keys);
        const rows = sortRows(next(current), keys);
        if (rowsSha256(rows, columns) === rowsSha256(current, columns)) return null;
        return { add: rows.length ? await table.writeFiles(rows) : [], remove: files };
      },
      { ...info, runId: ctx.runId },
    );
    if (version !== null) this.progress.info(`${def.path}: version ${version}`);
    return version;
  }

  async refreshDetailGold(
    months: readonly Month[] | undefined,
    ctx: ProcessContext,
  ): Promise<Month[]> {
    const results = await Promise.all([
      this.writeDetailGold(GOLD_GEAR, months, ctx, async (targets) => {
        const [activities, gear] = await Promise.all([
          this.silverForGold(targets),
          readAll(this.table(GEAR), ['id', 'name']),
        ]);
        const names = new Map(gear.map((g) => [g.id as string, (g.name as string | null) ?? null]));
        return gearGold(activities, names, targets);
      }),
      this.writeDetailGold(GOLD_HR_ZONES, months, ctx, async (targets) => {
        const [activities, zones] = await Promise.all([
          this.silverForGold(targets),
          this.heartRateZones(),
        ]);
        const seconds = zones.length ? await this.zoneSeconds(targets, zones) : new Map();
        return hrZonesGold(seconds, activities, zones, targets);
      }),
      this.writeDetailGold(GOLD_BESTS, months, ctx, async (targets) => {
        const [activities, details] = await Promise.all([
          this.silverForGold(targets),
          this.readMonths(this.table(ACTIVITY_DETAILS), targets, [
            'activity_id',
            ...EFFORTS.map((e) => e.column),
          ]),
        ]);
        return bestsGold(details as unknown as BestsOfActivity[], activities, targets);
      }),
    ]);
    return unique(results.flat()).sort();
  }

  /**
   * One commit replacing the partitions of the target months whose rows differ from `compute`'s
   * (months undefined: every month of silver and of the gold table). Inputs are read inside the
   * builder, after the gold snapshot: a retry after a lost race computes from newer inputs.
   */
  private async writeDetailGold(
    def: TableDef,
    months: readonly Month[] | undefined,
    ctx: ProcessContext,
    compute: (targets: Month[]) => Promise<Row[]>,
  ): Promise<Month[]> {
    const table = this.table(def);
    const columns = def.columns.map((c) => c.name);
    const keys = columns.filter((c) => def.columns.find((d) => d.name === c)!.nullable === false);
    let changed: Month[] = [];
    const version = await table.commit(
      async (latest) => {
        const files = latest?.files ?? [];
        const targets = months
          ? unique(months).sort()
          : unique([...(await this.silverMonths()), ...files.map(monthOfFile)]).sort();
        const targetSet = new Set(targets);
        const rows = await compute(targets);
        const currentFiles = files.filter((f) => targetSet.has(monthOfFile(f)));
        const current = await table.readRows(currentFiles);
        const sig = (rs: Row[], m: Month) =>
          rowsSha256(
            sortRows(
              rs.filter((r) => r.month === m),
              keys,
            ),
            columns,
          );
        changed = targets.filter((m) => sig(rows, m) !== sig(current, m));
        if (!changed.length) return null;
        const set = new Set(changed);
        const fresh = rows.filter((r) => set.has(r.month as Month));
        return {
          add: fresh.length ? await table.writeFiles(fresh) : [],
          remove: currentFiles.filter((f) => set.has(monthOfFile(f))),
        };
      },
      {
        operation: 'WRITE',
        operationParameters: {
          mode: 'Overwrite',
          partitionBy: JSON.stringify(def.partitionColumns),
          predicate: months ? JSON.stringify(months.map((m) => `month = '${m}'`)) : 'all months',
        },
        runId: ctx.runId,
        ...(months ? { month: [...months].sort().join(',') } : {}),
      },
    );
    if (version === null) return [];
    this.progress.info(`${def.path}: recomputed ${changed.length} month(s), version ${version}`);
    return changed;
  }

  private async silverMonths(): Promise<Month[]> {
    const snap = await this.silver.snapshot();
    return unique((snap?.files ?? []).map(monthOfFile));
  }

  private async silverForGold(months: readonly Month[]): Promise<ActivityForGold[]> {
    const rows = await this.readMonths(this.silver, months, [
      'id',
      'month',
      'sport_type',
      'gear_id',
      'distance',
      'moving_time',
    ]);
    return rows as unknown as ActivityForGold[];
  }

  private async heartRateZones(): Promise<HrZone[]> {
    const rows = await readAll(this.table(ATHLETE_ZONES), [
      'zone_type',
      'zone_index',
      'zone_min',
      'zone_max',
    ]);
    return rows
      .filter((r) => r.zone_type === 'heartrate')
      .sort((a, b) =>
        compareBigint(a.zone_index as bigint, b.zone_index as bigint),
      ) as unknown as HrZone[];
  }

  /**
   * Seconds per zone of every activity with streams in `months`, a file at a time so only a
   * few files' samples are in memory. An activity's samples are in one file of its month (a
   * chunk writes each id once, a rewrite keeps each id it keeps whole).
   */
  private async zoneSeconds(
    months: readonly Month[],
    zones: readonly HrZone[],
  ): Promise<Map<bigint, number[]>> {
    const table = this.table(STREAMS);
    const want = new Set(months);
    const snap = await table.snapshot();
    const files = (snap?.files ?? []).filter((f) => want.has(monthOfFile(f)));
    const perFile = await mapConcurrently(files, 2, async (f) => {
      const rows = await table.readRows(
        [f],
        ['activity_id', 'sample_index', 'time_s', 'heartrate'],
      );
      const byActivity = new Map<bigint, Row[]>();
      for (const r of rows) {
        const id = r.activity_id as bigint;
        const list = byActivity.get(id);
        if (list) list.push(r);
        else byActivity.set(id, [r]);
      }
      return [...byActivity].map(
        ([id, samples]) =>
          [
            id,
            hrSecondsPerZone(inIndexOrder(samples, 'sample_index') as unknown as HrSample[], zones),
          ] as const,
      );
    });
    return new Map(perFile.flat());
  }

  private async readMonths(
    table: DeltaTable,
    months: readonly Month[],
    columns: readonly string[],
  ): Promise<Row[]> {
    const want = new Set(months);
    const snap = await table.snapshot();
    return table.readRows(
      (snap?.files ?? []).filter((f) => want.has(monthOfFile(f))),
      columns,
    );
  }
}

/** Every row of a table (none when it does not exist), only `columns`. */
async function readAll(table: DeltaTable, columns: readonly string[]): Promise<Row[]> {
  const snap = await table.snapshot();
  return snap ? table.readRows(snap.files, columns) : [];
}

/** Rows sorted by the text of their `keys` cells (longs compared as numbers). */
function sortRows(rows: Row[], keys: readonly string[]): Row[] {
  const cmp = (a: Row, b: Row) => {
    for (const k of keys) {
      const x = a[k] ?? null;
      const y = b[k] ?? null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
  return [...rows].sort(cmp);
}
