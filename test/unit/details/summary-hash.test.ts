import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_HASH_FIELDS,
  SUMMARY_HASH_FIELDS,
  archiveSummarySha256,
  summarySha256,
} from '../../../src/details/summary-hash.js';
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

describe('archiveSummarySha256', () => {
  it('covers fields the full hash covers (sql/80 selects them) and the export fills', () => {
    for (const f of ARCHIVE_HASH_FIELDS) expect(SUMMARY_HASH_FIELDS).toContain(f);
    expect(ARCHIVE_HASH_FIELDS).not.toContain('private');
    expect(ARCHIVE_HASH_FIELDS).not.toContain('gear_id');
  });

  it("is the same for the archive's row and the API's: 32-bit doubles, fields the export lacks", () => {
    // As the import reads activities.csv: 32-bit floats, ISO text, numbers; no API-only fields.
    const archive = {
      id: 1234567890123,
      name: 'Morning Run',
      sport_type: 'Run',
      type: 'Run',
      start_date: '2024-05-01T08:00:00Z',
      start_date_local: '2024-05-01T10:00:00Z',
      distance: Math.fround(10012.3),
      moving_time: 3000,
      elapsed_time: 3100,
      total_elevation_gain: 42,
      manual: false,
      has_heartrate: true,
    };
    expect(archive.distance).not.toBe(row.distance);
    expect(archiveSummarySha256(archive)).toBe(archiveSummarySha256(row));
    expect(summarySha256(archive)).not.toBe(summarySha256(row));
    // Nor do the fields the export has not, or the legacy type derived from sport_type.
    const api = archiveSummarySha256(row);
    expect(archiveSummarySha256({ ...row, gear_id: null, private: true, type: 'Walk' })).toBe(api);
    expect(archiveSummarySha256({ ...row, workout_type: 3n, device_watts: true })).toBe(api);
    expect(api).not.toBe(summarySha256(row));
  });

  it('changes with every covered field, doubles beyond 32-bit precision aside', () => {
    const base = archiveSummarySha256(row);
    const edits: Record<string, unknown> = {
      id: 1234567890124n,
      name: 'Evening Run',
      sport_type: 'TrailRun',
      start_date: 1714550401000000n,
      start_date_local: 1714561200000000n,
      distance: 10013,
      moving_time: 3001n,
      elapsed_time: 3101n,
      total_elevation_gain: 43,
      manual: true,
      has_heartrate: false,
    };
    expect(Object.keys(edits)).toEqual([...ARCHIVE_HASH_FIELDS]);
    for (const [f, v] of Object.entries(edits)) {
      expect(archiveSummarySha256({ ...row, [f]: v }), f).not.toBe(base);
    }
    // 10012.3 and 10012.300001 are one 32-bit float; 10012.31 is another.
    expect(archiveSummarySha256({ ...row, distance: 10012.300001 })).toBe(base);
    expect(archiveSummarySha256({ ...row, distance: 10012.31 })).not.toBe(base);
  });
});
