/** The time zone rules of an archived activity, in order: FIT offset, GPS zone, --timezone. */
import { describe, expect, it } from 'vitest';
import { applyRule, decideTimeRule, gpsZone } from '../../../src/archive/timezone.js';

const JULY = Date.parse('2025-07-01T12:00:00Z');
const JANUARY = Date.parse('2025-01-15T12:00:00Z');

describe('time zone rules', () => {
  it('takes the FIT offset first, then the zone at the first point, then the flag', () => {
    expect(decideTimeRule({ fitOffsetS: 3600, firstPoint: [40.7, -74] }, 'UTC')).toEqual({
      source: 'fit_offset',
      offsetS: 3600,
    });
    expect(decideTimeRule({ fitOffsetS: null, firstPoint: [-33.87, 151.21] }, 'UTC')).toEqual({
      source: 'gps',
      zone: 'Australia/Sydney',
    });
    expect(decideTimeRule({ fitOffsetS: null, firstPoint: null }, 'Europe/Oslo')).toEqual({
      source: 'flag',
      zone: 'Europe/Oslo',
    });
    expect(decideTimeRule(undefined, 'Europe/Oslo')).toEqual({
      source: 'flag',
      zone: 'Europe/Oslo',
    });
    expect(decideTimeRule({ fitOffsetS: null, firstPoint: null }, undefined)).toBeUndefined();
    expect(decideTimeRule(undefined, undefined)).toBeUndefined();
  });

  it('a zone from a position keeps its daylight saving; an offset is only an offset', () => {
    expect(gpsZone(48.8566, 2.3522)).toBe('Europe/Paris');
    expect(applyRule({ source: 'gps', zone: 'Europe/Paris' }, JULY)).toEqual({
      offset: 7200,
      timezone: '(GMT+01:00) Europe/Paris',
      name: 'Europe/Paris',
    });
    expect(applyRule({ source: 'gps', zone: 'Europe/Paris' }, JANUARY).offset).toBe(3600);
    expect(applyRule({ source: 'fit_offset', offsetS: -16200 }, JULY)).toEqual({
      offset: -16200,
      timezone: '(GMT-04:30)',
      name: 'UTC-04:30',
    });
    expect(applyRule({ source: 'fit_offset', offsetS: 19800 }, JANUARY).timezone).toBe(
      '(GMT+05:30)',
    );
  });

  it('a position the lookup refuses decides nothing', () => {
    expect(gpsZone(123, 0)).toBeUndefined();
    expect(decideTimeRule({ fitOffsetS: null, firstPoint: [123, 0] }, undefined)).toBeUndefined();
  });
});
