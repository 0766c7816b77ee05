/**
 * The embedded Delta table: where a Delta commit happens. Data files are written first (one per
 * partition), then an optimistic transaction writes the next log version with put-if-absent;
 * on a lost race the caller's builder runs again against the newer snapshot. A crash between
 * the two leaves only unreferenced data files, which no reader sees.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { STORAGE_CONCURRENCY, mapConcurrently } from '../../concurrency.js';
import { DeltaConflictError, DeltaProtocolError, StoreError, errorLine } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import { VERSION } from '../../version.js';
import { schemaString, type TableDef } from '../tables.js';
import { removeOf, type Action, type AddFile, type CommitInfo, type Metadata } from './actions.js';
import { arrowToRows, cell, rowsToArrowWithStats, type Row } from './arrow.js';
import { writeCheckpoint } from './checkpoint.js';
import { fetchOnce, readDeletionVector } from './deletion-vectors.js';
import { writeCommit } from './log.js';
import { metadataUpdate, newMetadata } from './metadata.js';
import { readParquet, writeParquet, type Compression } from './parquet.js';
import { dataFileKey, encodeAddPath, newDataFilePath } from './paths.js';
import { WRITER_PROTOCOL, assertReadable, assertWritable } from './protocol.js';
import {
  formatPartitionValue,
  parsePartitionValue,
  parseSchema,
  physicalNameOf,
} from './schema.js';
import { Replay, loadSnapshot, refreshSnapshot, type Snapshot } from './snapshot.js';

export type { AddFile, Metadata, Protocol, RemoveFile } from './actions.js';
export type { Row } from './arrow.js';
export type { Snapshot } from './snapshot.js';

/** What one transaction commits; `txns` record application versions (exactly-once ingestion). */
export interface CommitPlan {
  add: AddFile[];
  remove: AddFile[];
  txns?: { appId: string; version: number }[];
  /** Table properties to set (merged into the table's configuration): a metaData action. */
  properties?: Record<string, string>;
}

export interface CommitDescription {
  /** Spark's operation names, so DESCRIBE HISTORY reads naturally: 'WRITE', 'MERGE'... */
  operation: string;
  operationParameters?: Record<string, unknown>;
  runId?: string;
  month?: string;
}

export type Build = (snap: Snapshot | undefined) => Promise<CommitPlan | null> | CommitPlan | null;

export interface DeltaTableOptions {
  compression?: Compression;
  /** Told when a best-effort step (a checkpoint) fails; the commit itself has succeeded. */
  warn?: (message: string) => void;
}

const MAX_ATTEMPTS = 20;
const CHECKPOINT_INTERVAL = 10;

/** Up to 20 ms, doubling per attempt, at most 0.5 s, times a random factor so racers spread out. */
const backoff = (attempt: number) => Math.random() * Math.min(500, 10 * 2 ** attempt);

