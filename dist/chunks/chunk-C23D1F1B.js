import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  QualityError
} from "./chunk-06F01416.js";

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
  checkQuality
};
