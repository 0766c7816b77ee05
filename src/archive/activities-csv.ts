/**
 * activities.csv -> the same StravaActivity records the API client produces, validated by the
 * one schema. Each row is read through its layout (layouts.ts) by name and occurrence, never by
 * a guessed position. Dates are UTC (`Jul 1, 2025, 6:30:00 AM`, or `24 Dec 2020, 08:13:59` in
 * an English (UK) export); the local time comes from the time zone rule (timezone.ts).
 *
 * What the archive fills (ARCHIVE_FIELDS), from the SI block of the header: distance (metres),
 * moving and elapsed time (seconds), speeds (m/s), elevation, cadence, temperature, heart rate,
 * watts, Relative Effort (suffer_score), commute, flagged; manual is "no activity file". The
 * API's other summary fields (athlete, kudos, gear id, map, privacy, ...) are not in the file
 * and stay null. Fields only the archive has travel in the record's `archive` object (landed
 * in the raw JSON, so bronze keeps them) and fill silver/archive_activities.
 */
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { AppError, ArchiveError } from '../errors.js';
import type { Month } from '../strava/months.js';
import { isIsoInstant, validateActivity, type StravaActivity } from '../strava/schema.js';
import { columnIndex, matchLayout, type Layout, type Occurrence } from './layouts.js';
import { applyRule, localIso, type TimeRule, type TimezoneSource } from './timezone.js';

/**
 * An activity's time zone: one IANA zone for every row (the `flag` rule), or a function giving
 * each row's rule from its id, file name and UTC start (epoch ms).
 */
export type ZoneOf = string | ((id: number, filename: string | null, startMs: number) => TimeRule);

/** The silver columns an archive row fills (the rest are null): see the module comment. */
export const ARCHIVE_FIELDS = [
  'id',
  'name',
  'sport_type',
  'type',
  'start_date',
  'start_date_local',
  'timezone',
  'utc_offset',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'elev_high',
  'elev_low',
  'average_speed',
  'max_speed',
  'average_cadence',
  'average_temp',
  'has_heartrate',
  'average_heartrate',
  'max_heartrate',
  'average_watts',
  'max_watts',
  'weighted_average_watts',
  'suffer_score',
  'commute',
  'manual',
  'flagged',
] as const;

/** What only the archive knows about an activity: the `archive` object of its record. */
export interface ArchiveFacts {
  layout: string;
  /** The activity file's name in the archive (`activities/123.fit.gz`), or null (manual). */
  filename: string | null;
  description: string | null;
  private_note: string | null;
  /** The gear's name as the athlete sees it (the API gives an id instead). */
  gear_name: string | null;
  calories: number | null;
  timezone_source: TimezoneSource;
  /** The IANA zone the rule chose; for `fit_offset`, the offset as `UTC+02:00`. */
  timezone_name: string;
}

/** One row of activities.csv as a record, and its local month. */
export interface ArchivedActivity {
  activity: StravaActivity & { archive: ArchiveFacts };
  month: Month;
}

/**
 * What an import keeps of an activity from its first pass over activities.csv, for the checks
 * of the activity files: an ArchivedActivity cut down to its id and file name.
 */
export interface ListedActivity {
  activity: { id: number; archive: Pick<ArchiveFacts, 'filename'> };
}

/**
 * What an import keeps of an activity after placing it in its local month, for the streams and
 * laps of its file: an ArchivedActivity cut down to what import-details.ts reads.
 */
export interface PlacedActivity extends ListedActivity {
  activity: {
    id: number;
    utc_offset: unknown;
    archive: Pick<ArchiveFacts, 'filename' | 'description' | 'calories'>;
  };
  month: Month;
  /** archiveSummarySha256 of the whole record (src/details/summary-hash.ts), taken while it was read. */
  archiveSha256: string;
}

