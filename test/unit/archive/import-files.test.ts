/**
 * import-archive with activity files: the time zone rules (FIT offset -> zone at the first GPS
 * point -> --timezone) across a month boundary, streams/laps/activity_details from FIT, GPX and
 * TCX (gzipped or not), bad files, --no-coordinates, re-import, the API's detail phase,
 * which sends no request for what the archive gave, and the spool of parsed files (a private
 * temp folder that no success, refusal or crash leaves behind).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importArchive } from '../../../src/archive/import.js';
import { archiveSummarySha256 } from '../../../src/details/summary-hash.js';
import { runDetailPhase, type DetailClient } from '../../../src/details/phase.js';
import { DEFAULT_PRIVACY } from '../../../src/details/privacy.js';
import { ARCHIVE_ACTIVITIES } from '../../../src/lakehouse/archive-table.js';
import { ACTIVITY_DETAILS, LAPS, STREAMS } from '../../../src/lakehouse/detail-tables.js';
import { EmbeddedEngine } from '../../../src/lakehouse/embedded.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { FolderStore } from '../../../src/landing/folder.js';
import type { Progress } from '../../../src/progress.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { fitFile, gpxFile, gz, tcxFile, type TrackSpec } from '../../support/activity-files.js';
import { activitiesCsv, type ZipEntry, importScratch, refusal } from '../../support/archive.js';
import { runIn, startAthlete, tableState, type Athlete } from '../../support/pipeline.js';

const TOKYO = 'Asia/Tokyo';
const { dir: scratch, fresh, zipOf, config } = importScratch('sl-archive-files-', TOKYO);
const micros = (iso: string) => Date.parse(iso) * 1000;

/** silver's rows as the engine reads them (bigint longs, epoch-microsecond timestamps), by id. */
async function typedSilver(warehouse: string) {
  const table = new DeltaTable(new FolderStore(warehouse), SILVER);
  const rows = await table.readRows((await table.snapshot())!.files);
  return new Map(rows.map((r) => [Number(r.id as bigint), r]));
}

/** 22:30 UTC on 30 June: 1 July in Paris (+2) and Tokyo (+9), still 30 June in New York (-4). */
const START = '2025-06-30T22:30:00Z';
const PARIS: [number, number] = [48.8566, 2.3522];
const NEW_YORK: [number, number] = [40.7128, -74.006];
const track = (t: Partial<TrackSpec>): TrackSpec => ({
  start: new Date(START),
  samples: 120,
  origin: PARIS,
  speed: 3,
  laps: 2,
  ...t,
});

interface Case {
  id: number;
  file: string;
  data: Buffer | string | null;
}

/** The export: one activity per case, recorded activities given new ids and START. */
function exportOf(cases: readonly Case[]): { entries: ZipEntry[]; activities: StravaActivity[] } {
  const base = recordedActivities().filter((a) => !a.manual);
  const activities = cases.map((c, i) => ({
    ...base[i]!,
    id: c.id,
    start_date: START,
    manual: c.data === null,
  }));
  const files = new Map(cases.map((c) => [c.id, c.file]));
  return {
    activities,
    entries: [
      {
        name: 'activities.csv',
        data: activitiesCsv(activities, '2025', true, (a) => files.get(a.id)!),
      },
      ...cases.flatMap((c) => (c.data === null ? [] : [{ name: c.file, data: c.data }])),
    ],
  };
}

const CASES: Case[] = [
  // FIT offset +02:00 decides, though the position is New York's.
  {
    id: 9001,
    file: 'activities/9001.fit.gz',
    data: gz(fitFile(track({ fitOffsetS: 7200, origin: NEW_YORK }))),
  },
  // No offset: the zone at the first point (New York).
  { id: 9002, file: 'activities/9002.gpx', data: gpxFile(track({ origin: NEW_YORK })) },
  // No offset: Paris from the first point of a TCX.
  { id: 9003, file: 'activities/9003.tcx.gz', data: gz(tcxFile(track({ laps: 3 }))) },
  // Indoor FIT without offset: only --timezone can decide.
  { id: 9004, file: 'activities/9004.fit', data: fitFile(track({ origin: null })) },
  // Manual: no file, --timezone decides.
  { id: 9005, file: '', data: null },
];

