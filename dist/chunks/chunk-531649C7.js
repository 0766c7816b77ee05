import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/details/privacy.ts
var DEFAULT_PRIVACY_RADIUS_M = 200;
var MAX_PRIVACY_RADIUS_M = 1e5;
function withoutCoordinates(activity) {
  const copy = { ...activity };
  delete copy.start_latlng;
  delete copy.end_latlng;
  if (copy.map && typeof copy.map === "object") {
    const map = { ...copy.map };
    delete map.summary_polyline;
    delete map.polyline;
    copy.map = map;
  }
  return copy;
}
function streamsWithoutCoordinates(rows) {
  return rows.map((r) => ({ ...r, lat: null, lng: null }));
}

// src/runs/record.ts
function runRecordKey(month, runId) {
  return `_runs/month=${month}/${runId}.json`;
}

export {
  DEFAULT_PRIVACY_RADIUS_M,
  MAX_PRIVACY_RADIUS_M,
  withoutCoordinates,
  streamsWithoutCoordinates,
  runRecordKey
};
