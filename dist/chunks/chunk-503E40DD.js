import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  DeltaTable,
  openStore
} from "./chunk-4A68497C.js";
import {
  GOLD,
  SILVER,
  TABLES,
  computeGold
} from "./chunk-99BC1E63.js";
import {
  addMonths
} from "./chunk-328A68CB.js";

// src/lakehouse/detail-tables.ts
var col = (name, type, nullable = true) => ({ name, type, nullable });
var month = col("month", "string", false);
var ACTIVITY_DETAILS = {
  path: "silver/activity_details",
  description: "Per activity: the detail endpoint, and the summary it was fetched for",
  columns: [
    col("activity_id", "long", false),
    col("status", "string", false),
    col("summary_sha256", "string", false),
    col("fetched_at", "timestamp", false),
    col("description", "string"),
    col("calories", "double"),
    col("device_name", "string"),
    col("gear_id", "string"),
    col("workout_type", "long"),
    col("suffer_score", "double"),
    col("perceived_exertion", "double"),
    col("private", "boolean"),
    col("lap_count", "long"),
    /** `splits_metric` as Strava gives it (JSON text): one entry per kilometre. */
    col("splits_metric", "string"),
    /** Samples in silver/streams for this activity (0 for a manual activity: no streams). */
    col("stream_samples", "long"),
    /** Best efforts from the streams: fastest 1/5/10 km in seconds, best 5/20 min mean watts. */
    col("best_1km_s", "double"),
    col("best_5km_s", "double"),
    col("best_10km_s", "double"),
    col("best_5min_watts", "double"),
    col("best_20min_watts", "double"),
    month
  ],
  partitionColumns: ["month"]
};
var LAPS = {
  path: "silver/laps",
  description: "Laps, one row per activity and lap index",
  columns: [
    col("activity_id", "long", false),
    col("lap_index", "long", false),
    col("lap_id", "long"),
    col("name", "string"),
    col("start_date", "timestamp"),
    col("start_date_local", "timestamp"),
    col("elapsed_time", "long"),
    col("moving_time", "long"),
    col("distance", "double"),
    col("start_index", "long"),
    col("end_index", "long"),
    col("total_elevation_gain", "double"),
    col("average_speed", "double"),
    col("max_speed", "double"),
    col("average_heartrate", "double"),
    col("max_heartrate", "double"),
    col("average_cadence", "double"),
    col("average_watts", "double"),
    col("device_watts", "boolean"),
    col("split", "long"),
    col("pace_zone", "long"),
    month
  ],
  partitionColumns: ["month"]
};
var STREAMS = {
  path: "silver/streams",
  description: "Stream samples, one row per activity and sample index",
  columns: [
    col("activity_id", "long", false),
    col("sample_index", "long", false),
    col("time_s", "long"),
    col("distance_m", "double"),
    col("lat", "double"),
    col("lng", "double"),
    col("altitude_m", "double"),
    col("heartrate", "long"),
    col("cadence", "long"),
    col("watts", "long"),
    col("velocity_smooth", "double"),
    col("grade_smooth", "double"),
    col("moving", "boolean"),
    month
  ],
  partitionColumns: ["month"]
};
var GEAR = {
  path: "silver/gear",
  description: "Gear (bikes and shoes), one row per id",
  columns: [
    col("id", "string", false),
    /** `bike` (id starts with b) or `shoe` (id starts with g). */
    col("gear_type", "string", false),
    col("name", "string"),
    col("brand_name", "string"),
    col("model_name", "string"),
    col("description", "string"),
    col("is_primary", "boolean"),
    col("retired", "boolean"),
    /** Metres, as Strava counts them for the gear. */
    col("distance", "double"),
    col("fetched_at", "timestamp", false)
  ],
  partitionColumns: []
};
var ATHLETE_ZONES = {
  path: "silver/athlete_zones",
  description: "Heart-rate and power zones of the athlete",
  columns: [
    /** `heartrate` or `power`. */
    col("zone_type", "string", false),
    /** From 1, in Strava's order. */
    col("zone_index", "long", false),
    col("zone_min", "long"),
    /** Null for the open top zone (Strava's -1). */
    col("zone_max", "long"),
    col("custom_zones", "boolean"),
    col("fetched_at", "timestamp", false)
  ],
  partitionColumns: []
};
var GOLD_GEAR = {
  path: "gold/gear_monthly",
  description: "Distance and time per gear per month",
  columns: [
    month,
    col("gear_id", "string", false),
    col("gear_name", "string"),
    col("sport_type", "string", false),
    col("activity_count", "long", false),
    col("distance", "double", false),
    col("moving_time", "long", false)
  ],
  partitionColumns: ["month"]
};
var GOLD_HR_ZONES = {
  path: "gold/hr_zones_monthly",
  description: "Time in each heart-rate zone per sport per month",
  columns: [
    month,
    col("sport_type", "string", false),
    col("zone_index", "long", false),
    col("zone_min", "long"),
    col("zone_max", "long"),
    col("seconds", "long", false)
  ],
  partitionColumns: ["month"]
};
var GOLD_BESTS = {
  path: "gold/best_efforts_monthly",
  description: "Best 1/5/10 km times and 5/20 min power per sport per month",
  columns: [
    month,
    col("sport_type", "string", false),
    /** One of EFFORTS' `effort`. */
    col("effort", "string", false),
    col("value", "double", false),
    /** `s` or `W`. */
    col("unit", "string", false),
    col("activity_id", "long", false)
  ],
  partitionColumns: ["month"]
};
var DETAIL_SILVER = [ACTIVITY_DETAILS, LAPS, STREAMS, GEAR, ATHLETE_ZONES];
var DETAIL_GOLD = [GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS];
var DETAIL_TABLES = [...DETAIL_SILVER, ...DETAIL_GOLD];

// src/lakehouse/inspect.ts
function rowsOf(f) {
  if (!f.stats) return 0;
  const n = JSON.parse(f.stats).numRecords;
  return typeof n === "number" ? n : 0;
}
async function inspectWarehouse(store) {
  const tables = [];
  for (const def of [...TABLES, ...DETAIL_TABLES]) {
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
async function readGoldSummary(warehouse, s3, month2, n) {
  const first = addMonths(month2, -(n - 1));
  const table = new DeltaTable(await openStore(warehouse, s3), GOLD);
  const snap = await table.snapshot();
  if (!snap) return [];
  const files = snap.files.filter((f) => {
    const m = f.partitionValues.month ?? "";
    return m >= first && m <= month2;
  });
  const rows = await table.readRows(files);
  return rows.sort(
    (a, b) => a.month === b.month ? a.sport_type < b.sport_type ? -1 : 1 : a.month < b.month ? -1 : 1
  );
}
var PUBLISHED_COLUMNS = [
  "id",
  "month",
  "sport_type",
  "distance",
  "moving_time",
  "elapsed_time",
  "total_elevation_gain",
  "average_heartrate",
  "private"
];
async function readPublishedSummary(warehouse, s3, month2, n, privacy) {
  const first = addMonths(month2, -(n - 1));
  const before = addMonths(first, -1);
  const table = new DeltaTable(await openStore(warehouse, s3), SILVER);
  const snap = await table.snapshot();
  if (!snap) return [];
  const files = snap.files.filter((f) => {
    const m = f.partitionValues.month ?? "";
    return m >= before && m <= month2;
  });
  const rows = await table.readRows(files, PUBLISHED_COLUMNS);
  const published = rows.filter((r) => privacy.includePrivate || r.private !== true).sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const months = [];
  for (let m = first; m <= month2; m = addMonths(m, 1)) months.push(m);
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
