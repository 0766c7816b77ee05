/**
 * Detail rows from Strava's recorded detail responses (test/fixtures/strava-recorded): the
 * activity_details, laps and streams rows, gear and zones, and the schema errors of bad input.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../../src/errors.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  GEAR,
  LAPS,
  STREAMS,
} from '../../../src/lakehouse/detail-tables.js';
import type { TableDef } from '../../../src/lakehouse/tables.js';
import { activityDetailRows, gearRow, zoneRows } from '../../../src/strava/details.js';

const body = <T>(name: string): T =>
  (
    JSON.parse(
      fs.readFileSync(new URL(`../../fixtures/strava-recorded/${name}`, import.meta.url), 'utf8'),
    ) as { response: { body: T } }[]
  )[0]!.response.body;

const marathon = body<Record<string, unknown>>('activity.json');
const ride = body<Record<string, unknown>>('activity_ride.json');
const laps = body<Record<string, unknown>[]>('activity_laps.json');
const streams = body<Record<string, { data: unknown[] }>>('activity_streams.json');

const FETCHED = 1_760_000_000_000_000n;
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

const input = (
  detail: Record<string, unknown> | undefined,
  s?: Record<string, { data: unknown[] }>,
  id = 1946417534n,
) => ({
  activityId: id,
  month: '2018-11',
  summarySha256: 'ab'.repeat(32),
  fetchedAtMicros: FETCHED,
  detail,
  streams: s,
});

/** Every key is a column of the table, every column is there, every non-nullable one is set. */
function expectFits(table: TableDef, row: Record<string, unknown>) {
  expect(Object.keys(row).sort()).toEqual(table.columns.map((c) => c.name).sort());
  for (const c of table.columns) {
    const v = row[c.name];
    if (v === null) {
      expect(c.nullable, `${table.path}.${c.name}`).toBe(true);
      continue;
    }
    const want = {
      long: 'bigint',
      timestamp: 'bigint',
      double: 'number',
      string: 'string',
      boolean: 'boolean',
    }[c.type];
    expect(typeof v, `${table.path}.${c.name}`).toBe(want);
  }
}

describe('activityDetailRows from the recorded marathon', () => {
  const rows = activityDetailRows(input(marathon, streams));

  it('the details row', () => {
    expectFits(ACTIVITY_DETAILS, rows.details);
    expect(rows.details).toMatchObject({
      activity_id: 1946417534n,
      status: 'fetched',
      summary_sha256: 'ab'.repeat(32),
      fetched_at: FETCHED,
      description: marathon.description,
      calories: 3760,
      device_name: 'Fitbit Ionic',
      gear_id: 'g3423618',
      workout_type: 1n,
      suffer_score: 656,
      perceived_exertion: null,
      private: false,
      lap_count: 1n,
      stream_samples: 13129n,
      month: '2018-11',
    });
    const splits = JSON.parse(rows.details.splits_metric as string) as unknown[];
    expect(splits).toEqual(marathon.splits_metric);
    expect(splits).toHaveLength(43);
    // The recording has a distance stream only: no time, so no best efforts.
    expect(rows.details.best_1km_s).toBeNull();
    expect(rows.details.best_5min_watts).toBeNull();
  });

  it('its lap', () => {
    expect(rows.laps).toHaveLength(1);
    expectFits(LAPS, rows.laps[0]!);
    expect(rows.laps[0]).toMatchObject({
      activity_id: 1946417534n,
      lap_index: 1n,
      lap_id: 6270116916n,
      name: 'Lap 1',
      start_date: micros('2018-11-04T14:53:46Z'),
      start_date_local: micros('2018-11-04T09:53:46Z'),
      elapsed_time: 13306n,
      moving_time: 13299n,
      distance: 42882.9,
      start_index: 0n,
      end_index: 13128n,
      total_elevation_gain: 270.9,
      average_heartrate: 170.1,
      max_heartrate: 187,
      average_cadence: null,
      average_watts: null,
      device_watts: false,
      split: 1n,
      pace_zone: 2n,
    });
  });

  it('one stream row per sample, null where the stream is absent', () => {
    const data = streams.distance!.data as number[];
    expect(rows.streams).toHaveLength(data.length);
    for (const r of rows.streams.filter((_, i) => i % 1000 === 0)) expectFits(STREAMS, r);
    expect(rows.streams.map((r) => r.distance_m)).toEqual(data);
    expect(rows.streams.map((r) => r.sample_index)).toEqual(data.map((_, i) => BigInt(i)));
    expect(rows.streams[500]).toMatchObject({
      time_s: null,
      lat: null,
      lng: null,
      heartrate: null,
      moving: null,
      month: '2018-11',
    });
  });

  it('with a time stream added, the best efforts follow the distance stream', () => {
    const time = streams.distance!.data.map((_, i) => i);
    const got = activityDetailRows(input(marathon, { ...streams, time: { data: time } }));
    const d = streams.distance!.data as number[];
    // By brute force over windows from one sample to the first sample 1 km further: an upper
    // bound, and the interpolated best is less than one sample (1 s) below it.
    let bound = Infinity;
    for (let i = 0, j = 0; i < d.length; i++) {
      while (j < d.length && d[j]! - d[i]! < 1000) j++;
      if (j < d.length) bound = Math.min(bound, j - i);
    }
    const best = got.details.best_1km_s as number;
    expect(best).toBeLessThanOrEqual(bound);
    expect(best).toBeGreaterThanOrEqual(bound - 1);
    expect(got.details.best_10km_s as number).toBeGreaterThan(best * 10);
  });
});

