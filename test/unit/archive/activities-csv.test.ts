/**
 * activities.csv -> StravaActivity records: every known header layout (src/archive/layouts.ts,
 * with the public repository each was found in) read by name and position, real export cells,
 * and the refusals that name the column or the row.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_FIELDS,
  archiveFieldsDiffer,
  parseExportDate,
  readActivitiesCsv,
} from '../../../src/archive/activities-csv.js';
import { LAYOUTS, matchLayout } from '../../../src/archive/layouts.js';
import { archiveSummarySha256 } from '../../../src/details/summary-hash.js';
import { checkTimezone, offsetSeconds, stravaTimezone } from '../../../src/archive/timezone.js';
import { ArchiveError, ConfigError } from '../../../src/errors.js';
import { toSilverRow } from '../../../src/lakehouse/embedded.js';
import { cellsToRecord, landingCells } from '../../../src/landing/csv.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { activitiesCsv, extrasOf } from '../../support/archive.js';

const NY = 'America/New_York';

/** Recorded activities whose API time zone is New York (the --timezone these tests give). */
function newYorkActivities(): StravaActivity[] {
  return recordedActivities().filter((a) => a.timezone.endsWith(NY));
}

const silverOf = (a: StravaActivity) =>
  toSilverRow(cellsToRecord(landingCells([a])[0]!), a.start_date_local.slice(0, 7));

const read = (text: string, zone = NY) =>
  readActivitiesCsv(Readable.from([Buffer.from(text)]), 'export.zip: activities.csv', zone);

describe('activities.csv layouts', () => {
  it('holds three real layouts whose repeated names are the display block and the SI block', () => {
    expect(LAYOUTS.map((l) => [l.id, l.columns.length])).toEqual([
      ['2020-en-GB', 78],
      ['2023', 94],
      ['2025', 99],
    ]);
    for (const l of LAYOUTS) {
      expect(l.source).toMatch(/github|repository/);
      for (const name of ['Elapsed Time', 'Distance', 'Relative Effort', 'Commute']) {
        expect(l.columns.filter((c) => c === name)).toHaveLength(2);
      }
    }
  });

  for (const layout of LAYOUTS) {
    it(`reads the recorded athlete written in layout ${layout.id} back to the API's values`, async () => {
      const api = newYorkActivities();
      const { layout: found, activities } = await read(activitiesCsv(api, layout.id));
      expect(found.id).toBe(layout.id);
      expect(activities).toHaveLength(api.length);
      for (const [i, a] of api.entries()) {
        const got = activities[i]!;
        expect(got.month).toBe(a.start_date_local.slice(0, 7));
        const differ = archiveFieldsDiffer(silverOf(a), silverOf(got.activity));
        // The 2020 layout's Flagged column has an untranslated name: not read, so null.
        const unread =
          layout.id === '2020-en-GB' && typeof a.flagged === 'boolean' ? ['flagged'] : [];
        expect([a.id, differ]).toEqual([a.id, unread]);
        // The archive hash the import stores (of the record) is the one of the API's silver row.
        const api = archiveSummarySha256(silverOf(a));
        expect([a.id, archiveSummarySha256(got.activity)]).toEqual([a.id, api]);
        expect(archiveSummarySha256(silverOf(got.activity))).toBe(api);
        const extras = extrasOf(a);
        expect(got.activity.archive).toEqual({
          layout: layout.id,
          filename: a.manual ? null : `activities/${a.id}.gpx`,
          description: extras.description || null,
          // The 2020 layout has no private note column.
          private_note: layout.id === '2020-en-GB' ? null : extras.note || null,
          gear_name: extras.gear || null,
          calories: null,
          timezone_source: 'flag',
          timezone_name: NY,
        });
      }
    });
  }

  it('fills only the archive fields, the rest of the summary staying null', async () => {
    const api = newYorkActivities().slice(0, 5);
    const { activities } = await read(activitiesCsv(api));
    const row = silverOf(activities[0]!.activity);
    for (const [k, v] of Object.entries(row)) {
      if (k === 'month') continue;
      if (!(ARCHIVE_FIELDS as readonly string[]).includes(k)) expect([k, v]).toEqual([k, null]);
    }
    // A real export writes 32-bit floats: judged equal to the API's double, stored as read.
    expect(row.distance).toBe(Math.fround(api[0]!.distance));
  });

  it('refuses an unknown header naming the first column that differs', () => {
    const columns = [...LAYOUTS[2]!.columns];
    columns[46] = 'Weighted Average Watts';
    expect(() => matchLayout(columns, 'x.zip: activities.csv')).toThrow(
      'x.zip: activities.csv has an unknown header layout: column 47 is "Weighted Average Watts" where layout 2025 has "Weighted Average Power" there.',
    );
    expect(() => matchLayout(LAYOUTS[2]!.columns.slice(0, 60), 'a.csv')).toThrow(
      /a.csv has an unknown header layout: it ends after column 60, where layout 2025 goes on with "Weather Pressure"/,
    );
    expect(() => matchLayout([...LAYOUTS[2]!.columns, 'Extra'], 'a.csv')).toThrow(
      /column 100 is "Extra" where layout 2025 ends before it/,
    );
    // A byte-order mark before the first name is not a difference.
    expect(matchLayout(['\uFEFFActivity ID', ...LAYOUTS[1]!.columns.slice(1)], 'a.csv').id).toBe(
      '2023',
    );
  });

  it('refuses a row it cannot read, naming the row and the column', async () => {
    const api = newYorkActivities().slice(0, 3);
    const text = activitiesCsv(api).replace(/"[A-Z][a-z]{2} \d{1,2}, \d{4}, [^"]+"/, '"yesterday"');
    await expect(read(text)).rejects.toThrow(
      new ArchiveError(
        `export.zip: activities.csv row 2 (activity ${api[0]!.id}): column "Activity Date" is "yesterday", not a date like "Jul 1, 2025, 6:30:00 AM".`,
      ).message,
    );
    const short = activitiesCsv(api).replace(/\n$/, ',extra\n');
    await expect(read(short)).rejects.toThrow(
      /activities.csv is not a readable CSV: Invalid Record Length: expect 99, got 100 on line 4\./,
    );
    await expect(read('')).rejects.toThrow('export.zip: activities.csv is empty.');
  });

  it('reads the export date forms as UTC', () => {
    expect(parseExportDate('Jul 1, 2025, 6:30:00 AM')).toBe(Date.UTC(2025, 6, 1, 6, 30));
    expect(parseExportDate('Oct 7, 2020, 2:43:11 PM')).toBe(Date.UTC(2020, 9, 7, 14, 43, 11));
    expect(parseExportDate('Jan 1, 2024, 12:05:00 AM')).toBe(Date.UTC(2024, 0, 1, 0, 5));
    expect(parseExportDate('Jan 1, 2024, 12:05:00 PM')).toBe(Date.UTC(2024, 0, 1, 12, 5));
    expect(parseExportDate('24 Dec 2020, 08:13:59')).toBe(Date.UTC(2020, 11, 24, 8, 13, 59));
    expect(parseExportDate('Feb 30, 2024, 1:00:00 AM')).toBeUndefined();
    expect(parseExportDate('Jul 1, 2025, 13:30:00 PM')).toBeUndefined();
    expect(parseExportDate('2025-07-01 06:30:00')).toBeUndefined();
  });
});

