/**
 * Classic V1 checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint Schema"): one Parquet file
 * `<version>.checkpoint.parquet` with one row per action of the replayed state, each action a
 * nullable struct column (txn, add, remove, metaData, protocol); `add.stats` stays a JSON
 * string and partition values a map<string,string>. `_last_checkpoint` then points at it.
 */
import {
  Bool,
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
  type DataType,
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

/** Arrow values as JSON values: Int64 bigints become numbers, maps objects, lists arrays. */
function plain(value: unknown): Record<string, unknown> {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  const obj = JSON.parse(json) as Record<string, unknown>;
  // Absent optional fields (stats, tags, name...) read back as null; JSON commits leave them out.
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
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
  const columns = ACTION_COLUMNS.map((name) => [name, table.getChild(name)] as const);
  for (let i = 0; i < table.numRows; i++) {
    for (const [name, column] of columns) {
      const value: unknown = column?.get(i);
      if (value === null || value === undefined) continue;
      const action = plain(value);
      // Maps a writer left null read as empty, as in JSON commits, where they are required.
      if (name === 'add') action.partitionValues ??= {};
      if (name === 'metaData') action.configuration ??= {};
      actions.push({ [name]: action } as Action);
    }
  }
  return actions;
}
