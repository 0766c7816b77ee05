import { describe, expect, test } from 'vitest';
import { fileStats } from '../../../src/lakehouse/delta/stats.js';
import type { DeltaField } from '../../../src/lakehouse/delta/schema.js';
import { micros } from './support.js';

const field = (name: string, type: DeltaField['type']): DeltaField => ({
  name,
  type,
  nullable: true,
});

describe('fileStats', () => {
  test('counts records and nulls, and bounds each column as Spark writes them', () => {
    const fields = [
      field('id', 'long'),
      field('distance', 'double'),
      field('name', 'string'),
      field('start_date', 'timestamp'),
      field('trainer', 'boolean'),
    ];
    const stats = fileStats(
      [
        {
          id: 12n,
          distance: 5000.5,
          name: 'Morning Run',
          start_date: micros('2024-05-02T06:30:00.123Z') + 456n,
          trainer: false,
        },
        {
          id: 9007199254740993n,
          distance: null,
          name: 'Evening Ride',
          start_date: micros('2024-05-31T18:00:00Z'),
          trainer: true,
        },
        { id: 3n, distance: -1.25, name: null, start_date: null, trainer: null },
      ],
      fields,
    );
    // Written as text, so the long bound keeps all its digits.
    expect(stats).toContain('"id":9007199254740993');
    expect(JSON.parse(stats)).toEqual({
      numRecords: 3,
      minValues: {
        id: 3,
        distance: -1.25,
        name: 'Evening Ride',
        start_date: '2024-05-02T06:30:00.123Z',
      },
      // (JSON.parse rounds the long; the text above holds it exactly)
      maxValues: {
        id: 9007199254740992,
        distance: 5000.5,
        name: 'Morning Run',
        start_date: '2024-05-31T18:00:00.000Z',
      },
      nullCount: { id: 0, distance: 1, name: 1, start_date: 1, trainer: 1 },
    });
  });

  test('truncates timestamps to milliseconds, rounding down before 1970 too', () => {
    const stats = JSON.parse(
      fileStats(
        [{ t: micros('1969-12-31T23:59:59.999Z') - 1n }, { t: 999n }],
        [field('t', 'timestamp')],
      ),
    );
    expect(stats.minValues.t).toBe('1969-12-31T23:59:59.998Z');
    expect(stats.maxValues.t).toBe('1970-01-01T00:00:00.000Z');
  });

  test('keeps a 32-character prefix of long strings; a truncated max still bounds the value', () => {
    const long = 'x'.repeat(40);
    const stats = JSON.parse(
      fileStats([{ s: long }, { s: 'a'.repeat(50) }], [field('s', 'string')]),
    );
    expect(stats.minValues.s).toBe('a'.repeat(32));
    expect(stats.maxValues.s).toBe('x'.repeat(32) + '\u{10FFFD}');
    expect(stats.maxValues.s > long).toBe(true);
  });

  test('compares strings by UTF-8 bytes, as Spark does, not by UTF-16 units', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 (and code points) but after it in UTF-16 units.
    const stats = JSON.parse(
      fileStats([{ s: '\u{FF5E}' }, { s: '\u{1F600}' }], [field('s', 'string')]),
    );
    expect(stats.minValues.s).toBe('\u{FF5E}');
    expect(stats.maxValues.s).toBe('\u{1F600}');
  });

  test('gives no bounds for booleans, all-null columns, or doubles holding NaN or infinity', () => {
    const stats = JSON.parse(
      fileStats(
        [
          { b: true, n: null, d: Number.NaN, e: 1 },
          { b: false, n: null, d: 2, e: Number.POSITIVE_INFINITY },
        ],
        [field('b', 'boolean'), field('n', 'string'), field('d', 'double'), field('e', 'double')],
      ),
    );
    expect(stats).toEqual({
      numRecords: 2,
      minValues: {},
      maxValues: {},
      nullCount: { b: 0, n: 2, d: 0, e: 0 },
    });
  });

  test('an empty file has zero records and zero nulls', () => {
    expect(JSON.parse(fileStats([], [field('id', 'long')]))).toEqual({
      numRecords: 0,
      minValues: {},
      maxValues: {},
      nullCount: { id: 0 },
    });
  });
});
