/**
 * Rows <-> Arrow tables for a Delta schema. Writing covers the column types the table
 * definitions use; reading covers the primitive types Spark writes, including its legacy INT96
 * timestamps.
 */
import {
  Bool,
  Field,
  Float64,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Type,
  Utf8,
  makeData,
  makeVector,
  type Data,
} from 'apache-arrow';
import { QualityError } from '../../errors.js';
import { floorDiv, type DeltaField, type Value } from './schema.js';
import { SURROGATE, emptySummary, include, statsJson, type ColumnSummary } from './stats.js';

export type Row = Record<string, Value>;

/** Checks and normalises one cell for its column; `where` names the table for the message. */
export function cell(row: Row, f: DeltaField, where: string): Value {
  const v = row[f.name] ?? null;
  if (v === null) {
    if (!f.nullable) throw badCell(v, f, where);
    return null;
  }
  switch (f.type) {
    case 'long':
    case 'timestamp':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      break;
    case 'double':
      if (typeof v === 'number') return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'string':
      if (typeof v === 'string') return v;
      break;
  }
  throw badCell(v, f, where);
}

function badCell(v: Value, f: DeltaField, where: string): QualityError {
  return new QualityError(
    `${where}: column "${f.name}" expects ${f.nullable ? '' : 'a non-null '}${f.type}, got ${describe(v)}.`,
    'This is a bug in the transformation that built the row; please report it.',
  );
}

const describe = (v: Value) =>
  v === null ? 'null' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v).slice(0, 60);

/** What one pass over a column's cells gathers besides its values. */
interface Column {
  nullCount: number;
  /** Validity, least significant bit first: set for the non-null cells. */
  valid: Uint8Array;
  summary: ColumnSummary;
}

/**
 * One pass over a column's cells: each is checked as `cell` checks it, `put` stores the
 * non-null ones (returning the value as stored, or undefined for a cell the column cannot
 * hold), and the validity bitmap, null count and stats summary are kept on the way.
 */
function scan(
  rows: readonly Row[],
  f: DeltaField,
  where: string,
  put: (v: NonNullable<Value>, i: number) => NonNullable<Value> | undefined,
): Column {
  const { name } = f;
  const valid = new Uint8Array((rows.length + 7) >> 3);
  const summary = emptySummary();
  let nullCount = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name] ?? null;
    if (v === null) {
      if (!f.nullable) throw badCell(v, f, where);
      nullCount++;
      continue;
    }
    const stored = put(v, i);
    if (stored === undefined) throw badCell(v, f, where);
    valid[i >> 3]! |= 1 << (i & 7);
    include(summary, stored);
  }
  return { nullCount, valid, summary };
}

/**
 * A Utf8 column's offsets and bytes. ASCII text (the common case) is encoded in one go; other
 * text string by string, so a lone surrogate at a string's end cannot pair with the next one.
 */
function utf8(
  rows: readonly Row[],
  f: DeltaField,
  where: string,
): Column & { valueOffsets: Int32Array; data: Uint8Array; repeats: boolean } {
  const valueOffsets = new Int32Array(rows.length + 1);
  const texts: string[] = new Array<string>(rows.length);
  let chars = 0;
  const column = scan(rows, f, where, (v, i) => {
    if (typeof v !== 'string') return undefined;
    texts[i] = v;
    chars += v.length;
    valueOffsets[i + 1] = chars;
    return v;
  });
  const repeats = textRepeats(texts);
  if (column.nullCount) {
    // A null cell is empty: its end is the previous cell's.
    for (let i = 0; i < rows.length; i++) {
      if (texts[i] === undefined) {
        texts[i] = '';
        valueOffsets[i + 1] = valueOffsets[i]!;
      }
    }
  }
  const joined = Buffer.from(texts.join(''), 'utf8');
  // One byte a character: ASCII, and the offsets in characters are the offsets in bytes.
  if (joined.length === chars) {
    return {
      ...column,
      valueOffsets,
      data: new Uint8Array(joined.buffer, joined.byteOffset, chars),
      repeats,
    };
  }
  // Text beyond ASCII; above U+FFFF the stats need its cells to bound it in UTF-8 order.
  if (texts.some((t) => SURROGATE.test(t))) {
    column.summary.surrogateText = rows.map((r) => r[f.name] ?? null);
  }
  let end = 0;
  for (let i = 0; i < texts.length; i++) {
    end += Buffer.byteLength(texts[i]!, 'utf8');
    valueOffsets[i + 1] = end;
  }
  const data = new Uint8Array(end);
  const out = Buffer.from(data.buffer);
  for (let i = 0; i < texts.length; i++) out.write(texts[i]!, valueOffsets[i]!, 'utf8');
  return { ...column, valueOffsets, data, repeats };
}

