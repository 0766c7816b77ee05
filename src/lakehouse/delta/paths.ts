/**
 * Where data files live inside a table folder. Partition directories follow the Hive
 * convention Spark uses (`month=2024-05/`); the log, not the directory, is the truth about
 * partition values. `add.path` is a URI reference, so it is stored percent-encoded.
 */
import { randomUUID } from 'node:crypto';
import { DeltaProtocolError } from '../../errors.js';
import type { Compression } from './parquet.js';

const NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** Escapes a partition value for a directory name: anything but [A-Za-z0-9_.-] becomes %XX. */
function escapeSegment(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'), (byte) => {
    const ch = String.fromCharCode(byte);
    return /[A-Za-z0-9_.-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** The relative, decoded path of a new data file, e.g. `month=2024-05/part-00000-<uuid>.c000.snappy.parquet`. */
export function newDataFilePath(
  partitionColumns: readonly string[],
  partitionValues: Record<string, string | null>,
  compression: Compression,
): string {
  const dirs = partitionColumns.map((c) => {
    const v = partitionValues[c];
    return `${escapeSegment(c)}=${v === null || v === undefined || v === '' ? NULL_PARTITION : escapeSegment(v)}/`;
  });
  return `${dirs.join('')}part-00000-${randomUUID()}.c000.${compression}.parquet`;
}

/** `add.path` as a URI reference: partition directories hold only [A-Za-z0-9_.=%-], so in effect `%` becomes `%25`. */
export const encodeAddPath = (path: string) => encodeURI(path);

/** The object key of an `add.path` under the table; absolute URIs (shallow clones) are refused. */
export function dataFileKey(tablePath: string, addPath: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(addPath)) {
    throw new DeltaProtocolError(
      `${tablePath}: data file ${addPath} is an absolute URI; strava-lakehouse reads only files inside the table folder.`,
      'Point strava-lakehouse at a table whose files live under its own folder.',
    );
  }
  return `${tablePath}/${decodeURI(addPath)}`;
}