export class DeltaTable {
  private latest: Snapshot | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly def: TableDef,
    private readonly options: DeltaTableOptions = {},
  ) {}

  /**
   * The latest snapshot, or undefined if the table does not exist yet. Once this instance has
   * seen a version, later calls read forward from it instead of loading the table again.
   */
  async snapshot(): Promise<Snapshot | undefined> {
    this.latest = this.latest
      ? await refreshSnapshot(this.store, this.def.path, this.latest)
      : await loadSnapshot(this.store, this.def.path);
    return this.latest;
  }

  /** The protocol gate: throws DeltaProtocolError for a table this writer must not commit to. */
  assertWritable(snap: Snapshot | undefined = this.latest): void {
    assertWritable(this.def.path, snap);
  }

  /** Writes one data file per partition value set of `rows`; returns their add actions, uncommitted. */
  async writeFiles(rows: Row[], opts: { tags?: Record<string, string> } = {}): Promise<AddFile[]> {
    const { def } = this;
    const fields = parseSchema(schemaString(def), def.path);
    const partitionFields = fields.filter((f) => def.partitionColumns.includes(f.name));
    const dataFields = fields.filter((f) => !def.partitionColumns.includes(f.name));
    const groups = new Map<string | null, { values: Record<string, string | null>; rows: Row[] }>();
    for (const row of rows) {
      const parts = partitionFields.map((f) =>
        formatPartitionValue(cell(row, f, def.path), f.type),
      );
      // One partition column (the usual month) keys by its value: no text built per row.
      const key = parts.length === 1 ? parts[0]! : JSON.stringify(parts);
      let group = groups.get(key);
      if (!group) {
        const values = Object.fromEntries(partitionFields.map((f, i) => [f.name, parts[i]!]));
        group = { values, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
    }
    const compression = this.options.compression ?? 'snappy';
    return mapConcurrently(
      [...groups.values()],
      STORAGE_CONCURRENCY,
      async ({ values, rows: part }) => {
        const { table, stats } = rowsToArrowWithStats(part, dataFields, def.path);
        const bytes = writeParquet(table, compression);
        const path = newDataFilePath(def.partitionColumns, values, compression);
        await this.store.put(`${def.path}/${path}`, bytes);
        return {
          path: encodeAddPath(path),
          partitionValues: values,
          size: bytes.length,
          modificationTime: Date.now(),
          dataChange: true,
          stats,
          ...(opts.tags ? { tags: opts.tags } : {}),
        };
      },
    );
  }

  /**
   * Optimistic transaction: `build` gets the latest snapshot (undefined for a new table) and
   * returns the actions to commit, or null for nothing to do. On a lost race it runs again
   * against the newer snapshot. The first commit creates the table. Returns the committed
   * version, or null. `handover` lets `migrate --to embedded` commit to a table whose engine
   * property names Databricks.
   */
  async commit(
    build: Build,
    info: CommitDescription,
    opts: { handover?: boolean } = {},
  ): Promise<number | null> {
    for (let attempt = 1; ; attempt++) {
      const snap = await this.snapshot();
      assertWritable(this.def.path, snap, opts);
      // Checked before the builder runs, so a refused table costs no data files.
      let metaData = snap
        ? metadataUpdate(this.def, snap.metadata)
        : newMetadata(this.def, Date.now());
      const plan = await build(snap);
      if (!plan) return null;
      if (plan.properties) {
        const base = metaData ?? (snap as Snapshot).metadata;
        metaData = { ...base, configuration: { ...base.configuration, ...plan.properties } };
      }
      const version = snap ? snap.version + 1 : 0;
      const now = Date.now();
      const actions = this.actionsOf(snap, metaData, plan, info, now);
      if (await writeCommit(this.store, this.def.path, version, actions)) {
        const replay = snap ? Replay.of(snap) : new Replay();
        replay.apply(version, actions);
        this.latest = replay.snapshot(this.def.path);
        if (version % CHECKPOINT_INTERVAL === 0 && version > 0) {
          await this.checkpoint(this.latest, now);
        }
        return version;
      }
      if (attempt === MAX_ATTEMPTS) {
        throw new DeltaConflictError(
          `${this.def.path}: gave up committing version ${version} after ${MAX_ATTEMPTS} attempts; other writers kept committing to the table.`,
          'Re-run once the other runs on this warehouse have finished.',
        );
      }
      await sleep(backoff(attempt));
    }
  }

  /**
   * Rows of the given files, partition values added back as columns, timestamps as epoch micros;
   * only the named `columns` when given. Rows a deletion vector deletes are left out, and under
   * column mapping the files' physical columns come back under their logical names.
   */
  async readRows(files: AddFile[], columns?: readonly string[]): Promise<Row[]> {
    if (!files.length) return [];
    const table = this.def.path;
    const snap = this.latest ?? (await this.snapshot());
    if (!snap) {
      throw new StoreError(`${this.store.uri(table)} is not a Delta table (no _delta_log).`);
    }
    assertReadable(table, snap);
    const fields = parseSchema(snap.metadata.schemaString, table).filter(
      (f) => !columns || columns.includes(f.name),
    );
    const partitionColumns = snap.metadata.partitionColumns;
    const physical = physicalNameOf(snap.metadata.configuration);
    // Read from the files by physical name; rows are keyed by it until the logical row is built.
    const dataFields = fields
      .filter((f) => !partitionColumns.includes(f.name))
      .map((f) => ({ ...f, name: physical(f) }));
    const fetchDv = fetchOnce(this.store);
    const readFile = async (file: AddFile): Promise<Row[]> => {
      const key = dataFileKey(table, file.path);
      const [bytes, deleted] = await Promise.all([
        this.store.get(key),
        file.deletionVector
          ? readDeletionVector(this.store, table, file.path, file.deletionVector, fetchDv)
          : undefined,
      ]);
      if (!bytes) {
        throw new StoreError(
          `${table}: data file ${this.store.uri(key)} is in the Delta log but missing from storage.`,
          'Files were deleted outside strava-lakehouse (e.g. VACUUM with a short retention); restore them or re-run the affected months with --force.',
        );
      }
      const data = arrowToRows(readDataFile(table, this.store.uri(key), file, bytes), dataFields);
      const live = deleted ? withoutRows(data, deleted, `${table}: data file ${file.path}`) : data;
      return live.map((d) =>
        Object.fromEntries(
          fields.map((f) => [
            f.name,
            partitionColumns.includes(f.name)
              ? parsePartitionValue(file.partitionValues[physical(f)], f.type)
              : (d[physical(f)] ?? null),
          ]),
        ),
      );
    };
    return (await mapConcurrently(files, STORAGE_CONCURRENCY, readFile)).flat();
  }

  private actionsOf(
    snap: Snapshot | undefined,
    metaData: Metadata | undefined,
    plan: CommitPlan,
    info: CommitDescription,
    now: number,
  ): Action[] {
    const rows = plan.add.reduce(
      (n, a) => n + ((a.stats && JSON.parse(a.stats).numRecords) || 0),
      0,
    );
    const commitInfo: CommitInfo = {
      timestamp: now,
      operation: info.operation,
      operationParameters: Object.fromEntries(
        Object.entries(info.operationParameters ?? {}).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ]),
      ),
      ...(snap ? { readVersion: snap.version } : {}),
      isolationLevel: 'Serializable',
      isBlindAppend: plan.remove.length === 0,
      operationMetrics: {
        numFiles: String(plan.add.length),
        numOutputRows: String(rows),
        numOutputBytes: String(plan.add.reduce((n, a) => n + a.size, 0)),
        numRemovedFiles: String(plan.remove.length),
      },
      engineInfo: `strava-lakehouse/${VERSION}`,
      txnId: randomUUID(),
      ...(info.runId ? { runId: info.runId } : {}),
      ...(info.month ? { month: info.month } : {}),
    };
    return [
      { commitInfo },
      ...(snap ? [] : [{ protocol: WRITER_PROTOCOL }]),
      ...(metaData ? [{ metaData }] : []),
      ...(plan.txns ?? []).map((t) => ({ txn: { ...t, lastUpdated: now } })),
      ...plan.remove.map((f) => ({ remove: removeOf(f, now) })),
      ...plan.add.map((add) => ({ add })),
    ];
  }

  /** Best effort: a missing checkpoint only makes readers replay more JSON commits. */
  private async checkpoint(snap: Snapshot, now: number): Promise<void> {
    try {
      await writeCheckpoint(this.store, this.def.path, snap, now);
    } catch (err) {
      this.options.warn?.(
        `${this.def.path}: checkpoint at version ${snap.version} was not written (${errorLine(err)}); readers replay the commits instead.`,
      );
    }
  }
}

