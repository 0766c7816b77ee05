/**
 * Per-file statistics for an `add` action (PROTOCOL.md "Per-file Statistics"), written the way
 * Spark writes them so engines can skip files: numRecords, and per data column nullCount,
 * minValues and maxValues. Timestamps are ISO text truncated to milliseconds (readers allow for
 * that); strings keep a 32-character prefix, and a truncated max gets the highest code point
 * appended so it still bounds the real value; booleans and columns holding NaN or infinities
 * get no bounds.
 */
import type { Row } from './arrow.js';
import { isoFromMicros, type DeltaField, type Value } from './schema.js';

const STRING_PREFIX = 32;
const TIE_BREAKER = '\u{10FFFD}';

/** Spark compares strings as UTF-8 bytes; JS `<` compares UTF-16 units, which differs above U+FFFF. */
const compareUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  return (a as number | bigint) < (b as number | bigint)
    ? -1
    : (a as number | bigint) > (b as number | bigint)
      ? 1
      : 0;
}

function bound(value: Value, f: DeltaField, side: 'min' | 'max'): string | undefined {
  if (f.type === 'timestamp') return JSON.stringify(isoFromMicros(value as bigint, 'ms'));
  if (typeof value === 'string') {
    const chars = Array.from(value);
    if (chars.length <= STRING_PREFIX) return JSON.stringify(value);
    const prefix = chars.slice(0, STRING_PREFIX).join('');
    if (side === 'min') return JSON.stringify(prefix);
    const upper = prefix + TIE_BREAKER;
    return compareUtf8(upper, value) >= 0 ? JSON.stringify(upper) : undefined;
  }
  return String(value);
}

/** The stats JSON string of one data file holding `rows`, for its non-partition `fields`. */
export function fileStats(rows: readonly Row[], fields: readonly DeltaField[]): string {
  const mins: string[] = [];
  const maxes: string[] = [];
  const nulls: string[] = [];
  for (const f of fields) {
    const key = JSON.stringify(f.name);
    const values = rows
      .map((r) => r[f.name] ?? null)
      .filter((v): v is NonNullable<Value> => v !== null);
    nulls.push(`${key}:${rows.length - values.length}`);
    if (f.type === 'boolean' || values.length === 0) continue;
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) continue;
    let min = values[0]!;
    let max = values[0]!;
    for (const v of values) {
      if (compare(v, min) < 0) min = v;
      if (compare(v, max) > 0) max = v;
    }
    const lo = bound(min, f, 'min');
    const hi = bound(max, f, 'max');
    if (lo !== undefined) mins.push(`${key}:${lo}`);
    if (hi !== undefined) maxes.push(`${key}:${hi}`);
  }
  // Built as text: long bounds are bigints, which JSON.stringify cannot write exactly.
  return `{"numRecords":${rows.length},"minValues":{${mins.join(',')}},"maxValues":{${maxes.join(',')}},"nullCount":{${nulls.join(',')}}}`;
}
