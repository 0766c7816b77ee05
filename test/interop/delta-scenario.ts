/**
 * A table history for the interop suites, written with the embedded DeltaTable and read back by
 * delta-rs and Spark. Rows come from the seven real November 2018 runs (see
 * test/unit/landing/recorded.ts), copied into later months with shifted ids and dates.
 *
 * silver/activities, 13 commits: months 0..8 appended (v0-v8); month 0 replaced by five of its
 * runs, one renamed (v9); month 1 replaced with longer distances (v10, so a checkpoint is
 * written); month 9 appended (v11); month 2 removed entirely (v12).
 * bronze/activities, 3 commits taking landing files exactly once through txn actions.
 */
import type { ObjectStore } from '../../src/landing/store.js';
import { BRONZE, SILVER } from '../../src/lakehouse/tables.js';
import { DeltaTable, type Row } from '../../src/lakehouse/delta/table.js';
import { addMonths, type Month } from '../../src/strava/months.js';
import { ACTIVITY_FIELDS, CSV_COLUMNS, csvCell, parseCell } from '../../src/strava/schema.js';
import { RECORDED_MONTH, recordedActivities } from '../unit/landing/recorded.js';

const DAY_MICROS = 86_400_000_000n;

export const monthAt = (k: number): Month => addMonths(RECORDED_MONTH as Month, k);

/** The seven recorded runs as silver rows, shifted k months (ids + k·10^10, dates + 31k days). */
export function silverRows(k: number): Row[] {
  return recordedActivities().map((activity) => {
    const row: Row = { month: monthAt(k) };
    for (const f of ACTIVITY_FIELDS) row[f.name] = parseCell(f, csvCell(activity, f));
    row.id = (row.id as bigint) + BigInt(k) * 10_000_000_000n;
    for (const ts of ['start_date', 'start_date_local'])
      row[ts] = (row[ts] as bigint) + BigInt(31 * k) * DAY_MICROS;
    return row;
  });
}

const SILVER_WRITE = (month: Month, mode: 'Append' | 'Overwrite') => ({
  operation: 'WRITE',
  operationParameters: {
    mode,
    partitionBy: SILVER.partitionColumns,
    predicate: [`month = '${month}'`],
  },
  runId: `run-${month}`,
  month,
});

export interface History {
  /** The silver rows the history leaves, by construction (not read back). */
  silver: Row[];
  bronze: Row[];
  bronzeAppIds: string[];
}

export async function writeHistory(store: ObjectStore): Promise<History> {
  const silver = new DeltaTable(store, SILVER);
  const append = async (k: number) => {
    const add = await silver.writeFiles(silverRows(k));
    await silver.commit(() => ({ add, remove: [] }), SILVER_WRITE(monthAt(k), 'Append'));
  };
  const replace = async (k: number, rows: Row[]) => {
    const add = await silver.writeFiles(rows);
    await silver.commit(
      (snap) => ({
        add,
        remove: (snap?.files ?? []).filter((f) => f.partitionValues.month === monthAt(k)),
      }),
      SILVER_WRITE(monthAt(k), 'Overwrite'),
    );
  };
  for (let k = 0; k <= 8; k++) await append(k);
  const month0 = silverRows(0).slice(0, 5);
  month0[0]!.name = 'Renamed on Strava';
  await replace(0, month0);
  const month1 = silverRows(1).map((r) => ({ ...r, distance: (r.distance as number) + 1000 }));
  await replace(1, month1);
  await append(9);
  await replace(2, []);

  const bronze = new DeltaTable(store, BRONZE);
  const bronzeRows: Row[] = [];
  const appIds: string[] = [];
  for (const k of [0, 1, 1, 2]) {
    const appId = `landing/activities/month=${monthAt(k)}/activities-${k}.csv`;
    const rows = recordedActivities().map((a) => {
      const row: Row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, null]));
      for (const f of ACTIVITY_FIELDS) row[f.name] = csvCell(a, f) || null;
      return {
        ...row,
        raw: JSON.stringify(a),
        _landing_file: appId,
        _ingested_at: 1_700_000_000_000_000n + BigInt(k),
        _run_id: `run-${k}`,
        month: monthAt(k),
      };
    });
    const add = await bronze.writeFiles(rows);
    // The second landing of month 1 is the same file: the txn makes it a no-op.
    const version = await bronze.commit(
      (snap) => (snap?.txns.has(appId) ? null : { add, remove: [], txns: [{ appId, version: 1 }] }),
      {
        operation: 'WRITE',
        operationParameters: { mode: 'Append' },
        runId: `run-${k}`,
        month: monthAt(k),
      },
    );
    if (version !== null) {
      bronzeRows.push(...rows);
      appIds.push(appId);
    }
  }
  return {
    silver: [...month0, ...month1, ...[3, 4, 5, 6, 7, 8, 9].flatMap(silverRows)],
    bronze: bronzeRows,
    bronzeAppIds: appIds,
  };
}

/** Rows as plain JSON values (bigints as numbers) sorted by `keys`, for comparing with the oracles. */
export function comparable(
  rows: Record<string, unknown>[],
  keys: string[],
): Record<string, unknown>[] {
  const sortKey = (r: Record<string, unknown>) => JSON.stringify(keys.map((k) => r[k]));
  return rows
    .map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      ),
    )
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}