async function tables(warehouse: string) {
  const store = new FolderStore(warehouse);
  const [silver, archive, details, laps, streams] = await Promise.all(
    [SILVER, ARCHIVE_ACTIVITIES, ACTIVITY_DETAILS, LAPS, STREAMS].map((d) => tableState(store, d)),
  );
  return {
    silver: silver!,
    archive: archive!,
    details: details!,
    laps: laps!,
    streams: streams!,
  };
}

/** A Strava client that counts what the detail phase asks of it and answers nothing. */
function countingClient(): DetailClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get requestCount() {
      return asked.length;
    },
    remainingToday: () => undefined,
    getActivity: (id) => {
      asked.push(`activity ${id}`);
      return Promise.resolve(undefined);
    },
    getStreams: (id) => {
      asked.push(`streams ${id}`);
      return Promise.resolve(undefined);
    },
    getGear: (id) => {
      asked.push(`gear ${id}`);
      return Promise.resolve(undefined);
    },
    getAthleteZones: () => {
      asked.push('zones');
      return Promise.resolve({});
    },
  };
}

describe('import-archive with activity files', () => {
  it('decides local time by FIT offset, then GPS zone, then --timezone, across the month boundary', async () => {
    const { entries } = exportOf(CASES);
    const warehouse = fresh('wh');
    const { records } = await importArchive(config(await zipOf(entries), warehouse));
    const t = await tables(warehouse);
    const silver = new Map(t.silver.rows.map((r) => [r.id, r]));
    const local = (id: number) => [
      silver.get(id)!.month,
      silver.get(id)!.start_date_local,
      silver.get(id)!.utc_offset,
      silver.get(id)!.timezone,
    ];
    expect(local(9001)).toEqual(['2025-07', micros('2025-07-01T00:30:00Z'), 7200, '(GMT+02:00)']);
    expect(local(9002)).toEqual([
      '2025-06',
      micros('2025-06-30T18:30:00Z'),
      -14400,
      '(GMT-05:00) America/New_York',
    ]);
    expect(local(9003)).toEqual([
      '2025-07',
      micros('2025-07-01T00:30:00Z'),
      7200,
      '(GMT+01:00) Europe/Paris',
    ]);
    for (const id of [9004, 9005]) {
      expect(local(id)).toEqual([
        '2025-07',
        micros('2025-07-01T07:30:00Z'),
        32400,
        '(GMT+09:00) Asia/Tokyo',
      ]);
    }
    expect(t.archive.rows.map((r) => [r.id, r.timezone_source, r.timezone_name])).toEqual([
      [9001, 'fit_offset', 'UTC+02:00'],
      [9002, 'gps', 'America/New_York'],
      [9003, 'gps', 'Europe/Paris'],
      [9004, 'flag', TOKYO],
      [9005, 'flag', TOKYO],
    ]);
    expect(records.map((r) => [r.month, r.archive!.timezone])).toEqual([
      ['2025-06', { flag: TOKYO, rules: { gps: 1 } }],
      ['2025-07', { flag: TOKYO, rules: { fit_offset: 1, gps: 1, flag: 2 } }],
    ]);
  });

  it('fills streams, laps and activity_details with the archive hash of the silver row, in the silver month', async () => {
    const { entries } = exportOf(CASES);
    const warehouse = fresh('wh');
    const { records } = await importArchive(config(await zipOf(entries), warehouse));
    const t = await tables(warehouse);
    const silver = new Map(t.silver.rows.map((r) => [r.id, r]));
    const typed = await typedSilver(warehouse);
    const perId = (rows: Record<string, unknown>[]) => {
      const m = new Map<number, number>();
      for (const r of rows)
        m.set(r.activity_id as number, (m.get(r.activity_id as number) ?? 0) + 1);
      return Object.fromEntries(m);
    };
    expect(perId(t.streams.rows)).toEqual({ 9001: 120, 9002: 120, 9003: 120, 9004: 120 });
    // GPX: no laps; FIT two, TCX three.
    expect(perId(t.laps.rows)).toEqual({ 9001: 2, 9003: 3, 9004: 2 });
    expect(
      t.details.rows.map((r) => [
        r.activity_id,
        r.status,
        r.month,
        r.stream_samples,
        r.lap_count,
        r.summary_sha256,
      ]),
    ).toEqual(
      [9001, 9002, 9003, 9004, 9005].map((id) => [
        id,
        'archive',
        silver.get(id)!.month,
        id === 9005 ? 0 : 120,
        { 9001: 2, 9002: 0, 9003: 3, 9004: 2, 9005: 0 }[id],
        archiveSummarySha256(typed.get(id)!),
      ]),
    );
    for (const r of t.streams.rows)
      expect(r.month).toBe(silver.get(r.activity_id as number)!.month);
    const ny = t.streams.rows.find((r) => r.activity_id === 9002 && r.sample_index === 0)!;
    expect(ny.lat as number).toBeCloseTo(NEW_YORK[0], 6);
    expect(records.map((r) => [r.month, r.stravaRequests, r.archive!.details])).toEqual([
      ['2025-06', 0, { activities: 1, samples: 120, laps: 0, keptFromApi: 0 }],
      ['2025-07', 0, { activities: 4, samples: 360, laps: 7, keptFromApi: 0 }],
    ]);

    // The API's detail phase finds every activity current: not one request.
    const client = countingClient();
    const engine = new EmbeddedEngine(new FolderStore(warehouse));
    const done = await runDetailPhase({
      engine,
      client,
      privacy: DEFAULT_PRIVACY,
      ctx: { runId: 'after-import', force: false },
      silverChangedMonths: [],
    });
    // Only the athlete's zones, which no export holds.
    expect(client.asked).toEqual(['zones']);
    expect([done.fetched, done.queued, done.withDetails]).toEqual([0, 0, 5]);
  });

  it('imports the same export again as a no-op on every table', async () => {
    const { entries } = exportOf(CASES);
    const zip = await zipOf(entries);
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse));
    const before = await tables(warehouse);
    const { records } = await importArchive(config(zip, warehouse));
    const after = await tables(warehouse);
    for (const k of ['silver', 'archive', 'details', 'laps', 'streams'] as const) {
      expect([k, after[k].version]).toEqual([k, before[k].version]);
    }
    expect(records.map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('without --timezone: refuses the activities no rule decides, or leaves them out with --skip-bad-files', async () => {
    const { entries } = exportOf(CASES);
    const zip = await zipOf(entries);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse, { timezone: undefined })))).toMatch(
      /: no time zone rule decides the local time of 2 activities, the first activity 9004 \(activities\/9004\.fit\): its file gives no FIT time offset and no position\. Give the time zone you record in with --timezone/,
    );
    expect(await fs.readdir(warehouse).catch(() => [])).toEqual([]);
    const { records } = await importArchive(
      config(zip, warehouse, { timezone: undefined, skipBadFiles: true }),
    );
    const t = await tables(warehouse);
    expect(t.silver.rows.map((r) => r.id).sort()).toEqual([9001, 9002, 9003]);
    for (const r of records) {
      expect(r.archive!.timezone.flag).toBeNull();
      expect(r.archive!.undecidedActivities).toEqual([
        'activity 9004 (activities/9004.fit)',
        'activity 9005 (no activity file)',
      ]);
    }
  });

  it('a bad FIT CRC, a truncated gzip, a GPX that is not XML: one line, nothing written; listed with --skip-bad-files', async () => {
    const fit = fitFile(track({ fitOffsetS: 3600 }));
    fit[fit.length - 20] = fit[fit.length - 20]! ^ 0x55;
    const zipped = gz(gpxFile(track({})));
    const bad: Case[] = [
      { id: 9101, file: 'activities/9101.fit', data: fit },
      { id: 9102, file: 'activities/9102.gpx.gz', data: zipped.subarray(0, zipped.length - 30) },
      { id: 9103, file: 'activities/9103.gpx', data: '{"not": "xml"}' },
      { id: 9104, file: 'activities/9104.tcx', data: tcxFile(track({})) },
    ];
    const zip = await zipOf(exportOf(bad).entries);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
      /: 3 activity file\(s\) named in activities\.csv cannot be read, the first activities\/9101\.fit \(activity 9101\) is a damaged FIT file \(its size or CRC does not match its header\)\. Run again with --skip-bad-files/,
    );
    expect(await fs.readdir(warehouse).catch(() => [])).toEqual([]);
    const { records } = await importArchive(config(zip, warehouse, { skipBadFiles: true }));
    expect(records.flatMap((r) => r.archive!.unreadableFiles)).toEqual([
      'activities/9101.fit (activity 9101) is a damaged FIT file (its size or CRC does not match its header)',
      'activities/9102.gpx.gz (activity 9102) cannot be read as gzip: unexpected end of file',
      expect.stringMatching(/^activities\/9103\.gpx \(activity 9103\) is not well-formed XML: /),
    ]);
    const t = await tables(warehouse);
    // The activities are imported from activities.csv; only the readable file gives details.
    expect(t.silver.rows.map((r) => r.id)).toEqual([9101, 9102, 9103, 9104]);
    expect(t.details.rows.map((r) => r.activity_id)).toEqual([9104]);
    expect(new Set(t.streams.rows.map((r) => r.activity_id))).toEqual(new Set([9104]));
  });

  it('keeps positions out of the streams with --no-coordinates', async () => {
    const zip = await zipOf(exportOf(CASES).entries);
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse, { noCoordinates: true }));
    const t = await tables(warehouse);
    expect(t.streams.rows).toHaveLength(480);
    expect(t.streams.rows.filter((r) => r.lat !== null || r.lng !== null)).toEqual([]);
    expect(t.streams.rows.filter((r) => r.heartrate !== null)).toHaveLength(480);
  });
});

