/**
 * A table's state at its latest version: replayed from the newest checkpoint plus the commits
 * after it (PROTOCOL.md "Action Reconciliation"). `_last_checkpoint` points at the checkpoint, and
 * the later commits are read one version after another until one is missing, so loading costs
 * the same whatever the length of the history; without the hint the log is listed.
 */
import { DeltaProtocolError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import {
  fileId,
  type Action,
  type AddFile,
  type Metadata,
  type Protocol,
  type RemoveFile,
} from './actions.js';
import { readCheckpoint } from './checkpoint.js';
import { checkpointKey, listLog, readCommit, readLastCheckpoint } from './log.js';

export interface Snapshot {
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  /** The live data files (logical files: a data file and its deletion vector, if any). */
  files: AddFile[];
  /** Latest committed version per application id (`txn` actions). */
  txns: Map<string, number>;
  /** Removed files, kept in checkpoints as tombstones for VACUUM. */
  tombstones: RemoveFile[];
}

/** Mutable replay state; `apply` must see versions in ascending order. */
export class Replay {
  version = -1;
  private protocol?: Protocol;
  private metadata?: Metadata;
  private readonly files = new Map<string, AddFile>();
  private readonly tombstones = new Map<string, RemoveFile>();
  private readonly txns = new Map<string, number>();

  static of(snapshot: Snapshot): Replay {
    const replay = new Replay();
    replay.apply(snapshot.version, [
      { protocol: snapshot.protocol },
      { metaData: snapshot.metadata },
      ...[...snapshot.txns].map(([appId, version]) => ({ txn: { appId, version } })),
      ...snapshot.tombstones.map((remove) => ({ remove })),
      ...snapshot.files.map((add) => ({ add })),
    ]);
    return replay;
  }

  apply(version: number, actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.protocol) this.protocol = a.protocol;
      if (a.metaData) this.metadata = a.metaData;
      if (a.txn) this.txns.set(a.txn.appId, a.txn.version);
      if (a.remove) {
        const id = fileId(a.remove);
        this.files.delete(id);
        this.tombstones.set(id, a.remove);
      }
      if (a.add) {
        const id = fileId(a.add);
        this.tombstones.delete(id);
        this.files.set(id, a.add);
      }
    }
    this.version = version;
  }

  snapshot(table: string): Snapshot {
    if (!this.protocol || !this.metadata) {
      throw new DeltaProtocolError(
        `${table}: the Delta log up to version ${this.version} has no ${this.protocol ? 'metaData' : 'protocol'} action.`,
        'The table folder holds a damaged or partial Delta log; restore it or point at another warehouse.',
      );
    }
    return {
      version: this.version,
      protocol: this.protocol,
      metadata: this.metadata,
      files: [...this.files.values()],
      txns: new Map(this.txns),
      tombstones: [...this.tombstones.values()],
    };
  }
}

/** How many commits are fetched at once when reading forward. */
const BATCH = 8;

/** Applies the commits after `replay.version` until the first missing one. */
async function readForward(store: ObjectStore, table: string, replay: Replay): Promise<void> {
  for (;;) {
    const first = replay.version + 1;
    const batch = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => readCommit(store, table, first + i)),
    );
    for (const [i, actions] of batch.entries()) {
      if (!actions) return;
      replay.apply(first + i, actions);
    }
  }
}

async function fromCheckpoint(
  store: ObjectStore,
  table: string,
  version: number,
): Promise<Replay | undefined> {
  const bytes = await store.get(checkpointKey(table, version));
  if (!bytes) return undefined;
  const replay = new Replay();
  replay.apply(version, readCheckpoint(bytes, `${table} checkpoint ${version}`));
  return replay;
}

/**
 * `base` brought up to date by reading forward from its version: the commits after it, until
 * the first missing one. The log is append-only and a checkpoint only restates commits, so this
 * equals a fresh load, for one request when nothing was committed since.
 */
export async function refreshSnapshot(
  store: ObjectStore,
  table: string,
  base: Snapshot,
): Promise<Snapshot> {
  const next = await readCommit(store, table, base.version + 1);
  if (!next) return base;
  const replay = Replay.of(base);
  replay.apply(base.version + 1, next);
  await readForward(store, table, replay);
  return replay.snapshot(table);
}

/** The latest snapshot, or undefined if the table has no log yet. */
export async function loadSnapshot(
  store: ObjectStore,
  table: string,
): Promise<Snapshot | undefined> {
  const hint = await readLastCheckpoint(store, table);
  const hinted = hint && (await fromCheckpoint(store, table, hint.version));
  if (hinted) {
    await readForward(store, table, hinted);
    return hinted.snapshot(table);
  }

  const { commits, checkpoints } = await listLog(store, table);
  if (!commits.length && !checkpoints.length) return undefined;
  const start = checkpoints.at(-1);
  const replay =
    (start !== undefined && (await fromCheckpoint(store, table, start))) || new Replay();
  await readForward(store, table, replay);
  const last = commits.at(-1) ?? -1;
  if (replay.version < last) {
    throw new DeltaProtocolError(
      `${table}: the Delta log has no commit ${replay.version + 1} but has ${last}.`,
      'Log files were deleted without a checkpoint covering them; restore them from a backup.',
    );
  }
  return replay.snapshot(table);
}
