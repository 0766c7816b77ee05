import { describe, expect, it } from 'vitest';
import { SUMMARY_HASH_FIELDS, summarySha256 } from '../../../src/details/summary-hash.js';
import { ACTIVITY_FIELDS } from '../../../src/strava/schema.js';

const row = {
  id: 1234567890123n,
  name: 'Morning Run',
  sport_type: 'Run',
  type: 'Run',
  workout_type: null,
  start_date: 1714550400000000n,
  start_date_local: 1714557600000000n,
  distance: 10012.3,
  moving_time: 3000n,
  elapsed_time: 3100n,
  total_elevation_gain: 42,
  gear_id: 'g123',
  manual: false,
  private: false,
  has_heartrate: true,
  device_watts: null,
  kudos_count: 3n,
};

describe('summarySha256', () => {
  it('covers only silver columns', () => {
    const names = new Set(ACTIVITY_FIELDS.map((f) => f.name));
    for (const f of SUMMARY_HASH_FIELDS) expect(names.has(f)).toBe(true);
  });

  it('is the same whatever form a reader gives the cells in', () => {
    const fromSql = {
      ...row,
      id: 1234567890123,
      moving_time: 3000,
      elapsed_time: '3100',
      start_date: new Date(Date.UTC(2024, 4, 1, 8)),
      start_date_local: '2024-05-01T10:00:00.000Z',
      total_elevation_gain: 42.0,
    };
    expect(summarySha256(fromSql)).toBe(summarySha256(row));
  });

  it('changes with every covered field and not with others', () => {
    const base = summarySha256(row);
    expect(summarySha256({ ...row, kudos_count: 4n })).toBe(base);
    expect(summarySha256({ ...row, name: 'Evening Run' })).not.toBe(base);
    expect(summarySha256({ ...row, start_date_local: 1717236000000000n })).not.toBe(base);
    expect(summarySha256({ ...row, gear_id: null })).not.toBe(base);
    expect(summarySha256({ ...row, private: true })).not.toBe(base);
    expect(summarySha256({ ...row, elapsed_time: 3101n })).not.toBe(base);
  });
});
