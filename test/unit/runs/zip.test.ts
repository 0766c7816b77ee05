import { describe, expect, it } from 'vitest';
import { readSingleFileZip } from '../../../src/runs/zip.js';
import { makeZip } from './archive.js';

const record = JSON.stringify({ schemaVersion: 1, month: '2024-05', note: 'x'.repeat(5000) });

describe('readSingleFileZip', () => {
  it('reads a deflated file from an archive streamed like an artifact (sizes in data descriptors)', async () => {
    const zip = await makeZip({ '20240601T000000Z-abc123.json': record });
    // Streamed entries leave the local header's sizes at zero: the reader must not trust them.
    expect(zip.readUInt16LE(6) & 0x8).toBe(0x8);
    expect(zip.readUInt32LE(18)).toBe(0);
    const file = readSingleFileZip(zip);
    expect(file.name).toBe('20240601T000000Z-abc123.json');
    expect(file.data.toString('utf8')).toBe(record);
  });

  it('reads a stored (uncompressed) file', async () => {
    const file = readSingleFileZip(await makeZip({ 'r.json': record }, 0));
    expect(file.data.toString('utf8')).toBe(record);
  });

  it('reads from a view into a larger buffer', async () => {
    const zip = await makeZip({ 'r.json': record });
    const padded = Buffer.concat([Buffer.alloc(7), zip, Buffer.alloc(3)]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 7, zip.length);
    expect(readSingleFileZip(view).data.toString('utf8')).toBe(record);
  });

  it('refuses an archive with more than one file', async () => {
    const zip = await makeZip({ 'a.json': '{}', 'b.json': '{}' });
    expect(() => readSingleFileZip(zip)).toThrow('the archive holds 2 files, not one');
  });

  it('refuses bytes that are not a zip archive', () => {
    expect(() => readSingleFileZip(Buffer.from('{"message":"Not Found"}'))).toThrow(
      'not a zip archive',
    );
  });

  it('notices damaged contents through the CRC', async () => {
    const zip = await makeZip({ 'r.json': record }, 0);
    const at = zip.indexOf(Buffer.from('xxxx'));
    zip[at] = 'y'.charCodeAt(0);
    expect(() => readSingleFileZip(zip)).toThrow('fails its size or CRC check');
  });
});
