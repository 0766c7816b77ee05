/**
 * The embedded engine: bronze, silver and gold written by the TypeScript Delta writer, no
 * cluster. Idempotent by construction, and safe against concurrent runs of the same or
 * neighbouring months:
 * - bronze takes a landing file once, recorded as a Delta `txn` (appId = the landing key);
 * - silver replaces each month's partition in one commit; files carry the landing hash as a
 *   tag, so a month whose partition already holds this landing is left alone. The same commit
 *   takes the replaced months' ids out of every other month (an activity moved to another
 *   month on Strava), so an id is in silver once;
 * - gold is recomputed for the touched months, the months an id left, and the month after
 *   each, from silver read inside the commit builder, so a retried commit always derives from
 *   the newest silver.
 */
import { STORAGE_CONCURRENCY, mapConcurrently } from '../concurrency.js';
import { QualityError } from '../errors.js';
import type { Progress } from '../progress.js';
import { silentProgress } from '../progress.js';
import type { TableVersions } from '../runs/record.js';
import { ACTIVITY_FIELDS, parseCell } from '../strava/schema.js';
import { addMonths, type Month } from '../strava/months.js';
import type { ObjectStore } from '../landing/store.js';
import { DeltaTable, type AddFile, type Row, type Snapshot } from './delta/table.js';
import type {
  ActivityDetailRows,
  DetailState,
  DetailWriteResult,
  SilverSummary,
} from '../details/types.js';
import { EmbeddedDetails } from './embedded-details.js';
import type { DetailEngine, Engine, EngineResult, MonthLanding, ProcessContext } from './engine.js';
import {
  SILVER_FOR_GOLD,
  computeGold,
  goldMonthsFor,
  type GoldRow,
  type SilverForGold,
} from './gold.js';
import { compareBigint, mayHoldAny } from './id-bounds.js';
import { checkQuality, type QualityRow } from './quality.js';
import { BRONZE, GOLD, SILVER } from './tables.js';
import { ARCHIVE_ACTIVITIES, archiveFactsRow } from './archive-table.js';
import { SOURCE_TAG, mergeArchiveFacts, mergeArchiveSilver } from './embedded-archive.js';

const LANDING_TAG = 'landingSha256';
const bronzeAppId = (landingKey: string) => `strava-lakehouse:${landingKey}`;

type SilverRowForGold = SilverForGold & { id: bigint };

const monthOfFile = (f: AddFile) => f.partitionValues.month ?? null;
const versionOf = (s: Snapshot | undefined) => (s ? s.version : null);

export class EmbeddedEngine implements Engine, DetailEngine {
  readonly name = 'embedded' as const;
  readonly readsRows = true;
  readonly bronze: DeltaTable;
  readonly silver: DeltaTable;
  readonly gold: DeltaTable;
  /** The detail tables (embedded-details.ts). */
  readonly details: EmbeddedDetails;
  /** silver/archive_activities: what only Strava's account export knows (archive-table.ts). */
  readonly archive: DeltaTable;
  private readonly progress: Progress;
  private readonly now: () => Date;

  constructor(store: ObjectStore, opts: { progress?: Progress; now?: () => Date } = {}) {
    this.bronze = new DeltaTable(store, BRONZE);
    this.silver = new DeltaTable(store, SILVER);
    this.gold = new DeltaTable(store, GOLD);
    this.progress = opts.progress ?? silentProgress;
    this.details = new EmbeddedDetails(store, this.silver, { progress: this.progress });
    this.archive = new DeltaTable(store, ARCHIVE_ACTIVITIES);
    this.now = opts.now ?? (() => new Date());
  }

  async preflight(): Promise<TableVersions> {
    const [b, s, g] = await Promise.all([
      this.bronze.snapshot(),
      this.silver.snapshot(),
      this.gold.snapshot(),
      // Refuses a detail table this writer must not write, so a run stops before any write.
      this.details.preflight(),
    ]);
    this.bronze.assertWritable(b);
    this.silver.assertWritable(s);
    this.gold.assertWritable(g);
    return { bronze: versionOf(b), silver: versionOf(s), gold: versionOf(g) };
  }

