/**
 * Test archives: Strava account exports built from StravaActivity records (the recorded athlete)
 * in the real activities.csv header layouts of src/archive/layouts.ts (each layout's provenance
 * is there), written as a zip (archiver, ZIP64 on request) or as an unpacked folder.
 *
 * Cells are written as the real exports write them (see the rows quoted with each layout's
 * source): UTC dates as `Oct 7, 2020, 2:43:11 PM` (`24 Dec 2020, 08:13:59` for the en-GB
 * layout), the first block in display units (km with 2 decimals, whole seconds, true/false), the
 * second block in SI units as 32-bit floats (`18962.80078125`, `5601.0`).
 */
import { stringify } from 'csv-stringify/sync';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { ImportConfig } from '../../src/archive/import.js';
import { LAYOUTS, type Layout } from '../../src/archive/layouts.js';
import type { StravaActivity } from '../../src/strava/schema.js';
import { recordedActivities } from '../../src/simulator/index.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** A UTC instant as the export writes it in the layout's locale. */
export function exportDate(iso: string, layout: Layout): string {
  const d = new Date(iso);
  const [y, mo, day, h, mi, s] = [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  if (layout.id === '2020-en-GB')
    return `${day} ${MONTHS[mo]} ${y}, ${two(h)}:${two(mi)}:${two(s)}`;
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${MONTHS[mo]} ${day}, ${y}, ${h12}:${two(mi)}:${two(s)} ${h < 12 ? 'AM' : 'PM'}`;
}

/** `WeightTraining` -> `Weight Training`: how the export shows a sport type. */
export const displayType = (sportType: string) => sportType.replace(/([a-z])([A-Z])/g, '$1 $2');

/** A number as the export's SI block writes it: a 32-bit float, with `.0` when whole. */
export function f32(v: unknown): string {
  if (typeof v !== 'number') return '';
  const x = Math.fround(v);
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** The activity file name an export gives a non-manual activity. */
export const activityFile = (a: StravaActivity) => (a.manual ? '' : `activities/${a.id}.gpx`);

/** Archive-only extras for a test activity: a private note and a gear name, by id. */
export function extrasOf(a: StravaActivity): { note: string; gear: string; description: string } {
  return {
    note: a.id % 3 === 0 ? `note for ${a.id}, with "quotes"` : '',
    gear: typeof a.gear_id === 'string' ? `Shoe ${a.gear_id}` : '',
    description: a.id % 5 === 0 ? 'line one\nline two' : '',
  };
}

/**
 * One activities.csv row in `layout` for an API record; without `withFiles`, no activity names
 * a file (a CSV-only export, where every activity reads as manual).
 */
export function csvRow(
  a: StravaActivity,
  layout: Layout,
  withFiles = true,
  fileOf: (a: StravaActivity) => string = activityFile,
): string[] {
  const extras = extrasOf(a);
  const firstOf = new Map<string, string>();
  const lastOf = new Map<string, string>();
  const first = (name: string, v: string) => firstOf.set(name, v);
  const last = (name: string, v: string) => lastOf.set(name, v);
  const num = (v: unknown) => (typeof v === 'number' ? String(v) : '');
  first('Activity ID', String(a.id));
  first('Activity Date', exportDate(a.start_date, layout));
  first('Activity Name', a.name);
  first('Activity Type', displayType(a.sport_type));
  first('Activity Description', extras.description);
  first('Elapsed Time', String(a.elapsed_time));
  first('Distance', (a.distance / 1000).toFixed(2));
  first('Max Heart Rate', num(a.max_heartrate));
  first('Relative Effort', num(a.suffer_score));
  first('Commute', a.commute ? 'true' : 'false');
  first('Activity Private Note', extras.note);
  first('Activity Gear', extras.gear);
  first('Filename', withFiles ? fileOf(a) : '');
  last('Elapsed Time', f32(a.elapsed_time));
  first('Moving Time', f32(a.moving_time));
  last('Distance', f32(a.distance));
  first('Max Speed', f32(a.max_speed));
  first('Average Speed', f32(a.average_speed));
  first('Elevation Gain', f32(a.total_elevation_gain));
  first('Elevation Low', f32(a.elev_low));
  first('Elevation High', f32(a.elev_high));
  first('Average Cadence', f32(a.average_cadence));
  last('Max Heart Rate', f32(a.max_heartrate));
  first('Average Heart Rate', f32(a.average_heartrate));
  first('Max Watts', f32(a.max_watts));
  first('Average Watts', f32(a.average_watts));
  first('Average Temperature', f32(a.average_temp));
  last('Relative Effort', f32(a.suffer_score));
  first('Weighted Average Power', f32(a.weighted_average_watts));
  last('Commute', a.commute ? '1.0' : '0.0');
  last('Flagged', a.flagged ? '1.0' : '0.0');
  const cols = layout.columns;
  return cols.map((name, i) => {
    const isLast = cols.lastIndexOf(name) === i && cols.indexOf(name) !== i;
    return (isLast ? lastOf.get(name) : (firstOf.get(name) ?? lastOf.get(name))) ?? '';
  });
}

/** activities.csv text in a layout (by id): header, then one row per activity. */
export function activitiesCsv(
  activities: readonly StravaActivity[],
  layoutId = '2025',
  withFiles = true,
  fileOf: (a: StravaActivity) => string = activityFile,
): string {
  const layout = LAYOUTS.find((l) => l.id === layoutId)!;
  return stringify([
    [...layout.columns],
    ...activities.map((a) => csvRow(a, layout, withFiles, fileOf)),
  ]);
}

/** A GPX file with a track of no points: it gives no streams and no position. */
export const gpxOf = (a: StravaActivity) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test"><trk><name>${a.id}</name></trk></gpx>\n`;

export interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** Stored without compression (default: deflated). */
  store?: boolean;
}

interface Archiver {
  on(event: 'error', fn: (err: Error) => void): void;
  once(event: 'entry', fn: () => void): void;
  pipe(out: NodeJS.WritableStream): void;
  append(data: Buffer | string, opts: { name: string; store?: boolean }): void;
  finalize(): Promise<void>;
}

// archiver (a dependency of @actions/artifact) is loaded through require, as in
// test/unit/runs/archive.ts: the installed @types/archiver describe another major version.
const archiver = createRequire(import.meta.url)('archiver') as {
  create(format: 'zip', opts: { zlib?: { level: number }; forceZip64?: boolean }): Archiver;
};

/** Writes a zip (ZIP64 records when `zip64`). */
export async function writeZip(file: string, entries: ZipEntry[], zip64 = false): Promise<void> {
  const out = fs.createWriteStream(file);
  const zip = archiver.create('zip', { forceZip64: zip64, zlib: { level: 6 } });
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    zip.on('error', reject);
    out.on('error', reject);
  });
  zip.pipe(out);
  for (const e of entries) zip.append(e.data, { name: e.name, store: e.store ?? false });
  await zip.finalize();
  await done;
}

