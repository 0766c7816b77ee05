/**
 * The protocol gate. strava-lakehouse writes Delta reader 1 / writer 2 tables without table
 * features, and must not commit to anything newer: another engine (Databricks turning on
 * deletion vectors, say) may rely on rules this writer does not follow. Writer version 2 also
 * obliges a writer to respect append-only tables and column invariants, which it refuses instead.
 * Reading goes further: deletion vectors and column mapping, which Databricks may turn on.
 */
import { DeltaProtocolError, OtherEngineError } from '../../errors.js';
import type { TableProtocol } from '../../runs/record.js';
import type { Protocol } from './actions.js';
import type { Snapshot } from './snapshot.js';
import { ENGINE_PROPERTY, writerOf } from '../table-properties.js';

export const WRITER_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

const ONE_ENGINE_HINT =
  'A warehouse belongs to one engine: keep writing this table with the engine that upgraded it, or point --warehouse at a new location.';

/**
 * Legacy protocol versions (before table features) enable features by version plus a table
 * property; name the ones a user would have turned on, so the message says which.
 */
const LEGACY_FEATURES: Record<string, string> = {
  'delta.columnMapping.mode': 'columnMapping',
  'delta.enableChangeDataFeed': 'changeDataFeed',
  'delta.enableDeletionVectors': 'deletionVectors',
};

function requirement(p: Protocol, configuration: Record<string, string> = {}): string {
  const legacy = Object.entries(LEGACY_FEATURES)
    .filter(
      ([key]) =>
        configuration[key] !== undefined && !['none', 'false'].includes(configuration[key]!),
    )
    .map(([, feature]) => feature);
  const features = [
    ...new Set([...(p.readerFeatures ?? []), ...(p.writerFeatures ?? []), ...legacy]),
  ];
  const withFeatures = features.length ? ` with table features ${features.join(', ')}` : '';
  return `Delta reader version ${p.minReaderVersion} / writer version ${p.minWriterVersion}${withFeatures}`;
}

const hasFeatures = (p: Protocol) => Boolean(p.readerFeatures?.length || p.writerFeatures?.length);

/**
 * Throws unless this writer may commit to the table (a table that does not exist yet is fine).
 * A table whose engine property names another engine is refused first, with how to switch back;
 * `handover` (what `strava-lakehouse migrate --to embedded` commits) skips only that check.
 */
export function assertWritable(
  table: string,
  snap: Snapshot | undefined,
  opts: { handover?: boolean } = {},
): void {
  if (!snap) return;
  const writer = writerOf(snap.metadata.configuration);
  if (!opts.handover && writer !== undefined && writer !== 'embedded') {
    throw new OtherEngineError(
      `${table} is written by the ${writer} engine (table property ${ENGINE_PROPERTY} = ${writer}), so the embedded engine leaves it alone.`,
      writer === 'databricks'
        ? 'Run with --engine databricks (action input engine: databricks), or hand the warehouse back to the embedded engine with `strava-lakehouse migrate --to embedded --warehouse <this warehouse>`.'
        : `Write it with the ${writer} engine, or point --warehouse at a new location.`,
      writer,
    );
  }
  const p = snap.protocol;
  if (
    p.minReaderVersion > WRITER_PROTOCOL.minReaderVersion ||
    p.minWriterVersion > WRITER_PROTOCOL.minWriterVersion ||
    hasFeatures(p)
  ) {
    throw new DeltaProtocolError(
      `${table} requires ${requirement(p, snap.metadata.configuration)}; strava-lakehouse writes only reader 1 / writer 2 tables without table features.`,
      ONE_ENGINE_HINT,
    );
  }
  if (snap.metadata.configuration['delta.appendOnly'] === 'true') {
    throw new DeltaProtocolError(
      `${table} is an append-only Delta table (delta.appendOnly=true); strava-lakehouse replaces partitions and cannot write it.`,
      ONE_ENGINE_HINT,
    );
  }
  if (snap.metadata.schemaString.includes('"delta.invariants"')) {
    throw new DeltaProtocolError(
      `${table} has Delta column invariants, which strava-lakehouse does not enforce, so it will not write the table.`,
      ONE_ENGINE_HINT,
    );
  }
}

/** The protocol and the table features it names, in words (for run records and messages). */
export function describeProtocol(p: Protocol, configuration: Record<string, string> = {}): string {
  return requirement(p, configuration);
}

/**
 * Reader features the embedded reader implements (PROTOCOL.md "Deletion Vectors", "Column
 * Mapping"); reader version 2 means column mapping, version 3 lists its features.
 */
export const READER_FEATURES: readonly string[] = ['deletionVectors', 'columnMapping'];
const MAX_READER_VERSION = 3;

/**
 * Throws unless this reader can read the table's data files: reader version 1 or 2 (column
 * mapping), or 3 with only the reader features in READER_FEATURES. Reading is all it promises:
 * `assertWritable` still refuses every one of these tables.
 */
export function assertReadable(table: string, snap: Snapshot): void {
  const p = snap.protocol;
  const unknown =
    p.minReaderVersion === MAX_READER_VERSION
      ? (p.readerFeatures ?? []).filter((f) => !READER_FEATURES.includes(f))
      : [];
  if (p.minReaderVersion > MAX_READER_VERSION || unknown.length) {
    const which = unknown.length ? ` (not ${unknown.join(', ')})` : '';
    throw new DeltaProtocolError(
      `${table} requires ${requirement(p, snap.metadata.configuration)}; strava-lakehouse reads Delta reader versions 1 and 2, and version 3 with table features ${READER_FEATURES.join(', ')}${which}.`,
      'Read this table with Spark, Databricks or delta-rs.',
    );
  }
}

/** The protocol of a table as the run record states it: versions and the reader features. */
export function tableProtocolOf(table: string, snap: Snapshot): TableProtocol {
  const p = snap.protocol;
  // Reader version 2 (before table features) means column mapping; 3 lists its features.
  const readerFeatures =
    p.minReaderVersion >= 3
      ? [...(p.readerFeatures ?? [])]
      : p.minReaderVersion === 2
        ? ['columnMapping']
        : [];
  let embeddedReads = true;
  try {
    assertReadable(table, snap);
  } catch {
    embeddedReads = false;
  }
  return {
    table,
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures,
    embeddedReads,
  };
}
