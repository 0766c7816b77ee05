import { describe, expect, it } from 'vitest';
import { activityAt, generateAthlete } from '../../../src/simulator/index.js';
import { monthOf } from '../../../src/strava/months.js';
import { validateActivity } from '../../../src/strava/schema.js';

const athlete = generateAthlete({ count: 600, seed: 42, from: '2023-06' });

describe('generateAthlete', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateAthlete({ count: 50, seed: 42, from: '2023-06' })).toEqual(athlete.slice(0, 50));
    expect(generateAthlete({ count: 50, seed: 43, from: '2023-06' })).not.toEqual(
      athlete.slice(0, 50),
    );
  });

  it('gives valid activities with unique ids, starting in the given month', () => {
    for (const a of athlete) validateActivity(a);
    expect(new Set(athlete.map((a) => a.id)).size).toBe(600);
    expect(monthOf(athlete[0]!.start_date_local)).toBe('2023-06');
  });

  it("keeps Strava's time conventions: local wall time with a Z, offset with DST, label without", () => {
    for (const a of athlete) {
      const shift = (Date.parse(a.start_date_local) - Date.parse(a.start_date)) / 1000;
      expect(shift).toBe(a.utc_offset);
      expect(a.timezone).toMatch(/^\(GMT[+-]\d\d:\d\d\) [A-Za-z_/+-]+$/);
    }
    const summerLA = athlete.find(
      (a) => a.timezone.endsWith('America/Los_Angeles') && a.utc_offset === -25200,
    );
    expect(summerLA?.timezone).toBe('(GMT-08:00) America/Los_Angeles');
    const zones = new Set(athlete.map((a) => a.timezone.replace(/^\(GMT[^)]*\) /, '')));
    expect(zones).toContain('America/Los_Angeles');
    expect(zones).toContain('Asia/Tokyo');
    expect(zones.size).toBeGreaterThanOrEqual(4);
  });

  it('leaves sensor fields out (not null) without a sensor, and start_latlng empty indoors', () => {
    const noHr = athlete.filter((a) => a.has_heartrate === false);
    expect(noHr.length).toBeGreaterThan(0);
    for (const a of noHr) {
      expect('average_heartrate' in a).toBe(false);
      expect('max_heartrate' in a).toBe(false);
    }
    expect(athlete.some((a) => 'average_watts' in a)).toBe(true);
    expect(athlete.some((a) => !('average_watts' in a))).toBe(true);
    expect(athlete.flatMap((a) => Object.entries(a).filter(([, v]) => v === undefined))).toEqual(
      [],
    );
    const indoor = athlete.filter((a) => (a.start_latlng as unknown[]).length === 0);
    expect(indoor.length).toBeGreaterThan(0);
    expect(
      indoor.every((a) => (a.map as { summary_polyline: string }).summary_polyline === ''),
    ).toBe(true);
  });

  it('puts some activities close to local midnight', () => {
    const late = athlete.filter((a) => /T(23|00):/.test(a.start_date_local));
    expect(late.length).toBeGreaterThan(10);
  });
});

describe('activityAt', () => {
  it('starts at the given local time in the given zone', () => {
    const a = activityAt({
      id: 7,
      startLocal: '2024-07-31T23:45:00',
      timezone: 'America/Los_Angeles',
    });
    expect(a.start_date_local).toBe('2024-07-31T23:45:00Z');
    expect(a.start_date).toBe('2024-08-01T06:45:00Z');
    expect(a.utc_offset).toBe(-25200);
    const b = activityAt({ id: 8, startLocal: '2024-02-01T00:10:00', timezone: 'Asia/Kolkata' });
    expect(b.start_date).toBe('2024-01-31T18:40:00Z');
    expect(b.timezone).toBe('(GMT+05:30) Asia/Kolkata');
  });
});
