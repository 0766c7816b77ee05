/**
 * Reads the one file of a zip archive, as GitHub serves an artifact. @actions/artifact writes
 * its archives as a stream (archiver), so each file's sizes follow its data in a data descriptor
 * and its local header holds zeros: the central directory at the end is where to read them.
 * Stored and deflated files only, no ZIP64: a run record is a few kilobytes.
 */
import zlib from 'node:zlib';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_OF_DIRECTORY_SIZE = 22;

export interface ZipFile {
  name: string;
  data: Buffer;
}

/** The single file in `zip` (directory entries aside); throws if there is not exactly one. */
export function readSingleFileZip(zip: Uint8Array): ZipFile {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const files = directory(buf).filter((e) => !e.name.endsWith('/'));
  if (files.length !== 1) {
    throw new Error(`the archive holds ${files.length} files, not one`);
  }
  const entry = files[0]!;
  return { name: entry.name, data: extract(buf, entry) };
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

function directory(buf: Buffer): Entry[] {
  const end = findEndOfDirectory(buf);
  const count = buf.readUInt16LE(end + 10);
  const entries: Entry[] = [];
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== DIRECTORY_ENTRY) {
      throw new Error('the central directory is damaged');
    }
    const nameLength = buf.readUInt16LE(p + 28);
    const skip = nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    entries.push({
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeader: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + skip;
  }
  return entries;
}

/** The end-of-directory record sits last, followed only by a comment of up to 64 KiB. */
function findEndOfDirectory(buf: Buffer): number {
  const lowest = Math.max(0, buf.length - END_OF_DIRECTORY_SIZE - 0xffff);
  for (let p = buf.length - END_OF_DIRECTORY_SIZE; p >= lowest; p--) {
    if (buf.readUInt32LE(p) === END_OF_DIRECTORY) return p;
  }
  throw new Error('it is not a zip archive (no end-of-directory record)');
}

function extract(buf: Buffer, e: Entry): Buffer {
  if (e.flags & 1) throw new Error(`"${e.name}" is encrypted`);
  if (e.compressedSize === 0xffffffff || e.size === 0xffffffff) {
    throw new Error(`"${e.name}" is a ZIP64 entry`);
  }
  const p = e.localHeader;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL_HEADER) {
    throw new Error(`the local header of "${e.name}" is damaged`);
  }
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else if (e.method === 8) data = zlib.inflateRawSync(raw);
  else throw new Error(`"${e.name}" uses compression method ${e.method}`);
  if (data.length !== e.size || zlib.crc32(data) !== e.crc) {
    throw new Error(`"${e.name}" fails its size or CRC check`);
  }
  return data;
}
