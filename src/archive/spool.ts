/**
 * The tracks an import parsed in its first pass, kept on disk for its second: each activity
 * file is read and parsed once. The first pass (which must read every file before anything is
 * written, so that a refusal writes nothing) puts each track here; the details pass takes them
 * back one at a time, so no more than one track and one chunk of rows are held in memory.
 *
 * - Where: a private folder made with fs.mkdtemp under the system's temp folder (or `parent`),
 *   removed by close(), which the import calls in a finally: a refusal or an error leaves
 *   nothing behind.
 * - Form: one file per activity, v8.serialize of the track with its samples as columns of typed
 *   arrays (NaN for a missing value; a column with no value at all is left out). A column is
 *   Float32 when every value survives the round trip exactly (heart rate, cadence, power, whole
 *   metres), else Float64: what comes back equals what was put, bit for bit. A one-hour 1 Hz
 *   track takes about 150 to 250 kB.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { ArchiveError } from '../errors.js';
import type { ActivityTrack, TrackLap, TrackSample } from './files.js';

const ROOM =
  'Make room in the temp folder (or point TMPDIR at a folder with room: about 250 kB per hour of 1 Hz samples while the import runs), then run again.';

/** The sample fields kept as columns (every TrackSample field but `t`, which is never null). */
const COLUMNS = [
  'lat',
  'lng',
  'altitude',
  'distance',
  'speed',
  'heartrate',
  'cadence',
  'watts',
  'grade',
] as const satisfies readonly (keyof TrackSample)[];
type Column = (typeof COLUMNS)[number];

/** A track as spooled. */
interface Spooled {
  format: ActivityTrack['format'];
  fitOffsetS: number | null;
  firstPoint: [number, number] | null;
  laps: TrackLap[];
  t: Float64Array;
  columns: Partial<Record<Column, Float32Array | Float64Array>>;
}

/** A sample column as the smallest typed array that gives every value back exactly. */
function column(samples: readonly TrackSample[], key: Column): Float32Array | Float64Array | null {
  let any = false;
  let fits32 = true;
  for (const s of samples) {
    const v = s[key];
    if (v === null) continue;
    any = true;
    if (fits32 && Math.fround(v) !== v) fits32 = false;
  }
  if (!any) return null;
  const out = fits32 ? new Float32Array(samples.length) : new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]![key] ?? NaN;
  return out;
}

/** A track in its spooled form. */
export function encodeTrack(track: ActivityTrack): Buffer {
  const { samples } = track;
  const t = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) t[i] = samples[i]!.t;
  const columns: Spooled['columns'] = {};
  for (const key of COLUMNS) {
    const c = column(samples, key);
    if (c) columns[key] = c;
  }
  const spooled: Spooled = {
    format: track.format,
    fitOffsetS: track.fitOffsetS,
    firstPoint: track.firstPoint,
    laps: track.laps,
    t,
    columns,
  };
  return v8.serialize(spooled);
}

/** The track encodeTrack was given. */
export function decodeTrack(bytes: Buffer): ActivityTrack {
  const s = v8.deserialize(bytes) as Spooled;
  const value = (c: Float32Array | Float64Array | undefined, i: number): number | null => {
    if (!c) return null;
    const v = c[i]!;
    return Number.isNaN(v) ? null : v;
  };
  const { columns: c } = s;
  const samples: TrackSample[] = new Array<TrackSample>(s.t.length);
  for (let i = 0; i < s.t.length; i++) {
    samples[i] = {
      t: s.t[i]!,
      lat: value(c.lat, i),
      lng: value(c.lng, i),
      altitude: value(c.altitude, i),
      distance: value(c.distance, i),
      speed: value(c.speed, i),
      heartrate: value(c.heartrate, i),
      cadence: value(c.cadence, i),
      watts: value(c.watts, i),
      grade: value(c.grade, i),
    };
  }
  return {
    format: s.format,
    samples,
    laps: s.laps,
    fitOffsetS: s.fitOffsetS,
    firstPoint: s.firstPoint,
  };
}

/** Parsed tracks by activity id, in a private temp folder until close(). */
export class TrackSpool {
  private readonly held = new Set<number>();

  private constructor(readonly dir: string) {}

  /** A new, empty spool in a folder of its own under `parent` (default: the system's temp folder). */
  static async open(parent: string = os.tmpdir()): Promise<TrackSpool> {
    return new TrackSpool(await fs.mkdtemp(path.join(parent, 'strava-lakehouse-import-')));
  }

  private file(id: number): string {
    return path.join(this.dir, `${id}.v8`);
  }

  /** Keeps an activity's track (an ArchiveError naming the folder when it cannot). */
  async put(id: number, track: ActivityTrack): Promise<void> {
    try {
      await fs.writeFile(this.file(id), encodeTrack(track));
    } catch (err) {
      throw new ArchiveError(
        `${this.dir}: cannot keep the parsed file of activity ${id} there: ${(err as Error).message.replace(/\.$/, '')}.`,
        ROOM,
        { cause: err },
      );
    }
    this.held.add(id);
  }

  /** Whether the spool holds a track for `id`. */
  has(id: number): boolean {
    return this.held.has(id);
  }

  /** An activity's track, which leaves the spool (each is read once). */
  async take(id: number): Promise<ActivityTrack> {
    const file = this.file(id);
    let bytes: Buffer;
    try {
      if (!this.held.has(id)) throw new Error('it was never put there');
      bytes = await fs.readFile(file);
    } catch (err) {
      throw new ArchiveError(
        `${this.dir}: the parsed file of activity ${id} is gone: ${(err as Error).message.replace(/\.$/, '')}.`,
        'Keep other programs off the temp folder while an import runs, then run again.',
        { cause: err },
      );
    }
    const track = decodeTrack(bytes);
    this.held.delete(id);
    await fs.rm(file, { force: true });
    return track;
  }

  /** Removes the folder and everything in it. */
  async close(): Promise<void> {
    this.held.clear();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
