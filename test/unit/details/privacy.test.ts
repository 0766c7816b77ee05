import { describe, expect, it } from 'vitest';
import {
  distanceM,
  isPublishable,
  streamsWithoutCoordinates,
  trimEndpoints,
  withoutCoordinates,
} from '../../../src/details/privacy.js';

describe('privacy', () => {
  it('measures great-circle distance (1 degree of latitude is about 111.2 km)', () => {
    expect(distanceM([0, 0], [1, 0])).toBeCloseTo(111_195, -1);
    expect(distanceM([51.5, -0.12], [51.5, -0.12])).toBe(0);
  });

  it('drops every point within the radius of the start or the end', () => {
    // Points about 55.6 m apart going north from (45, 7), then back.
    const step = 0.0005;
    const out = Array.from({ length: 11 }, (_, i) => [45 + i * step, 7] as const);
    const back = Array.from({ length: 10 }, (_, i) => [45 + (9 - i) * step + 0.0001, 7] as const);
    const track = [...out, ...back];
    const kept = trimEndpoints(track, 200);
    for (const p of kept) {
      expect(distanceM(p, track[0]!)).toBeGreaterThan(200);
      expect(distanceM(p, track[track.length - 1]!)).toBeGreaterThan(200);
    }
    // The far half of the out-and-back stays.
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(track.length);
    expect(trimEndpoints(track, 100_000)).toEqual([]);
    expect(trimEndpoints(track, 0)).toHaveLength(track.length - 2);
  });

  it('keeps positions out of a record and out of stream rows', () => {
    const record = {
      id: 1,
      start_latlng: [45, 7],
      end_latlng: [45.1, 7],
      map: { id: 'a1', summary_polyline: 'abc', polyline: 'def' },
      name: 'Run',
    };
    const stripped = withoutCoordinates(record);
    expect(stripped).toEqual({ id: 1, map: { id: 'a1' }, name: 'Run' });
    expect(record.start_latlng).toEqual([45, 7]);
    expect(JSON.stringify(stripped)).not.toMatch(/latlng|polyline/);
    expect(streamsWithoutCoordinates([{ lat: 45, lng: 7, heartrate: 120n }])).toEqual([
      { lat: null, lng: null, heartrate: 120n },
    ]);
  });

  it('publishes private activities only when asked', () => {
    const privacy = { radiusM: 200, noCoordinates: false, includePrivate: false };
    expect(isPublishable({ private: true }, privacy)).toBe(false);
    expect(isPublishable({ private: false }, privacy)).toBe(true);
    // Unknown visibility (an activity known only from the account export) is not published.
    expect(isPublishable({ private: null }, privacy)).toBe(false);
    expect(isPublishable({ private: null }, { ...privacy, includePrivate: true })).toBe(true);
    expect(isPublishable({ private: true }, { ...privacy, includePrivate: true })).toBe(true);
  });
});