describe('the time zone rule', () => {
  it('takes an IANA name and refuses anything else, naming the flag', () => {
    expect(checkTimezone('europe/paris')).toBe('Europe/Paris');
    expect(() => checkTimezone(undefined)).toThrow(ConfigError);
    expect(() => checkTimezone(undefined)).toThrow(/--timezone is required/);
    expect(() => checkTimezone('+02:00')).toThrow(
      '--timezone "+02:00" is not an IANA time zone name.',
    );
    expect(() => checkTimezone('Mars/Olympus')).toThrow(
      '--timezone "Mars/Olympus" is not a time zone this system knows.',
    );
  });

  it("writes Strava's timezone text with the standard offset, and the offset of the instant", () => {
    const july = Date.UTC(2024, 6, 1, 12);
    expect(offsetSeconds(NY, july)).toBe(-4 * 3600);
    expect(stravaTimezone(NY, july)).toBe('(GMT-05:00) America/New_York');
    expect(stravaTimezone('Asia/Kolkata', july)).toBe('(GMT+05:30) Asia/Kolkata');
    expect(stravaTimezone('UTC', july)).toBe('(GMT+00:00) UTC');
  });

  it('decides the local month: 02:30 UTC on 1 July is June in New York and July in Paris', async () => {
    const [a] = newYorkActivities();
    const moved = {
      ...a!,
      start_date: '2024-07-01T02:30:00Z',
      start_date_local: '2024-06-30T22:30:00Z',
    };
    const ny = await read(activitiesCsv([moved]), NY);
    const paris = await read(activitiesCsv([moved]), 'Europe/Paris');
    expect(ny.activities[0]!.month).toBe('2024-06');
    expect(ny.activities[0]!.activity.start_date_local).toBe('2024-06-30T22:30:00Z');
    expect(paris.activities[0]!.month).toBe('2024-07');
    expect(paris.activities[0]!.activity.start_date_local).toBe('2024-07-01T04:30:00Z');
    expect(paris.activities[0]!.activity.utc_offset).toBe(7200);
  });
});
