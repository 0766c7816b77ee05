/**
 * The simulator's detail endpoints against Strava's recorded detail responses
 * (test/fixtures/strava-recorded: activity.json, activity_ride.json, activity_laps.json,
 * activity_streams.json): the same keys with the same JSON types, derived from the summary,
 * deterministic, following edits, moves and deletes, and counted like the list.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAthlete, recordedActivities } from '../../../src/simulator/index.js';
import { STREAM_KEYS } from '../../../src/lakehouse/detail-tables.js';
import { activityDetailRows } from '../../../src/strava/details.js';
import { simulator } from '../strava/support.js';

const body = <T>(name: string): T =>
  (
    JSON.parse(
      fs.readFileSync(new URL(`../../fixtures/strava-recorded/${name}`, import.meta.url), 'utf8'),
    ) as { response: { body: T } }[]
  )[0]!.response.body;

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The simulator's value has the recording's JSON type wherever both have a key (null is any). */
function expectSameTypes(
  got: Record<string, unknown>,
  want: Record<string, unknown>,
  where: string,
) {
  for (const [k, v] of Object.entries(want)) {
    if (!(k in got) || v === null || got[k] === null) continue;
    expect(jsonType(got[k]), `${where}.${k}`).toBe(jsonType(v));
  }
}

const recordedRun = body<Record<string, unknown>>('activity.json');
const recordedRide = body<Record<string, unknown>>('activity_ride.json');
const recordedLap = body<Record<string, unknown>[]>('activity_laps.json')[0]!;
const recordedStreams = body<Record<string, Record<string, unknown>>>('activity_streams.json');

const DETAIL_KEYS = [
  'description',
  'calories',
  'device_name',
  'laps',
  'perceived_exertion',
  'private',
];

