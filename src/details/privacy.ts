/**
 * Privacy rules for what this project stores and publishes.
 *
 * - `--no-coordinates`: the tables never hold a position. The activity records lose
 *   `start_latlng`, `end_latlng` and their map polylines before they are landed (so landing,
 *   bronze and silver hold none, the raw JSON included), and stream rows lose `lat`/`lng`.
 * - Published outputs (the job summary, a report) show no coordinate within the privacy radius
 *   of an activity's start or end (`trimEndpoints`), and no private activity unless asked
 *   (`isPublishable`).
 */
import type { Row } from '../lakehouse/delta/table.js';

export interface PrivacyConfig {
  /** Metres around the start and end within which published outputs show no coordinate. */
  radiusM: number;
  /** Keep coordinates out of the tables altogether. */
  noCoordinates: boolean;
  /** Published outputs include private activities. */
  includePrivate: boolean;
}

export const DEFAULT_PRIVACY_RADIUS_M = 200;
export const MAX_PRIVACY_RADIUS_M = 100_000;
export const DEFAULT_PRIVACY: PrivacyConfig = {
  radiusM: DEFAULT_PRIVACY_RADIUS_M,
  noCoordinates: false,
  includePrivate: false,
};

/** An activity record without its positions: what is landed under `--no-coordinates`. */
export function withoutCoordinates<T extends Record<string, unknown>>(activity: T): T {
  const copy: Record<string, unknown> = { ...activity };
  delete copy.start_latlng;
  delete copy.end_latlng;
  if (copy.map && typeof copy.map === 'object') {
    const map: Record<string, unknown> = { ...(copy.map as Record<string, unknown>) };
    delete map.summary_polyline;
    delete map.polyline;
    copy.map = map;
  }
  return copy as T;
}

/** Stream rows with lat/lng nulled: what is written under `--no-coordinates`. */
export function streamsWithoutCoordinates(rows: Row[]): Row[] {
  return rows.map((r) => ({ ...r, lat: null, lng: null }));
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine on the mean Earth radius). */
export function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  const dLat = rad(b[0] - a[0]);
  const dLng = rad(b[1] - a[1]);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The points of a track that may be published: every point within `radiusM` of the first or
 * the last point is dropped (so a home at either end is not shown), whatever its position in
 * the track. A track that never leaves the radius publishes nothing.
 */
export function trimEndpoints(
  points: readonly (readonly [number, number])[],
  radiusM: number,
): [number, number][] {
  if (!points.length) return [];
  const start = points[0]!;
  const end = points[points.length - 1]!;
  return points
    .filter((p) => distanceM(p, start) > radiusM && distanceM(p, end) > radiusM)
    .map((p) => [p[0], p[1]]);
}

/**
 * Whether an activity may appear in published outputs: only one known not to be private, unless
 * `includePrivate`. An activity of unknown visibility (`private` null: one known only from the
 * account export, whose activities.csv has no visibility column) is left out like a private one.
 */
export function isPublishable(
  activity: { private?: unknown },
  privacy: Pick<PrivacyConfig, 'includePrivate'>,
): boolean {
  return privacy.includePrivate || activity.private === false;
}
