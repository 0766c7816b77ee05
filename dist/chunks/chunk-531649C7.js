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
var EARTH_RADIUS_M = 63710088e-1;
var rad = (deg) => deg * Math.PI / 180;
function distanceM(a, b) {
  const dLat = rad(b[0] - a[0]);
  const dLng = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
function trimEndpoints(points, radiusM) {
  if (!points.length) return [];
  const start = points[0];
  const end = points[points.length - 1];
  return points.filter((p) => distanceM(p, start) > radiusM && distanceM(p, end) > radiusM).map((p) => [p[0], p[1]]);
}
function isPublishable(activity, privacy) {
  return privacy.includePrivate || activity.private === false;
}

export {
  DEFAULT_PRIVACY_RADIUS_M,
  MAX_PRIVACY_RADIUS_M,
  withoutCoordinates,
  streamsWithoutCoordinates,
  distanceM,
  trimEndpoints,
  isPublishable
};
