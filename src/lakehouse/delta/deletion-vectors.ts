/**
 * Reading Delta deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Descriptor
 * Schema", Appendix "Deletion Vector File Storage Format"): where a descriptor's bitmap lives
 * (inline in the log, in a `deletion_vector_<uuid>.bin` beside the data, or at an absolute
 * path), the file framing with its CRC-32, and the row indexes it marks deleted.
 */
import { crc32 } from 'node:zlib';
import { DeltaProtocolError, StoreError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import { RoaringFormatError, decodeRoaringBitmapArray } from './roaring.js';

/** `add.deletionVector`: where the deleted rows of a data file are recorded. */
export interface DeletionVectorDescriptor {
  /** `u`: relative path from a UUID (with optional prefix); `i`: inline; `p`: absolute path. */
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  /** Where the DV's data starts in its file; absent (0) for inline DVs. */
  offset?: number;
  /** Size of the serialized bitmap, before Z85 encoding when inline. */
  sizeInBytes: number;
  /** How many rows it deletes. */
  cardinality: number;
}

/** The DV's identity within the snapshot (PROTOCOL.md "Derived Fields", `uniqueId`). */
export const dvUniqueId = (dv: DeletionVectorDescriptor) =>
  `${dv.storageType}${dv.pathOrInlineDv}${dv.offset === undefined || dv.offset === null ? '' : `@${dv.offset}`}`;

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_VALUE = new Map([...Z85].map((ch, i) => [ch, i]));

/** Bytes of Z85 text (ZeroMQ RFC 32): every 5 characters are 4 bytes, big-endian. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new Error(`Z85 text of length ${text.length} (not a multiple of 5)`);
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = i; j < i + 5; j++) {
      const digit = Z85_VALUE.get(text[j]!);
      if (digit === undefined) throw new Error(`${JSON.stringify(text[j])} is not a Z85 character`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new Error(`Z85 group ${text.slice(i, i + 5)} exceeds 32 bits`);
    view.setUint32((i / 5) * 4, value);
  }
  return out;
}

/** The canonical text of a UUID's 16 bytes, e.g. `61d16c75-6994-46b7-a15b-8b538852e50e`. */
function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The object key of an on-disk DV. `u`: `<table>/<prefix>/deletion_vector_<uuid>.bin`, the UUID
 * being the last 20 (Z85) characters and the prefix whatever comes before. `p`: an absolute URI,
 * read only when it lies inside the table's folder (as the data files are).
 */
export function dvFileKey(store: ObjectStore, table: string, dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'u') {
    const text = dv.pathOrInlineDv;
    if (text.length < 20) throw new Error(`"${text}" is shorter than a Z85 UUID`);
    const prefix = text.slice(0, -20);
    const uuid = uuidText(z85Decode(text.slice(-20)));
    return `${table}/${prefix ? `${prefix}/` : ''}deletion_vector_${uuid}.bin`;
  }
  if (dv.storageType === 'p') {
    const root = store.uri(table);
    // `p` has the form of add.path: a URI, so a local folder appears as file:///...
    for (const candidate of [dv.pathOrInlineDv, decodeURI(dv.pathOrInlineDv)]) {
      const plain = candidate.replace(/^file:\/\/(?=\/)/, '').replace(/^file:(?=\/)/, '');
      if (plain.startsWith(`${root}/`)) return `${table}/${plain.slice(root.length + 1)}`;
    }
    throw new DeltaProtocolError(
      `${table}: a deletion vector is stored at ${dv.pathOrInlineDv}, outside the table folder; strava-lakehouse reads only files inside the table folder.`,
      'Read this table with Spark, Databricks or delta-rs, or rewrite it (OPTIMIZE / REORG TABLE ... APPLY (PURGE)) so its deletion vectors live beside its data.',
    );
  }
  throw new Error(`storage type ${dv.storageType} has no file`);
}

/** The bitmap bytes of an on-disk DV: `dataSize` (big-endian), the bitmap, its CRC-32. */
function unframe(file: Uint8Array, dv: DeletionVectorDescriptor): Uint8Array {
  const offset = dv.offset ?? 0;
  if (file[0] !== 1) throw new Error(`DV file format version ${file[0]}, not 1`);
  if (offset + 4 + dv.sizeInBytes + 4 > file.length) {
    throw new Error(
      `the file has ${file.length} bytes, fewer than offset ${offset} + ${dv.sizeInBytes + 8}`,
    );
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const dataSize = view.getUint32(offset);
  if (dataSize !== dv.sizeInBytes) {
    throw new Error(`the DV holds ${dataSize} bytes, the log says ${dv.sizeInBytes}`);
  }
  const data = file.subarray(offset + 4, offset + 4 + dataSize);
  const checksum = view.getUint32(offset + 4 + dataSize);
  if (crc32(data) >>> 0 !== checksum) throw new Error('its CRC-32 checksum does not match');
  return data;
}

/** Reads an object; readers of many files share one, so a DV file holding many vectors is fetched once. */
export type Fetch = (key: string) => Promise<Uint8Array | undefined>;

/** A Fetch that fetches each key at most once. */
export function fetchOnce(store: ObjectStore): Fetch {
  const seen = new Map<string, Promise<Uint8Array | undefined>>();
  return (key) => {
    let bytes = seen.get(key);
    if (!bytes) {
      bytes = store.get(key);
      seen.set(key, bytes);
    }
    return bytes;
  };
}

/**
 * The row indexes (0-based positions in the data file) that a deletion vector deletes,
 * ascending. `file` names the data file in messages.
 */
export async function readDeletionVector(
  store: ObjectStore,
  table: string,
  file: string,
  dv: DeletionVectorDescriptor,
  fetch: Fetch = (key) => store.get(key),
): Promise<number[]> {
  let where = 'inline in the log';
  try {
    let bitmap: Uint8Array;
    if (dv.storageType === 'i') {
      bitmap = z85Decode(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes);
    } else {
      const key = dvFileKey(store, table, dv);
      where = store.uri(key);
      const bytes = await fetch(key);
      if (!bytes) {
        throw new StoreError(
          `${table}: the deletion vector of data file ${file} (${where}) is in the Delta log but missing from storage.`,
          'Files were deleted outside the engines that write this table (e.g. VACUUM with a short retention); restore them from a backup.',
        );
      }
      bitmap = unframe(bytes, dv);
    }
    const rows = decodeRoaringBitmapArray(bitmap);
    if (rows.length !== dv.cardinality) {
      throw new Error(`it deletes ${rows.length} rows, the log says ${dv.cardinality}`);
    }
    return rows;
  } catch (err) {
    if (err instanceof StoreError || err instanceof DeltaProtocolError) throw err;
    const reason =
      err instanceof RoaringFormatError
        ? `bad bitmap: ${err.message}`
        : String((err as Error).message ?? err);
    throw new DeltaProtocolError(
      `${table}: the deletion vector of data file ${file} (${where}) cannot be read (${reason}).`,
      'The table holds a damaged deletion vector; read it with Spark or Databricks, or restore it from a backup.',
      { cause: err },
    );
  }
}
