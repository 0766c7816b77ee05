import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  addMonths
} from "./chunk-328A68CB.js";
import {
  QualityError
} from "./chunk-06F01416.js";

// src/lakehouse/gold.ts
var key = (month, sport) => `${month}\0${sport}`;
function totalsByMonthSport(rows) {
  const out = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const k = key(r.month, r.sport_type);
    let t = out.get(k);
    if (!t) {
      t = { count: 0n, distance: 0, moving: 0n, elapsed: 0n, elevation: 0, hrSum: 0, hrCount: 0 };
      out.set(k, t);
    }
    t.count += 1n;
    t.distance += r.distance;
    t.moving += r.moving_time;
    t.elapsed += r.elapsed_time;
    t.elevation += r.total_elevation_gain ?? 0;
    if (r.average_heartrate !== null) {
      t.hrSum += r.average_heartrate;
      t.hrCount += 1;
    }
  }
  return out;
}
var pct = (now, prev) => prev === null || prev === 0 ? null : 100 * (now - prev) / prev;
function computeGold(silver, months) {
  const totals = totalsByMonthSport(silver);
  const wanted = new Set(months);
  const out = [];
  for (const [k, t] of totals) {
    const [month, sport] = k.split("\0");
    if (!wanted.has(month)) continue;
    const prev = totals.get(key(addMonths(month, -1), sport));
    const prevMoving = prev ? prev.moving : null;
    out.push({
      month,
      sport_type: sport,
      activity_count: t.count,
      distance: t.distance,
      moving_time: t.moving,
      elapsed_time: t.elapsed,
      total_elevation_gain: t.elevation,
      average_speed: t.moving > 0n ? t.distance / Number(t.moving) : null,
      average_heartrate: t.hrCount ? t.hrSum / t.hrCount : null,
      prev_activity_count: prev ? prev.count : null,
      prev_distance: prev ? prev.distance : null,
      prev_moving_time: prevMoving,
      activity_count_change: prev ? t.count - prev.count : null,
      distance_change: prev ? t.distance - prev.distance : null,
      distance_change_pct: pct(t.distance, prev ? prev.distance : null),
      moving_time_change: prevMoving === null ? null : t.moving - prevMoving,
      moving_time_change_pct: pct(
        Number(t.moving),
        prevMoving === null ? null : Number(prevMoving)
      )
    });
  }
  return out.sort(
    (a, b) => a.month === b.month ? a.sport_type < b.sport_type ? -1 : 1 : a.month < b.month ? -1 : 1
  );
}
function goldMonthsFor(months) {
  const out = /* @__PURE__ */ new Set();
  for (const m of months) {
    out.add(m);
    out.add(addMonths(m, 1));
  }
  return [...out].sort();
}

// src/lakehouse/quality.ts
var KNOWN_SPORT_TYPES = /* @__PURE__ */ new Set([
  "AlpineSki",
  "BackcountrySki",
  "Badminton",
  "Canoeing",
  "Crossfit",
  "EBikeRide",
  "Elliptical",
  "EMountainBikeRide",
  "Golf",
  "GravelRide",
  "Handcycle",
  "HighIntensityIntervalTraining",
  "Hike",
  "IceSkate",
  "InlineSkate",
  "Kayaking",
  "Kitesurf",
  "MountainBikeRide",
  "NordicSki",
  "Pickleball",
  "Pilates",
  "Racquetball",
  "Ride",
  "RockClimbing",
  "RollerSki",
  "Rowing",
  "Run",
  "Sail",
  "Skateboard",
  "Snowboard",
  "Snowshoe",
  "Soccer",
  "Squash",
  "StairStepper",
  "StandUpPaddling",
  "Surfing",
  "Swim",
  "TableTennis",
  "Tennis",
  "TrailRun",
  "Velomobile",
  "VirtualRide",
  "VirtualRow",
  "VirtualRun",
  "Walk",
  "WeightTraining",
  "Wheelchair",
  "Windsurf",
  "Workout",
  "Yoga"
]);
var MEASURE_COLUMNS = [
  "distance",
  "moving_time",
  "elapsed_time",
  "total_elevation_gain",
  "average_speed",
  "max_speed",
  "average_cadence",
  "average_heartrate",
  "max_heartrate",
  "average_watts",
  "max_watts",
  "weighted_average_watts",
  "kilojoules",
  "suffer_score"
];
var MAX_IDS = 10;
var idList = (ids) => ids.slice(0, MAX_IDS).join(", ") + (ids.length > MAX_IDS ? ` and ${ids.length - MAX_IDS} more` : "");
function checkQuality(rows, month, source) {
  const seen = /* @__PURE__ */ new Set();
  const duplicates = /* @__PURE__ */ new Set();
  const outside = [];
  const negative = [];
  const movingOverElapsed = [];
  const unknownSports = /* @__PURE__ */ new Map();
  for (const r of rows) {
    if (seen.has(r.id)) duplicates.add(r.id);
    seen.add(r.id);
    if (r.start_date_local.slice(0, 7) !== month) outside.push(r.id);
    for (const f of MEASURE_COLUMNS) {
      const cell = r[f];
      if (cell === void 0 || cell === "") continue;
      const v = Number(cell);
      if (!Number.isFinite(v) || v < 0) {
        negative.push(`${r.id} (${f} ${cell})`);
        break;
      }
    }
    if (r.moving_time !== "" && r.elapsed_time !== "" && Number(r.moving_time) > Number(r.elapsed_time)) {
      movingOverElapsed.push(r.id);
    }
    if (!KNOWN_SPORT_TYPES.has(r.sport_type)) {
      const ids = unknownSports.get(r.sport_type) ?? [];
      ids.push(r.id);
      unknownSports.set(r.sport_type, ids);
    }
  }
  const errors = [];
  if (duplicates.size) errors.push(`duplicate activity ids ${idList([...duplicates])}`);
  if (outside.length)
    errors.push(`activities outside ${month} by start_date_local: ${idList(outside)}`);
  if (negative.length) errors.push(`negative or non-finite measures in ${idList(negative)}`);
  if (errors.length) {
    throw new QualityError(
      `Data quality check failed for ${source}: ${errors.join("; ")}.`,
      "Nothing was written to the tables. Correct those activities on Strava (or the landing file, if it was edited by hand) and re-run the month."
    );
  }
  const warnings = [];
  if (movingOverElapsed.length) {
    warnings.push(
      `${month}: moving_time > elapsed_time for activities ${idList(movingOverElapsed)}`
    );
  }
  for (const [sport, ids] of unknownSports) {
    warnings.push(`${month}: unknown sport_type "${sport}" for activities ${idList(ids)}`);
  }
  return warnings;
}

export {
  computeGold,
  goldMonthsFor,
  checkQuality
};
