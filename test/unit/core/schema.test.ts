import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_FIELDS,
  CSV_COLUMNS,
  csvCell,
  isIsoInstant,
  parseCell,
  validateActivity,
} from '../../../src/strava/schema.js';
import { SchemaError } from '../../../src/errors.js';
import { SILVER, BRONZE, schemaString } from '../../../src/lakehouse/tables.js';
import pkg from '../../../package.json' with { type: 'json' };
import { VERSION } from '../../../src/version.js';

const field = (name: string) => ACTIVITY_FIELDS.find((f) => f.name === name)!;
const activity = {
  id: 16195505756,
  athlete: { id: 26462176, resource_state: 1 },
  name: 'Should Not Have',
  sport_type: 'Run',
  type: 'Run',
  start_date: '2025-10-19T20:00:00Z',
  start_date_local: '2025-10-19T16:00:00Z',
  timezone: '(GMT-05:00) America/New_York',
  distance: 6764.8,
  moving_time: 2151,
  elapsed_time: 2178,
  start_latlng: [40.75533, -74.002571],
  end_latlng: [],
  map: { id: 'a1', summary_polyline: 'y_wwF' },
  some_new_field: { kept: true },
};

describe('the activity schema', () => {
  it('accepts a real record, keeping unknown fields', () => {
    const a = validateActivity(activity);
    expect(a.some_new_field).toEqual({ kept: true });
  });

  it('names the activity and the field when a required one is missing', () => {
    const { distance: _d, ...rest } = activity;
    expect(() => validateActivity(rest)).toThrow(SchemaError);
    expect(() => validateActivity(rest)).toThrow(/16195505756.*"distance"/);
    expect(() => validateActivity({ ...activity, id: undefined })).toThrow(/\(missing id\).*"id"/);
  });

  it('refuses wrong types and accepts absent optional fields', () => {
    expect(() => validateActivity({ ...activity, moving_time: '2151' })).toThrow(
      /"moving_time" should be a whole number/,
    );
    expect(() => validateActivity({ ...activity, start_date: '2025-10-19 20:00' })).toThrow(
      /"start_date"/,
    );
    expect(validateActivity({ ...activity, average_heartrate: undefined }).id).toBe(activity.id);
  });

  it.each([
    ['start_date', '2024-05-45T99:00:00Z'],
    ['start_date', '2024-05-31T23:59:60Z'],
    ['start_date_local', '2024-04-31T10:00:00Z'],
    ['start_date_local', '2023-02-29T10:00:00Z'],
    ['start_date', '2024-13-01T00:00:00Z'],
  ])('refuses %s %s, which matches the pattern but is no real instant', (name, value) => {
    expect(() => validateActivity({ ...activity, [name]: value })).toThrow(SchemaError);
    expect(() => validateActivity({ ...activity, [name]: value })).toThrow(
      `Strava activity 16195505756: field "${name}" should be a real instant`,
    );
  });

  it('accepts real instants, a leap day and fractions of a second among them', () => {
    for (const t of ['2024-02-29T23:59:59Z', '2024-12-31T00:00:00.123Z', '2000-01-01T00:00:00Z']) {
      expect(isIsoInstant(t)).toBe(true);
      expect(validateActivity({ ...activity, start_date: t }).start_date).toBe(t);
    }
    expect(isIsoInstant('2024-05-10T07:00:00+02:00')).toBe(false);
  });

  it('flattens nested values and keeps lat/lng as JSON text', () => {
    expect(csvCell(activity, field('athlete_id'))).toBe('26462176');
    expect(csvCell(activity, field('summary_polyline'))).toBe('y_wwF');
    expect(csvCell(activity, field('start_latlng'))).toBe('[40.75533,-74.002571]');
    expect(csvCell(activity, field('end_latlng'))).toBe('[]');
    expect(csvCell(activity, field('average_watts'))).toBe('');
  });

  it('casts cells back to typed values', () => {
    expect(parseCell(field('id'), '16195505756')).toBe(16195505756n);
    expect(parseCell(field('distance'), '6764.8')).toBe(6764.8);
    expect(parseCell(field('trainer'), 'false')).toBe(false);
    expect(parseCell(field('start_date'), '2025-10-19T20:00:00Z')).toBe(1760904000000000n);
    expect(parseCell(field('average_watts'), '')).toBeNull();
    // A real recorded activity (9633741340) has an empty name: required text stays ''.
    expect(parseCell(field('name'), '')).toBe('');
    expect(parseCell(field('gear_id'), '')).toBeNull();
    expect(parseCell(field('moving_time'), '')).toBeNull();
  });

  it('drives the CSV columns and the Delta schemas', () => {
    expect(CSV_COLUMNS.at(-1)).toBe('raw');
    expect(CSV_COLUMNS.slice(0, -1)).toEqual(ACTIVITY_FIELDS.map((f) => f.name));
    const silver = JSON.parse(schemaString(SILVER)) as {
      fields: { name: string; type: string; nullable: boolean }[];
    };
    expect(silver.fields.find((f) => f.name === 'start_date')).toEqual({
      name: 'start_date',
      type: 'timestamp',
      nullable: false,
      metadata: {},
    });
    expect(silver.fields.at(-1)?.name).toBe('month');
    expect(BRONZE.columns.every((c) => c.type === 'string' || c.name === '_ingested_at')).toBe(
      true,
    );
  });

  it('keeps the recorded version in step with package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
});
