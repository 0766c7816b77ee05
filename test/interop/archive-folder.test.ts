/**
 * An archive import (an export built from the recorded athlete in the real 2025 layout, see
 * test/support/archive.ts), merged into a warehouse an API run filled first, read back by
 * delta-rs: silver (API rows and the archive's own) and silver/archive_activities, with the
 * schemas tables.ts and archive-table.ts define.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { importArchive } from '../../src/archive/import.js';
import { ARCHIVE_ACTIVITIES } from '../../src/lakehouse/archive-table.js';
import { SILVER, type TableDef } from '../../src/lakehouse/tables.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { exportEntries, writeZip } from '../support/archive.js';
import { runIn, startAthlete, deltaRsBesideOurs } from '../support/pipeline.js';

const NY = 'America/New_York';
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-archive-interop-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function read(def: TableDef, warehouse: string) {
  const view = await deltaRsBesideOurs(def, warehouse);
  expect(view.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  return view;
}

test('delta-rs reads silver and silver/archive_activities after an API run and an import', async () => {
  const activities = recordedActivities().filter(
    (a) => a.timezone.endsWith(NY) && a.start_date_local.startsWith('2025-0'),
  );
  // The API lists all but one: that one comes from the export alone.
  const [archiveOnly, ...listed] = activities;
  const athlete = await startAthlete(listed);
  const warehouse = path.join(dir, 'wh');
  try {
    await runIn(athlete, warehouse, { from: '2025-01', to: '2025-09' });
  } finally {
    await athlete.close();
  }
  const zip = path.join(dir, 'export.zip');
  await writeZip(zip, exportEntries(activities));
  const { records } = await importArchive({
    archive: zip,
    warehouse,
    timezone: NY,
    skipBadFiles: false,
  });
  expect(records.length).toBeGreaterThan(0);

  const silver = await read(SILVER, warehouse);
  expect(silver.rs).toEqual(silver.ours);
  expect(silver.rs.map((r) => r.id)).toEqual(activities.map((a) => a.id).sort((a, b) => a - b));
  const fromExport = silver.rs.find((r) => r.id === archiveOnly!.id)!;
  // The archive's row: its 32-bit distance, and null where the export has nothing.
  expect(fromExport.distance).toBe(Math.fround(archiveOnly!.distance));
  expect(fromExport.athlete_id).toBeNull();
  const fromApi = silver.rs.find((r) => r.id === listed[0]!.id)!;
  expect(fromApi.distance).toBe(listed[0]!.distance);
  expect(fromApi.athlete_id).not.toBeNull();

  const archive = await read(ARCHIVE_ACTIVITIES, warehouse);
  expect(archive.rs).toEqual(archive.ours);
  expect(archive.rs.map((r) => [r.id, r.month, r.timezone_source, r.timezone_name])).toEqual(
    [...activities]
      .sort((a, b) => a.id - b.id)
      .map((a) => [a.id, a.start_date_local.slice(0, 7), 'flag', NY]),
  );
});
