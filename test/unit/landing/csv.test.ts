import { describe, expect, test } from 'vitest';
import {
  activitiesToCsv,
  cellsToCsv,
  cellsToRecord,
  landingCells,
  parseLandingCsv,
} from '../../../src/landing/csv.js';
import { QualityError } from '../../../src/errors.js';
import { ACTIVITY_FIELDS, CSV_COLUMNS, csvCell } from '../../../src/strava/schema.js';
import { recordedActivities } from './recorded.js';

const FILE = 'landing/activities/month=2018-11/activities-0123456789abcdef.csv';
const HEADER = CSV_COLUMNS.join(',');

/** Parses `csv` and checks every cell against the activity it came from. */
function expectRoundTrip(csv: string, activities: ReturnType<typeof recordedActivities>) {
  const rows = parseLandingCsv(csv, FILE);
  const byId = [...activities].sort((a, b) => a.id - b.id);
  expect(rows).toHaveLength(byId.length);
  rows.forEach((row, i) => {
    const activity = byId[i]!;
    for (const f of ACTIVITY_FIELDS) expect(row[f.name], f.name).toBe(csvCell(activity, f));
    expect(JSON.parse(row.raw!)).toEqual(activity);
  });
}

describe('activitiesToCsv', () => {
  test('starts with the schema columns and ends each record with \\n, without a BOM', () => {
    const csv = activitiesToCsv(recordedActivities());
    expect(csv.split('\n')[0]).toBe(HEADER);
    expect(csv.endsWith('\n')).toBe(true);
    expect(csv.includes('\r')).toBe(false);
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
  });

  test('an empty month is the header line alone', () => {
    expect(activitiesToCsv([])).toBe(`${HEADER}\n`);
    expect(parseLandingCsv(activitiesToCsv([]), FILE)).toEqual([]);
  });

  test('rows are sorted by id whatever order the activities come in', () => {
    const activities = recordedActivities();
    const ids = parseLandingCsv(activitiesToCsv([...activities].reverse()), FILE).map((r) => r.id);
    expect(ids).toEqual(activities.map((a) => String(a.id)).sort((a, b) => Number(a) - Number(b)));
    expect(activitiesToCsv([...activities].reverse())).toBe(activitiesToCsv(activities));
  });

  test('real recorded activities survive a round trip, cell by cell', () => {
    const activities = recordedActivities();
    expectRoundTrip(activitiesToCsv(activities), activities);
  });

  test('nested fields are flattened, lat/lng are JSON text, unknown fields stay in raw', () => {
    const [first] = recordedActivities().sort((a, b) => a.id - b.id);
    const [row] = parseLandingCsv(activitiesToCsv([first!]), FILE);
    expect(row!.athlete_id).toBe(String((first!.athlete as { id: number }).id));
    expect(row!.summary_polyline).toBe(
      (first!.map as { summary_polyline: string }).summary_polyline,
    );
    expect(JSON.parse(row!.start_latlng!)).toEqual(first!.start_latlng);
    // Not in the schema, so only `raw` carries it to bronze.
    expect(CSV_COLUMNS).not.toContain('upload_id_str');
    expect(JSON.parse(row!.raw!).upload_id_str).toBe(first!.upload_id_str);
  });

  test('absent and null optional fields are empty cells', () => {
    const [a] = recordedActivities();
    const activity = { ...a!, average_watts: undefined, gear_id: null };
    delete activity.average_watts;
    const [row] = parseLandingCsv(activitiesToCsv([activity]), FILE);
    expect(row!.average_watts).toBe('');
    expect(row!.gear_id).toBe('');
  });

  const HOSTILE_NAMES = [
    'Morning, run',
    'She said "go"',
    '"',
    'two\nlines',
    'windows\r\nline',
    'lone\rreturn',
    '=HYPERLINK("http://x","y")',
    '+1 km',
    '-5 °C',
    '@channel',
    '  padded  ',
    '',
    '🏃‍♀️ Park run 🇬🇧',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎 outside the BMP',
    'tab\there',
  ];

  test('hostile names survive a round trip through UTF-8 bytes exactly as written', () => {
    const [template] = recordedActivities();
    const activities = HOSTILE_NAMES.map((name, i) => ({ ...template!, id: i + 1, name }));
    const bytes = new TextEncoder().encode(activitiesToCsv(activities));
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const rows = parseLandingCsv(text, FILE);
    expect(rows.map((r) => r.name)).toEqual(HOSTILE_NAMES);
    expect(rows.map((r) => JSON.parse(r.raw!).name)).toEqual(HOSTILE_NAMES);
    expectRoundTrip(text, activities);
  });

  test('the cells the pipeline gates on are exactly what the file reads back as, hostile names included', () => {
    const [template] = recordedActivities();
    const hostile = HOSTILE_NAMES.map((name, i) => ({ ...template!, id: i + 1, name }));
    const activities = [...recordedActivities(), ...hostile].reverse();
    const cells = landingCells(activities);
    expect(cellsToCsv(cells)).toBe(activitiesToCsv(activities));
    expect(parseLandingCsv(cellsToCsv(cells), FILE)).toEqual(cells.map(cellsToRecord));
  });

  test('a carriage return inside a cell is quoted, as RFC 4180 requires', () => {
    const [template] = recordedActivities();
    const csv = activitiesToCsv([{ ...template!, name: 'lone\rreturn' }]);
    expect(csv).toContain(',"lone\rreturn",');
    // Every other line break is a record delimiter: header + one record.
    expect(csv.replace('"lone\rreturn"', '').split('\n')).toHaveLength(3);
  });

  test('formula-like text is kept as-is, not escaped for spreadsheets', () => {
    const [template] = recordedActivities();
    const csv = activitiesToCsv([{ ...template!, name: '=1+2' }]);
    expect(csv).toContain(',=1+2,');
  });
});

