/**
 * The detail queue: which activities need their details (again), in the order they are
 * fetched, and what that costs in requests. It is derived, not stored: an activity is queued
 * while the hash of its silver summary differs from the hash its details were fetched for
 * (activity_details.summary_sha256), so the warehouse itself is the queue and any run,
 * scheduled or manual, continues where the last one stopped. Details read from the account
 * export (status `archive`) hold the archive hash instead (summary-hash.ts): they stay current
 * while the fields the export covers are unchanged, whatever else the API's summary adds.
 */
import type { DetailState, SilverSummary } from './types.js';

/** activity_details.status of details read from the account export. */
export const ARCHIVE_STATUS = 'archive';

/** Requests one activity's details cost: the detail (with laps and splits), and its streams. */
export function requestsFor(a: Pick<SilverSummary, 'manual'>): number {
  // Strava keeps no streams for a manual activity: asking would only spend a request on a 404.
  return a.manual ? 1 : 2;
}

/**
 * Whether an activity's stored details belong to its current summary: the hash stored with them
 * is the summary's full hash (fetched, not_found, and archive rows written before the archive
 * hash existed), or, for an `archive` row, its archive hash.
 */
export function detailsCurrent(
  a: Pick<SilverSummary, 'id' | 'summarySha256' | 'archiveSha256'>,
  state: Pick<DetailState, 'fetched' | 'archived'>,
): boolean {
  const stored = state.fetched.get(a.id);
  if (stored === undefined) return false;
  return stored === a.summarySha256 || (state.archived.has(a.id) && stored === a.archiveSha256);
}

/** Activities whose details are missing or stale: newest month first, newest first within it. */
export function detailQueue(state: DetailState): SilverSummary[] {
  return state.activities
    .filter((a) => !detailsCurrent(a, state))
    .sort((a, b) =>
      a.month !== b.month
        ? a.month < b.month
          ? 1
          : -1
        : a.startDateLocal !== b.startDateLocal
          ? a.startDateLocal < b.startDateLocal
            ? 1
            : -1
          : a.id < b.id
            ? 1
            : -1,
    );
}

/** Gear ids silver uses that silver/gear does not hold yet, sorted. */
export function missingGear(state: DetailState): string[] {
  const ids = new Set<string>();
  for (const a of state.activities) if (a.gearId && !state.gearIds.has(a.gearId)) ids.add(a.gearId);
  return [...ids].sort();
}

/** Requests the queue still needs, gear included. */
export function queuedRequests(queue: readonly SilverSummary[], gear: readonly string[]): number {
  return queue.reduce((n, a) => n + requestsFor(a), 0) + gear.length;
}

/** Runs still needed for `requests` at `perRun` requests a run (0 when nothing is queued). */
export function runsToFinish(requests: number, perRun: number): number {
  if (requests <= 0) return 0;
  return Math.ceil(requests / Math.max(1, perRun));
}
