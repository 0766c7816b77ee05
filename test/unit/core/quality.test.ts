import { describe, expect, it } from 'vitest';
import { checkQuality, MEASURE_COLUMNS, type QualityRow } from '../../../src/lakehouse/quality.js';
import { QualityError } from '../../../src/errors.js';

const ok = (id: string, extra: Partial<QualityRow> = {}): QualityRow => ({
  id,
  sport_type: 'Run',
  start_date_local: '2024-05-10T07:00:00Z',
  distance: '1000',
  moving_time: '300',
  elapsed_time: '320',
  total_elevation_gain: '5',
  ...extra,
});

function failure(rows: QualityRow[]): string {
  try {
    checkQuality(rows, '2024-05', 'landing/x.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(QualityError);
    return (e as QualityError).message;
  }
  throw new Error('expected a QualityError');
}

describe('checkQuality', () => {
  it('passes clean rows with no warnings', () => {
    expect(checkQuality([ok('1'), ok('2')], '2024-05', 'x')).toEqual([]);
  });

  it('fails on duplicate ids, naming them', () => {
    expect(failure([ok('1'), ok('2'), ok('1')])).toMatch(/duplicate activity ids 1\b/);
  });

  it('fails on rows outside the month and on negative totals, naming the ids', () => {
    const msg = failure([
      ok('7', { start_date_local: '2024-06-01T00:10:00Z' }),
      ok('8', { distance: '-1' }),
    ]);
    expect(msg).toContain('outside 2024-05 by start_date_local: 7');
    expect(msg).toContain('8 (distance -1)');
    expect(msg).toContain('landing/x.csv');
  });

  it.each(MEASURE_COLUMNS.map((c) => [c]))(
    'fails on a negative, NaN or infinite %s, naming the id, the field and the value',
    (column) => {
      for (const bad of ['-1', 'NaN', 'Infinity', '-Infinity']) {
        expect(failure([ok('1'), ok('9', { [column]: bad })])).toContain(
          `negative or non-finite measures in 9 (${column} ${bad})`,
        );
      }
      const zero = ok('1', { moving_time: '0', [column]: '0' });
      expect(checkQuality([zero], '2024-05', 'x')).toEqual([]);
    },
  );

  it('lets elevations and temperatures below zero through', () => {
    const row = { ...ok('1'), elev_low: '-28', average_temp: '-5' };
    expect(checkQuality([row], '2024-05', 'x')).toEqual([]);
  });

  it('warns, without failing, on moving > elapsed time and on unknown sport types', () => {
    const warnings = checkQuality(
      [
        ok('1', { moving_time: '400' }),
        ok('2', { sport_type: 'Hoverboard' }),
        ok('3', { sport_type: 'Hoverboard' }),
      ],
      '2024-05',
      'x',
    );
    expect(warnings).toEqual([
      '2024-05: moving_time > elapsed_time for activities 1',
      '2024-05: unknown sport_type "Hoverboard" for activities 2, 3',
    ]);
  });
});
