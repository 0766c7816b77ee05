/**
 * Activity files (FIT through Garmin's SDK, GPX and TCX streamed through saxes) -> tracks ->
 * the rows of silver/streams, silver/laps and silver/activity_details, and the files that
 * cannot be read.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_STATUS, trackRows } from '../../../src/archive/detail-rows.js';
import {
  formatOf,
  parseActivityFile,
  readEntryBytes,
  type ActivityTrack,
} from '../../../src/archive/files.js';
import { ArchiveError } from '../../../src/errors.js';
import { LAPS, STREAMS, ACTIVITY_DETAILS } from '../../../src/lakehouse/detail-tables.js';
import type { Month } from '../../../src/strava/months.js';
import {
  fitFile,
  gpxFile,
  gz,
  samplesOf,
  tcxFile,
  type TrackSpec,
} from '../../support/activity-files.js';

const spec: TrackSpec = {
  start: new Date('2025-06-30T21:30:00Z'),
  samples: 600,
  origin: [48.8566, 2.3522],
  speed: 3,
  laps: 2,
  fitOffsetS: 7200,
};

const bytesOf = (s: Buffer | string) => Buffer.from(s);
const read = (data: Buffer | string, name: string, max = 1 << 24) => {
  const kind = formatOf(name)!;
  return readEntryBytes(Readable.from([bytesOf(data)]), name, kind.gzip, max).then((b) =>
    parseActivityFile(b, name, kind.format),
  );
};

const rowsOf = (track: ActivityTrack, noCoordinates = false) =>
  trackRows(track, {
    activityId: 42n,
    month: '2025-07' as Month,
    summarySha256: 'a'.repeat(64),
    fetchedAtMicros: 1n,
    utcOffsetS: 7200,
    description: 'desc',
    calories: 321,
    noCoordinates,
  });

describe('activity files', () => {
  it('reads a FIT file: 1 Hz samples in SI units, its laps and its local time offset', async () => {
    const track = await read(fitFile(spec), 'activities/1.fit');
    expect(track.format).toBe('fit');
    expect(track.fitOffsetS).toBe(7200);
    expect(track.samples).toHaveLength(600);
    expect(track.firstPoint![0]).toBeCloseTo(48.8566, 5);
    expect(track.firstPoint![1]).toBeCloseTo(2.3522, 5);
    const rows = rowsOf(track);
    const want = samplesOf(spec);
    expect(rows.streams).toHaveLength(600);
    const s = rows.streams[100]!;
    expect(Object.keys(s).sort()).toEqual(STREAMS.columns.map((c) => c.name).sort());
    expect(s.time_s).toBe(100n);
    expect(s.sample_index).toBe(100n);
    expect(s.distance_m as number).toBeCloseTo(want[100]!.distance, 2);
    expect(s.lat as number).toBeCloseTo(want[100]!.lat!, 6);
    expect(s.lng as number).toBeCloseTo(want[100]!.lng!, 6);
    expect(s.altitude_m as number).toBeCloseTo(want[100]!.altitude, 0);
    expect([s.heartrate, s.cadence, s.watts]).toEqual([
      BigInt(want[100]!.heartrate),
      BigInt(want[100]!.cadence),
      BigInt(want[100]!.watts),
    ]);
    expect(s.velocity_smooth as number).toBeCloseTo(3, 2);
    expect(s.moving).toBe(true);
    expect(rows.laps).toHaveLength(2);
    expect(Object.keys(rows.laps[0]!).sort()).toEqual(LAPS.columns.map((c) => c.name).sort());
    expect(rows.laps.map((l) => [l.lap_index, l.start_index, l.end_index, l.elapsed_time])).toEqual(
      [
        [1n, 0n, 299n, 299n],
        [2n, 300n, 599n, 299n],
      ],
    );
    expect(rows.laps[1]!.start_date).toBe(BigInt(spec.start.getTime() + 300_000) * 1000n);
    expect(rows.laps[1]!.start_date_local).toBe(
      BigInt(spec.start.getTime() + 300_000 + 7_200_000) * 1000n,
    );
    expect(rows.laps[0]!.average_watts).toBeGreaterThan(150);
    const d = rows.details;
    expect(Object.keys(d).sort()).toEqual(ACTIVITY_DETAILS.columns.map((c) => c.name).sort());
    expect([d.status, d.lap_count, d.stream_samples, d.description, d.calories]).toEqual([
      ARCHIVE_STATUS,
      2n,
      600n,
      'desc',
      321,
    ]);
    // 1 km at 3 m/s: 333 s or so, from the distance stream.
    expect(d.best_1km_s as number).toBeGreaterThan(330);
    expect(d.best_1km_s as number).toBeLessThan(337);
    expect(d.best_5min_watts).not.toBeNull();
  });

  it('reads a GPX track: distance summed along it, speed derived, no laps', async () => {
    const track = await read(gz(gpxFile(spec)), 'activities/2.gpx.gz');
    expect([track.format, track.fitOffsetS, track.laps.length]).toEqual(['gpx', null, 0]);
    const rows = rowsOf(track);
    expect(rows.laps).toEqual([]);
    expect(rows.details.lap_count).toBe(0n);
    expect(rows.streams).toHaveLength(600);
    const last = rows.streams[599]!;
    expect(last.distance_m as number).toBeCloseTo(599 * 3, -1);
    expect(last.velocity_smooth as number).toBeCloseTo(3, 1);
    expect([last.heartrate, last.cadence, last.watts]).toEqual([
      BigInt(120 + (599 % 40)),
      BigInt(80 + (599 % 10)),
      null,
    ]);
  });

  it('reads GPX/TCX as the XML says, not as it is laid out: a BOM, prefixes, CDATA, entities, a second activity', async () => {
    const gpx = gpxFile({ ...spec, samples: 3 });
    const plain = await read(gpx, 'activities/10.gpx');
    // A byte order mark, a <time> in CDATA and an attribute written with an entity read the same.
    const dressed = `\uFEFF${gpx}`
      .replace(/<time>([^<]+)<\/time><extensions>/, '<time><![CDATA[$1]]></time><extensions>')
      .replace(/lat="(\d)/, 'lat="&#$1;')
      .replace(/lat="&#(\d);/, (_, d: string) => `lat="&#${d.charCodeAt(0)};`);
    expect(dressed).not.toBe(`\uFEFF${gpx}`);
    expect(await read(dressed, 'activities/11.gpx')).toEqual(plain);
    // Only the first <Activity> of a TCX is the activity's.
    const tcx = tcxFile({ ...spec, samples: 6, laps: 2 });
    const one = await read(tcx, 'activities/12.tcx');
    const activity = tcx.slice(tcx.indexOf('<Activity '), tcx.indexOf('</Activities>'));
    const two = tcx.replace(
      '</Activities>',
      `${activity.replace(/<Lap /g, '<Lap Foo="1" ')}</Activities>`,
    );
    expect(two).not.toBe(tcx);
    expect(await read(two, 'activities/13.tcx')).toEqual(one);
    expect([one.samples.length, one.laps.length]).toEqual([6, 2]);
  });

  it('refuses a GPX or TCX cut short, not gzipped, as not well-formed XML', async () => {
    const gpx = gpxFile(spec);
    await expect(read(gpx.slice(0, gpx.length / 2), 'activities/14.gpx')).rejects.toThrow(
      /^activities\/14\.gpx is not well-formed XML: .+\.$/,
    );
    const tcx = tcxFile(spec);
    await expect(read(tcx.slice(0, -60), 'activities/15.tcx')).rejects.toThrow(
      /^activities\/15\.tcx is not well-formed XML: /,
    );
  });

  it('reads a TCX activity with its laps, speed and power', async () => {
    const track = await read(tcxFile({ ...spec, laps: 3 }), 'activities/3.tcx');
    const rows = rowsOf(track);
    expect(rows.laps.map((l) => [l.lap_index, l.start_index, l.end_index])).toEqual([
      [1n, 0n, 199n],
      [2n, 200n, 399n],
      [3n, 400n, 599n],
    ]);
    expect(rows.laps[0]!.distance).toBe(199 * 3);
    expect(rows.streams[10]!.watts).toBe(160n);
    expect(rows.streams[10]!.velocity_smooth).toBe(3);
  });

  it('keeps positions out with --no-coordinates', async () => {
    const rows = rowsOf(await read(fitFile(spec), 'activities/1.fit'), true);
    expect(rows.streams.every((r) => r.lat === null && r.lng === null)).toBe(true);
    expect(rows.streams[5]!.heartrate).not.toBeNull();
  });

  it('an indoor FIT file gives no first point and null positions', async () => {
    const track = await read(fitFile({ ...spec, origin: null }), 'activities/4.fit');
    expect(track.firstPoint).toBeNull();
    expect(rowsOf(track).streams[3]!.lat).toBeNull();
  });

  it('refuses in one line naming the file: a bad FIT CRC, a truncated gzip, GPX/TCX that are not XML', async () => {
    const fit = fitFile(spec);
    fit[fit.length - 10] = fit[fit.length - 10]! ^ 0xff;
    await expect(read(fit, 'activities/5.fit')).rejects.toThrow(
      /^activities\/5\.fit is a damaged FIT file \(its size or CRC does not match its header\)\.$/,
    );
    const zipped = gz(gpxFile(spec));
    await expect(
      read(zipped.subarray(0, zipped.length - 20), 'activities/6.gpx.gz'),
    ).rejects.toThrow(/^activities\/6\.gpx\.gz cannot be read as gzip: unexpected end of file\.$/);
    await expect(read('this is not xml <', 'activities/7.gpx')).rejects.toThrow(
      /^activities\/7\.gpx is not well-formed XML/,
    );
    await expect(read('<html><body/></html>', 'activities/8.tcx')).rejects.toThrow(
      'activities/8.tcx is XML but has no <TrainingCenterDatabase> element.',
    );
    await expect(read(gz(gpxFile(spec)), 'activities/9.gpx.gz', 1000)).rejects.toThrow(
      /expands to more than 1000 bytes/,
    );
    await expect(read('x', 'activities/5.fit')).rejects.toBeInstanceOf(ArchiveError);
  });
});