  async process(landings: MonthLanding[], ctx: ProcessContext): Promise<EngineResult> {
    const before = await this.preflight();
    // The gate runs before any write: a failing month writes nothing anywhere.
    const warnings = landings.flatMap((l) =>
      checkQuality(l.rows as unknown as QualityRow[], l.month, l.key),
    );
    const bronzeMonths = await this.writeBronze(landings, ctx);
    const silver = await this.writeSilver(landings, ctx);
    const goldMonths = await this.writeGold([...landings.map((l) => l.month), ...silver.left], ctx);
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: [...new Set([...bronzeMonths, ...silver.replaced, ...goldMonths])].sort(),
    };
  }

  /**
   * An archive import's landed months (landing/archive/...): bronze takes each landing file
   * once, as for the API; silver and silver/archive_activities merge the rows by id, API data
   * winning (embedded-archive.ts); gold is recomputed for the months silver changed.
   */
  async processArchive(landings: MonthLanding[], ctx: ProcessContext): Promise<EngineResult> {
    const before = await this.preflight();
    const archiveSnap = await this.archive.snapshot();
    this.archive.assertWritable(archiveSnap);
    const warnings = landings.flatMap((l) =>
      checkQuality(l.rows as unknown as QualityRow[], l.month, l.key),
    );
    // Every row is typed before the first write: a bad landing row writes nothing anywhere.
    const silverRows = landings.flatMap((l) => l.rows.map((cells) => toSilverRow(cells, l.month)));
    const factRows = landings.flatMap((l) =>
      l.rows.map((cells) => archiveFactsRow(cells, l.month)),
    );
    const bronzeMonths = await this.writeBronze(landings, ctx);
    const silver = await mergeArchiveSilver(this.silver, silverRows, ctx);
    if (silver.version !== null) {
      this.progress.info(
        `silver: merged archive rows into ${silver.months.length} month(s), version ${silver.version}`,
      );
    }
    const facts = await mergeArchiveFacts(this.archive, factRows, ctx);
    if (facts.version !== null) {
      this.progress.info(
        `${ARCHIVE_ACTIVITIES.path}: ${facts.months.length} month(s), version ${facts.version}`,
      );
    }
    const goldMonths = silver.months.length ? await this.writeGold(silver.months, ctx) : [];
    const after = await this.preflight();
    return {
      before,
      after,
      warnings,
      changedMonths: [
        ...new Set([...bronzeMonths, ...silver.months, ...facts.months, ...goldMonths]),
      ].sort(),
    };
  }

  detailState(): Promise<DetailState> {
    return this.details.detailState();
  }

  reconcileDetails(activities: readonly SilverSummary[]): Promise<Month[]> {
    return this.details.reconcileDetails(activities);
  }

  writeDetails(
    chunk: { activities: ActivityDetailRows[]; gear: Row[]; zones?: Row[] },
    ctx: ProcessContext,
  ): Promise<DetailWriteResult> {
    return this.details.writeDetails(chunk, ctx);
  }

  refreshDetailGold(months: readonly Month[] | undefined, ctx: ProcessContext): Promise<Month[]> {
    return this.details.refreshDetailGold(months, ctx);
  }

  detailVersions(): Promise<Record<string, number | null>> {
    return this.details.detailVersions();
  }

  /** Appends the landing files bronze has not taken yet; returns their months. */
  private async writeBronze(landings: MonthLanding[], ctx: ProcessContext): Promise<Month[]> {
    const snap = await this.bronze.snapshot();
    const pending = landings.filter((l) => !snap?.txns.has(bronzeAppId(l.key)));
    if (!pending.length) return [];
    const ingestedAt = BigInt(this.now().getTime()) * 1000n;
    // By month, so a backfill's bronze rows are never all in memory together.
    const written = await mapConcurrently(pending, STORAGE_CONCURRENCY, (l) =>
      l.rows.length
        ? this.bronze.writeFiles(
            l.rows.map((cells) => ({
              ...cells,
              _landing_file: l.key,
              _ingested_at: ingestedAt,
              _run_id: ctx.runId,
              month: l.month,
            })),
          )
        : Promise.resolve([]),
    );
    const files = written.flat();
    let taken: Month[] = [];
    const version = await this.bronze.commit(
      (latest) => {
        const todo = pending.filter((l) => !latest?.txns.has(bronzeAppId(l.key)));
        taken = todo.map((l) => l.month);
        if (!todo.length) return null;
        const months = new Set(todo.map((l) => l.month));
        return {
          add: files.filter((f) => months.has(monthOfFile(f) ?? '')),
          remove: [],
          txns: todo.map((l) => ({ appId: bronzeAppId(l.key), version: 1 })),
        };
      },
      {
        operation: 'WRITE',
        operationParameters: {
          mode: 'Append',
          partitionBy: JSON.stringify(BRONZE.partitionColumns),
        },
        runId: ctx.runId,
        month: pending.map((l) => l.month).join(','),
      },
    );
    if (version === null) return [];
    this.progress.info(`bronze: took ${taken.length} landing file(s), version ${version}`);
    return taken;
  }

  /**
   * Replaces the partition of every month whose silver does not already hold its landing, and
   * in the same commit rewrites the files of other months that hold any of those months' ids
   * without them. Returns the months replaced and the months ids left.
   */
  private async writeSilver(
    landings: MonthLanding[],
    ctx: ProcessContext,
  ): Promise<{ replaced: Month[]; left: Month[] }> {
    const holds = (snap: Snapshot | undefined, l: MonthLanding) => {
      const files = (snap?.files ?? []).filter((f) => monthOfFile(f) === l.month);
      if (!files.length) return l.rows.length === 0;
      return files.every((f) => f.tags?.[LANDING_TAG] === l.sha256);
    };
    const snap = await this.silver.snapshot();
    const todo = landings.filter((l) => ctx.force || !holds(snap, l));
    if (!todo.length) return { replaced: [], left: [] };

    const written = await mapConcurrently(todo, STORAGE_CONCURRENCY, (l) =>
      l.rows.length
        ? this.silver.writeFiles(
            l.rows.map((cells) => toSilverRow(cells, l.month)),
            { tags: { [LANDING_TAG]: l.sha256 } },
          )
        : Promise.resolve([]),
    );
    const addsByMonth = new Map(todo.map((l, i) => [l.month, written[i]!]));
    const idsByMonth = new Map(todo.map((l) => [l.month, l.rows.map((r) => BigInt(r.id!))]));
    const moves = new MovedIds(this.silver);
    let committed: Month[] = [];
    let left: Month[] = [];
    const version = await this.silver.commit(
      async (latest) => {
        // A concurrent run may have written the same landing meanwhile: leave those months.
        const months = todo.filter((l) => ctx.force || !holds(latest, l)).map((l) => l.month);
        committed = months;
        left = [];
        if (!months.length) return null;
        const set = new Set(months);
        // Built from this snapshot, so a retry after a lost race also sees ids moved meanwhile.
        const others = (latest?.files ?? []).filter((f) => !set.has(monthOfFile(f) ?? ''));
        const moved = await moves.rewrite(
          others,
          months.flatMap((m) => idsByMonth.get(m) ?? []),
        );
        left = moved.months;
        return {
          add: [...months.flatMap((m) => addsByMonth.get(m) ?? []), ...moved.add],
          remove: [
            ...(latest?.files ?? []).filter((f) => set.has(monthOfFile(f) ?? '')),
            ...moved.remove,
          ],
        };
      },
      {
        operation: 'WRITE',
        operationParameters: {
          mode: 'Overwrite',
          partitionBy: JSON.stringify(SILVER.partitionColumns),
          predicate: JSON.stringify(todo.map((l) => `month = '${l.month}'`)),
        },
        runId: ctx.runId,
        month: todo.map((l) => l.month).join(','),
      },
    );
    if (version === null) return { replaced: [], left: [] };
    const moved = left.length ? `, took moved ids out of ${left.join(', ')}` : '';
    this.progress.info(`silver: replaced ${committed.length} month(s)${moved}, version ${version}`);
    return { replaced: committed, left };
  }

  /** Recomputes gold for the given months and the month after each. */
  private async writeGold(months: Month[], ctx: ProcessContext): Promise<Month[]> {
    const targets = goldMonthsFor(months);
    const targetSet = new Set(targets);
    let changed: Month[] = [];
    const version = await this.gold.commit(
      async (latest) => {
        // Silver is read here, after the gold snapshot: a lost race rebuilds from newer silver.
        const silverRows = await this.readSilverFor(targets);
        const rows = computeGold(silverRows, targets);
        const current = (latest?.files ?? []).filter((f) => targetSet.has(monthOfFile(f) ?? ''));
        // Forced, the current rows are not read: --force is what rewrites a damaged gold file.
        if (ctx.force) changed = targets;
        else {
          const currentRows = (await this.gold.readRows(current)) as unknown as GoldRow[];
          changed = changedMonths(currentRows, rows, targets);
          if (!changed.length) return null;
        }
        const add = rows.length ? await this.gold.writeFiles(rows as unknown as Row[]) : [];
        return { add, remove: current };
      },
      {
        operation: 'WRITE',
        operationParameters: {
          mode: 'Overwrite',
          partitionBy: JSON.stringify(GOLD.partitionColumns),
          predicate: JSON.stringify(targets.map((m) => `month = '${m}'`)),
        },
        runId: ctx.runId,
        month: targets.join(','),
      },
    );
    if (version === null) return [];
    this.progress.info(`gold: recomputed ${targets.length} month(s), version ${version}`);
    return changed;
  }

  /** Silver rows of the given months and the month before each, sorted by id (stable sums). */
  private async readSilverFor(months: Month[]): Promise<SilverForGold[]> {
    const want = new Set(months.flatMap((m) => [m, addMonths(m, -1)]));
    const snap = await this.silver.snapshot();
    const files = (snap?.files ?? []).filter((f) => want.has(monthOfFile(f) ?? ''));
    const rows = (await this.silver.readRows(
      files,
      SILVER_FOR_GOLD,
    )) as unknown as SilverRowForGold[];
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * Rewrites silver files without a set of ids: what replacing a month does to the other months
 * when activities moved into it. Candidates are found by the id bounds in each file's stats (a
 * file without them is read); a rewritten file is kept for the next attempt of the same commit.
 */
