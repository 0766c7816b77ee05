/**
 * The detail phase end to end: the recorded athlete served by the simulator over real HTTP, the
 * embedded engine on a folder. What a run fills, that it asks Strava for the minimum, that an
 * unchanged activity is never fetched again, that edits, moves and deletions on Strava reach the
 * detail tables, that a capped backfill completes over repeated runs with nothing fetched twice,
 * how a 404 and a 429 in the detail phase end, and --no-coordinates.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ObjectStore } from '../../../src/landing/store.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  DETAIL_TABLES,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from '../../../src/lakehouse/detail-tables.js';
import { SILVER, type TableDef } from '../../../src/lakehouse/tables.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import type { SimulatorRequest } from '../../../src/simulator/server.js';
import { activitiesIn, detailContent, runIn, type Athlete } from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';

/** Limits well above what these runs send: pacing has suites of its own (faults/details). */
const ROOMY = { readLimit: [100_000, 1_000_000] as [number, number] };
const MONTH = '2024-05';

const detailPaths = (requests: readonly SimulatorRequest[]) =>
  requests
    .map((r) => r.path.replace(/^\/api\/v3/, ''))
    .filter((p) => /^\/(activities\/\d+(\/streams)?|gear\/[^/]+|athlete\/zones)$/.test(p));

async function rowsOf(store: ObjectStore, def: TableDef) {
  const table = new DeltaTable(store, def);
  const snap = await table.snapshot();
  return snap ? table.readRows(snap.files) : [];
}

async function version(store: ObjectStore, def: TableDef) {
  return (await new DeltaTable(store, def).snapshot())?.version ?? null;
}

function sinceMark(a: Athlete, mark: number) {
  return detailPaths(a.sim.state.requests.slice(mark));
}