describe('activityDetailRows: other shapes', () => {
  it('the recorded ride: no gear, workout_type 10, the emoji description', () => {
    const rows = activityDetailRows(input(ride, undefined, 7142833299n));
    expect(rows.details).toMatchObject({
      gear_id: null,
      workout_type: 10n,
      description: '🇫🇷🥰',
      calories: 377,
      device_name: 'Garmin Forerunner 945',
      stream_samples: 0n,
      lap_count: 1n,
    });
    expect(rows.details.splits_metric).toBeNull();
    expect(rows.streams).toEqual([]);
  });

  it('the recorded lap with cadence, and a lap without lap_index numbered by position', () => {
    const detail = { id: 15605032352, laps: [laps[0], { ...laps[0], lap_index: undefined }] };
    const rows = activityDetailRows(input(detail, undefined, 15605032352n));
    expect(rows.laps.map((l) => [l.lap_index, l.average_cadence, l.max_heartrate])).toEqual([
      [1n, 61.5, 181],
      [2n, 61.5, 181],
    ]);
  });

  it('404: a not_found row with nulls, no laps or streams', () => {
    const rows = activityDetailRows(input(undefined));
    expectFits(ACTIVITY_DETAILS, rows.details);
    expect(rows.details).toMatchObject({
      status: 'not_found',
      description: null,
      lap_count: null,
      stream_samples: null,
      best_1km_s: null,
    });
    expect(rows.laps).toEqual([]);
    expect(rows.streams).toEqual([]);
  });

  it('latlng pairs, rounded heart rate, cadence and watts, moving', () => {
    const rows = activityDetailRows(
      input(
        { id: 1 },
        {
          time: { data: [0, 1] },
          latlng: { data: [[40.1, -73.9], null] },
          heartrate: { data: [140.4, 140.6] },
          cadence: { data: [80, null] },
          watts: { data: [null, 250.5] },
          moving: { data: [false, true] },
        },
        1n,
      ),
    );
    expect(
      rows.streams.map((r) => [r.time_s, r.lat, r.lng, r.heartrate, r.cadence, r.watts, r.moving]),
    ).toEqual([
      [0n, 40.1, -73.9, 140n, 80n, null, false],
      [1n, null, null, 141n, null, 251n, true],
    ]);
  });
});

