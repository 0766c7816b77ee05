/**
 * Classic V1 checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint Schema"): one Parquet file
 * `<version>.checkpoint.parquet` with one row per action of the replayed state, each action a
 * nullable struct column (txn, add, remove, metaData, protocol); `add.stats` stays a JSON
 * string and partition values a map<string,string>. `_last_checkpoint` then points at it.
 */
import {
  Bool,
  DataType,
  Field,
  Int32,
  Int64,
  List,
  Map_,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeBuilder,
  makeData,
  makeVector,
  type Vector,
} from 'apache-arrow';
import { DeltaProtocolError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import type { Action } from './actions.js';
import { checkpointKey, readLastCheckpoint, writeLastCheckpoint } from './log.js';
import { readParquet, writeParquet } from './parquet.js';
import type { Snapshot } from './snapshot.js';

/** Delta's default `delta.deletedFileRetentionDuration`: tombstones older than this are dropped. */
const TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

const f = <T extends DataType>(name: string, type: T) => new Field(name, type, true);
const string = () => new Utf8();
const long = () => new Int64();
const stringMap = () =>
  new Map_<Utf8, Utf8>(
    new Field(
      'key_value',
      new Struct<{ key: Utf8; value: Utf8 }>([
        new Field('key', string(), false),
        f('value', string()),
      ]),
      false,
    ),
  );

const COLUMNS = [
  f('txn', new Struct([f('appId', string()), f('version', long()), f('lastUpdated', long())])),
  f(
    'add',
    new Struct([
      f('path', string()),
      f('partitionValues', stringMap()),
      f('size', long()),
      f('modificationTime', long()),
      f('dataChange', new Bool()),
      f('stats', string()),
      f('tags', stringMap()),
    ]),
  ),
  f(
    'remove',
    new Struct([
      f('path', string()),
      f('deletionTimestamp', long()),
      f('dataChange', new Bool()),
      f('extendedFileMetadata', new Bool()),
      f('partitionValues', stringMap()),
      f('size', long()),
    ]),
  ),
  f(
    'metaData',
    new Struct([
      f('id', string()),
      f('name', string()),
      f('description', string()),
      f('format', new Struct([f('provider', string()), f('options', stringMap())])),
      f('schemaString', string()),
      f('partitionColumns', new List(f('element', string()))),
      f('configuration', stringMap()),
      f('createdTime', long()),
    ]),
  ),
  f(
    'protocol',
    new Struct([f('minReaderVersion', new Int32()), f('minWriterVersion', new Int32())]),
  ),
] as const;

type Column = (typeof COLUMNS)[number]['name'];

const map = (record: Record<string, string | null> | undefined) =>
  record ? new Map(Object.entries(record)) : null;
const big = (n: number | undefined) => (n === undefined ? null : BigInt(n));

/** The checkpoint rows of a snapshot, in Arrow builder shape (Int64 as bigint, maps as Map). */
function rowsOf(snap: Snapshot, now: number): Partial<Record<Column, unknown>>[] {
  const { protocol: p, metadata: m } = snap;
  return [
    { protocol: { minReaderVersion: p.minReaderVersion, minWriterVersion: p.minWriterVersion } },
    {
      metaData: {
        ...m,
        format: { provider: m.format.provider, options: map(m.format.options) },
        configuration: map(m.configuration),
        createdTime: big(m.createdTime),
      },
    },
    ...[...snap.txns].map(([appId, version]) => ({ txn: { appId, version: BigInt(version) } })),
    ...snap.files.map((a) => ({
      add: {
        ...a,
        partitionValues: map(a.partitionValues),
        tags: map(a.tags),
        size: BigInt(a.size),
        modificationTime: BigInt(a.modificationTime),
      },
    })),
    ...snap.tombstones
      .filter((r) => r.deletionTimestamp > now - TOMBSTONE_RETENTION_MS)
      .map((r) => ({
        remove: {
          ...r,
          partitionValues: map(r.partitionValues),
          deletionTimestamp: BigInt(r.deletionTimestamp),
          size: big(r.size),
        },
      })),
  ];
}

function checkpointTable(rows: Partial<Record<Column, unknown>>[]): Table {
  const children = COLUMNS.map((col) => {
    const builder = makeBuilder<DataType>({ type: col.type, nullValues: [null, undefined] });
    for (const row of rows) builder.append(row[col.name] ?? null);
    return builder.finish().flush();
  });
  const schema = new Schema([...COLUMNS]);
  const data = makeData({
    type: new Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new Table([new RecordBatch(schema, data)]);
}

/** Writes the checkpoint of `snap` and moves `_last_checkpoint` forward to it. */
export async function writeCheckpoint(
  store: ObjectStore,
  table: string,
  snap: Snapshot,
  now = Date.now(),
): Promise<void> {
  const rows = rowsOf(snap, now);
  await store.put(checkpointKey(table, snap.version), writeParquet(checkpointTable(rows)));
  const current = await readLastCheckpoint(store, table);
  if (!current || current.version < snap.version) {
    await writeLastCheckpoint(store, table, { version: snap.version, size: rows.length });
  }
}

/**
 * An Arrow value as JSON would carry it (Int64 bigints as numbers, structs and maps as objects,
 * lists as arrays): what JSON.stringify then JSON.parse give, without the text in between, which
 * cost most of a snapshot load (the stats strings were escaped and parsed back).
 */
function json(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  const own = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  if (typeof own !== 'object' || own === null) return json(own);
  if (Array.isArray(own)) return own.map((v) => json(v) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(own)) {
    const converted = json(v);
    if (converted !== undefined) out[k] = converted;
  }
  return out;
}

/**
 * Every row of a column as JSON values (null where a row has none); a struct is assembled from
 * its fields' columns, since reading it row by row through Arrow's row objects costs several
 * times more.
 */
function columnJson(column: Vector): unknown[] {
  if (DataType.isMap(column.type)) return mapColumnJson(column);
  if (DataType.isStruct(column.type)) {
    const fields = column.type.children.map(
      (f, j) => [f.name, columnJson(column.getChildAt(j)!)] as const,
    );
    return Array.from({ length: column.length }, (_, i) => {
      if (!column.isValid(i)) return null;
      const row: Record<string, unknown> = {};
      for (const [name, values] of fields) if (values[i] !== undefined) row[name] = values[i];
      return row;
    });
  }
  // Iterating a column walks its chunks once; get(i) looks the chunk up for every row.
  return Array.from(column, (v) => json(v));
}

/**
 * A map column (partitionValues, tags) as one object per row, from its key and value columns
 * and offsets: making Arrow's row objects for the maps cost more than the rest of a checkpoint.
 */
function mapColumnJson(column: Vector): unknown[] {
  const out: unknown[] = [];
  for (const data of column.data) {
    const entries = data.children[0]!;
    const keys = columnJson(makeVector(entries.children[0]!));
    const values = columnJson(makeVector(entries.children[1]!));
    const offsets = data.valueOffsets;
    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) {
        out.push(null);
        continue;
      }
      const map: Record<string, unknown> = {};
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) map[String(keys[k])] = values[k];
      out.push(map);
    }
  }
  return out;
}