/** Sport types whose legacy `type` differs (Strava API v3 reference: ActivityType vs SportType). */
const LEGACY_TYPE: Readonly<Record<string, string>> = {
  TrailRun: 'Run',
  MountainBikeRide: 'Ride',
  GravelRide: 'Ride',
  EMountainBikeRide: 'EBikeRide',
  VirtualRow: 'Rowing',
};

/** `Weight Training` -> `WeightTraining`, `E-Bike Ride` -> `EBikeRide`: the API's sport_type. */
export function sportTypeOf(displayed: string): string {
  return displayed.replace(/[\s-]+/g, '');
}

/** The legacy `type` of a sport type. */
export function legacyType(sportType: string): string {
  return LEGACY_TYPE[sportType] ?? sportType;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const US_DATE =
  /^([A-Za-z]{3,4})\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s?([AaPp][Mm])$/;
const GB_DATE = /^(\d{1,2}) ([A-Za-z]{3,4})\.? (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})$/;

/** An export date (UTC) as epoch ms, or undefined if it is not one of the two forms. */
export function parseExportDate(text: string): number | undefined {
  const s = text.trim().replace(/[\u00a0\u202f]/g, ' ');
  let year: number, month: number, day: number, hour: number, minute: number, second: number;
  const us = US_DATE.exec(s);
  const gb = us ? null : GB_DATE.exec(s);
  if (us) {
    month = MONTHS.indexOf(us[1]!.slice(0, 3).toLowerCase());
    day = Number(us[2]);
    year = Number(us[3]);
    hour = Number(us[4]);
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (us[7]!.toUpperCase() === 'PM' ? 12 : 0);
    minute = Number(us[5]);
    second = Number(us[6]);
  } else if (gb) {
    day = Number(gb[1]);
    month = MONTHS.indexOf(gb[2]!.slice(0, 3).toLowerCase());
    year = Number(gb[3]);
    hour = Number(gb[4]);
    minute = Number(gb[5]);
    second = Number(gb[6]);
  } else return undefined;
  if (month < 0) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return isIsoInstant(iso) && new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** Each layout's column positions by `first:name` / `last:name`, shared by all its rows. */
const indexes = new WeakMap<Layout, Map<string, number | undefined>>();

/** Reads a layout's cells by column name (first or last occurrence). */
class RowReader {
  private readonly index: Map<string, number | undefined>;
  constructor(
    private readonly layout: Layout,
    private readonly file: string,
  ) {
    let index = indexes.get(layout);
    if (!index) {
      index = new Map();
      indexes.set(layout, index);
    }
    this.index = index;
  }

  private at(name: string, which: Occurrence): number | undefined {
    const key = `${which}:${name}`;
    if (!this.index.has(key)) this.index.set(key, columnIndex(this.layout, name, which));
    return this.index.get(key);
  }

  /** The cell's text as written (names keep their spaces), '' when the layout has no such column. */
  text(cells: readonly string[], name: string, which: Occurrence = 'first'): string {
    const i = this.at(name, which);
    return i === undefined ? '' : (cells[i] ?? '');
  }

  /** The cell as a number, null when empty; an ArchiveError when it is not a number. */
  number(
    cells: readonly string[],
    line: number,
    name: string,
    which: Occurrence = 'last',
  ): number | null {
    const t = this.text(cells, name, which).trim();
    if (t === '') return null;
    const n = Number(t);
    if (!Number.isFinite(n)) throw this.bad(line, cells, name, t, 'a number');
    return n;
  }

  /** true/false, 1/0 or 1.0/0.0; null when empty. */
  bool(cells: readonly string[], line: number, name: string, which: Occurrence): boolean | null {
    const t = this.text(cells, name, which).trim().toLowerCase();
    if (t === '') return null;
    if (t === 'true' || t === '1' || t === '1.0') return true;
    if (t === 'false' || t === '0' || t === '0.0') return false;
    throw this.bad(line, cells, name, t, 'true or false');
  }

  bad(
    line: number,
    cells: readonly string[],
    name: string,
    value: string,
    want: string,
  ): ArchiveError {
    return new ArchiveError(
      `${this.file} row ${line} (activity ${cells[0] || '?'}): column "${name}" is ${JSON.stringify(value.slice(0, 60))}, not ${want}.`,
      'The file is not as Strava writes it; download the export again.',
    );
  }
}

const round = (n: number | null) => (n === null ? null : Math.round(n));

/**
 * One row (`line`: its 1-based row number, the header being row 1) -> a validated record; an
 * ArchiveError naming the row and the column otherwise.
 */
export function rowToActivity(
  cells: readonly string[],
  line: number,
  layout: Layout,
  file: string,
  zone: ZoneOf,
): ArchivedActivity {
  const r = new RowReader(layout, file);
  const idText = r.text(cells, 'Activity ID').trim();
  if (!/^\d{1,16}$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
    throw r.bad(line, cells, 'Activity ID', idText, 'an activity id');
  }
  const dateText = r.text(cells, 'Activity Date').trim();
  const start = parseExportDate(dateText);
  if (start === undefined) {
    throw r.bad(line, cells, 'Activity Date', dateText, 'a date like "Jul 1, 2025, 6:30:00 AM"');
  }
  const displayed = r.text(cells, 'Activity Type').trim();
  if (!displayed) throw r.bad(line, cells, 'Activity Type', displayed, 'an activity type');
  const sportType = sportTypeOf(displayed);
  const filename = r.text(cells, 'Filename').trim();
  const rule: TimeRule =
    typeof zone === 'string'
      ? { source: 'flag', zone }
      : zone(Number(idText), filename === '' ? null : filename, start);
  const { offset, timezone, name: zoneName } = applyRule(rule, start);
  const elapsed = round(r.number(cells, line, 'Elapsed Time', 'last'));
  if (elapsed === null) throw r.bad(line, cells, 'Elapsed Time', '', 'a number of seconds');
  const averageHr = r.number(cells, line, 'Average Heart Rate');
  const nonEmpty = (t: string) => (t === '' ? null : t);
  const fields: Record<string, unknown> = {
    id: Number(idText),
    name: r.text(cells, 'Activity Name'),
    sport_type: sportType,
    type: legacyType(sportType),
    start_date: localIso(start, 0),
    start_date_local: localIso(start, offset),
    timezone,
    utc_offset: offset,
    distance: r.number(cells, line, 'Distance', 'last') ?? 0,
    moving_time: round(r.number(cells, line, 'Moving Time')) ?? elapsed,
    elapsed_time: elapsed,
    total_elevation_gain: r.number(cells, line, 'Elevation Gain'),
    elev_high: r.number(cells, line, 'Elevation High'),
    elev_low: r.number(cells, line, 'Elevation Low'),
    average_speed: r.number(cells, line, 'Average Speed'),
    max_speed: r.number(cells, line, 'Max Speed'),
    average_cadence: r.number(cells, line, 'Average Cadence'),
    average_temp: r.number(cells, line, 'Average Temperature'),
    has_heartrate: averageHr !== null,
    average_heartrate: averageHr,
    max_heartrate: r.number(cells, line, 'Max Heart Rate', 'last'),
    average_watts: r.number(cells, line, 'Average Watts'),
    max_watts: r.number(cells, line, 'Max Watts'),
    weighted_average_watts: r.number(cells, line, 'Weighted Average Power'),
    suffer_score: r.number(cells, line, 'Relative Effort', 'last'),
    commute: r.bool(cells, line, 'Commute', 'first'),
    manual: filename === '',
    flagged: r.bool(cells, line, 'Flagged', 'last'),
  };
  const archive: ArchiveFacts = {
    layout: layout.id,
    filename: nonEmpty(filename),
    description: nonEmpty(r.text(cells, 'Activity Description')),
    private_note: nonEmpty(r.text(cells, 'Activity Private Note')),
    gear_name: nonEmpty(r.text(cells, 'Activity Gear').trim()),
    calories: r.number(cells, line, 'Calories'),
    timezone_source: rule.source,
    timezone_name: zoneName,
  };
  const record = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
  let activity: StravaActivity;
  try {
    activity = validateActivity({ ...record, archive });
  } catch (err) {
    if (err instanceof AppError) {
      throw new ArchiveError(`${file} row ${line}: ${err.message}`, err.hint, { cause: err });
    }
    throw err;
  }
  return {
    activity: activity as StravaActivity & { archive: ArchiveFacts },
    month: activity.start_date_local.slice(0, 7) as Month,
  };
}

/**
 * Streams activities.csv as records, one row at a time; returns the header's layout. The header
 * must be a known layout; every row must have its columns; any row that cannot be read stops
 * the import (the file is the archive's index: nothing is imported from a file read in part).
 * Errors thrown by the consumer between rows pass through as they are; the stream is released
 * when the consumer stops early.
 */
export async function* activitiesCsvRows(
  stream: Readable,
  file: string,
  zone: ZoneOf,
): AsyncGenerator<ArchivedActivity, Layout, undefined> {
  const parser = stream.pipe(parse({ bom: true, relax_column_count: false }));
  stream.on('error', (err) => parser.destroy(err));
  let layout: Layout | undefined;
  const rows = new Map<number, number>();
  let line = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (!layout) {
        layout = matchLayout(cells, file);
        continue;
      }
      const read = rowToActivity(cells, line, layout, file, zone);
      // One activity, one row: a repeated id (even in another month) is refused here.
      const seen = rows.get(read.activity.id);
      if (seen !== undefined) {
        throw new ArchiveError(
          `${file} rows ${seen} and ${line} both hold activity ${read.activity.id}.`,
          'The file is not as Strava writes it; download the export again.',
        );
      }
      rows.set(read.activity.id, line);
      // A consumer's error arrives here as a return, not a throw: the catch below never sees it.
      yield read;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new ArchiveError(
      `${file} is not a readable CSV: ${(err as Error).message.replace(/\.$/, '')}.`,
      'The file is not as Strava writes it; download the export again.',
      { cause: err },
    );
  } finally {
    stream.destroy();
  }
  if (!layout) {
    throw new ArchiveError(`${file} is empty.`, 'Download the export again from Strava.');
  }
  return layout;
}

