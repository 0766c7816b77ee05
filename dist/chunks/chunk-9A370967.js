import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ARCHIVE_ACTIVITIES
} from "./chunk-D6532F9D.js";
import {
  openStore
} from "./chunk-CA8E37C7.js";
import {
  isPublishable
} from "./chunk-531649C7.js";
import {
  DETAIL_TABLES,
  DeltaTable,
  GOLD,
  SILVER,
  SILVER_FOR_GOLD,
  TABLES,
  computeGold,
  partitionValueOf
} from "./chunk-8DD25B0D.js";
import {
  addMonths
} from "./chunk-328A68CB.js";

// src/lakehouse/inspect.ts
function rowsOf(f) {
  if (!f.stats) return 0;
  const n = JSON.parse(f.stats).numRecords;
  return typeof n === "number" ? n - (f.deletionVector?.cardinality ?? 0) : 0;
}
async function inspectWarehouse(store) {
  const tables = [];
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
      bytes: files.reduce((n, f) => n + f.size, 0)
    });
  }
  const runs = (await store.list("_runs/")).filter((o) => o.key.endsWith(".json")).length;
  return { tables, runs };
}
async function readGoldSummary(warehouse, s3, month, n) {
  const first = addMonths(month, -(n - 1));
  const table = new DeltaTable(await openStore(warehouse, s3), GOLD);
  const snap = await table.snapshot();
  if (!snap) return [];
  const monthOf = partitionValueOf(snap.metadata, "month");
  const files = snap.files.filter((f) => {
    const m = monthOf(f) ?? "";
    return m >= first && m <= month;
  });
  const rows = await table.readRows(files);
  return rows.sort(
    (a, b) => a.month === b.month ? a.sport_type < b.sport_type ? -1 : 1 : a.month < b.month ? -1 : 1
  );
}
var PUBLISHED_COLUMNS = [...SILVER_FOR_GOLD, "private"];
async function readPublishedSummary(warehouse, s3, month, n, privacy) {
  const first = addMonths(month, -(n - 1));
  const before = addMonths(first, -1);
  const table = new DeltaTable(await openStore(warehouse, s3), SILVER);
  const snap = await table.snapshot();
  if (!snap) return [];
  const monthOf = partitionValueOf(snap.metadata, "month");
  const files = snap.files.filter((f) => {
    const m = monthOf(f) ?? "";
    return m >= before && m <= month;
  });
  const rows = await table.readRows(files, PUBLISHED_COLUMNS);
  const published = rows.filter((r) => isPublishable(r, privacy)).sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const months = [];
  for (let m = first; m <= month; m = addMonths(m, 1)) months.push(m);
  const held = new Set(rows.map((r) => r.month));
  return computeGold(published, months).filter((r) => held.has(r.month)).sort(
    (a, b) => a.month === b.month ? a.sport_type < b.sport_type ? -1 : 1 : a.month < b.month ? -1 : 1
  );
}

export {
  inspectWarehouse,
  readGoldSummary,
  readPublishedSummary
};
