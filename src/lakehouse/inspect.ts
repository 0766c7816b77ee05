/**
 * Read-side helpers for the doors: what `inspect` prints, and the gold rows behind the demo
 * table and the job summary.
 */
import type { PipelineConfig } from '../config.js';
import { openStore } from '../landing/open.js';
import type { ObjectStore } from '../landing/store.js';
import { addMonths, type Month } from '../strava/months.js';
import { partitionValueOf } from './delta/schema.js';
import { DeltaTable, type AddFile } from './delta/table.js';
import { isPublishable, type PrivacyConfig } from '../details/privacy.js';
import { ARCHIVE_ACTIVITIES } from './archive-table.js';
import { DETAIL_TABLES } from './detail-tables.js';
import { SILVER_FOR_GOLD, computeGold, type GoldRow, type SilverForGold } from './gold.js';
import { GOLD, SILVER, TABLES } from './tables.js';

export interface TableInfo {
  table: string;
  exists: boolean;
  version: number | null;
  files: number;
  rows: number;
  partitions: number;
  bytes: number;
}

/** A logical file's rows: the data file's `numRecords` less those its deletion vector deletes. */
function rowsOf(f: AddFile): number {
  if (!f.stats) return 0;
  const n = (JSON.parse(f.stats) as { numRecords?: number }).numRecords;
  return typeof n === 'number' ? n - (f.deletionVector?.cardinality ?? 0) : 0;
}

export async function inspectWarehouse(
  store: ObjectStore,
): Promise<{ tables: TableInfo[]; runs: number }> {
  const tables: TableInfo[] = [];
  for (const def of [...TABLES, ...DETAIL_TABLES, ARCHIVE_ACTIVITIES]) {
    const snap = await new DeltaTable(store, def).snapshot();
    const files = snap?.files ?? [];
    tables.push({
      table: def.path,
      exists: Boolean(snap),
      version: snap ? snap.version : null,
      files: files.length,
      rows: files.reduce((n, f) => n + rowsOf(f), 0),
      partitions: new Set(files.map((f) => JSON.stringify(f.partitionValues))).size,
      bytes: files.reduce((n, f) => n + f.size, 0),
    });
  }
  const runs = (await store.list('_runs/')).filter((o) => o.key.endsWith('.json')).length;
  return { tables, runs };
}

/** Gold rows for the `n` months ending at `month`, sorted by month then sport type. */
export async function readGoldSummary(
  warehouse: string,
  s3: PipelineConfig['s3'],
  month: Month,
  n: number,
): Promise<GoldRow[]> {
  const first = addMonths(month, -(n - 1));
  const table = new DeltaTable(await openStore(warehouse, s3), GOLD);
  const snap = await table.snapshot();
  if (!snap) return [];
  const monthOf = partitionValueOf(snap.metadata, 'month');
  const files = snap.files.filter((f) => {
    const m = monthOf(f) ?? '';
    return m >= first && m <= month;
  });
  const rows = (await table.readRows(files)) as unknown as GoldRow[];
  return rows.sort((a, b) =>
    a.month === b.month ? (a.sport_type < b.sport_type ? -1 : 1) : a.month < b.month ? -1 : 1,
  );
}

/** The silver columns the published summary is computed from: gold's, and `private`. */
const PUBLISHED_COLUMNS = [...SILVER_FOR_GOLD, 'private'] as const;

/**
 * Gold rows as the job summary may publish them: computed like gold from silver for the `n`
 * months ending at `month`, leaving out private activities unless `includePrivate` is set
 * (gold itself counts every activity: it is the athlete's own table).
 */
export async function readPublishedSummary(
  warehouse: string,
  s3: PipelineConfig['s3'],
  month: Month,
  n: number,
  privacy: Pick<PrivacyConfig, 'includePrivate'>,
): Promise<GoldRow[]> {
  const first = addMonths(month, -(n - 1));
  const before = addMonths(first, -1);
  const table = new DeltaTable(await openStore(warehouse, s3), SILVER);
  const snap = await table.snapshot();
  if (!snap) return [];
  const monthOf = partitionValueOf(snap.metadata, 'month');
  const files = snap.files.filter((f) => {
    const m = monthOf(f) ?? '';
    return m >= before && m <= month;
  });
  const rows = (await table.readRows(files, PUBLISHED_COLUMNS)) as unknown as (SilverForGold & {
    id: bigint;
    private: boolean | null;
  })[];
  const published = rows
    .filter((r) => isPublishable(r, privacy))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const months: Month[] = [];
  for (let m = first; m <= month; m = addMonths(m, 1)) months.push(m);
  const held = new Set(rows.map((r) => r.month));
  return computeGold(published, months)
    .filter((r) => held.has(r.month))
    .sort((a, b) =>
      a.month === b.month ? (a.sport_type < b.sport_type ? -1 : 1) : a.month < b.month ? -1 : 1,
    );
}
