/**
 * Decoding of the bitmaps inside Delta deletion vectors (PROTOCOL.md, Appendix "Deletion Vector
 * Format"): the magic number 1681511377, then a 64-bit Roaring bitmap in the portable format of
 * the RoaringFormatSpec, that is a count of 32-bit buckets, each a key (the high 32 bits) and a
 * portable 32-bit Roaring bitmap whose containers are arrays, bitsets or runs of 16-bit values.
 * All numbers little-endian. Delta also reads an older "native" form (DV_NATIVE_MAGIC), which
 * PROTOCOL.md's inline example uses. Only decoding: the embedded engine never writes deletion
 * vectors.
 */

/** The magic number that opens Delta's RoaringBitmapArray serialization (little-endian). */
export const DV_MAGIC = 1681511377;
/**
 * The magic number of Delta's older "native" serialization, big-endian: a count and, per 32-bit
 * bucket in order from key 0, its size and bitmap. PROTOCOL.md's inline example is in this form.
 */
export const DV_NATIVE_MAGIC = 1681511376;

/** A 32-bit portable bitmap's cookie when it may hold run containers (low 16 bits). */
const SERIAL_COOKIE = 12347;
/** A 32-bit portable bitmap's cookie when it holds no run container (all 32 bits). */
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
/** With run containers, the offset header is present only from this many containers on. */
const NO_OFFSET_THRESHOLD = 4;
/** An array container holds at most this many values; a fuller non-run container is a bitset. */
const MAX_ARRAY = 4096;

/** Thrown on bytes that are not a well-formed bitmap; the caller names the deletion vector. */
export class RoaringFormatError extends Error {}

/** A bounds-checked little-endian reader over a byte range. */
class Reader {
  private readonly view: DataView;
  constructor(
    bytes: Uint8Array,
    public pos = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    if (this.pos + n > this.view.byteLength) {
      throw new RoaringFormatError(
        `the bitmap ends early: ${n} bytes wanted at byte ${this.pos} of ${this.view.byteLength}`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  u32be(): number {
    return this.view.getUint32(this.need(4), false);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }

  bytes(n: number): DataView {
    const at = this.need(n);
    return new DataView(this.view.buffer, this.view.byteOffset + at, n);
  }
}

/**
 * Appends the values of one portable 32-bit Roaring bitmap, read from `r`, to `out` as
 * `high * 2^32 + value`, in ascending order. `r` is left just past the bitmap.
 */
function readBitmap32(r: Reader, high: number, out: number[]): void {
  const cookie = r.u32();
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const flags = r.bytes((size + 7) >> 3);
    runFlags = new Uint8Array(flags.buffer, flags.byteOffset, flags.byteLength);
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = r.u32();
  } else {
    throw new RoaringFormatError(`unknown 32-bit bitmap cookie ${cookie}`);
  }
  if (size > 65536) throw new RoaringFormatError(`${size} containers, more than 65536`);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(r.u16());
    cards.push(r.u16() + 1);
  }
  // The offset header repeats where each container starts; reading them in order needs none.
  if (!runFlags || size >= NO_OFFSET_THRESHOLD) r.bytes(4 * size);
  const base = high * 2 ** 32;
  let previousKey = -1;
  for (let i = 0; i < size; i++) {
    const key = keys[i]!;
    if (key <= previousKey) throw new RoaringFormatError('container keys are not ascending');
    previousKey = key;
    const start = base + key * 65536;
    const isRun = runFlags ? (runFlags[i >> 3]! >> (i & 7)) & 1 : 0;
    if (isRun) {
      const runs = r.u16();
      let count = 0;
      for (let j = 0; j < runs; j++) {
        const first = r.u16();
        const length = r.u16();
        if (first + length > 0xffff) throw new RoaringFormatError('a run passes 65535');
        for (let v = first; v <= first + length; v++) out.push(start + v);
        count += length + 1;
      }
      if (count !== cards[i]) {
        throw new RoaringFormatError(`a run container holds ${count} values, not ${cards[i]}`);
      }
    } else if (cards[i]! <= MAX_ARRAY) {
      for (let j = 0; j < cards[i]!; j++) out.push(start + r.u16());
    } else {
      const words = r.bytes(8192);
      let count = 0;
      for (let w = 0; w < 2048; w++) {
        let bits = words.getUint32(w * 4, true);
        while (bits !== 0) {
          const low = bits & -bits;
          out.push(start + w * 32 + (31 - Math.clz32(low)));
          bits ^= low;
          count++;
        }
      }
      if (count !== cards[i]) {
        throw new RoaringFormatError(`a bitset container holds ${count} values, not ${cards[i]}`);
      }
    }
  }
}

/**
 * The row indexes of a serialized RoaringBitmapArray (magic number included, portable or
 * native form), ascending. Row indexes stay below 2^53, so they are plain numbers.
 */
export function decodeRoaringBitmapArray(bytes: Uint8Array): number[] {
  const r = new Reader(bytes);
  const out: number[] = [];
  const magic =
    bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, false) : 0;
  if (magic === DV_NATIVE_MAGIC) {
    r.pos = 4;
    const buckets = r.u32be();
    if (buckets >= 2 ** 21) throw new RoaringFormatError(`${buckets} buckets are out of range`);
    for (let high = 0; high < buckets; high++) {
      const size = r.u32be();
      const start = r.pos;
      readBitmap32(r, high, out);
      if (r.pos - start !== size) {
        throw new RoaringFormatError(`bucket ${high} takes ${r.pos - start} bytes, not ${size}`);
      }
    }
  } else {
    const portable = r.u32();
    if (portable !== DV_MAGIC) {
      throw new RoaringFormatError(`magic number ${portable}, not ${DV_MAGIC}`);
    }
    const buckets = r.u64();
    let previous = -1;
    for (let b = 0n; b < buckets; b++) {
      const high = r.u32();
      // Delta requires the most significant bit of every key to be 0; 2^21 keeps rows below 2^53.
      if (high >= 2 ** 21) throw new RoaringFormatError(`bucket key ${high} is out of range`);
      if (high <= previous) throw new RoaringFormatError('bucket keys are not ascending');
      previous = high;
      readBitmap32(r, high, out);
    }
  }
  if (r.pos !== bytes.length) {
    throw new RoaringFormatError(`${bytes.length - r.pos} bytes follow the bitmap`);
  }
  return out;
}
