/**
 * Delta log actions as this writer produces and this reader understands them
 * (delta-io/delta PROTOCOL.md, "Actions"), and the newline-delimited JSON of a commit file.
 */
import { dvUniqueId, type DeletionVectorDescriptor } from './deletion-vectors.js';

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  name?: string;
  description?: string;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number;
}

/** A logical file of the table: relative, URI-encoded path; partition values as Delta strings. */
export interface AddFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string;
  tags?: Record<string, string>;
  /** Rows of the file deleted by another engine; this writer never sets it. */
  deletionVector?: DeletionVectorDescriptor;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp: number;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
  deletionVector?: DeletionVectorDescriptor;
}

/** SetTransaction: the latest `version` an application committed, for exactly-once writes. */
export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number;
}

export interface CommitInfo {
  timestamp: number;
  operation: string;
  /** Spark reads these as a string map, so non-string values are stored as JSON text. */
  operationParameters: Record<string, string>;
  [field: string]: unknown;
}

/** One line of a commit file. Unknown actions (cdc, domainMetadata...) are kept but ignored. */
export interface Action {
  protocol?: Protocol;
  metaData?: Metadata;
  add?: AddFile;
  remove?: RemoveFile;
  txn?: Txn;
  commitInfo?: CommitInfo;
}

export function parseCommit(text: string): Action[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Action);
}

export function serializeCommit(actions: readonly Action[]): string {
  return actions.map((a) => JSON.stringify(a)).join('\n') + '\n';
}

/**
 * A logical file's identity in the snapshot (PROTOCOL.md "Action Reconciliation"): its path,
 * plus its deletion vector's uniqueId when it has one, so that one commit may remove a file
 * with its old deletion vector and add it back with a new one, in either order.
 */
export const fileId = (f: { path: string; deletionVector?: DeletionVectorDescriptor }) =>
  f.deletionVector ? `${f.path}\u0000${dvUniqueId(f.deletionVector)}` : f.path;

/** The `remove` that tombstones an add, with the extended metadata Spark writes. */
export function removeOf(add: AddFile, deletionTimestamp: number): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  };
}
