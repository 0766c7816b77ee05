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
  makeBuilder,
  makeData,
  makeVector,
  type Data,
  type DataType,
} from 'apache-arrow';
import { QualityError } from '../../errors.js';
import { floorDiv, type DeltaField, type PrimitiveType, type Value } from './schema.js';

export type Row = Record<string, Value>;

const WRITABLE: Partial<Record<PrimitiveType, () => DataType>> = {
  long: () => new Int64(),
  double: () => new Float64(),
  boolean: () => new Bool(),
  string: () => new Utf8(),
  // Parquet INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS): what Delta's `timestamp` means.
  timestamp: () => new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
};

/** Checks and normalises one cell for its column; `where` names the table for the message. */
export function cell(row: Row, f: DeltaField, where: string): Value {
  const v = row[f.name] ?? null;
  const bad = () =>
    new QualityError(
      `${where}: column "${f.name}" expects ${f.nullable ? '' : 'a non-null '}${f.type}, got ${describe(v)}.`,
      'This is a bug in the transformation that built the row; please report it.',
    );
  if (v === null) {
    if (!f.nullable) throw bad();
    return null;
  }
  switch (f.type) {
    case 'long':
    case 'timestamp':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      throw bad();
    case 'double':
      if (typeof v === 'number') return v;
      throw bad();
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw bad();
    case 'string':
      if (typeof v === 'string') return v;
      throw bad();
    default:
      throw bad();
  }
}

const describe = (v: Value) =>
  v === null ? 'null' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v).slice(0, 60);

/** Arrow validity bitmap (least significant bit first) of a column. */
function validity(values: readonly Value[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

function columnData(values: Value[], f: DeltaField): Data {
  const type = WRITABLE[f.type]!();
  if (f.type === 'timestamp') {
    // Arrow JS builders take timestamps in milliseconds; micros go in as raw values.
    return makeData({
      type: type as Timestamp,
      length: values.length,
      nullCount: values.filter((v) => v === null).length,
      nullBitmap: validity(values),
      data: BigInt64Array.from(values, (v) => (v as bigint | null) ?? 0n),
    });
  }
  const builder = makeBuilder({ type, nullValues: [null] });
  for (const v of values) builder.append(v);
  return builder.finish().flush();
}

/** An Arrow table of the rows, columns in schema order; cells are checked against their column. */
export function rowsToArrow(
  rows: readonly Row[],
  fields: readonly DeltaField[],
  where: string,
): Table {
  for (const f of fields) {
    if (!WRITABLE[f.type])
      throw new Error(`${where}: cannot write column "${f.name}" of type ${f.type}`);
  }
  const children = fields.map((f) =>
    columnData(
      rows.map((r) => cell(r, f, where)),
      f,
    ),
  );
  const schema = new Schema(fields.map((f) => new Field(f.name, WRITABLE[f.type]!(), f.nullable)));
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