const ACTION_COLUMNS = ['protocol', 'metaData', 'txn', 'add', 'remove'] as const;

/** The actions stored in a checkpoint file (written by this module, Spark or delta-rs). */
export function readCheckpoint(bytes: Uint8Array, what: string): Action[] {
  let table: Table;
  try {
    table = readParquet(bytes);
  } catch (err) {
    throw new DeltaProtocolError(
      `${what} is not a readable Parquet file.`,
      'Delete that checkpoint and its _last_checkpoint entry; the JSON commits still hold the history.',
      { cause: err },
    );
  }
  const actions: Action[] = [];
  // Each action column's fields, read column by column.
  const columns = ACTION_COLUMNS.flatMap((name) => {
    const column = table.getChild(name);
    if (!column || !DataType.isStruct(column.type)) return [];
    const fields = column.type.children.map(
      (f, j) => [f.name, columnJson(column.getChildAt(j)!)] as const,
    );
    return [{ name, column, fields }];
  });
  for (let i = 0; i < table.numRows; i++) {
    for (const { name, column, fields } of columns) {
      if (!column.isValid(i)) continue;
      // Absent optional fields (stats, tags, name...) read back as null; JSON commits leave them out.
      const action: Record<string, unknown> = {};
      for (const [field, values] of fields) {
        const v = values[i];
        if (v !== null && v !== undefined) action[field] = v;
      }
      // Maps a writer left null read as empty, as in JSON commits, where they are required.
      if (name === 'add') action.partitionValues ??= {};
      if (name === 'metaData') action.configuration ??= {};
      actions.push({ [name]: action } as Action);
    }
  }
  return actions;
}