describe('parseLandingCsv', () => {
  const valid = () => activitiesToCsv(recordedActivities());
  const withHeader = (header: string) => valid().replace(HEADER, header);

  function expectRefused(text: string, ...fragments: string[]) {
    let caught: unknown;
    try {
      parseLandingCsv(text, FILE);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QualityError);
    const message = (caught as QualityError).message;
    expect(message).toContain(FILE);
    for (const f of fragments) expect(message).toContain(f);
    expect((caught as QualityError).hint).toMatch(/--force/);
  }

  test('a renamed column is named as missing and unexpected', () => {
    expectRefused(withHeader(HEADER.replace(',sport_type,', ',sport,')), '"sport_type"', '"sport"');
  });

  test('a removed column is named', () => {
    const header = CSV_COLUMNS.filter((c) => c !== 'gear_id').join(',');
    const text = `${header}\n`;
    expectRefused(text, 'missing "gear_id"');
  });

  test('an added column is named', () => {
    expectRefused(`${HEADER},notes\n`, 'unexpected "notes"');
  });

  test('swapped columns are reported with the first position that differs', () => {
    const cols = [...CSV_COLUMNS];
    [cols[2], cols[3]] = [cols[3]!, cols[2]!];
    expectRefused(`${cols.join(',')}\n`, 'column 3 is "sport_type", expected "name"');
  });

  test('a duplicated column is refused', () => {
    expectRefused(`${HEADER},id\n`, 'more than once');
  });

  test('an empty file is refused', () => {
    expectRefused('', 'empty');
    expectRefused('\n', 'empty');
  });

  test('a row with a cell too few, or an unclosed quote, is refused as invalid CSV', () => {
    expectRefused(`${HEADER}\n1,Morning run,Run\n`, 'is not valid CSV');
    expectRefused(
      `${HEADER}\n"unclosed,${'x,'.repeat(CSV_COLUMNS.length - 1)}\n`,
      'is not valid CSV',
    );
  });

  test('a file saved with CRLF line ends and a BOM still reads (only the content matters)', () => {
    const activities = recordedActivities();
    const edited = `\uFEFF${activitiesToCsv(activities).replace(/\n/g, '\r\n')}`;
    expect(parseLandingCsv(edited, FILE).map((r) => r.id)).toEqual(
      parseLandingCsv(activitiesToCsv(activities), FILE).map((r) => r.id),
    );
  });
});
