/**
 * Deletion vector descriptors (PROTOCOL.md "Deletion Vector Descriptor Schema" and its JSON
 * examples): Z85, where a `u` or `p` vector lives, inline vectors, and the on-disk framing
 * (version byte, big-endian size, bitmap, CRC-32).
 */
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { DeltaProtocolError, StoreError } from '../../../src/errors.js';
import {
  dvFileKey,
  dvUniqueId,
  readDeletionVector,
  z85Decode,
  type DeletionVectorDescriptor,
} from '../../../src/lakehouse/delta/deletion-vectors.js';
import { DV_MAGIC } from '../../../src/lakehouse/delta/roaring.js';
import { tempWarehouse } from './support.js';

/**
 * PROTOCOL.md, "JSON Example 3 — Inline": the row indexes 3, 4, 7, 11, 18, 29 (in Delta's older
 * native serialization, magic 1681511376).
 */
const INLINE: DeletionVectorDescriptor = {
  storageType: 'i',
  pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
  sizeInBytes: 40,
  cardinality: 6,
};

/** A RoaringBitmapArray holding rows 2 and 5 (one bucket, one array container). */
function bitmapOf2And5(): Uint8Array {
  const b = Buffer.alloc(4 + 8 + 4 + 4 + 4 + 4 + 4 + 4);
  let at = b.writeUInt32LE(DV_MAGIC, 0);
  at = b.writeUInt32LE(1, at); // one bucket (low word of a 64-bit count)
  at = b.writeUInt32LE(0, at);
  at = b.writeUInt32LE(0, at); // bucket key 0
  at = b.writeUInt32LE(12346, at); // no-run cookie
  at = b.writeUInt32LE(1, at); // one container
  at = b.writeUInt16LE(0, at); // key 0
  at = b.writeUInt16LE(1, at); // cardinality 2
  at = b.writeUInt32LE(16, at); // offset header
  const tail = Buffer.alloc(4);
  tail.writeUInt16LE(2, 0);
  tail.writeUInt16LE(5, 2);
  return Buffer.concat([b.subarray(0, at), tail]);
}

/** A DV file holding `bitmap` at offset 1: version 1, size, data, CRC-32 (big-endian). */
function dvFile(bitmap: Uint8Array, checksum = crc32(bitmap)): Uint8Array {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(bitmap.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(checksum >>> 0);
  return Buffer.concat([Buffer.from([1]), size, bitmap, crc]);
}

describe('descriptors', () => {
  test('Z85 decodes 5 characters to 4 bytes, big-endian, and refuses what is not Z85', () => {
    // ZeroMQ RFC 32's test vector.
    expect(Buffer.from(z85Decode('HelloWorld')).toString('hex')).toBe('864fd26fb559f75b');
    expect(() => z85Decode('Hell')).toThrow(/multiple of 5/);
    expect(() => z85Decode('Hello~orld')).toThrow(/not a Z85 character/);
  });

  test('a `u` vector lives beside the data, named by its UUID under its random prefix', () => {
    const store = tempWarehouse();
    // PROTOCOL.md "JSON Example 1": prefix `ab`.
    const withPrefix = { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^' } as const;
    expect(dvFileKey(store, 'db/t', { ...withPrefix, sizeInBytes: 40, cardinality: 6 })).toBe(
      'db/t/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    );
    // The table-with-dv-small fixture: no prefix.
    const plain = { storageType: 'u', pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA' } as const;
    expect(dvFileKey(store, 't', { ...plain, sizeInBytes: 36, cardinality: 2 })).toBe(
      't/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin',
    );
  });

  test('a `p` vector is read inside the table folder and refused outside it', () => {
    const store = tempWarehouse();
    const at = (path: string): DeletionVectorDescriptor => ({
      storageType: 'p',
      pathOrInlineDv: path,
      offset: 1,
      sizeInBytes: 40,
      cardinality: 6,
    });
    const inside = `${store.uri('t')}/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin`;
    expect(dvFileKey(store, 't', at(inside))).toBe(
      't/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    );
    expect(dvFileKey(store, 't', at(`file://${inside}`))).toBe(
      't/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    );
    expect(() => dvFileKey(store, 't', at('s3://elsewhere/dv.bin'))).toThrow(DeltaProtocolError);
    expect(() => dvFileKey(store, 't', at('s3://elsewhere/dv.bin'))).toThrow(
      /outside the table folder/,
    );
  });

  test('uniqueId is storage type and path, plus @offset when there is one', () => {
    expect(dvUniqueId(INLINE)).toBe(`i${INLINE.pathOrInlineDv}`);
    expect(
      dvUniqueId({
        storageType: 'u',
        pathOrInlineDv: 'x',
        offset: 4,
        sizeInBytes: 1,
        cardinality: 1,
      }),
    ).toBe('ux@4');
  });
});

describe('reading a deletion vector', () => {
  test("PROTOCOL.md's inline example deletes rows 3, 4, 7, 11, 18, 29", async () => {
    const rows = await readDeletionVector(tempWarehouse(), 't', 'part-0.parquet', INLINE);
    expect(rows).toEqual([3, 4, 7, 11, 18, 29]);
  });

  test('an on-disk vector at its offset, its checksum checked', async () => {
    const store = tempWarehouse();
    const dv: DeletionVectorDescriptor = {
      storageType: 'u',
      pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA',
      offset: 1,
      sizeInBytes: bitmapOf2And5().length,
      cardinality: 2,
    };
    const key = dvFileKey(store, 't', dv);
    await store.put(key, dvFile(bitmapOf2And5()));
    expect(await readDeletionVector(store, 't', 'part-0.parquet', dv)).toEqual([2, 5]);

    await store.put(key, dvFile(bitmapOf2And5(), 12345));
    await expect(readDeletionVector(store, 't', 'part-0.parquet', dv)).rejects.toThrow(
      /t: the deletion vector of data file part-0.parquet \(.*deletion_vector_61d16c75.*\) cannot be read \(its CRC-32 checksum does not match\)/,
    );
    await store.put(key, dvFile(bitmapOf2And5()));
    await expect(
      readDeletionVector(store, 't', 'part-0.parquet', { ...dv, cardinality: 3 }),
    ).rejects.toThrow(/it deletes 2 rows, the log says 3/);
    await expect(
      readDeletionVector(store, 't', 'part-0.parquet', { ...dv, sizeInBytes: 12 }),
    ).rejects.toThrow(/the DV holds \d+ bytes, the log says 12/);
    await store.delete(key);
    await expect(readDeletionVector(store, 't', 'part-0.parquet', dv)).rejects.toThrow(StoreError);
  });
});
