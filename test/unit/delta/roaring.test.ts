/**
 * The Roaring decoder on bitmaps built byte by byte from the RoaringFormatSpec (portable 32-bit
 * format: cookie, container keys and cardinalities, offset header, then array, bitset or run
 * containers) inside Delta's RoaringBitmapArray (magic number, bucket count, bucket keys).
 */
import { describe, expect, test } from 'vitest';
import {
  DV_MAGIC,
  RoaringFormatError,
  decodeRoaringBitmapArray,
} from '../../../src/lakehouse/delta/roaring.js';

const u16 = (...values: number[]) => values.flatMap((v) => [v & 0xff, (v >> 8) & 0xff]);
const u32 = (...values: number[]) =>
  values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
const u64 = (v: number) => [...u32(v), ...u32(0)];

/** Delta's framing around 32-bit bitmaps: magic, bucket count, then key and bitmap per bucket. */
const array64 = (...buckets: [key: number, bitmap: number[]][]) =>
  Uint8Array.from([
    ...u32(DV_MAGIC),
    ...u64(buckets.length),
    ...buckets.flatMap(([key, bitmap]) => [...u32(key), ...bitmap]),
  ]);

const NO_RUN = 12346;
const RUN = 12347;

describe('32-bit containers', () => {
  test('an array container, under the no-run cookie (which always has the offset header)', () => {
    const bitmap = [
      ...u32(NO_RUN),
      ...u32(1), // one container
      ...u16(0, 3 - 1), // key 0, cardinality 3
      ...u32(16), // offset header: the container starts at byte 16
      ...u16(1, 5, 65535),
    ];
    expect(decodeRoaringBitmapArray(array64([0, bitmap]))).toEqual([1, 5, 65535]);
  });

  test('a bitset container: more than 4096 values, 1024 little-endian 64-bit words', () => {
    // Every odd value of the second 16-bit block (key 1): 32768 values, bits 0b1010... per byte.
    const words = new Array<number>(8192).fill(0xaa);
    const bitmap = [...u32(NO_RUN), ...u32(1), ...u16(1, 32768 - 1), ...u32(16), ...words];
    const rows = decodeRoaringBitmapArray(array64([0, bitmap]));
    expect(rows).toHaveLength(32768);
    expect(rows.slice(0, 3)).toEqual([65536 + 1, 65536 + 3, 65536 + 5]);
    expect(rows.at(-1)).toBe(2 * 65536 - 1);
  });

  test('a bitset of 4097 values (one more than an array holds), the last value 65535', () => {
    const bytes = new Array<number>(8192).fill(0);
    for (let b = 0; b < 512; b++) bytes[b] = 0xff; // 0..4095
    bytes[8191] = 0x80; // 65535: the top bit of the last word
    const bitmap = [...u32(NO_RUN), ...u32(1), ...u16(0, 4097 - 1), ...u32(16), ...bytes];
    const rows = decodeRoaringBitmapArray(array64([0, bitmap]));
    expect(rows).toHaveLength(4097);
    expect(rows.slice(4094)).toEqual([4094, 4095, 65535]);
  });

  test('run containers under the run cookie: fewer than 4 containers, no offset header', () => {
    const bitmap = [
      ...u32(RUN | ((2 - 1) << 16)), // two containers
      0b01, // run flags: the first is a run container, the second an array
      ...u16(0, 7 - 1), // key 0, 7 values
      ...u16(2, 2 - 1), // key 2, 2 values
      ...u16(2, 3, 5, 10, 0), // 2 runs: start 3 length-1 5 (3..8), start 10 length-1 0 (10)
      ...u16(7, 9), // the array container
    ];
    expect(decodeRoaringBitmapArray(array64([0, bitmap]))).toEqual([
      3,
      4,
      5,
      6,
      7,
      8,
      10,
      2 * 65536 + 7,
      2 * 65536 + 9,
    ]);
  });

  test('run cookie with 4 containers: the offset header is there, and a run may end at 65535', () => {
    const bitmap = [
      ...u32(RUN | ((4 - 1) << 16)),
      0b1001, // containers 0 and 3 are runs
      ...u16(0, 2 - 1, 1, 1 - 1, 2, 1 - 1, 3, 2 - 1),
      ...u32(0, 0, 0, 0), // offsets (not needed to read in order)
      ...u16(1, 0, 1), // key 0: one run, start 0, length 1 -> 0, 1
      ...u16(42), // key 1: array [42]
      ...u16(7), // key 2: array [7]
      ...u16(1, 65534, 1), // key 3: one run, 65534..65535
    ];
    expect(decodeRoaringBitmapArray(array64([0, bitmap]))).toEqual([
      0,
      1,
      65536 + 42,
      2 * 65536 + 7,
      3 * 65536 + 65534,
      3 * 65536 + 65535,
    ]);
  });
});

describe('the 64-bit bucket array', () => {
  test('buckets add their key as the high 32 bits; an empty bitmap has no bucket', () => {
    const small = (v: number) => [...u32(NO_RUN), ...u32(1), ...u16(0, 0), ...u32(16), ...u16(v)];
    expect(decodeRoaringBitmapArray(array64([0, small(9)], [1, small(2)]))).toEqual([
      9,
      2 ** 32 + 2,
    ]);
    expect(decodeRoaringBitmapArray(array64())).toEqual([]);
  });

  test("Delta's older native form: big-endian magic, count and sizes, buckets from key 0", () => {
    const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    const bucket = (v: number) => [...u32(NO_RUN), ...u32(1), ...u16(0, 0), ...u32(16), ...u16(v)];
    const native = Uint8Array.from([
      ...be32(DV_MAGIC - 1),
      ...be32(2),
      ...be32(18),
      ...bucket(9),
      ...be32(18),
      ...bucket(2),
    ]);
    expect(decodeRoaringBitmapArray(native)).toEqual([9, 2 ** 32 + 2]);
    const wrongSize = Uint8Array.from(native);
    wrongSize[11] = 20;
    expect(() => decodeRoaringBitmapArray(wrongSize)).toThrow(/bucket 0 takes 18 bytes, not 20/);
  });

  test('refuses a wrong magic number, truncated bytes, bad cardinalities and trailing bytes', () => {
    const good = array64([0, [...u32(NO_RUN), ...u32(1), ...u16(0, 0), ...u32(16), ...u16(4)]]);
    const wrongMagic = Uint8Array.from(good);
    wrongMagic[0] = 0;
    expect(() => decodeRoaringBitmapArray(wrongMagic)).toThrow(/magic number/);
    expect(() => decodeRoaringBitmapArray(good.subarray(0, good.length - 1))).toThrow(/ends early/);
    expect(() => decodeRoaringBitmapArray(Uint8Array.from([...good, 0]))).toThrow(/1 bytes follow/);
    const run = [...u32(RUN), 0b1, ...u16(0, 5 - 1), ...u16(1, 0, 1)];
    expect(() => decodeRoaringBitmapArray(array64([0, run]))).toThrow(/holds 2 values, not 5/);
    const twice = [...u32(NO_RUN), ...u32(1), ...u16(0, 0), ...u32(16), ...u16(4)];
    expect(() => decodeRoaringBitmapArray(array64([1, twice], [1, twice]))).toThrow(
      /not ascending/,
    );
    expect(() => decodeRoaringBitmapArray(array64([0, [...u32(1)]]))).toThrow(RoaringFormatError);
  });
});