const SAMPLE = 64;

/** Whether at most half of a sample of the text cells (up to 64, spread evenly) are distinct. */
function textRepeats(texts: readonly (string | undefined)[]): boolean {
  const step = Math.max(1, Math.floor(texts.length / SAMPLE));
  const distinct = new Set<string>();
  let sampled = 0;
  for (let i = 0; i < texts.length; i += step) {
    const t = texts[i];
    if (t === undefined) continue;
    distinct.add(t);
    sampled++;
  }
  return sampled > 0 && distinct.size * 2 <= sampled;
}

/** Arrow's length, null count and validity bitmap (only when there are nulls) of a column. */
const common = (length: number, { nullCount, valid }: Column) => ({
  length,
  nullCount,
  ...(nullCount ? { nullBitmap: valid } : {}),
});

/**
 * One column's Arrow data, its buffers filled directly in one pass over the rows (Arrow's
 * builders, or a cell array per column, cost several times more on 100k-row backfills).
 * Timestamps go in as raw epoch micros. Text columns whose values repeat go on `repeating`.
 */
function columnData(
  rows: readonly Row[],
  f: DeltaField,
  where: string,
  repeating: string[],
): { data: Data; summary: ColumnSummary } {
  const n = rows.length;
  // Numbers, most of the columns, get loops of their own; the other types share `scan`.
  switch (f.type) {
    case 'long':
    case 'timestamp': {
      const data = new BigInt64Array(n);
      const valid = new Uint8Array((n + 7) >> 3);
      const summary = emptySummary();
      let nullCount = 0;
      let min: bigint | null = null;
      let max: bigint | null = null;
      for (let i = 0; i < n; i++) {
        let v = rows[i]![f.name] ?? null;
        if (v === null) {
          if (!f.nullable) throw badCell(v, f, where);
          nullCount++;
          continue;
        }
        if (typeof v === 'number' && Number.isSafeInteger(v)) v = BigInt(v);
        if (typeof v !== 'bigint') throw badCell(v, f, where);
        data[i] = v;
        valid[i >> 3]! |= 1 << (i & 7);
        if (min === null) min = max = v;
        else if (v < min) min = v;
        else if (v > max!) max = v;
      }
      summary.present = n - nullCount;
      summary.min = min;
      summary.max = max;
      const column = { nullCount, valid, summary };
      if (f.type === 'long') {
        return { data: makeData({ type: new Int64(), ...common(n, column), data }), summary };
      }
      // Parquet INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS): what Delta's `timestamp` means.
      const type = new Timestamp(TimeUnit.MICROSECOND, 'UTC');
      return { data: makeData({ type, ...common(n, column), data }), summary };
    }
    case 'double': {
      const data = new Float64Array(n);
      const valid = new Uint8Array((n + 7) >> 3);
      const summary = emptySummary();
      let nullCount = 0;
      let min = Infinity;
      let max = -Infinity;
      let finite = true;
      for (let i = 0; i < n; i++) {
        const v = rows[i]![f.name] ?? null;
        if (v === null) {
          if (!f.nullable) throw badCell(v, f, where);
          nullCount++;
          continue;
        }
        if (typeof v !== 'number') throw badCell(v, f, where);
        data[i] = v;
        valid[i >> 3]! |= 1 << (i & 7);
        if (v < min) min = v;
        if (v > max) max = v;
        if (v - v !== 0) finite = false;
      }
      summary.present = n - nullCount;
      summary.nonFinite = !finite;
      if (summary.present) {
        summary.min = min;
        summary.max = max;
      }
      const column = { nullCount, valid, summary };
      return { data: makeData({ type: new Float64(), ...common(n, column), data }), summary };
    }
    case 'boolean': {
      const data = new Uint8Array((n + 7) >> 3);
      const column = scan(rows, f, where, (v, i) => {
        if (typeof v !== 'boolean') return undefined;
        if (v) data[i >> 3]! |= 1 << (i & 7);
        return v;
      });
      const { summary } = column;
      return { data: makeData({ type: new Bool(), ...common(n, column), data }), summary };
    }
    case 'string': {
      const { valueOffsets, data, repeats, ...column } = utf8(rows, f, where);
      if (repeats) repeating.push(f.name);
      const type = new Utf8();
      const { summary } = column;
      return { data: makeData({ type, ...common(n, column), valueOffsets, data }), summary };
    }
    default:
      // No value fits a type the writer does not cover: only an all-null column gets this far.
      scan(rows, f, where, () => undefined);
      throw new Error(`${where}: cannot write column "${f.name}" of type ${f.type}`);
  }
}