class MovedIds {
  private readonly rewritten = new Map<string, AddFile[]>();

  constructor(private readonly table: DeltaTable) {}

  async rewrite(
    files: AddFile[],
    ids: bigint[],
  ): Promise<{ add: AddFile[]; remove: AddFile[]; months: Month[] }> {
    const sorted = [...ids].sort(compareBigint);
    const wanted = new Set(sorted);
    const candidates = files.filter((f) => mayHoldAny(f, sorted));
    const results = await mapConcurrently(candidates, STORAGE_CONCURRENCY, async (f) => {
      const cached = this.rewritten.get(f.path);
      if (cached) return { file: f, add: cached };
      const held = (await this.table.readRows([f], ['id'])) as { id: bigint }[];
      if (!held.some((r) => wanted.has(r.id))) return null;
      const rows = (await this.table.readRows([f])).filter((r) => !wanted.has(r.id as bigint));
      // An archive import's file stays marked as the archive's (embedded-archive.ts); its rows
      // hash tag is dropped, as the rows changed.
      const source = f.tags?.[SOURCE_TAG];
      const add = rows.length
        ? await this.table.writeFiles(rows, source ? { tags: { [SOURCE_TAG]: source } } : {})
        : [];
      this.rewritten.set(f.path, add);
      return { file: f, add };
    });
    const changed = results.filter((r) => r !== null);
    return {
      add: changed.flatMap((r) => r.add),
      remove: changed.map((r) => r.file),
      months: [...new Set(changed.map((r) => monthOfFile(r.file) ?? ''))].sort(),
    };
  }
}

/** One typed silver row from a landing CSV row: the same casts as sql/20_merge_silver.sql. */
export function toSilverRow(cells: Record<string, string>, month: Month): Row {
  const row: Row = { month };
  for (const f of ACTIVITY_FIELDS) {
    const v = parseCell(f, cells[f.name]);
    if (v === null && f.required) {
      throw new QualityError(
        `Landing row for activity ${cells.id || '(no id)'} has no ${f.name}.`,
        'The landing file was edited or damaged; re-run the month with --force to land it again.',
      );
    }
    row[f.name] = v;
  }
  return row;
}

const GOLD_KEYS = GOLD.columns.map((c) => c.name) as (keyof GoldRow)[];

function changedMonths(current: GoldRow[], next: GoldRow[], months: Month[]): Month[] {
  const sig = (rows: GoldRow[], m: Month) =>
    JSON.stringify(
      rows
        .filter((r) => r.month === m)
        .sort((a, b) => (a.sport_type < b.sport_type ? -1 : 1))
        .map((r) => GOLD_KEYS.map((k) => String(r[k]))),
    );
  return months.filter((m) => sig(current, m) !== sig(next, m));
}