async function session(opts: Parameters<typeof simulator>[0] = {}) {
  const sim = await simulator(opts);
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: '4242',
      client_secret: 'sekrit-client-secret-0123456789abcdef',
      grant_type: 'refresh_token',
      refresh_token: 'first-refresh-token-0123456789abcdef0123',
    }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const get = async (path: string) => {
    const r = await fetch(`${sim.url}/api/v3${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: r.status, headers: r.headers, body: (await r.json()) as unknown };
  };
  return { sim, get };
}

const ALL_KEYS = `keys=${STREAM_KEYS.join(',')}&key_by_type=true`;

describe('the recorded athlete', () => {
  const activities = recordedActivities();
  const marathon = activities.find((a) => a.id === 1946417534)!;

  it("GET /activities/{id}: the summary plus the detail fields, with the recording's types", async () => {
    const { get } = await session();
    const res = await get(`/activities/${marathon.id}`);
    expect(res.status).toBe(200);
    const detail = res.body as Record<string, unknown>;
    for (const k of DETAIL_KEYS) expect(detail, k).toHaveProperty(k);
    for (const [k, v] of Object.entries(marathon)) {
      if (k !== 'resource_state') expect(detail[k], k).toEqual(v);
    }
    expect(detail.resource_state).toBe(3);
    expect(detail.gear).toMatchObject({ id: marathon.gear_id });
    expectSameTypes(detail, recordedRun, 'activity');
    const laps = detail.laps as Record<string, unknown>[];
    for (const lap of laps) expectSameTypes(lap, recordedLap, 'lap');
    // The recorded lap's keys, but cadence (the marathon has none).
    expect(Object.keys(laps[0]!)).toEqual(
      expect.arrayContaining(Object.keys(recordedLap).filter((k) => k !== 'average_cadence')),
    );
    const splits = detail.splits_metric as Record<string, unknown>[];
    const recordedSplit = (recordedRun.splits_metric as Record<string, unknown>[])[0]!;
    expect(Object.keys(splits[0]!).sort()).toEqual(Object.keys(recordedSplit).sort());
    expectSameTypes(splits[0]!, recordedSplit, 'split');
    // One lap a full kilometre, the rest in a last lap; they add up to the activity.
    expect(laps).toHaveLength(Math.floor(marathon.distance / 1000) + 1);
    expect(laps.slice(0, -1).every((l) => Math.abs((l.distance as number) - 1000) < 10)).toBe(true);
    expect(laps.reduce((s, l) => s + (l.elapsed_time as number), 0)).toBe(marathon.elapsed_time);
    expect(laps.map((l) => l.lap_index)).toEqual(laps.map((_, i) => i + 1));
    // Deterministic: the same answer twice.
    expect((await get(`/activities/${marathon.id}`)).body).toEqual(detail);
  });

  it('a ride without gear: no gear, no splits', async () => {
    const ride = activities.find((a) => a.type === 'Ride' && a.gear_id === null && !a.manual)!;
    const { get } = await session();
    const detail = (await get(`/activities/${ride.id}`)).body as Record<string, unknown>;
    expectSameTypes(detail, recordedRide, 'ride');
    expect(detail.gear).toBeUndefined();
    expect(detail.splits_metric).toBeUndefined();
  });

  it('streams: one sample a second, only the keys asked for, shaped like the recording', async () => {
    const { get } = await session();
    const res = await get(`/activities/${marathon.id}/streams?${ALL_KEYS}`);
    expect(res.status).toBe(200);
    const streams = res.body as Record<string, { data: unknown[] } & Record<string, unknown>>;
    // The marathon has heart rate and a start point, no power or cadence.
    expect(Object.keys(streams).sort()).toEqual([
      'altitude',
      'distance',
      'grade_smooth',
      'heartrate',
      'latlng',
      'moving',
      'time',
      'velocity_smooth',
    ]);
    const n = marathon.elapsed_time + 1;
    for (const [key, s] of Object.entries(streams)) {
      expect(Object.keys(s).sort(), key).toEqual(Object.keys(recordedStreams.distance!).sort());
      expect(s.data, key).toHaveLength(n);
      expect(s.original_size).toBe(n);
    }
    const distance = streams.distance!.data as number[];
    expect(distance[0]).toBe(0);
    expect(distance[n - 1]).toBeCloseTo(marathon.distance, 0);
    expect(distance.every((d, i) => i === 0 || d >= distance[i - 1]!)).toBe(true);
    const hr = streams.heartrate!.data as number[];
    const mean = hr.reduce((s, x) => s + x, 0) / hr.length;
    expect(Math.abs(mean - (marathon.average_heartrate as number))).toBeLessThan(3);
    expect(streams.latlng!.data[0]).toEqual(marathon.start_latlng);

    const some = await get(
      `/activities/${marathon.id}/streams?keys=heartrate,watts&key_by_type=true`,
    );
    expect(Object.keys(some.body as object)).toEqual(['heartrate']);
  });

  it('the rows a client would store: every stream the same length, best efforts found', async () => {
    const { get } = await session();
    const detail = (await get(`/activities/${marathon.id}`)).body as Record<string, unknown>;
    const streams = (await get(`/activities/${marathon.id}/streams?${ALL_KEYS}`)).body as Record<
      string,
      { data: unknown[] }
    >;
    const rows = activityDetailRows({
      activityId: BigInt(marathon.id),
      month: '2018-11',
      summarySha256: '0'.repeat(64),
      fetchedAtMicros: 0n,
      detail,
      streams,
    });
    expect(rows.streams).toHaveLength(marathon.elapsed_time + 1);
    const oneKm = rows.details.best_1km_s as number;
    // Faster than the average pace, as a best kilometre is.
    expect(oneKm).toBeLessThan(1000 / (marathon.distance / marathon.elapsed_time));
    expect(oneKm).toBeGreaterThan(0);
  });

  it('a manual activity has no streams (404) but has details', async () => {
    const manual = activities.find((a) => a.manual === true)!;
    const { get } = await session();
    expect((await get(`/activities/${manual.id}`)).status).toBe(200);
    const res = await get(`/activities/${manual.id}/streams?${ALL_KEYS}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      message: 'Record Not Found',
      errors: [{ resource: 'Activity', field: 'id', code: 'invalid' }],
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('gear and zones', async () => {
    const { get } = await session();
    const gear = (await get(`/gear/${marathon.gear_id as string}`)).body as Record<string, unknown>;
    const used = activities.filter((a) => a.gear_id === marathon.gear_id);
    expect(gear).toMatchObject({
      id: marathon.gear_id,
      distance: Math.round(used.reduce((s, a) => s + a.distance, 0)),
    });
    for (const k of ['brand_name', 'model_name', 'name', 'primary', 'retired'])
      expect(gear).toHaveProperty(k);
    expect((await get('/gear/g0')).status).toBe(404);
    const zones = (await get('/athlete/zones')).body as {
      heart_rate: { custom_zones: boolean; zones: { min: number; max: number }[] };
      power: { zones: { min: number; max: number }[] };
    };
    expect(zones.heart_rate.zones.at(-1)!.max).toBe(-1);
    expect(zones.heart_rate.zones.slice(1).map((z) => z.min)).toEqual(
      zones.heart_rate.zones.slice(0, -1).map((z) => z.max),
    );
    expect(typeof zones.heart_rate.custom_zones).toBe('boolean');
    expect(zones.power.zones.length).toBeGreaterThan(0);
  });
});