/** Reads activitiesCsvRows to the end, keeping `keep` of each record; and the layout. */
export async function collectActivities<T>(
  rows: AsyncGenerator<ArchivedActivity, Layout, undefined>,
  keep: (a: ArchivedActivity) => T,
): Promise<{ layout: Layout; activities: T[] }> {
  const activities: T[] = [];
  for (;;) {
    const next = await rows.next();
    if (next.done) return { layout: next.value, activities };
    activities.push(keep(next.value));
  }
}

/** Every row of activities.csv as a record (activitiesCsvRows, collected). */
export async function readActivitiesCsv(
  stream: Readable,
  file: string,
  zone: ZoneOf,
): Promise<{ layout: Layout; activities: ArchivedActivity[] }> {
  return collectActivities(activitiesCsvRows(stream, file, zone), (a) => a);
}

/**
 * The ARCHIVE_FIELDS on which two silver rows of one activity differ. This is how "the same"
 * is judged between an archive row and an API row: the export's SI block holds 32-bit floats
 * (`18962.80078125` for the API's 18962.8), so doubles are equal when their 32-bit values are;
 * every other value (longs, timestamps as epoch micros, text, booleans) must be identical.
 */
export function archiveFieldsDiffer(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const same = (x: unknown, y: unknown) =>
    typeof x === 'number' && typeof y === 'number' ? Math.fround(x) === Math.fround(y) : x === y;
  return ARCHIVE_FIELDS.filter((f) => !same(a[f] ?? null, b[f] ?? null));
}
