/**
 * The warehouse in a local folder. Every write goes to a temporary file in the target's own
 * directory first, so an object only ever appears complete: `put` renames the temporary file
 * over the target, `putIfAbsent` hard-links it to the target (the link fails with EEXIST if
 * any other writer, in this process or another, got there first).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from './store.js';

// Leading dot: Spark and Hadoop skip hidden files, so a temporary file left by a crash is
// never read as data; list() skips it too.
const TEMP_FILE = /^\..+\.[0-9a-f]{16}\.tmp$/;

export class FolderStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    if (!path.isAbsolute(root)) {
      throw new StoreError(
        `Folder store root "${root}" is not an absolute path.`,
        'Resolve the warehouse folder before opening it.',
      );
    }
    this.root = path.normalize(root);
  }

  uri(key: string): string {
    return this.pathOf(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.pathOf(key);
    try {
      const data = await fs.readFile(file);
      // A plain Uint8Array view (no copy), like the S3 store returns.
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storeError('read', file, err);
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const file = this.pathOf(key);
    const temp = await this.writeTemp(file, body);
    try {
      await fs.rename(temp, file);
    } catch (err) {
      await removeQuietly(temp);
      throw storeError('write', file, err);
    }
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const file = this.pathOf(key);
    const temp = await this.writeTemp(file, body);
    try {
      await fs.link(temp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw storeError('create', file, err);
    } finally {
      await removeQuietly(temp);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return undefined;
      return { key, size: stat.size, lastModified: stat.mtime };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storeError('stat', file, err);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Keys are matched as strings (like S3), so start from the deepest folder the prefix names.
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: ObjectInfo[] = [];
    await this.walk(dirKey, prefix, found);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fs.rm(file, { force: true });
    } catch (err) {
      throw storeError('delete', file, err);
    }
  }

  private async walk(dirKey: string, prefix: string, found: ObjectInfo[]): Promise<void> {
    const dir = dirKey ? this.pathOf(dirKey.slice(0, -1)) : this.root;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw storeError('list', dir, err);
    }
    await Promise.all(
      entries.map(async (entry) => {
        const key = dirKey + entry.name;
        if (entry.isDirectory()) {
          if ((key + '/').startsWith(prefix)) {
            await this.walk(key + '/', prefix, found);
          }
        } else if (entry.isFile() && key.startsWith(prefix) && !TEMP_FILE.test(entry.name)) {
          const info = await this.head(key);
          // Deleted between readdir and stat: it is no longer listed.
          if (info) found.push(info);
        }
      }),
    );
  }

  private async writeTemp(file: string, body: Uint8Array | string): Promise<string> {
    const temp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`,
    );
    try {
      await createFile(temp, body);
      return temp;
    } catch (err) {
      await removeQuietly(temp);
      throw storeError('write', file, err);
    }
  }

  private pathOf(key: string): string {
    const segments = key.split('/');
    if (!key || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new StoreError(
        `Object key "${key}" is not a relative path under ${this.root}.`,
        'Keys are "/"-separated paths without empty, "." or ".." segments.',
      );
    }
    return path.join(this.root, ...segments);
  }
}

/** Creates a new file, making its folder only when missing: most writes go to one that exists. */
async function createFile(file: string, body: Uint8Array | string): Promise<void> {
  try {
    await fs.writeFile(file, body, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body, { flag: 'wx' });
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  // ENOTDIR: a parent of the key is a file; EISDIR: the key is a folder. No object either way.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function removeQuietly(file: string): Promise<void> {
  await fs.rm(file, { force: true }).catch(() => undefined);
}

const HINTS: Record<string, string> = {
  EACCES: 'Check that this user may read and write the warehouse folder.',
  EPERM: 'Check that this user may read and write the warehouse folder.',
  ENOSPC: 'Free some disk space and re-run.',
  EROFS: 'The warehouse folder is on a read-only file system; choose another --warehouse.',
  EXDEV: 'The warehouse folder spans file systems; choose a folder on one disk.',
};

function storeError(op: string, file: string, err: unknown): StoreError {
  const e = err as NodeJS.ErrnoException;
  return new StoreError(
    `Folder ${op} ${file} failed: ${e.message}`,
    HINTS[e.code ?? ''] ?? 'Check the warehouse folder and re-run.',
    { cause: err },
  );
}