describe('details', () => {
  test('run --month fills every detail table with the minimum of requests', async () => {
    const expected = activitiesIn(recordedActivities(), MONTH);
    expect(expected.length).toBeGreaterThan(10);
    const manual = expected.filter((a) => a.manual === true).length;
    const gearIds = new Set(expected.map((a) => a.gear_id).filter((g): g is string => !!g));
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();

    const { records } = await runIn(a, dir, { month: MONTH }, { details: true });

    const paths = detailPaths(a.sim.state.requests);
    // One detail each, one streams each but for manual activities, each gear once, zones once.
    expect(paths.filter((p) => /^\/activities\/\d+$/.test(p))).toHaveLength(expected.length);
    expect(paths.filter((p) => p.endsWith('/streams'))).toHaveLength(expected.length - manual);
    expect(paths.filter((p) => p.startsWith('/gear/')).sort()).toEqual(
      [...gearIds].sort().map((g) => `/gear/${g}`),
    );
    expect(paths.filter((p) => p === '/athlete/zones')).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toHaveLength(2 * expected.length - manual + gearIds.size + 1);

    const details = records[0]!.details!;
    expect(details).toMatchObject({
      fetched: expected.length,
      notFound: 0,
      queued: 0,
      runsToFinish: 0,
      withDetails: expected.length,
      requests: paths.length,
    });
    expect(details.stoppedBy).toBeUndefined();

    const ad = await rowsOf(store, ACTIVITY_DETAILS);
    expect(ad.map((r) => Number(r.activity_id)).sort()).toEqual(expected.map((x) => x.id).sort());
    expect(ad.every((r) => r.status === 'fetched' && r.month === MONTH)).toBe(true);
    const laps = await rowsOf(store, LAPS);
    expect(laps.length).toBeGreaterThanOrEqual(expected.length);
    const streams = await rowsOf(store, STREAMS);
    // About one sample a second of each activity with streams.
    const withStreams = expected.filter((x) => x.manual !== true);
    const seconds = withStreams.reduce((n, x) => n + Number(x.elapsed_time), 0);
    expect(streams.length).toBeGreaterThan(seconds * 0.5);
    expect(streams.length).toBeLessThan(seconds * 1.5);
    for (const r of ad) {
      const n = streams.filter((s) => s.activity_id === r.activity_id).length;
      expect(Number(r.stream_samples)).toBe(n);
    }
    expect((await rowsOf(store, GEAR)).map((r) => r.id).sort()).toEqual([...gearIds].sort());
    const zones = await rowsOf(store, ATHLETE_ZONES);
    expect(zones.some((z) => z.zone_type === 'heartrate')).toBe(true);
    for (const def of [GOLD_GEAR, GOLD_HR_ZONES, GOLD_BESTS]) {
      const rows = await rowsOf(store, def);
      expect(rows.length, def.path).toBeGreaterThan(0);
      expect(rows.every((r) => r.month === MONTH)).toBe(true);
    }
    // Gear gold adds up to silver's distance per gear.
    const gearGold = await rowsOf(store, GOLD_GEAR);
    for (const g of gearIds) {
      const want = expected.filter((x) => x.gear_id === g).reduce((n, x) => n + x.distance, 0);
      const got = gearGold
        .filter((r) => r.gear_id === g)
        .reduce((n, r) => n + Number(r.distance), 0);
      expect(got).toBeCloseTo(want, 3);
    }
  });

  test('a second run asks for nothing and changes nothing; an edit re-fetches that activity alone', async () => {
    const expected = activitiesIn(recordedActivities(), MONTH);
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: MONTH }, { details: true });
    const versions = await Promise.all(DETAIL_TABLES.map((d) => version(store, d)));
    const content = await detailContent(store);

    let mark = a.sim.state.requests.length;
    const again = await runIn(a, dir, { month: MONTH }, { details: true });
    expect(sinceMark(a, mark)).toEqual([]);
    expect(again.records[0]!.details).toMatchObject({ fetched: 0, requests: 0, queued: 0 });
    expect(await Promise.all(DETAIL_TABLES.map((d) => version(store, d)))).toEqual(versions);

    const edited = expected[3]!;
    a.sim.editActivity(edited.id, {
      name: 'Renamed after the run',
      elapsed_time: edited.elapsed_time + 60,
    });
    mark = a.sim.state.requests.length;
    await runIn(a, dir, { month: MONTH }, { details: true });
    const paths = sinceMark(a, mark);
    expect(paths.sort()).toEqual(
      (edited.manual
        ? [`/activities/${edited.id}`]
        : [`/activities/${edited.id}`, `/activities/${edited.id}/streams`]
      ).sort(),
    );
    const after = await detailContent(store);
    // Only the edited activity's rows differ.
    for (const def of [ACTIVITY_DETAILS, LAPS, STREAMS]) {
      const others = (rows: unknown[]) =>
        (rows as Record<string, unknown>[]).filter((r) => r.activity_id !== edited.id);
      expect(others(after[def.path]!), def.path).toEqual(others(content[def.path]!));
    }
  });

  test('deletions and moves on Strava reach the detail tables', async () => {
    const expected = activitiesIn(recordedActivities(), MONTH);
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: MONTH }, { details: true });
    const gone = expected[0]!;
    const moved = expected.find((x) => x.manual !== true && x.id !== gone.id)!;
    a.sim.deleteActivity(gone.id);
    a.sim.moveActivity(moved.id, '2024-06-02T07:30:00');

    await runIn(a, dir, { month: '2024-06' }, { details: true, lookback: 1 });

    for (const def of [ACTIVITY_DETAILS, LAPS, STREAMS]) {
      const rows = await rowsOf(store, def);
      expect(
        rows.some((r) => r.activity_id === BigInt(gone.id)),
        def.path,
      ).toBe(false);
      const mine = rows.filter((r) => r.activity_id === BigInt(moved.id));
      expect(mine.length, def.path).toBeGreaterThan(0);
      expect(new Set(mine.map((r) => r.month)), def.path).toEqual(new Set(['2024-06']));
    }
    // Every silver activity has details, and every detail row has a silver activity.
    const silverIds = new Set((await rowsOf(store, SILVER)).map((r) => r.id));
    const detailIds = new Set((await rowsOf(store, ACTIVITY_DETAILS)).map((r) => r.activity_id));
    expect(detailIds).toEqual(silverIds);
  });

  test('a capped backfill completes over repeated runs with nothing fetched twice', async () => {
    const range = { from: '2024-03', to: '2024-06' };
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();
    const queued: number[] = [];
    for (let run = 0; run < 20; run++) {
      const { records } = await runIn(a, dir, range, { details: true, maxRequests: 40 });
      const d = records[records.length - 1]!.details!;
      queued.push(d.queued);
      if (d.queued === 0) break;
      expect(d.stoppedBy).toBe('max-requests');
      expect(d.runsToFinish).toBeGreaterThan(0);
    }
    expect(queued[queued.length - 1]).toBe(0);
    expect(queued.length).toBeGreaterThan(2);
    // The queue only shrinks, and no run sent more than its cap.
    for (let i = 1; i < queued.length; i++) expect(queued[i]!).toBeLessThan(queued[i - 1]!);
    const paths = detailPaths(a.sim.state.requests);
    expect(new Set(paths).size).toBe(paths.length);

    // The same tables as one uncapped run.
    const b = await athlete(undefined, ROOMY);
    const clean = await warehouse();
    await runIn(b, clean.dir, range, { details: true });
    expect(await detailContent(store)).toEqual(await detailContent(clean.store));
  });

  test('a 404 drops the activity from the queue; a 429 ends the phase keeping what was written', async () => {
    const expected = activitiesIn(recordedActivities(), MONTH);
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();
    const missing = expected[2]!;
    let details = 0;
    let limitAfter = Infinity;
    const wrap: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname === `/api/v3/activities/${missing.id}`) {
        return Response.json(
          {
            message: 'Resource Not Found',
            errors: [{ resource: 'Activity', field: 'id', code: 'not found' }],
          },
          { status: 404 },
        );
      }
      if (/^\/api\/v3\/activities\/\d+$/.test(url.pathname) && ++details > limitAfter) {
        return Response.json(
          {
            message: 'Rate Limit Exceeded',
            errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }],
          },
          {
            status: 429,
            headers: {
              'x-ratelimit-limit': '100,1000',
              'x-ratelimit-usage': '100,400',
              'x-readratelimit-limit': '100,1000',
              'x-readratelimit-usage': '100,400',
            },
          },
        );
      }
      return a.fetch(input, init);
    };
    limitAfter = 5;
    const first = await runIn(a, dir, { month: MONTH }, { details: true, deps: { fetch: wrap } });
    const d1 = first.records[0]!.details!;
    expect(d1.stoppedBy).toBe('rate-limit');
    expect(d1.stoppedMessage).toMatch(/429/);
    expect(d1.queued).toBe(expected.length - d1.fetched);
    const written = await rowsOf(store, ACTIVITY_DETAILS);
    expect(written.length).toBe(d1.fetched);
    expect(d1.fetched).toBeGreaterThan(0);

    limitAfter = Infinity;
    const second = await runIn(a, dir, { month: MONTH }, { details: true, deps: { fetch: wrap } });
    const d2 = second.records[0]!.details!;
    expect(d2.queued).toBe(0);
    // Answered 404 in whichever run reached it.
    expect(d1.notFound + d2.notFound).toBe(1);
    const rows = await rowsOf(store, ACTIVITY_DETAILS);
    expect(rows.find((r) => r.activity_id === BigInt(missing.id))?.status).toBe('not_found');
    // Not asked again while its summary is unchanged.
    const mark = a.sim.state.requests.length;
    const third = await runIn(a, dir, { month: MONTH }, { details: true, deps: { fetch: wrap } });
    expect(third.records[0]!.details).toMatchObject({ fetched: 0, requests: 0 });
    expect(sinceMark(a, mark)).toEqual([]);
  });

  test('--no-coordinates keeps positions out of every table and the landing file', async () => {
    const a = await athlete(undefined, ROOMY);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: MONTH }, { details: true, noCoordinates: true });
    const streams = await rowsOf(store, STREAMS);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((r) => r.lat === null && r.lng === null)).toBe(true);
    expect(streams.some((r) => r.heartrate !== null || r.distance_m !== null)).toBe(true);
    const silver = await rowsOf(store, SILVER);
    expect(
      silver.every(
        (r) => r.start_latlng === null && r.end_latlng === null && r.summary_polyline === null,
      ),
    ).toBe(true);
    const landing = await fs.readdir(path.join(dir, 'landing/activities', `month=${MONTH}`));
    const csv = await fs.readFile(
      path.join(dir, 'landing/activities', `month=${MONTH}`, landing[0]!),
      'utf8',
    );
    // The header names the columns; no cell holds a position (the raw JSON's keys are gone too).
    expect(csv).not.toMatch(/latlng""|polyline""/);
    expect(csv).toMatch(/^.*start_latlng.*$/m);
  });
});
