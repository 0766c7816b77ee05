import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  EFFORTS
} from "./chunk-8DD25B0D.js";

// src/lakehouse/id-bounds.ts
var compareBigint = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function longBounds(stats, column) {
  if (!stats) return void 0;
  const key = JSON.stringify(column);
  const min = new RegExp(`"minValues":\\{[^}]*?${key}:(-?\\d+)`).exec(stats)?.[1];
  const max = new RegExp(`"maxValues":\\{[^}]*?${key}:(-?\\d+)`).exec(stats)?.[1];
  return min && max ? { min: BigInt(min), max: BigInt(max) } : void 0;
}
function mayHoldAny(file, ids, column = "id") {
  if (!ids.length) return false;
  const bounds = longBounds(file.stats, column);
  if (!bounds) return true;
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (ids[mid] < bounds.min) lo = mid + 1;
    else hi = mid;
  }
  return lo < ids.length && ids[lo] <= bounds.max;
}

// src/lakehouse/detail-gold.ts
var MAX_SAMPLE_GAP_S = 30;
var LAST_SAMPLE_S = 1;
function zoneOf(h, zones) {
  return zones.findIndex(
    (z) => (z.zone_min === null || Number(z.zone_min) <= h) && (z.zone_max === null || h < Number(z.zone_max))
  );
}
function hrSecondsPerZone(samples, zones) {
  const seconds = zones.map(() => 0);
  let nextTime = null;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i];
    const t = s.time_s === null ? null : Number(s.time_s);
    if (s.heartrate !== null && t !== null) {
      const zone = zoneOf(Number(s.heartrate), zones);
      if (zone >= 0) {
        const gap = nextTime === null ? LAST_SAMPLE_S : Math.min(nextTime - t, MAX_SAMPLE_GAP_S);
        if (gap > 0) seconds[zone] += gap;
      }
    }
    if (t !== null) nextTime = t;
  }
  return seconds;
}
var byId = (rows) => [...rows].sort((a, b) => compareBigint(a.id, b.id));
var text = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function gearGold(activities, gearNames, months) {
  const wanted = new Set(months);
  const groups = /* @__PURE__ */ new Map();
  for (const a of byId(activities)) {
    if (a.gear_id === null || !wanted.has(a.month)) continue;
    const key = JSON.stringify([a.month, a.gear_id, a.sport_type]);
    const g = groups.get(key) ?? {
      month: a.month,
      gear_id: a.gear_id,
      gear_name: gearNames.get(a.gear_id) ?? null,
      sport_type: a.sport_type,
      activity_count: 0n,
      distance: 0,
      moving_time: 0n
    };
    g.activity_count = g.activity_count + 1n;
    g.distance = g.distance + a.distance;
    g.moving_time = g.moving_time + a.moving_time;
    groups.set(key, g);
  }
  return [...groups.entries()].sort(([a], [b]) => text(a, b)).map(([, row]) => row);
}
function hrZonesGold(secondsByActivity, activities, zones, months) {
  const wanted = new Set(months);
  const totals = /* @__PURE__ */ new Map();
  for (const a of activities) {
    const seconds = secondsByActivity.get(a.id);
    if (!seconds || !wanted.has(a.month) || !seconds.some((s) => s > 0)) continue;
    const key = JSON.stringify([a.month, a.sport_type]);
    const t = totals.get(key) ?? {
      month: a.month,
      sport: a.sport_type,
      seconds: zones.map(() => 0)
    };
    seconds.forEach((s, i) => t.seconds[i] += s);
    totals.set(key, t);
  }
  return [...totals.entries()].sort(([a], [b]) => text(a, b)).flatMap(
    ([, t]) => zones.map((z, i) => ({
      month: t.month,
      sport_type: t.sport,
      zone_index: z.zone_index,
      zone_min: z.zone_min,
      zone_max: z.zone_max,
      seconds: BigInt(Math.round(t.seconds[i]))
    }))
  );
}
function bestsGold(details, activities, months) {
  const wanted = new Set(months);
  const silver = new Map(activities.map((a) => [a.id, a]));
  const best = /* @__PURE__ */ new Map();
  for (const d of details) {
    const a = silver.get(d.activity_id);
    if (!a || !wanted.has(a.month)) continue;
    for (const e of EFFORTS) {
      const value = d[e.column];
      if (value === null || value === void 0 || !Number.isFinite(value)) continue;
      const key = JSON.stringify([a.month, a.sport_type, e.effort]);
      const held = best.get(key);
      const better = !held || (e.lowerIsBetter ? value < held.value : value > held.value) || value === held.value && a.id < held.activity_id;
      if (better) {
        best.set(key, {
          month: a.month,
          sport_type: a.sport_type,
          effort: e.effort,
          value,
          unit: e.unit,
          activity_id: a.id
        });
      }
    }
  }
  return [...best.entries()].sort(([a], [b]) => text(a, b)).map(([, row]) => row);
}

export {
  compareBigint,
  mayHoldAny,
  hrSecondsPerZone,
  gearGold,
  hrZonesGold,
  bestsGold
};
