/**
 * File skipping by an id column: the bounds a data file's stats give for a long column, read
 * as text because long bounds may exceed 2^53, and whether a file may hold any of a set of ids.
 */
import type { AddFile } from './delta/table.js';

/** Ascending order of bigints, for Array.prototype.sort. */
export const compareBigint = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The bounds of the long `column` from a stats string; undefined when the stats have none. */
export function longBounds(
  stats: string | undefined,
  column: string,
): { min: bigint; max: bigint } | undefined {
  if (!stats) return undefined;
  const key = JSON.stringify(column);
  const min = new RegExp(`"minValues":\\{[^}]*?${key}:(-?\\d+)`).exec(stats)?.[1];
  const max = new RegExp(`"maxValues":\\{[^}]*?${key}:(-?\\d+)`).exec(stats)?.[1];
  return min && max ? { min: BigInt(min), max: BigInt(max) } : undefined;
}

/**
 * Whether a file's bounds of `column` admit any of the ascending `ids` (a file without bounds
 * may hold any of them).
 */
export function mayHoldAny(file: AddFile, ids: readonly bigint[], column = 'id'): boolean {
  if (!ids.length) return false;
  const bounds = longBounds(file.stats, column);
  if (!bounds) return true;
  // The first id not below the file's minimum: the file may hold it if it is within the maximum.
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < bounds.min) lo = mid + 1;
    else hi = mid;
  }
  return lo < ids.length && ids[lo]! <= bounds.max;
}
