/**
 * Strava's account export read in place: the .zip by random access over its central directory
 * (ZIP64 too, through yauzl), each entry streamed through zlib and checked against its CRC-32,
 * or the unpacked folder, read the same way. Nothing is unpacked to disk, and an entry's name is
 * never used as a path: a zip entry is found by its name in the central directory, a folder file
 * by its name in the listing this module made of the folder itself.
 *
 * Zip bombs are refused before any byte is inflated, from the sizes the central directory
 * declares (per entry, in total, and the compression ratio), and yauzl refuses an entry whose
 * inflated bytes exceed what it declared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { ArchiveError } from '../errors.js';

/** How much an archive may expand to: past any of these it is refused as a zip bomb. */
export interface ArchiveLimits {
  /** Bytes one entry (or folder file) may hold once inflated. */
  maxEntryBytes: number;
  /** Bytes all entries together may hold once inflated. */
  maxTotalBytes: number;
  /** Inflated / compressed bytes an entry may reach, for entries above RATIO_FLOOR_BYTES. */
  maxRatio: number;
}

/**
 * Defaults: an activities.csv of 100k activities is about 50 MB and an activity file a few MB;
 * whole exports of several GB exist. Deflate cannot pass about 1,032:1; CSV, FIT and GPX reach
 * 5-20:1, so 200:1 leaves room for a very repetitive file and none for a bomb.
 */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 200,
};

/** Small entries are not held to the ratio: a few KB of zeros compress 1,000:1 harmlessly. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** One file of the archive, as its directory (central directory or folder listing) says. */
export interface ArchiveEntry {
  /** '/'-separated name inside the archive; a label, never a path. */
  readonly name: string;
  /** Inflated size in bytes. */
  readonly size: number;
}

/** An opened export: its listing, and each listed file as a checked stream. */
export interface ArchiveSource {
  /** The zip file or folder, as given. */
  readonly location: string;
  readonly kind: 'zip' | 'folder';
  /** Every file, by name. */
  readonly entries: ReadonlyMap<string, ArchiveEntry>;
  /**
   * The file's bytes as a stream that fails (ArchiveError naming the file) if the bytes are
   * damaged: a zlib error, fewer or more bytes than declared, a CRC-32 that does not match.
   */
  open(name: string): Promise<Readable>;
  close(): Promise<void>;
}

/** A name for messages: quoted, control characters escaped, at most 120 characters. */
export function shownName(name: string): string {
  const text = JSON.stringify(name.length > 120 ? `${name.slice(0, 117)}...` : name);
  return text;
}

/** Opens a .zip or a folder as an export source; anything else is an ArchiveError. */
export async function openArchive(
  location: string,
  limits: ArchiveLimits = DEFAULT_LIMITS,
): Promise<ArchiveSource> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(location);
  } catch (err) {
    throw new ArchiveError(
      `Archive ${location} cannot be read: ${(err as Error).message}.`,
      "Give the path of Strava's export: the export_NNN.zip or the folder it unpacks to.",
      { cause: err },
    );
  }
  if (stat.isDirectory()) return FolderSource.open(location, limits);
  if (stat.isFile()) return ZipSource.open(location, limits);
  throw new ArchiveError(
    `Archive ${location} is neither a file nor a folder.`,
    "Give the path of Strava's export: the export_NNN.zip or the folder it unpacks to.",
  );
}

function bombError(location: string, what: string): ArchiveError {
  return new ArchiveError(
    `Archive ${location}: ${what}; refused as a possible zip bomb.`,
    "Strava's own exports stay far below this; check that the file is the export you downloaded.",
  );
}

/** Refuses, by the declared sizes alone, an archive that would expand past the limits. */
function checkSizes(
  location: string,
  sizes: readonly { name: string; size: number; compressed?: number }[],
  limits: ArchiveLimits,
): void {
  let total = 0;
  for (const e of sizes) {
    if (e.size > limits.maxEntryBytes) {
      throw bombError(
        location,
        `entry ${shownName(e.name)} expands to ${e.size} bytes, above the ${limits.maxEntryBytes}-byte cap per entry`,
      );
    }
    if (
      e.compressed !== undefined &&
      e.size > RATIO_FLOOR_BYTES &&
      e.size > e.compressed * limits.maxRatio
    ) {
      const ratio = e.compressed ? Math.round(e.size / e.compressed) : Infinity;
      throw bombError(
        location,
        `entry ${shownName(e.name)} expands ${ratio}:1 (${e.compressed} to ${e.size} bytes), above the ${limits.maxRatio}:1 cap`,
      );
    }
    total += e.size;
    if (total > limits.maxTotalBytes) {
      throw bombError(
        location,
        `its entries expand to more than the ${limits.maxTotalBytes}-byte cap in total`,
      );
    }
  }
}

/** Counts bytes and the CRC-32 as they pass; fails at the end if either is not as declared. */
function checked(
  location: string,
  name: string,
  expected: { size: number; crc32?: number },
): Transform {
  let crc = 0;
  let bytes = 0;
  const fail = (what: string) =>
    new ArchiveError(
      `Archive ${location}: entry ${shownName(name)} is damaged (${what}).`,
      'Download the export again from Strava (Settings > My Account > Download or delete your account).',
    );
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > expected.size) {
        done(fail(`more than the ${expected.size} bytes it declares`));
        return;
      }
      if (expected.crc32 !== undefined) crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (bytes !== expected.size) {
        done(fail(`${bytes} bytes where it declares ${expected.size}`));
      } else if (expected.crc32 !== undefined && crc >>> 0 !== expected.crc32 >>> 0) {
        done(fail('its CRC-32 does not match'));
      } else done();
    },
  });
}

