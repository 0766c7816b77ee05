/**
 * How the embedded engine takes an archive import into silver, where API data wins:
 * - silver files written by the import carry the tag `source=archive` (and the hash of their
 *   rows); every other silver file is the API's. An id any API file holds is never written or
 *   changed by an import; an API run keeps replacing its months as it always has (an archive
 *   file in such a month goes with the month, and its ids the API does not list are gone until
 *   the next import puts them back);
 * - the import's rows are merged by id into the archive files: one file per local month, a
 *   month rewritten only when its rows (hashed over silver's columns) change, and an id moved to
 *   another month taken out of the old one. Importing the same export again commits nothing;
 * - silver/archive_activities holds the archive-only facts, one row per id, merged by id the
 *   same way.
 * Both commits are built from the newest snapshot inside `commit`, so a retried commit after a
 * lost race sees the API rows committed meanwhile. An import merges its months batch after batch:
 * each merge reads the rows of the months it touches only, and the ids each file holds are read
 * once per table for all of them.
 */
import { STORAGE_CONCURRENCY, mapConcurrently } from '../concurrency.js';
import type { Month } from '../strava/months.js';
import type { ProcessContext } from './engine.js';
import type { AddFile, DeltaTable, Row } from './delta/table.js';
import { rowsSha256 } from './embedded-details.js';
import { compareBigint } from './id-bounds.js';

/** File tag naming who wrote a silver file; `archive` for the archive import. */
export const SOURCE_TAG = 'source';
/** File tag: rowsSha256 of an archive-written file's rows (sorted by id) over the table's columns. */
export const ARCHIVE_ROWS_TAG = 'archiveRowsSha256';

const monthOfFile = (f: AddFile): Month => (f.partitionValues.month ?? '') as Month;
const isArchiveFile = (f: AddFile) => f.tags?.[SOURCE_TAG] === 'archive';
const byId = (a: Row, b: Row) => compareBigint(a.id as bigint, b.id as bigint);

/** Ids held by each file (by path): data files never change, so this outlives a retry. */
class HeldIds {
  private readonly cache = new Map<string, bigint[]>();
  constructor(private readonly table: DeltaTable) {}

  async of(files: readonly AddFile[]): Promise<bigint[][]> {
    return mapConcurrently(files, STORAGE_CONCURRENCY, async (f) => {
      let ids = this.cache.get(f.path);
      if (!ids) {
        ids = (await this.table.readRows([f], ['id'])).map((r) => r.id as bigint);
        this.cache.set(f.path, ids);
      }
      return ids;
    });
  }
}

/** Each table's HeldIds, kept from one merge to the next (an import merges batch by batch). */
const heldIdsByTable = new WeakMap<DeltaTable, HeldIds>();

function heldIdsOf(table: DeltaTable): HeldIds {
  let held = heldIdsByTable.get(table);
  if (!held) {
    held = new HeldIds(table);
    heldIdsByTable.set(table, held);
  }
  return held;
}

/** Files by their month partition. */
function filesByMonth(files: readonly AddFile[]): Map<Month, AddFile[]> {
  const out = new Map<Month, AddFile[]>();
  for (const f of files) {
    const list = out.get(monthOfFile(f)) ?? [];
    list.push(f);
    out.set(monthOfFile(f), list);
  }
  return out;
}

/** Files written for a (month, rows hash), kept so a retried commit does not write them again. */
class Written {
  private readonly files = new Map<string, AddFile[]>();
  constructor(private readonly table: DeltaTable) {}

  async write(rows: Row[], hash: string): Promise<AddFile[]> {
    const key = `${String(rows[0]!.month)}:${hash}`;
    let add = this.files.get(key);
    if (!add) {
      add = await this.table.writeFiles(rows, {
        tags: { [SOURCE_TAG]: 'archive', [ARCHIVE_ROWS_TAG]: hash },
      });
      this.files.set(key, add);
    }
    return add;
  }
}

/** A month's files hold exactly `hash` (or nothing, for no rows). */
function holds(files: readonly AddFile[], rows: readonly Row[], hash: string): boolean {
  if (!rows.length) return files.length === 0;
  return files.length > 0 && files.every((f) => f.tags?.[ARCHIVE_ROWS_TAG] === hash);
}

function groupByMonth(rows: Iterable<Row>): Map<Month, Row[]> {
  const out = new Map<Month, Row[]>();
  for (const r of rows) {
    const m = r.month as Month;
    const list = out.get(m) ?? [];
    list.push(r);
    out.set(m, list);
  }
  for (const list of out.values()) list.sort(byId);
  return out;
}

/**
 * The archive files of each candidate month, rewritten to hold the rows they keep plus the
 * incoming ones (sorted by id); a month whose files already hold exactly that is left alone.
 */