/**
 * Writes a zip of entries made one at a time: each is made only once the one before it is in
 * the zip, so an export of gigabytes is never held in memory (the bench's 10k-activity export).
 */
export async function writeZipLazily(file: string, entries: Iterable<ZipEntry>): Promise<void> {
  const out = fs.createWriteStream(file);
  const zip = archiver.create('zip', { forceZip64: true, zlib: { level: 6 } });
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    zip.on('error', reject);
    out.on('error', reject);
  });
  zip.pipe(out);
  for (const e of entries) {
    const added = new Promise<void>((resolve) => zip.once('entry', resolve));
    zip.append(e.data, { name: e.name, store: e.store ?? false });
    await added;
  }
  await zip.finalize();
  await done;
}

/**
 * The entries of an export of `activities`: activities.csv and a file per non-manual activity,
 * or (`csvOnly`) activities.csv alone, naming no file.
 */
export function exportEntries(
  activities: readonly StravaActivity[],
  opts: { layout?: string; csvOnly?: boolean } = {},
): ZipEntry[] {
  const withFiles = !opts.csvOnly;
  const files = withFiles
    ? activities.filter((a) => !a.manual).map((a) => ({ name: activityFile(a), data: gpxOf(a) }))
    : [];
  return [
    { name: 'activities.csv', data: activitiesCsv(activities, opts.layout, withFiles) },
    ...files,
  ];
}

/** Writes the entries as an unpacked folder. */
export async function writeFolder(dir: string, entries: ZipEntry[]): Promise<void> {
  for (const e of entries) {
    const file = path.join(dir, ...e.name.split('/'));
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, e.data);
  }
}

/** The recorded athlete's activities in `zone` whose local month is one of `months`, by id. */
export function recordedIn(zone: string, months: readonly string[]): StravaActivity[] {
  return recordedActivities()
    .filter((a) => a.timezone.endsWith(zone) && months.includes(a.start_date_local.slice(0, 7)))
    .sort((a, b) => a.id - b.id);
}

/**
 * A test file's scratch folder for imports, made before its tests and removed after them:
 * `dir()` the folder, `fresh(name)` a new path in it, `zipOf(entries)` an export zip written
 * there, `config(archive, warehouse)` an import of it with `zone` as --timezone.
 */
export function importScratch(prefix: string, zone: string) {
  let tmp = '';
  let n = 0;
  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  });
  const fresh = (name: string) => path.join(tmp, `${name}-${++n}`);
  return {
    dir: () => tmp,
    fresh,
    async zipOf(entries: ZipEntry[], zip64 = false): Promise<string> {
      const file = `${fresh('export')}.zip`;
      await writeZip(file, entries, zip64);
      return file;
    },
    config: (archive: string, warehouse: string, extra: Partial<ImportConfig> = {}) => ({
      archive,
      warehouse,
      timezone: zone,
      skipBadFiles: false,
      ...extra,
    }),
  };
}

/** The refusal `p` ends in, as the CLI prints it: one line (an AppError's `line`). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const line = (err as AppError).line;
  expect(line).not.toContain('\n');
  return line;
}