const repeatingText = new WeakMap<Table, readonly string[]>();

/**
 * An Arrow table of the rows, columns in schema order, and the file's stats JSON (as
 * `fileStats` writes it), from one pass over each column; cells are checked against their
 * column.
 */
export function rowsToArrowWithStats(
  rows: readonly Row[],
  fields: readonly DeltaField[],
  where: string,
): { table: Table; stats: string } {
  const repeating: string[] = [];
  const columns = fields.map((f) => columnData(rows, f, where, repeating));
  const children = columns.map((c) => c.data);
  const schema = new Schema(fields.map((f, i) => new Field(f.name, children[i]!.type, f.nullable)));
  const data = makeData({
    type: new Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  const table = new Table([new RecordBatch(schema, data)]);
  repeatingText.set(table, repeating);
  const stats = statsJson(
    rows.length,
    fields,
    columns.map((c) => c.summary),
  );
  return { table, stats };
}

/** An Arrow table of the rows, columns in schema order; cells are checked against their column. */
export function rowsToArrow(
  rows: readonly Row[],
  fields: readonly DeltaField[],
  where: string,
): Table {
  return rowsToArrowWithStats(rows, fields, where).table;
}

/**
 * The text columns of a table from `rowsToArrow` whose values repeat (at most half of a
 * sample of them distinct), where a Parquet dictionary pays; undefined for a table from
 * elsewhere.
 */
export const repeatingTextColumns = (table: Table): readonly string[] | undefined =>
  repeatingText.get(table);

const TWO_64 = 2n ** 64n;

/**
 * Spark's legacy INT96 timestamps arrive as 64-bit nanoseconds, which wrap outside the years
 * 1677..2262 (table_with_edge_timestamps holds 9999-12-31). Delta timestamps are whole
 * microseconds, and within Delta's years 1..9999 exactly one multiple of 2^64 makes the value
 * whole microseconds again, so adding it back undoes the wrap.
 */
function microsFromNanos(ns: bigint): bigint {
  for (let k = 0n; k <= 16n; k++) {
    for (const v of [ns + k * TWO_64, ns - k * TWO_64]) {
      if (v % 1000n === 0n) return v / 1000n;
    }
  }
  return floorDiv(ns, 1000n);
}

function timestampMicros(raw: bigint, unit: TimeUnit): bigint {
  switch (unit) {
    case TimeUnit.SECOND:
      return raw * 1_000_000n;
    case TimeUnit.MILLISECOND:
      return raw * 1000n;
    case TimeUnit.MICROSECOND:
      return raw;
    case TimeUnit.NANOSECOND:
      return microsFromNanos(raw);
  }
}

/** Reads one column chunk into cells of the Delta type. */
function readChunk(data: Data, f: DeltaField, out: Value[]): void {
  const vector = makeVector(data);
  for (let i = 0; i < data.length; i++) {
    if (!vector.isValid(i)) {
      out.push(null);
      continue;
    }
    if (data.typeId === Type.Timestamp) {
      out.push(timestampMicros((data.values as BigInt64Array)[i]!, (data.type as Timestamp).unit));
      continue;
    }
    const v: unknown = vector.get(i);
    switch (f.type) {
      case 'long':
        out.push(BigInt(v as number | bigint));
        break;
      case 'date':
        out.push(new Date(v as number).toISOString().slice(0, 10));
        break;
      case 'string':
      case 'boolean':
        out.push(v as string | boolean);
        break;
      default:
        out.push(Number(v));
    }
  }
}

/** Rows of an Arrow table for the given columns; a column missing from the file reads as null. */
export function arrowToRows(table: Table, fields: readonly DeltaField[]): Row[] {
  const rows: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const f of fields) {
    const column = table.getChild(f.name);
    const values: Value[] = [];
    if (column) for (const chunk of column.data) readChunk(chunk, f, values);
    rows.forEach((row, i) => (row[f.name] = values[i] ?? null));
  }
  return rows;
}
