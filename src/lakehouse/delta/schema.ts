/**
 * A Delta table's schema (the `schemaString` of its metaData) as this reader understands it:
 * flat columns of primitive types, plus the text forms Delta uses for partition values
 * (PROTOCOL.md "Partition Value Serialization") and timestamps.
 */
import { DeltaProtocolError } from '../../errors.js';

export const PRIMITIVE_TYPES = [
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'boolean',
  'timestamp',
  'date',
] as const;
export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

export interface DeltaField {
  readonly name: string;
  readonly type: PrimitiveType;
  readonly nullable: boolean;
  /** Its `delta.columnMapping.physicalName`: the column's name in data files under column mapping. */
  readonly physicalName?: string;
}

/** One cell: long -> bigint, other numbers -> number, timestamp -> epoch micros (bigint), date -> 'YYYY-MM-DD'. */
export type Value = number | bigint | boolean | string | null;

interface RawField {
  name: string;
  type: unknown;
  nullable?: boolean;
  metadata?: Record<string, unknown>;
}

const PHYSICAL_NAME = 'delta.columnMapping.physicalName';

/** The columns of a schemaString; a nested or exotic column type is refused by name. */
export function parseSchema(schemaString: string, table: string): DeltaField[] {
  const schema = JSON.parse(schemaString) as { fields?: RawField[] };
  return (schema.fields ?? []).map((f) => {
    if (typeof f.type !== 'string' || !(PRIMITIVE_TYPES as readonly string[]).includes(f.type)) {
      throw new DeltaProtocolError(
        `${table}: column "${f.name}" has type ${JSON.stringify(f.type)}, which strava-lakehouse cannot read.`,
        `Supported column types: ${PRIMITIVE_TYPES.join(', ')}.`,
      );
    }
    const physicalName = f.metadata?.[PHYSICAL_NAME];
    return {
      name: f.name,
      type: f.type as PrimitiveType,
      nullable: f.nullable !== false,
      ...(typeof physicalName === 'string' ? { physicalName } : {}),
    };
  });
}

/**
 * How a table's data files and partition values name a column (PROTOCOL.md "Column Mapping"):
 * by its physical name when `delta.columnMapping.mode` is `name` or `id` (this reader matches
 * `id` tables by physical name too), else by its logical name.
 */
export function physicalNameOf(configuration: Record<string, string>): (f: DeltaField) => string {
  const mode = configuration['delta.columnMapping.mode'] ?? 'none';
  return mode === 'name' || mode === 'id' ? (f) => f.physicalName ?? f.name : (f) => f.name;
}

/** Integer division rounding towards negative infinity (times before 1970 stay in their second). */
export const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** ISO-8601 UTC text of epoch micros, e.g. `2024-05-01T06:30:00.000Z` (ms) or `....000000Z` (µs). */
export function isoFromMicros(micros: bigint, precision: 'ms' | 'us'): string {
  const ms = floorDiv(micros, 1000n);
  const iso = new Date(Number(ms)).toISOString();
  if (precision === 'ms') return iso;
  const subMs = String(micros - ms * 1000n).padStart(3, '0');
  return `${iso.slice(0, -1)}${subMs}Z`;
}

const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z?$/;

/** Epoch micros of a partition timestamp: `YYYY-MM-DD HH:MM:SS[.ffffff]` or ISO with Z, as UTC. */
function microsFromText(text: string): bigint {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) throw new Error(`not a Delta timestamp: ${text}`);
  const seconds = BigInt(Date.parse(`${m[1]}T${m[2]}Z`)) / 1000n;
  const fraction = BigInt((m[3] ?? '').padEnd(6, '0').slice(0, 6));
  return seconds * 1_000_000n + fraction;
}

/** A partition value from its Delta text; empty text and null are null for every type. */
export function parsePartitionValue(text: string | null | undefined, type: PrimitiveType): Value {
  if (text === null || text === undefined || text === '') return null;
  switch (type) {
    case 'string':
    case 'date':
      return text;
    case 'long':
      return BigInt(text);
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
      return microsFromText(text);
  }
}

/** The Delta text of a partition value (timestamps as ISO-8601 UTC, as the protocol recommends). */
export function formatPartitionValue(value: Value, type: PrimitiveType): string | null {
  if (value === null) return null;
  if (type === 'timestamp' && typeof value === 'bigint') return isoFromMicros(value, 'us');
  return String(value);
}

/**
 * Reads one partition column's value from a data file of the table whose metadata is given: its
 * `partitionValues` are keyed by the column's physical name under column mapping (PROTOCOL.md
 * "Column Mapping"), by its logical name otherwise. Null for a file without the value.
 */
export function partitionValueOf(
  metadata: { schemaString: string; configuration: Record<string, string> },
  column: string,
): (file: { partitionValues: Record<string, string | null> }) => string | null {
  const mode = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  const fields = (JSON.parse(metadata.schemaString) as { fields?: RawField[] }).fields ?? [];
  const physical = fields.find((f) => f.name === column)?.metadata?.[PHYSICAL_NAME];
  const key =
    (mode === 'name' || mode === 'id') && typeof physical === 'string' ? physical : column;
  return (file) => file.partitionValues[key] ?? null;
}
