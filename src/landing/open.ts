/**
 * Opens a warehouse location as an object store: `s3://bucket/prefix` or a folder path. The AWS
 * SDK is loaded only for an s3:// location: a folder warehouse never pays for it at start-up.
 */
import path from 'node:path';
import { FolderStore } from './folder.js';
import type { S3Options } from './s3.js';
import type { ObjectStore } from './store.js';

export async function openStore(warehouse: string, s3: S3Options = {}): Promise<ObjectStore> {
  if (warehouse.startsWith('s3://')) {
    const { S3Store } = await import('./s3.js');
    return new S3Store(warehouse, s3);
  }
  return new FolderStore(path.resolve(warehouse));
}
