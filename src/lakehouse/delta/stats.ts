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
export const SURROGATE = /[\uD800-\uDFFF]/;

/** What the stats need of one column, gathered in one pass over its cells. */
export interface ColumnSummary {
  /** Non-null cells. */
  present: number;
  /** Bounds in JS order (UTF-16 units for text), the first of ties; null when none is present. */
  min: Value;
  max: Value;
  /** A NaN or an infinity: no bounds then. */
  nonFinite: boolean;
  /**
   * Set when some text is above U+FFFF (has surrogates), where only UTF-8 byte order gives the
   * right bounds: the column's cells, to find the bounds again in that order.
   */
  surrogateText?: readonly Value[] | undefined;
}

/**
 * A summary's bounds, kept as each non-null cell comes: `v` in JS order against the rest (a
 * column's cells are of one type, so a new min cannot also be a new max).
 */
export function include(s: ColumnSummary, v: NonNullable<Value>): void {
  s.present++;
  if (typeof v === 'number' && !Number.isFinite(v)) s.nonFinite = true;
  if (s.min === null) s.min = s.max = v;
  else if (v < s.min) s.min = v;
  else if (v > s.max!) s.max = v;
}

export const emptySummary = (): ColumnSummary => ({
  present: 0,
  min: null,
  max: null,
  nonFinite: false,
});

/** One pass over a column of `rows`. */
function summarize(rows: readonly Row[], name: string): ColumnSummary {
  const s = emptySummary();
  let surrogates = false;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name] ?? null;
    if (v === null) continue;
    include(s, v);
    if (!surrogates && typeof v === 'string' && SURROGATE.test(v)) surrogates = true;
  }
  if (surrogates) s.surrogateText = rows.map((r) => r[name] ?? null);
  return s;
}

/** Text bounds in UTF-8 byte order (the first of ties). */
function utf8Bounds(cells: readonly Value[]): { min: Value; max: Value } {
  let min: string | null = null;
  let max: string | null = null;
  for (const v of cells) {
    if (v === null || v === undefined) continue;
    if (min === null || compareUtf8(v as string, min) < 0) min = v as string;
    if (max === null || compareUtf8(v as string, max) > 0) max = v as string;
  }
  return { min, max };
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

/** The stats JSON string of a data file of `numRecords` rows from its columns' summaries. */
export function statsJson(
  numRecords: number,
  fields: readonly DeltaField[],
  summaries: readonly ColumnSummary[],
): string {
  const mins: string[] = [];
  const maxes: string[] = [];
  const nulls: string[] = [];
  fields.forEach((f, i) => {
    const key = JSON.stringify(f.name);
    const col = summaries[i]!;
    nulls.push(`${key}:${numRecords - col.present}`);
    if (f.type === 'boolean' || col.present === 0 || col.nonFinite) return;
    const { min, max } = col.surrogateText ? utf8Bounds(col.surrogateText) : col;
    const lo = bound(min, f, 'min');
    const hi = bound(max, f, 'max');
    if (lo !== undefined) mins.push(`${key}:${lo}`);
    if (hi !== undefined) maxes.push(`${key}:${hi}`);
  });
  // Built as text: long bounds are bigints, which JSON.stringify cannot write exactly.
  return `{"numRecords":${numRecords},"minValues":{${mins.join(',')}},"maxValues":{${maxes.join(',')}},"nullCount":{${nulls.join(',')}}}`;
}

/**
 * The stats JSON string of one data file holding `rows`, for its non-partition `fields`.
 * `rowsToArrowWithStats` gives the same text from the pass that builds the Arrow table.
 */
export function fileStats(rows: readonly Row[], fields: readonly DeltaField[]): string {
  return statsJson(
    rows.length,
    fields,
    fields.map((f) => summarize(rows, f.name)),
  );
}
