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

/** Without surrogates (all text below U+10000) UTF-16 order is UTF-8 byte order. */
const SURROGATE = /[\uD800-\uDFFF]/;

const compareUnits = (a: Value, b: Value) =>
  (a as number | bigint | string) < (b as number | bigint | string)
    ? -1
    : (a as number | bigint | string) > (b as number | bigint | string)
      ? 1
      : 0;

interface ColumnSummary {
  present: number;
  min: Value;
  max: Value;
  /** A NaN or an infinity: no bounds then. */
  nonFinite: boolean;
  /** Text above U+FFFF, where only byte order gives the right bounds. */
  surrogates: boolean;
}

/** One pass over a column: non-null count and bounds in `compare` order (the first of ties). */
function summarize(
  rows: readonly Row[],
  name: string,
  compare: (a: Value, b: Value) => number,
): ColumnSummary {
  const s: ColumnSummary = {
    present: 0,
    min: null,
    max: null,
    nonFinite: false,
    surrogates: false,
  };
  for (const r of rows) {
    const v = r[name] ?? null;
    if (v === null) continue;
    s.present++;
    if (typeof v === 'number' && !Number.isFinite(v)) s.nonFinite = true;
    if (typeof v === 'string' && !s.surrogates && SURROGATE.test(v)) s.surrogates = true;
    if (s.min === null || compare(v, s.min) < 0) s.min = v;
    if (s.max === null || compare(v, s.max) > 0) s.max = v;
  }
  return s;
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
    let col = summarize(rows, f.name, compareUnits);
    nulls.push(`${key}:${rows.length - col.present}`);
    if (f.type === 'boolean' || col.present === 0 || col.nonFinite) continue;
    if (col.surrogates) {
      col = summarize(rows, f.name, (a, b) => compareUtf8(a as string, b as string));
    }
    const lo = bound(col.min, f, 'min');
    const hi = bound(col.max, f, 'max');
    if (lo !== undefined) mins.push(`${key}:${lo}`);
    if (hi !== undefined) maxes.push(`${key}:${hi}`);
  }
  // Built as text: long bounds are bigints, which JSON.stringify cannot write exactly.
  return `{"numRecords":${rows.length},"minValues":{${mins.join(',')}},"maxValues":{${maxes.join(',')}},"nullCount":{${nulls.join(',')}}}`;
}