/** Every entry under `dir`, as paths relative to it (sorted). */
async function listing(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** A progress that lists the spool's parent folder as each named group starts. */
function watching(parent: string, groups: RegExp): Progress & { seen: Map<string, string[]> } {
  const seen = new Map<string, string[]>();
  return {
    seen,
    info: () => {},
    warn: () => {},
    update: () => {},
    group: async (name, fn) => {
      if (groups.test(name)) seen.set(name, await listing(parent));
      return fn();
    },
  };
}

/** A folder store whose writes under silver/streams fail: a crash in the middle of writeDetails. */
class FailingStreamsStore extends FolderStore {
  override async put(key: string, body: Uint8Array | string): Promise<void> {
    if (key.startsWith('silver/streams/')) throw new Error(`injected: disk gone writing ${key}`);
    return super.put(key, body);
  }
}

describe('the spool of parsed activity files', () => {
  it('the details pass reads the spool, one file per readable activity; nothing is left after', async () => {
    const zip = await zipOf(exportOf(CASES).entries);
    const parent = await fs.mkdtemp(path.join(scratch(), 'spool-'));
    const progress = watching(parent, /^(Check \d|Streams and laps)/);
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse), { progress, spoolParent: parent });
    const [check, streams] = [...progress.seen.values()];
    // Made before the files are checked, filled by the check: 9005 is manual (no file).
    expect(check).toHaveLength(1);
    const dir = check![0]!;
    expect(dir).toMatch(/^strava-lakehouse-import-/);
    expect(streams).toEqual([dir, ...[9001, 9002, 9003, 9004].map((id) => `${dir}/${id}.v8`)]);
    expect(await fs.readdir(parent)).toEqual([]);
    const t = await tables(warehouse);
    expect(t.streams.rows).toHaveLength(480);
    expect(t.details.rows).toHaveLength(5);
  });

  it('nothing is left after a refused file', async () => {
    const fit = fitFile(track({ fitOffsetS: 3600 }));
    fit[fit.length - 20] = fit[fit.length - 20]! ^ 0x55;
    const cases: Case[] = [
      { id: 9201, file: 'activities/9201.tcx', data: tcxFile(track({})) },
      { id: 9202, file: 'activities/9202.fit', data: fit },
    ];
    const zip = await zipOf(exportOf(cases).entries);
    const parent = await fs.mkdtemp(path.join(scratch(), 'spool-'));
    const progress = watching(parent, /^Check \d/);
    const warehouse = fresh('wh');
    expect(
      await refusal(importArchive(config(zip, warehouse), { progress, spoolParent: parent })),
    ).toMatch(/activities\/9202\.fit \(activity 9202\) is a damaged FIT file/);
    expect([...progress.seen.values()][0]).toHaveLength(1);
    expect(await fs.readdir(parent)).toEqual([]);
    expect(await fs.readdir(warehouse).catch(() => [])).toEqual([]);
  });

  it('nothing is left after a crash in the middle of writing the details', async () => {
    const zip = await zipOf(exportOf(CASES).entries);
    const parent = await fs.mkdtemp(path.join(scratch(), 'spool-'));
    const progress = watching(parent, /^Streams and laps/);
    const warehouse = fresh('wh');
    const err = await importArchive(config(zip, warehouse), {
      progress,
      spoolParent: parent,
      store: new FailingStreamsStore(warehouse),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^injected: disk gone writing silver\/streams\//);
    // The spool was full when the details began, and is gone all the same.
    expect([...progress.seen.values()][0]).toHaveLength(5);
    expect(await fs.readdir(parent)).toEqual([]);
    // silver was written before the details; the streams table never got a commit.
    const t = await tables(warehouse);
    expect(t.silver.rows).toHaveLength(5);
    expect(t.streams.version).toBeNull();
  });
});

describe('import-archive and the API on the detail tables', () => {
  const NY = 'America/New_York';
  const MONTH = '2024-10';
  let athlete: Athlete;
  let zip: string;
  let listed: StravaActivity[];
  /** An activity the export has and the API does not list. */
  let archiveOnly: StravaActivity;

  beforeAll(async () => {
    const all = recordedActivities()
      .filter((a) => a.timezone.endsWith(NY) && a.start_date_local.startsWith(MONTH))
      .filter((a) => !a.manual)
      .sort((a, b) => a.id - b.id)
      .slice(0, 6);
    archiveOnly = all[2]!;
    listed = all.filter((a) => a.id !== archiveOnly.id);
    athlete = await startAthlete(listed);
    // Each file a GPX track starting in New York: the gps rule gives the API's own zone.
    zip = await zipOf([
      { name: 'activities.csv', data: activitiesCsv(all) },
      ...all.map((a) => ({
        name: `activities/${a.id}.gpx`,
        data: gpxFile(track({ start: new Date(a.start_date), samples: 60, origin: NEW_YORK })),
      })),
    ]);
  });
  afterAll(async () => {
    await athlete.close();
  });

  const detailRequests = () =>
    athlete.sim.state.requests.filter((r) => /^\/(api\/v3\/)?activities\/\d+/.test(r.path)).length;
  const statusById = async (warehouse: string) =>
    Object.fromEntries(
      (await tables(warehouse)).details.rows.map((r) => [r.activity_id, r.status]),
    );

  it('API then import: the API details stay, the archive fills only what the API has not', async () => {
    const warehouse = fresh('wh');
    await runIn(athlete, warehouse, { month: MONTH }, { details: true });
    const apiDetails = (await tables(warehouse)).details.rows;
    expect(apiDetails.map((r) => r.status)).toEqual(listed.map(() => 'fetched'));
    const { records } = await importArchive(config(zip, warehouse, { timezone: undefined }));
    expect(records.map((r) => r.archive!.details)).toEqual([
      { activities: 1, samples: 60, laps: 0, keptFromApi: listed.length },
    ]);
    const after = await tables(warehouse);
    expect(after.details.rows.filter((r) => r.activity_id !== archiveOnly.id)).toEqual(apiDetails);
    expect(await statusById(warehouse)).toEqual({
      ...Object.fromEntries(listed.map((a) => [a.id, 'fetched'])),
      [archiveOnly.id]: 'archive',
    });
    // The API's streams of the listed activities are untouched.
    const streamsOf = (id: number) => after.streams.rows.filter((r) => r.activity_id === id);
    expect(streamsOf(listed[0]!.id).length).toBeGreaterThan(60);
    expect(streamsOf(archiveOnly.id)).toHaveLength(60);
    // The next API run finds every activity's details current: no detail request.
    const before = detailRequests();
    const [run] = (await runIn(athlete, warehouse, { month: MONTH }, { details: true })).records;
    expect(detailRequests() - before).toBe(0);
    expect([run!.details!.fetched, run!.details!.queued]).toEqual([0, 0]);
  });

  it("import then API: the archive's details stand through API runs until the athlete edits the activity", async () => {
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse, { timezone: undefined }));
    expect(await statusById(warehouse)).toEqual(
      Object.fromEntries([...listed, archiveOnly].map((a) => [a.id, 'archive'])),
    );
    const imported = (await tables(warehouse)).details.rows;
    const listedIds = new Set(listed.map((a) => a.id));
    const ofListed = (rows: Record<string, unknown>[]) =>
      rows.filter((r) => listedIds.has(r.activity_id as number));
    // An API run replaces the month's silver rows with the API's, whose summaries carry fields
    // the export has not (private, gear_id, workout_type, device_watts, doubles beyond 32-bit
    // floats). Their archive hash is the export's: not one detail request.
    let before = detailRequests();
    const [first] = (await runIn(athlete, warehouse, { month: MONTH }, { details: true })).records;
    expect(detailRequests() - before).toBe(0);
    expect([first!.details!.fetched, first!.details!.queued]).toEqual([0, 0]);
    const t = await tables(warehouse);
    expect(t.silver.rows.map((r) => [r.id, r.private, r.gear_id, r.distance])).toEqual(
      listed.map((a) => [a.id, a.private, a.gear_id ?? null, a.distance]),
    );
    // The archive's details stand, untouched, for every activity the API listed; the
    // archive-only activity left silver with the month's archive file, and its details with it.
    expect(ofListed(t.details.rows)).toEqual(ofListed(imported));
    expect(await statusById(warehouse)).toEqual(
      Object.fromEntries(listed.map((a) => [a.id, 'archive'])),
    );

    // The athlete renames one activity on Strava: the next run fetches exactly that one (its
    // detail and its streams), and the API's details replace the archive's.
    const edited = listed[1]!;
    athlete.sim.editActivity(edited.id, { name: `${edited.name} (renamed on Strava)` });
    try {
      before = detailRequests();
      const sent = athlete.sim.state.requests.length;
      const [second] = (await runIn(athlete, warehouse, { month: MONTH }, { details: true }))
        .records;
      expect(
        athlete.sim.state.requests
          .slice(sent)
          .filter((r) => /^\/(api\/v3\/)?activities\/\d+/.test(r.path))
          .map((r) => r.path.replace(/^\/api\/v3/, '').replace(/\?.*$/, '')),
      ).toEqual([`/activities/${edited.id}`, `/activities/${edited.id}/streams`]);
      expect(detailRequests() - before).toBe(2);
      expect([second!.details!.fetched, second!.details!.queued]).toEqual([1, 0]);
      expect(await statusById(warehouse)).toEqual(
        Object.fromEntries(listed.map((a) => [a.id, a.id === edited.id ? 'fetched' : 'archive'])),
      );
      const after = await tables(warehouse);
      const streamsOf = (id: number) => after.streams.rows.filter((r) => r.activity_id === id);
      expect(streamsOf(edited.id).length).toBeGreaterThan(60);
      expect(streamsOf(listed[0]!.id)).toHaveLength(60);

      // The next import puts the archive-only activity back, with its details; it leaves the
      // API's details alone and rewrites none of the archive's.
      const { records } = await importArchive(config(zip, warehouse, { timezone: undefined }));
      expect(records[0]!.archive!.details).toEqual({
        activities: 1,
        samples: 60,
        laps: 0,
        keptFromApi: 1,
      });
      expect(await statusById(warehouse)).toEqual({
        ...Object.fromEntries(
          listed.map((a) => [a.id, a.id === edited.id ? 'fetched' : 'archive']),
        ),
        [archiveOnly.id]: 'archive',
      });
    } finally {
      athlete.sim.editActivity(edited.id, { name: edited.name });
    }
  });
});
