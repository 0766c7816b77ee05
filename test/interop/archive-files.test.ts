/**
 * The detail tables an archive import writes from activity files (FIT encoded with Garmin's SDK,
 * GPX and TCX generated, see test/support/activity-files.ts), read back by delta-rs with the
 * schemas detail-tables.ts defines: silver/streams, silver/laps and silver/activity_details.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { importArchive } from '../../src/archive/import.js';
import { ACTIVITY_DETAILS, LAPS, STREAMS } from '../../src/lakehouse/detail-tables.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { fitFile, gpxFile, gz, tcxFile } from '../support/activity-files.js';
import { activitiesCsv, writeZip } from '../support/archive.js';
import { deltaRsBesideOurs } from '../support/pipeline.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-archive-files-interop-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const read = deltaRsBesideOurs;

test('delta-rs reads the streams, laps and activity_details an import wrote from FIT, GPX and TCX files', async () => {
  const base = recordedActivities()
    .filter((a) => !a.manual)
    .slice(0, 3);
  const starts = ['2025-06-30T22:30:00Z', '2025-07-02T06:00:00Z', '2025-07-03T17:00:00Z'];
  const activities = base.map((a, i) => ({ ...a, id: 7001 + i, start_date: starts[i]! }));
  const names = ['activities/7001.fit.gz', 'activities/7002.gpx', 'activities/7003.tcx.gz'];
  const spec = (i: number) => ({
    start: new Date(starts[i]!),
    samples: 300,
    origin: [45.764, 4.8357] as [number, number],
    laps: 2,
    fitOffsetS: 7200,
  });
  const zip = path.join(dir, 'export.zip');
  await writeZip(zip, [
    {
      name: 'activities.csv',
      data: activitiesCsv(activities, '2025', true, (a) => names[a.id - 7001]!),
    },
    { name: names[0]!, data: gz(fitFile(spec(0))) },
    { name: names[1]!, data: gpxFile(spec(1)) },
    { name: names[2]!, data: gz(tcxFile(spec(2))) },
  ]);
  const warehouse = path.join(dir, 'wh');
  await importArchive({ archive: zip, warehouse, timezone: undefined, skipBadFiles: false });

  const streams = await read(STREAMS, warehouse);
  expect(streams.rs).toHaveLength(900);
  expect(streams.rs).toEqual(streams.ours);
  const laps = await read(LAPS, warehouse);
  expect(laps.rs.map((r) => [r.activity_id, r.lap_index, r.start_index, r.end_index])).toEqual([
    [7001, 1, 0, 149],
    [7001, 2, 150, 299],
    [7003, 1, 0, 149],
    [7003, 2, 150, 299],
  ]);
  expect(laps.rs).toEqual(laps.ours);
  const details = await read(ACTIVITY_DETAILS, warehouse);
  expect(details.rs.map((r) => [r.activity_id, r.status, r.month, r.stream_samples])).toEqual([
    [7001, 'archive', '2025-07', 300],
    [7002, 'archive', '2025-07', 300],
    [7003, 'archive', '2025-07', 300],
  ]);
  expect(details.rs).toEqual(details.ours);
});
