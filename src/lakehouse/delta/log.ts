/**
 * The commit protocol over an object store: the `_delta_log` keys, listing versions, reading a
 * commit, and writing the next one only if nobody else has (put-if-absent: S3 If-None-Match,
 * a folder's exclusive create). Nothing here knows about table contents.
 */
import { DeltaProtocolError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import { parseCommit, serializeCommit, type Action } from './actions.js';

const pad = (version: number) => String(version).padStart(20, '0');

export const logPrefix = (table: string) => `${table}/_delta_log/`;
export const commitKey = (table: string, version: number) =>
  `${logPrefix(table)}${pad(version)}.json`;
export const checkpointKey = (table: string, version: number) =>
  `${logPrefix(table)}${pad(version)}.checkpoint.parquet`;
const lastCheckpointKey = (table: string) => `${logPrefix(table)}_last_checkpoint`;

const COMMIT_FILE = /^(\d{20})\.json$/;
const CHECKPOINT_FILE = /^(\d{20})\.checkpoint\.parquet$/;

/** The versions present in the log: commit files and classic (single-file) checkpoints, ascending. */
export async function listLog(
  store: ObjectStore,
  table: string,
): Promise<{ commits: number[]; checkpoints: number[] }> {
  const prefix = logPrefix(table);
  const commits: number[] = [];
  const checkpoints: number[] = [];
  for (const { key } of await store.list(prefix)) {
    const name = key.slice(prefix.length);
    const commit = COMMIT_FILE.exec(name);
    if (commit) commits.push(Number(commit[1]));
    const checkpoint = CHECKPOINT_FILE.exec(name);
    if (checkpoint) checkpoints.push(Number(checkpoint[1]));
  }
  const ascending = (a: number, b: number) => a - b;
  return { commits: commits.sort(ascending), checkpoints: checkpoints.sort(ascending) };
}

/** The actions of one commit, or undefined if that version does not exist. */
export async function readCommit(
  store: ObjectStore,
  table: string,
  version: number,
): Promise<Action[] | undefined> {
  const key = commitKey(table, version);
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return parseCommit(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new DeltaProtocolError(
      `${table}: commit ${store.uri(key)} is not valid newline-delimited JSON.`,
      'The Delta log was damaged outside strava-lakehouse; restore that file from a backup.',
      { cause: err },
    );
  }
}

/** Writes `version` if it does not exist yet; false means another writer got there first. */
export function writeCommit(
  store: ObjectStore,
  table: string,
  version: number,
  actions: readonly Action[],
): Promise<boolean> {
  return store.putIfAbsent(commitKey(table, version), serializeCommit(actions));
}

export interface LastCheckpoint {
  version: number;
  size: number;
}

/** The `_last_checkpoint` hint, or undefined when absent or unreadable (readers then list). */
export async function readLastCheckpoint(
  store: ObjectStore,
  table: string,
): Promise<LastCheckpoint | undefined> {
  const bytes = await store.get(lastCheckpointKey(table));
  if (!bytes) return undefined;
  try {
    const hint = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<LastCheckpoint> & {
      parts?: number;
    };
    // Multi-part checkpoints are not read here; listing finds the commits instead.
    if (!Number.isInteger(hint.version) || hint.parts !== undefined) return undefined;
    return { version: hint.version!, size: hint.size ?? 0 };
  } catch {
    return undefined;
  }
}

/** Plain put: the hint may be overwritten, and a stale one only costs readers a few reads. */
export function writeLastCheckpoint(
  store: ObjectStore,
  table: string,
  hint: LastCheckpoint,
): Promise<void> {
  return store.put(lastCheckpointKey(table), JSON.stringify(hint));
}
