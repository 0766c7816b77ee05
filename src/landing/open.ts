/** Opens a warehouse location as an object store: `s3://bucket/prefix` or a folder path. */
import path from 'node:path';
import { FolderStore } from './folder.js';
import { S3Store, type S3Options } from './s3.js';
import type { ObjectStore } from './store.js';

export function openStore(warehouse: string, s3: S3Options = {}): ObjectStore {
  if (warehouse.startsWith('s3://')) return new S3Store(warehouse, s3);
  return new FolderStore(path.resolve(warehouse));
}