describe('generated athletes, edits, deletes, counting', () => {
  it('power and cadence streams where the summary has them', async () => {
    const athlete = generateAthlete({ count: 80, seed: 12, from: '2024-01' });
    const rider = athlete.find(
      (a) => typeof a.average_watts === 'number' && typeof a.average_cadence === 'number',
    )!;
    const { get } = await session({ activities: athlete });
    const streams = (await get(`/activities/${rider.id}/streams?${ALL_KEYS}`)).body as Record<
      string,
      { data: number[] }
    >;
    expect(streams).toHaveProperty('watts');
    expect(streams).toHaveProperty('cadence');
    const w = streams.watts!.data;
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    expect(
      Math.abs(mean - (rider.average_watts as number)) / (rider.average_watts as number),
    ).toBeLessThan(0.05);
  });

  it('edits, moves and deletes show in the detail endpoints', async () => {
    const athlete = generateAthlete({ count: 20, seed: 4, from: '2024-03' });
    const [a, b] = [athlete[0]!, athlete[1]!];
    const { sim, get } = await session({ activities: athlete });
    sim.editActivity(a.id, { name: 'Renamed', elapsed_time: 600 });
    const detail = (await get(`/activities/${a.id}`)).body as Record<string, unknown>;
    expect(detail.name).toBe('Renamed');
    const streams = (await get(`/activities/${a.id}/streams?keys=time&key_by_type=true`))
      .body as Record<string, { data: number[] }>;
    expect(streams.time!.data).toHaveLength(601);
    sim.moveActivity(b.id, '2024-07-01T08:00:00');
    expect(
      ((await get(`/activities/${b.id}`)).body as Record<string, unknown>).start_date_local,
    ).toBe('2024-07-01T08:00:00Z');
    sim.deleteActivity(a.id);
    expect((await get(`/activities/${a.id}`)).status).toBe(404);
    expect((await get(`/activities/${a.id}/streams?keys=time&key_by_type=true`)).status).toBe(404);
  });

  it('a private activity is hidden from a token without activity:read_all', async () => {
    const athlete = generateAthlete({ count: 5, seed: 9, from: '2024-03' }).map((a, i) => ({
      ...a,
      private: i === 0,
    }));
    const { get } = await session({ activities: athlete, scope: 'read,activity:read' });
    expect((await get(`/activities/${athlete[0]!.id}`)).status).toBe(404);
    expect((await get(`/activities/${athlete[1]!.id}`)).status).toBe(200);
  });

  it('every detail request is logged and counted against the rate limits, 429 over budget', async () => {
    const athlete = generateAthlete({ count: 5, seed: 2, from: '2024-03' });
    const { sim, get } = await session({ activities: athlete, readLimit: [3, 1000] });
    const paths = [
      `/activities/${athlete[0]!.id}`,
      `/activities/${athlete[0]!.id}/streams?keys=time&key_by_type=true`,
      '/athlete/zones',
      '/gear/nope',
    ];
    const statuses = [];
    for (const p of paths) statuses.push((await get(p)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const logged = sim.state.requests.filter((r) => r.path.startsWith('/api/v3/'));
    expect(logged.map((r) => [r.path, r.status])).toEqual([
      [`/api/v3/activities/${athlete[0]!.id}`, 200],
      [`/api/v3/activities/${athlete[0]!.id}/streams`, 200],
      ['/api/v3/athlete/zones', 200],
      ['/api/v3/gear/nope', 429],
    ]);
    expect(logged[1]!.query).toEqual({ keys: 'time', key_by_type: 'true' });
    expect(sim.state.usage.read).toEqual([3, 4]);
  });
});