/** Re-emits a stream's errors as the ArchiveError naming the entry. */
function naming(stream: Readable, location: string, name: string, out: Transform): Readable {
  stream.on('error', (err: Error) => {
    out.destroy(
      err instanceof ArchiveError
        ? err
        : new ArchiveError(
            `Archive ${location}: entry ${shownName(name)} is damaged (${err.message.replace(/\.$/, '')}).`,
            'Download the export again from Strava (Settings > My Account > Download or delete your account).',
            { cause: err },
          ),
    );
  });
  return stream.pipe(out);
}

interface ZipEntryInfo extends ArchiveEntry {
  readonly entry: yauzl.Entry;
}

class ZipSource implements ArchiveSource {
  readonly kind = 'zip' as const;
  private constructor(
    readonly location: string,
    private readonly zip: yauzl.ZipFile,
    readonly entries: ReadonlyMap<string, ZipEntryInfo>,
  ) {}

  static async open(location: string, limits: ArchiveLimits): Promise<ZipSource> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(
        location,
        { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
        (err, z) => (err ? reject(zipError(location, err)) : resolve(z)),
      ),
    );
    try {
      const entries = await new Promise<Map<string, ZipEntryInfo>>((resolve, reject) => {
        const found = new Map<string, ZipEntryInfo>();
        zip.on('entry', (entry: yauzl.Entry) => {
          const name = entry.fileName;
          if (!name.endsWith('/')) {
            if (found.has(name)) {
              reject(
                new ArchiveError(
                  `Archive ${location} holds the entry ${shownName(name)} twice.`,
                  "Strava's exports name each file once; download the export again.",
                ),
              );
              return;
            }
            found.set(name, { name, size: entry.uncompressedSize, entry });
          }
          zip.readEntry();
        });
        zip.on('end', () => resolve(found));
        zip.on('error', (err: Error) => reject(zipError(location, err)));
        zip.readEntry();
      });
      checkSizes(
        location,
        [...entries.values()].map((e) => ({
          name: e.name,
          size: e.size,
          compressed: e.entry.compressedSize,
        })),
        limits,
      );
      return new ZipSource(location, zip, entries);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  async open(name: string): Promise<Readable> {
    const info = this.entries.get(name);
    if (!info) throw missing(this.location, name);
    if (info.entry.isEncrypted()) {
      throw new ArchiveError(
        `Archive ${this.location}: entry ${shownName(name)} is encrypted.`,
        "Strava's exports are not encrypted; download the export again.",
      );
    }
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(info.entry, (err, s) =>
        err ? reject(zipError(this.location, err, name)) : resolve(s),
      ),
    );
    return naming(
      stream,
      this.location,
      name,
      checked(this.location, name, { size: info.size, crc32: info.entry.crc32 }),
    );
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}

function zipError(location: string, err: Error, entry?: string): ArchiveError {
  const where = entry ? `entry ${shownName(entry)}` : 'it';
  return new ArchiveError(
    `Archive ${location} is not a readable zip: ${where} fails with "${err.message.replace(/\.$/, '')}".`,
    'Download the export again from Strava (Settings > My Account > Download or delete your account), or give the folder it unpacks to.',
    { cause: err },
  );
}

function missing(location: string, name: string): ArchiveError {
  return new ArchiveError(
    `Archive ${location} has no file ${shownName(name)}.`,
    'Download the export again from Strava.',
  );
}

class FolderSource implements ArchiveSource {
  readonly kind = 'folder' as const;
  readonly entries: ReadonlyMap<string, ArchiveEntry>;
  private constructor(
    readonly location: string,
    private readonly files: ReadonlyMap<string, { entry: ArchiveEntry; parts: string[] }>,
  ) {
    this.entries = new Map([...files].map(([name, f]) => [name, f.entry]));
  }

  static async open(location: string, limits: ArchiveLimits): Promise<FolderSource> {
    const files = new Map<string, { entry: ArchiveEntry; parts: string[] }>();
    // Walks real directories only: symbolic links (which could point anywhere) are not followed.
    const walk = async (parts: string[]): Promise<void> => {
      const dir = path.join(location, ...parts);
      const items = await fs.promises.readdir(dir, { withFileTypes: true });
      for (const item of items) {
        const next = [...parts, item.name];
        if (item.isDirectory()) await walk(next);
        else if (item.isFile()) {
          const { size } = await fs.promises.stat(path.join(location, ...next));
          const name = next.join('/');
          files.set(name, { entry: { name, size }, parts: next });
        }
      }
    };
    try {
      await walk([]);
    } catch (err) {
      throw new ArchiveError(
        `Archive folder ${location} cannot be listed: ${(err as Error).message}.`,
        'Check that this user may read the folder.',
        { cause: err },
      );
    }
    checkSizes(
      location,
      [...files.values()].map((f) => f.entry),
      limits,
    );
    return new FolderSource(location, files);
  }

  async open(name: string): Promise<Readable> {
    const file = this.files.get(name);
    if (!file) throw missing(this.location, name);
    const stream = fs.createReadStream(path.join(this.location, ...file.parts));
    return naming(
      stream,
      this.location,
      name,
      checked(this.location, name, { size: file.entry.size }),
    );
  }

  async close(): Promise<void> {}
}
