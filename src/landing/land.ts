/**
 * Lands one month of activities as a CSV in the warehouse. The file name carries a hash of its
 * bytes, so the same data always lands under the same name and is written once, while changed
 * data lands under a new name (Databricks COPY INTO skips a name it has loaded, even if the
 * file changed). An empty month still lands a header-only file: "no activities" is recorded.
 */
import { createHash } from 'node:crypto';
import type { Month } from '../strava/months.js';
import type { StravaActivity } from '../strava/schema.js';
import { activitiesToCsv } from './csv.js';
import type { ObjectStore } from './store.js';

export interface LandedFile {
  /** Key under the warehouse root. */
  key: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** True when the file was already there (same month, same data) and nothing was written. */
  reused: boolean;
}

/**
 * Which landing area a file belongs to: `activities` (the API's months) or `archive` (months
 * imported from Strava's account export). The area is the folder under `landing/`.
 */
export type LandingArea = 'activities' | 'archive';

/** Where a month's CSV lands: `landing/<area>/month=YYYY-MM/activities-<sha256:16>.csv`. */
export function landingKey(
  month: Month,
  csvBytes: Uint8Array,
  area: LandingArea = 'activities',
): string {
  return keyFor(month, sha256Hex(csvBytes), area);
}

export async function landMonth(
  store: ObjectStore,
  month: Month,
  activities: readonly StravaActivity[],
): Promise<LandedFile> {
  return landCsv(store, month, new TextEncoder().encode(activitiesToCsv(activities)));
}

/** Lands a month's CSV bytes (activitiesToCsv's output) under their content-addressed key. */
export async function landCsv(
  store: ObjectStore,
  month: Month,
  body: Uint8Array,
  area: LandingArea = 'activities',
): Promise<LandedFile> {
  const sha256 = sha256Hex(body);
  const key = keyFor(month, sha256, area);
  const landed = { key, sha256, bytes: body.byteLength };
  // Asking first spares re-uploading a month that has not changed; putIfAbsent still settles
  // a race with a concurrent run of the same month.
  if (await store.head(key)) return { ...landed, reused: true };
  return { ...landed, reused: !(await store.putIfAbsent(key, body)) };
}

function keyFor(month: Month, sha256: string, area: LandingArea): string {
  return `landing/${area}/month=${month}/activities-${sha256.slice(0, 16)}.csv`;
}

/** Hex sha256 of bytes: the landing file's content address. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