/**
 * The rows whose index is not in `deleted` (ascending row indexes from a deletion vector); an
 * index past the file's last row means the deletion vector belongs to another file.
 */
function withoutRows<T>(rows: T[], deleted: readonly number[], what: string): T[] {
  const last = deleted.at(-1);
  if (last !== undefined && last >= rows.length) {
    throw new DeltaProtocolError(
      `${what} has ${rows.length} rows, but its deletion vector deletes row ${last}.`,
      'The deletion vector does not match its data file; read the table with Spark or Databricks, or restore it from a backup.',
    );
  }
  const kept: T[] = [];
  let next = 0;
  for (let i = 0; i < rows.length; i++) {
    if (deleted[next] === i) next++;
    else kept.push(rows[i]!);
  }
  return kept;
}

/**
 * A data file's Parquet, or an error naming the table, the file and the run that writes it
 * again (silver and gold, the tables read back, replace a month's files under --force).
 */
function readDataFile(table: string, uri: string, file: AddFile, bytes: Uint8Array) {
  try {
    return readParquet(bytes);
  } catch (err) {
    const month = file.partitionValues.month;
    throw new StoreError(
      `${table}: data file ${uri} is not a readable Parquet file (${errorLine(err)}).`,
      month
        ? `Write it again with \`strava-lakehouse run --month ${month} --force\` (in the action: month ${month}, force true).`
        : 'Restore the file from a backup, or rebuild the table with a backfill of every month and --force.',
      { cause: err },
    );
  }
}
