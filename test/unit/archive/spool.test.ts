/**
 * The import's spool (src/archive/spool.ts): a parsed track comes back exactly as it went in
 * (every value, every null, the laps and the time zone hints), from FIT, GPX and TCX files and
 * from values a Float32 column cannot hold; its folder is private and close() removes it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatOf,
  parseActivityFile,
  readEntryBytes,
  type ActivityTrack,
} from '../../../src/archive/files.js';
import { TrackSpool, decodeTrack, encodeTrack } from '../../../src/archive/spool.js';
import { ArchiveError } from '../../../src/errors.js';
import { fitFile, gpxFile, gz, tcxFile, type TrackSpec } from '../../support/activity-files.js';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-spool-test-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const spec: TrackSpec = {
  start: new Date('2025-06-30T21:30:00Z'),
  samples: 300,
  origin: [48.8566, 2.3522],
  speed: 3.1,
  laps: 3,
  fitOffsetS: 7200,
};

const parsed = async (data: Buffer | string, name: string): Promise<ActivityTrack> => {
  const kind = formatOf(name)!;
  const bytes = await readEntryBytes(Readable.from([Buffer.from(data)]), name, kind.gzip, 1 << 24);
  return parseActivityFile(bytes, name, kind.format);
};

describe('the import spool', () => {
  it('gives back the tracks of FIT, GPX and TCX files exactly', async () => {
    const tracks = [
      await parsed(fitFile(spec), 'activities/1.fit'),
      await parsed(gz(gpxFile({ ...spec, fitOffsetS: undefined })), 'activities/2.gpx.gz'),
      await parsed(tcxFile({ ...spec, origin: null }), 'activities/3.tcx'),
    ];
    for (const track of tracks) {
      expect(track.samples.length).toBeGreaterThan(0);
      expect(decodeTrack(encodeTrack(track))).toStrictEqual(track);
    }
  });

  it('keeps nulls, columns without any value, Float64-only values, an empty track', () => {
    const track: ActivityTrack = {
      format: 'gpx',
      samples: [
        {
          t: 1_751_319_000_123,
          lat: 48.856_612_345_678_9,
          lng: null,
          altitude: 35.5,
          distance: 0.1,
          speed: null,
          heartrate: 141,
          cadence: null,
          watts: 1e-7,
          grade: null,
        },
        {
          t: 1_751_319_001_123,
          lat: null,
          lng: -0.000_001,
          altitude: null,
          distance: 3.000_000_000_1,
          speed: null,
          heartrate: null,
          cadence: 88.5,
          watts: 250,
          grade: null,
        },
      ],
      laps: [],
      fitOffsetS: null,
      firstPoint: null,
    };
    expect(decodeTrack(encodeTrack(track))).toStrictEqual(track);
    const empty: ActivityTrack = { ...track, samples: [], firstPoint: [1.5, 2.25] };
    expect(decodeTrack(encodeTrack(empty))).toStrictEqual(empty);
  });

  it('holds each track once in a private folder that close() removes', async () => {
    const parent = await fs.mkdtemp(path.join(tmp, 'parent-'));
    const spool = await TrackSpool.open(parent);
    expect(path.dirname(spool.dir)).toBe(parent);
    expect((await fs.stat(spool.dir)).mode & 0o777).toBe(0o700);
    const track = await parsed(fitFile(spec), 'activities/1.fit');
    await spool.put(7, track);
    expect(spool.has(7)).toBe(true);
    expect(await fs.readdir(spool.dir)).toEqual(['7.v8']);
    expect(await spool.take(7)).toStrictEqual(track);
    // Taken: its file is gone, and a second take is one line naming the folder.
    expect(spool.has(7)).toBe(false);
    expect(await fs.readdir(spool.dir)).toEqual([]);
    const again = await spool.take(7).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ArchiveError);
    expect((again as ArchiveError).message).toContain(
      `${spool.dir}: the parsed file of activity 7`,
    );
    await spool.put(8, track);
    await spool.close();
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('a spool folder that cannot be written is one line naming it', async () => {
    const parent = await fs.mkdtemp(path.join(tmp, 'parent-'));
    const spool = await TrackSpool.open(parent);
    await fs.rm(spool.dir, { recursive: true });
    const err = await spool
      .put(9, await parsed(gpxFile(spec), 'activities/9.gpx'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).line).toMatch(
      new RegExp(`^${spool.dir}: cannot keep the parsed file of activity 9 there: ENOENT`),
    );
    expect((err as ArchiveError).line).not.toContain('\n');
    await spool.close();
  });
});
