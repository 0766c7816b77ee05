/**
 * Zip archives made the way @actions/artifact makes an artifact: with archiver, streamed, at its
 * default compression level 6 (node_modules/@actions/artifact/lib/internal/upload/zip.js).
 * archiver comes with @actions/artifact; it is loaded through require as it ships no types.
 */
import { createRequire } from 'node:module';

interface Archiver {
  on(event: 'data', fn: (chunk: Buffer) => void): void;
  on(event: 'end' | 'error', fn: (arg?: unknown) => void): void;
  append(data: Buffer | string, opts: { name: string }): void;
  finalize(): Promise<void>;
}

const archiver = createRequire(import.meta.url)('archiver') as {
  create(format: 'zip', opts: { zlib?: { level: number }; store?: boolean }): Archiver;
};

export function makeZip(files: Record<string, string | Buffer>, level = 6): Promise<Buffer> {
  const zip = archiver.create('zip', level === 0 ? { store: true } : { zlib: { level } });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.on('data', (c) => chunks.push(c));
    zip.on('end', () => resolve(Buffer.concat(chunks)));
    zip.on('error', reject);
    for (const [name, data] of Object.entries(files)) zip.append(data, { name });
    void zip.finalize();
  });
}
