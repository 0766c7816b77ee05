import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/runs/zip.ts imports zlib
var require_zip = __commonJS({
  "builtin-require:src/runs/zip.ts imports zlib"(exports, module) {
    module.exports = __require("node:zlib");
  }
});

// src/runs/zip.ts
var import_node_zlib = __toESM(require_zip(), 1);
var END_OF_DIRECTORY = 101010256;
var DIRECTORY_ENTRY = 33639248;
var LOCAL_HEADER = 67324752;
var END_OF_DIRECTORY_SIZE = 22;
function readSingleFileZip(zip) {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const files = directory(buf).filter((e) => !e.name.endsWith("/"));
  if (files.length !== 1) {
    throw new Error(`the archive holds ${files.length} files, not one`);
  }
  const entry = files[0];
  return { name: entry.name, data: extract(buf, entry) };
}
function directory(buf) {
  const end = findEndOfDirectory(buf);
  const count = buf.readUInt16LE(end + 10);
  const entries = [];
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== DIRECTORY_ENTRY) {
      throw new Error("the central directory is damaged");
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
      name: buf.toString("utf8", p + 46, p + 46 + nameLength)
    });
    p += 46 + skip;
  }
  return entries;
}
function findEndOfDirectory(buf) {
  const lowest = Math.max(0, buf.length - END_OF_DIRECTORY_SIZE - 65535);
  for (let p = buf.length - END_OF_DIRECTORY_SIZE; p >= lowest; p--) {
    if (buf.readUInt32LE(p) === END_OF_DIRECTORY) return p;
  }
  throw new Error("it is not a zip archive (no end-of-directory record)");
}
function extract(buf, e) {
  if (e.flags & 1) throw new Error(`"${e.name}" is encrypted`);
  if (e.compressedSize === 4294967295 || e.size === 4294967295) {
    throw new Error(`"${e.name}" is a ZIP64 entry`);
  }
  const p = e.localHeader;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL_HEADER) {
    throw new Error(`the local header of "${e.name}" is damaged`);
  }
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  let data;
  if (e.method === 0) data = raw;
  else if (e.method === 8) data = import_node_zlib.default.inflateRawSync(raw);
  else throw new Error(`"${e.name}" uses compression method ${e.method}`);
  if (data.length !== e.size || import_node_zlib.default.crc32(data) !== e.crc) {
    throw new Error(`"${e.name}" fails its size or CRC check`);
  }
  return data;
}
export {
  readSingleFileZip
};