describe('activityDetailRows refuses bad input with the activity and the field', () => {
  const refuse = (f: () => unknown, ...words: string[]) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaError);
    for (const w of words) expect((err as Error).message).toContain(w);
  };

  it('streams of different lengths', () => {
    refuse(
      () =>
        activityDetailRows(
          input({ id: 5 }, { time: { data: [0, 1, 2] }, heartrate: { data: [1, 2] } }, 5n),
        ),
      'activity 5',
      '"heartrate"',
    );
  });

  it('a wrong type in a detail field, a lap, a stream sample', () => {
    refuse(
      () => activityDetailRows(input({ ...marathon, calories: 'lots' })),
      '1946417534',
      '"calories"',
    );
    refuse(
      () => activityDetailRows(input({ ...marathon, laps: [{ ...laps[0], moving_time: 1.5 }] })),
      '1946417534',
      'lap 1',
      '"moving_time"',
    );
    refuse(
      () => activityDetailRows(input({ id: 7 }, { heartrate: { data: [1, 'x'] } }, 7n)),
      'activity 7',
      '"heartrate" sample 1',
    );
    refuse(
      () => activityDetailRows(input({ id: 7 }, { latlng: { data: [[1]] } }, 7n)),
      'activity 7',
      '"latlng"',
    );
  });

  it('a detail answer for another activity', () => {
    refuse(() => activityDetailRows(input(marathon, undefined, 99n)), 'activity 99', '1946417534');
  });
});

describe('gear and zones', () => {
  it("the recorded activity's gear, as GET /gear/{id} would give it: a shoe", () => {
    const gear = marathon.gear as Record<string, unknown>;
    const row = gearRow({ ...gear, brand_name: 'Adidas', model_name: 'Supernova ST' }, FETCHED);
    expectFits(GEAR, row);
    expect(row).toMatchObject({
      id: 'g3423618',
      gear_type: 'shoe',
      name: 'Adidas Supernova ST',
      brand_name: 'Adidas',
      is_primary: false,
      retired: true,
      distance: 966309,
      description: null,
      fetched_at: FETCHED,
    });
  });

  it('gear_type: b is a bike, g a shoe, otherwise a frame_type makes a bike', () => {
    // The DetailedGear example of Strava's reference (shared/fixtures/strava-api/swagger-paths.json).
    const example = {
      id: 'b1231',
      primary: false,
      resource_state: 3,
      distance: 388206,
      brand_name: 'BMC',
      model_name: 'Teammachine',
      frame_type: 3,
      description: 'My Bike.',
    };
    expect(gearRow(example, FETCHED)).toMatchObject({
      gear_type: 'bike',
      model_name: 'Teammachine',
    });
    expect(gearRow({ id: 'x1', frame_type: 1 }, FETCHED).gear_type).toBe('bike');
    expect(gearRow({ id: 'x1' }, FETCHED).gear_type).toBe('shoe');
    expect(() => gearRow({ id: 'b1', distance: 'far' }, FETCHED)).toThrow(
      /gear b1: field "distance"/,
    );
  });

  it('zones: heart rate and power from 1, the open top zone null', () => {
    const rows = zoneRows(
      {
        heart_rate: {
          custom_zones: false,
          zones: [
            { min: 0, max: 123 },
            { min: 123, max: 153 },
            { min: 153, max: -1 },
          ],
        },
        power: {
          zones: [
            { min: 0, max: 180 },
            { min: 181, max: -1 },
          ],
        },
      },
      FETCHED,
    );
    for (const r of rows) expectFits(ATHLETE_ZONES, r);
    expect(
      rows.map((r) => [r.zone_type, r.zone_index, r.zone_min, r.zone_max, r.custom_zones]),
    ).toEqual([
      ['heartrate', 1n, 0n, 123n, false],
      ['heartrate', 2n, 123n, 153n, false],
      ['heartrate', 3n, 153n, null, false],
      ['power', 1n, 0n, 180n, null],
      ['power', 2n, 181n, null, null],
    ]);
    expect(zoneRows({ heart_rate: { custom_zones: true, zones: [] } }, FETCHED)).toEqual([]);
    expect(() => zoneRows({ heart_rate: { zones: [{ min: 'a' }] } }, FETCHED)).toThrow(
      /heart_rate zone 1: field "min"/,
    );
  });
});
