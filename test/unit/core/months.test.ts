import { describe, expect, it } from 'vitest';
import {
  addMonths,
  monthOf,
  monthRange,
  parseMonth,
  previousMonth,
  queryWindow,
} from '../../../src/strava/months.js';
import { ConfigError } from '../../../src/errors.js';

const NOW = new Date('2026-11-24T10:00:00Z');

describe('parseMonth', () => {
  it('accepts real past and current months', () => {
    expect(parseMonth('2024-05', '--month', NOW)).toBe('2024-05');
    expect(parseMonth('2026-11', '--month', NOW)).toBe('2026-11');
  });

  it.each(['2024-13', '2024-00', '2024-5', '24-05', '2999-01', 'may', '', '2024-05-01', '1999-12'])(
    'refuses %j naming the input and the fix',
    (value) => {
      const err = (() => {
        try {
          parseMonth(value, '--month', NOW);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain('--month');
      expect((err as ConfigError).hint).toContain('YYYY-MM');
    },
  );
});

describe('month arithmetic', () => {
  it('steps across years', () => {
    expect(addMonths('2024-12', 1)).toBe('2025-01');
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(addMonths('2024-05', -17)).toBe('2022-12');
    expect(previousMonth(new Date('2026-01-01T00:00:00Z'))).toBe('2025-12');
    expect(monthRange('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('takes the month from local wall time, not UTC', () => {
    // Los Angeles, 31 May 22:30 local = 1 June 05:30 UTC: a May activity.
    expect(monthOf('2024-05-31T22:30:00Z')).toBe('2024-05');
    // Tokyo, 1 June 06:00 local = 31 May 21:00 UTC: a June activity.
    expect(monthOf('2024-06-01T06:00:00Z')).toBe('2024-06');
  });

  it('widens the UTC query window by 14 hours on each side', () => {
    const w = queryWindow('2024-05');
    const start = Date.UTC(2024, 4, 1) / 1000;
    const end = Date.UTC(2024, 5, 1) / 1000;
    expect(start - w.after).toBe(14 * 3600 + 1);
    expect(w.before - end).toBe(14 * 3600);
    // UTC+14 at local midnight on the 1st is inside; UTC-12 at 23:59 on the 31st too.
    expect(start - 14 * 3600).toBeGreaterThan(w.after);
    expect(end - 1 + 12 * 3600).toBeLessThan(w.before);
    const range = queryWindow('2024-01', '2024-03');
    expect(range.after).toBe(queryWindow('2024-01').after);
    expect(range.before).toBe(queryWindow('2024-03').before);
  });
});