async function rewriteMonths(
  table: DeltaTable,
  written: Written,
  candidates: ReadonlySet<Month>,
  filesOf: ReadonlyMap<Month, AddFile[]>,
  incomingByMonth: ReadonlyMap<Month, Row[]>,
  keep: (r: Row) => boolean,
): Promise<{ changed: Month[]; add: AddFile[]; remove: AddFile[] }> {
  const columns = table.def.columns.map((c) => c.name);
  const changed: Month[] = [];
  const add: AddFile[] = [];
  const remove: AddFile[] = [];
  for (const month of [...candidates].sort()) {
    const held = filesOf.get(month) ?? [];
    const kept = (await table.readRows(held)).filter(keep);
    const rows = [...kept, ...(incomingByMonth.get(month) ?? [])].sort(byId);
    const hash = rows.length ? rowsSha256(rows, columns) : '';
    if (holds(held, rows, hash)) continue;
    changed.push(month);
    remove.push(...held);
    if (rows.length) add.push(...(await written.write(rows, hash)));
  }
  return { changed, add, remove };
}

/**
 * Merges the import's typed silver rows into silver (API data wins); returns the months whose
 * silver changed.
 */
export async function mergeArchiveSilver(
  silver: DeltaTable,
  incoming: readonly Row[],
  ctx: ProcessContext,
): Promise<{ months: Month[]; version: number | null }> {
  const heldIds = heldIdsOf(silver);
  const written = new Written(silver);
  let changed: Month[] = [];
  const version = await silver.commit(
    async (latest) => {
      const files = latest?.files ?? [];
      const ours = files.filter(isArchiveFile);
      const theirs = files.filter((f) => !isArchiveFile(f));
      const apiIds = new Set((await heldIds.of(theirs)).flat());
      const wanted = incoming.filter((r) => !apiIds.has(r.id as bigint));
      const incomingIds = new Set(wanted.map((r) => r.id as bigint));
      const incomingByMonth = groupByMonth(wanted);
      const oursByMonth = filesByMonth(ours);
      const oursIds = await heldIds.of(ours);
      // A month is looked at when the import brings rows to it, or when its archive file holds
      // an id the import moves elsewhere or the API now holds.
      const candidates = new Set<Month>(incomingByMonth.keys());
      ours.forEach((f, i) => {
        if (oursIds[i]!.some((id) => incomingIds.has(id) || apiIds.has(id))) {
          candidates.add(monthOfFile(f));
        }
      });
      const plan = await rewriteMonths(
        silver,
        written,
        candidates,
        oursByMonth,
        incomingByMonth,
        (r) => !incomingIds.has(r.id as bigint) && !apiIds.has(r.id as bigint),
      );
      changed = plan.changed;
      return changed.length ? { add: plan.add, remove: plan.remove } : null;
    },
    {
      operation: 'MERGE',
      operationParameters: {
        predicate: JSON.stringify('archive rows by id; ids held by API files are left alone'),
      },
      runId: ctx.runId,
      month: incoming.length ? [...new Set(incoming.map((r) => r.month))].sort().join(',') : '',
    },
  );
  return { months: version === null ? [] : changed, version };
}

/**
 * Merges the archive-only facts by id into silver/archive_activities: a month is looked at when
 * the import brings rows to it or its files hold an id the import brings (moved elsewhere), and
 * rewritten only when its rows change; returns the months changed.
 */
export async function mergeArchiveFacts(
  table: DeltaTable,
  incoming: readonly Row[],
  ctx: ProcessContext,
): Promise<{ months: Month[]; version: number | null }> {
  const heldIds = heldIdsOf(table);
  const written = new Written(table);
  const incomingIds = new Set(incoming.map((r) => r.id as bigint));
  const incomingByMonth = groupByMonth(incoming);
  let changed: Month[] = [];
  const version = await table.commit(
    async (latest) => {
      const files = latest?.files ?? [];
      const ids = await heldIds.of(files);
      const candidates = new Set<Month>(incomingByMonth.keys());
      files.forEach((f, i) => {
        if (ids[i]!.some((id) => incomingIds.has(id))) candidates.add(monthOfFile(f));
      });
      const plan = await rewriteMonths(
        table,
        written,
        candidates,
        filesByMonth(files),
        incomingByMonth,
        (r) => !incomingIds.has(r.id as bigint),
      );
      changed = plan.changed;
      return changed.length ? { add: plan.add, remove: plan.remove } : null;
    },
    {
      operation: 'MERGE',
      operationParameters: { predicate: JSON.stringify('by id') },
      runId: ctx.runId,
    },
  );
  return { months: version === null ? [] : changed, version };
}
