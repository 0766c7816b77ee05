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

/** Arrow bitmap (least significant bit first) of the values that pass `test`. */
function bitmap(values: readonly Value[], test: (v: Value) => boolean): Uint8Array {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (test(v)) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

/**
 * A Utf8 column's offsets and bytes. ASCII text (the common case) is encoded in one go; other
 * text string by string, so a lone surrogate at a string's end cannot pair with the next one.
 */
function utf8(values: readonly Value[]): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(values.length + 1);
  let chars = 0;
  values.forEach((v, i) => {
    chars += (v as string | null)?.length ?? 0;
    valueOffsets[i + 1] = chars;
  });
  const joined = Buffer.from(values.join(''), 'utf8'); // join writes null as ''
  // One byte a character: ASCII, and the offsets in characters are the offsets in bytes.
  if (joined.length === chars) {
    return { valueOffsets, data: new Uint8Array(joined.buffer, joined.byteOffset, chars) };
  }
  let end = 0;
  values.forEach((v, i) => {
    if (v !== null) end += Buffer.byteLength(v as string, 'utf8');
    valueOffsets[i + 1] = end;
  });
  const data = new Uint8Array(end);
  const out = Buffer.from(data.buffer);
  values.forEach((v, i) => {
    if (v !== null) out.write(v as string, valueOffsets[i]!, 'utf8');
  });
  return { valueOffsets, data };
}

/**
 * One column's Arrow data, its buffers filled directly (Arrow's builders cost several times
 * more on 100k-row backfills). Timestamps go in as raw epoch micros.
 */
function columnData(values: Value[], f: DeltaField, where: string): Data {
  const nullCount = values.reduce((n: number, v) => (v === null ? n + 1 : n), 0);
  const common = {
    length: values.length,
    nullCount,
    ...(nullCount ? { nullBitmap: bitmap(values, (v) => v !== null) } : {}),
  };
  // Plain loops: TypedArray.from with a mapping function is several times slower.
  const longs = () => {
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] as bigint | null) ?? 0n;
    return out;
  };
  const doubles = () => {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] as number | null) ?? 0;
    return out;
  };
  switch (f.type) {
    case 'long':
      return makeData({ type: new Int64(), ...common, data: longs() });
    case 'timestamp':
      // Parquet INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS): what Delta's `timestamp` means.
      return makeData({
        type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
        ...common,
        data: longs(),
      });
    case 'double':
      return makeData({ type: new Float64(), ...common, data: doubles() });
    case 'boolean':
      return makeData({ type: new Bool(), ...common, data: bitmap(values, (v) => v === true) });
    case 'string':
      return makeData({ type: new Utf8(), ...common, ...utf8(values) });
    default:
      throw new Error(`${where}: cannot write column "${f.name}" of type ${f.type}`);
  }
}

/** An Arrow table of the rows, columns in schema order; cells are checked against their column. */
export function rowsToArrow(
  rows: readonly Row[],
  fields: readonly DeltaField[],
  where: string,
): Table {
  const children = fields.map((f) =>
    columnData(
      rows.map((r) => cell(r, f, where)),
      f,
      where,
    ),
  );
  const schema = new Schema(fields.map((f, i) => new Field(f.name, children[i]!.type, f.nullable)));
  const data = makeData({
    type: new Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new Table([new RecordBatch(schema, data)]);
}

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
