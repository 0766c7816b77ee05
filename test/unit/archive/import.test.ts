/**
 * import-archive end to end on a real folder warehouse: test exports built from the recorded
 * athlete (test/support/archive.ts, real header layouts), as a zip, a ZIP64 zip and a folder;
 * the order cases against the Strava simulator (API data wins; re-import is a no-op); and the
 * bad inputs, each refused in one line with nothing written.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveFieldsDiffer } from '../../../src/archive/activities-csv.js';
import { importArchive } from '../../../src/archive/import.js';
import { DEFAULT_LIMITS } from '../../../src/archive/source.js';
import { ArchiveError, ConfigError } from '../../../src/errors.js';
import { ARCHIVE_ACTIVITIES } from '../../../src/lakehouse/archive-table.js';
import { readPublishedSummary } from '../../../src/lakehouse/inspect.js';
import { migrateWarehouse } from '../../../src/lakehouse/migrate.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import type { Month } from '../../../src/strava/months.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import {
  activitiesCsv,
  exportEntries,
  writeFolder,
  type ZipEntry,
  importScratch,
  recordedIn,
  refusal,
} from '../../support/archive.js';
import { runIn, startAthlete, tableState, type Athlete } from '../../support/pipeline.js';

const NY = 'America/New_York';
const MONTHS = ['2024-09', '2024-10', '2024-11'];

const { dir: scratch, fresh, zipOf, config } = importScratch('sl-archive-', NY);

/** The recorded athlete's New York activities of MONTHS, by id. */
const subset = () => recordedIn(NY, MONTHS);

async function state(warehouse: string) {
  const store = new FolderStore(warehouse);
  const [bronze, silver, gold, archive] = await Promise.all(
    [BRONZE, SILVER, GOLD, ARCHIVE_ACTIVITIES].map((def) => tableState(store, def)),
  );
  return { bronze: bronze!, silver: silver!, gold: gold!, archive: archive! };
}

const byId = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [r.id as number, r]));

/** The warehouse folder holds nothing at all (it may not exist). */
async function expectEmpty(warehouse: string): Promise<void> {
  const entries = await fs.readdir(warehouse).catch(() => []);
  expect(entries).toEqual([]);
}

describe('import-archive', () => {
  it('lands one archive file per local month and fills silver, gold and archive_activities', async () => {
    const activities = subset();
    const warehouse = fresh('wh');
    const { records } = await importArchive(
      config(await zipOf(exportEntries(activities)), warehouse),
    );
    expect(records.map((r) => [r.month, r.activities, r.status, r.source])).toEqual(
      MONTHS.map((m) => [
        m,
        activities.filter((a) => a.start_date_local.startsWith(m)).length,
        'ingested',
        'archive',
      ]),
    );
    for (const r of records) {
      expect(r.landing.key).toMatch(
        new RegExp(`^landing/archive/month=${r.month}/activities-[0-9a-f]{16}\\.csv$`),
      );
      expect(r.stravaRequests).toBe(0);
      expect(r.archive).toEqual({
        location: expect.stringMatching(/\.zip$/),
        layout: '2025',
        timezone: { flag: NY, rules: { flag: r.activities } },
        unreadableFiles: [],
        details: {
          activities: r.activities,
          samples: 0,
          laps: 0,
          keptFromApi: 0,
        },
      });
      const saved = JSON.parse(
        await fs.readFile(
          path.join(warehouse, '_runs', `month=${r.month}`, `${r.runId}.json`),
          'utf8',
        ),
      );
      expect(saved.source).toBe('archive');
    }
    const s = await state(warehouse);
    expect(s.silver.rows.map((r) => r.id)).toEqual(activities.map((a) => a.id));
    expect(s.bronze.rows.every((r) => String(r._landing_file).startsWith('landing/archive/'))).toBe(
      true,
    );
    const raw = JSON.parse(String(s.bronze.rows[0]!.raw)) as { archive: { layout: string } };
    expect(raw.archive.layout).toBe('2025');
    expect(s.archive.rows.map((r) => [r.id, r.month, r.timezone_source, r.timezone_name])).toEqual(
      activities.map((a) => [a.id, a.start_date_local.slice(0, 7), 'flag', NY]),
    );
    expect(s.archive.rows.filter((r) => r.private_note !== null).length).toBeGreaterThan(0);
    const months = new Set(s.gold.rows.map((r) => r.month));
    for (const m of MONTHS) expect(months.has(m)).toBe(true);
    const silverByMonth = Object.keys(s.silver.filesPerMonth).sort();
    expect(silverByMonth).toEqual(MONTHS);
  });

  it('reads a ZIP64 zip, the unpacked folder and a zip of that folder into the same tables as the zip', async () => {
    const entries = exportEntries(subset(), { layout: '2023' });
    const plain = fresh('wh');
    const zip64 = fresh('wh');
    const folder = fresh('wh');
    await importArchive(config(await zipOf(entries), plain), { runId: 'same' });
    await importArchive(config(await zipOf(entries, true), zip64), { runId: 'same' });
    const dir = fresh('unpacked');
    await writeFolder(dir, entries);
    await importArchive(config(dir, folder), { runId: 'same' });
    // An export unpacked into its folder and zipped again: the names start with that folder.
    const nested = fresh('wh');
    const rezipped = await zipOf(entries.map((e) => ({ ...e, name: `export_1/${e.name}` })));
    await importArchive(config(rezipped, nested), { runId: 'same' });
    const a = await state(plain);
    for (const other of [await state(zip64), await state(folder), await state(nested)]) {
      expect(other.silver.rows).toEqual(a.silver.rows);
      expect(other.archive.rows).toEqual(a.archive.rows);
      expect(other.gold.rows).toEqual(a.gold.rows);
    }
  });

  it('imports the same export again as a no-op: no table version moves', async () => {
    const zip = await zipOf(exportEntries(subset()));
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse));
    const before = await state(warehouse);
    const { records } = await importArchive(config(zip, warehouse));
    const after = await state(warehouse);
    expect(records.every((r) => r.status === 'unchanged' && r.landing.reused)).toBe(true);
    for (const t of ['bronze', 'silver', 'gold', 'archive'] as const) {
      expect([t, after[t].version, after[t].files]).toEqual([
        t,
        before[t].version,
        before[t].files,
      ]);
    }
  });

  it('moves an activity to its new local month when the export is imported with another zone', async () => {
    const [first] = subset();
    const edge = {
      ...first!,
      start_date: '2024-10-01T02:30:00Z',
      start_date_local: '2024-09-30T22:30:00Z',
    };
    const zip = await zipOf(exportEntries([edge]));
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse));
    expect((await state(warehouse)).silver.rows.map((r) => r.month)).toEqual(['2024-09']);
    await importArchive(config(zip, warehouse, { timezone: 'Europe/Paris' }));
    const s = await state(warehouse);
    expect(s.silver.rows.map((r) => [r.id, r.month])).toEqual([[edge.id, '2024-10']]);
    expect(s.archive.rows.map((r) => [r.id, r.month, r.timezone_name])).toEqual([
      [edge.id, '2024-10', 'Europe/Paris'],
    ]);
  });
});

describe('import-archive and what may be published', () => {
  it('leaves activities of unknown visibility out of published figures unless --include-private', async () => {
    const activities = subset();
    const warehouse = fresh('wh');
    await importArchive(config(await zipOf(exportEntries(activities)), warehouse));
    const s = await state(warehouse);
    // The export has no visibility column: silver does not know which are private.
    expect(new Set(s.silver.rows.map((r) => r.private))).toEqual(new Set([null]));
    const month = MONTHS[MONTHS.length - 1] as Month;
    const published = await readPublishedSummary(warehouse, {}, month, 3, {
      includePrivate: false,
    });
    expect(published).toEqual([]);
    const all = await readPublishedSummary(warehouse, {}, month, 3, { includePrivate: true });
    expect(all.reduce((n, r) => n + Number(r.activity_count), 0)).toBe(activities.length);
  });

  it('is refused, before reading the export, on a warehouse handed to Databricks', async () => {
    const activities = subset();
    const warehouse = fresh('wh');
    const zip = await zipOf(exportEntries(activities));
    await importArchive(config(zip, warehouse));
    await migrateWarehouse(new FolderStore(warehouse), 'databricks');
    const before = await state(warehouse);
    const line = await refusal(importArchive(config(zip, warehouse, { timezone: 'Europe/Paris' })));
    expect(line).toMatch(
      /is written by the databricks engine .*import-archive writes with the embedded engine only\. .*migrate --to embedded --warehouse /,
    );
    expect(line).not.toMatch(/Run with --engine databricks/);
    const after = await state(warehouse);
    expect([after.bronze.version, after.silver.version, after.gold.version]).toEqual([
      before.bronze.version,
      before.silver.version,
      before.gold.version,
    ]);
    // The way the line gives: hand it back, import, hand it over again.
    await migrateWarehouse(new FolderStore(warehouse), 'embedded');
    const { records } = await importArchive(config(zip, warehouse, { timezone: 'Europe/Paris' }));
    expect(records.length).toBeGreaterThan(0);
    const migrated = await migrateWarehouse(new FolderStore(warehouse), 'databricks');
    expect(migrated.filter((t) => t.table === 'silver/activities').map((t) => t.outcome)).toEqual([
      'changed',
    ]);
  });
});

describe('import-archive with the API: API data wins', () => {
  let athlete: Athlete;
  let zip: string;
  let all: StravaActivity[];
  /** An activity the export has and the API does not list (e.g. private, without the scope). */
  let archiveOnly: StravaActivity;
  const range = { from: MONTHS[0]!, to: MONTHS.at(-1)! };

  beforeAll(async () => {
    all = subset();
    archiveOnly = all[3]!;
    athlete = await startAthlete(all.filter((a) => a.id !== archiveOnly.id));
    zip = await zipOf(exportEntries(all));
  });
  afterAll(async () => {
    await athlete.close();
  });

  it('ends every order of import and API run with the API rows for the ids both hold', async () => {
    const api = fresh('wh');
    await runIn(athlete, api, range);
    const imported = fresh('wh');
    await importArchive(config(zip, imported));
    const importThenApi = fresh('wh');
    await importArchive(config(zip, importThenApi));
    await runIn(athlete, importThenApi, range);
    const apiThenImport = fresh('wh');
    await runIn(athlete, apiThenImport, range);
    const apiSilver = (await state(api)).silver.rows;
    const before = await state(apiThenImport);
    await importArchive(config(zip, apiThenImport));
    await importArchive(config(zip, apiThenImport));

    const [a, imp, ia, ai] = await Promise.all(
      [api, imported, importThenApi, apiThenImport].map(state),
    );
    const both = apiSilver.map((r) => r.id as number);
    expect(both).toHaveLength(all.length - 1);
    const pick = (rows: Record<string, unknown>[]) => {
      const m = byId(rows);
      return both.map((id) => m.get(id));
    };
    // API then import: every API row as it was (nothing deleted or overwritten) ...
    expect(pick(ai!.silver.rows)).toEqual(apiSilver);
    // ... and the activity only the export has, added as the import writes it.
    expect(byId(ai!.silver.rows).get(archiveOnly.id)).toBeDefined();
    expect(byId(ai!.silver.rows).get(archiveOnly.id)).toEqual(
      byId(imp!.silver.rows).get(archiveOnly.id),
    );
    expect(before.silver.rows).toEqual(apiSilver);
    // Import then API: the API run replaced its months as it always does.
    expect(ia!.silver.rows).toEqual(apiSilver);
    expect(pick(ia!.silver.rows)).toEqual(pick(ai!.silver.rows));
    // A clean import holds the same activities, equal on every column the archive fills
    // (doubles judged at the export's 32-bit precision).
    const clean = byId(imp!.silver.rows);
    for (const row of apiSilver) {
      expect([row.id, archiveFieldsDiffer(row, clean.get(row.id as number)!)]).toEqual([
        row.id,
        [],
      ]);
    }
    // The archive-only facts are the same whichever came first.
    expect(ia!.archive.rows).toEqual(imp!.archive.rows);
    expect(ai!.archive.rows).toEqual(imp!.archive.rows);
    // Gold follows silver.
    expect(a!.gold.rows.length).toBeGreaterThan(0);
    expect(ia!.gold.rows).toEqual(a!.gold.rows);
  });
});

describe('import-archive and an API run that moves an activity', () => {
  it("takes it out of the archive file, which stays the archive's; re-imports leave it with the API", async () => {
    const all = subset();
    const x = all.find((a) => a.start_date_local.startsWith('2024-09'))!;
    const moved = {
      ...x,
      start_date: '2024-10-15T14:00:00Z',
      start_date_local: '2024-10-15T10:00:00Z',
    };
    const zip = await zipOf(exportEntries(all));
    const warehouse = fresh('wh');
    await importArchive(config(zip, warehouse));
    const athlete = await startAthlete([moved]);
    try {
      await runIn(athlete, warehouse, { month: '2024-10' });
    } finally {
      await athlete.close();
    }
    const table = new DeltaTable(new FolderStore(warehouse), SILVER);
    const september = (await table.snapshot())!.files.filter(
      (f) => f.partitionValues.month === '2024-09',
    );
    expect(september.map((f) => f.tags?.source)).toEqual(['archive']);
    const afterApi = await state(warehouse);
    expect(afterApi.silver.rows.filter((r) => r.id === x.id).map((r) => r.month)).toEqual([
      '2024-10',
    ]);
    await importArchive(config(zip, warehouse));
    const s = await state(warehouse);
    const rows = s.silver.rows.filter((r) => r.id === x.id);
    // Once, in the API's month, with the API's values.
    expect(rows.map((r) => [r.month, r.distance])).toEqual([['2024-10', x.distance]]);
    expect(rows[0]!.athlete_id).not.toBeNull();
    // The other archive activities of October, which the API run replaced, are back.
    expect(s.silver.rows.map((r) => r.id)).toEqual(all.map((a) => a.id));
    await importArchive(config(zip, warehouse));
    expect((await state(warehouse)).silver.version).toBe(s.silver.version);
  });
});

describe('import-archive refuses bad input in one line, writing nothing', () => {
  let good: ZipEntry[];
  beforeAll(() => {
    good = exportEntries(subset().slice(0, 8));
  });

  it('without --timezone, or with a name that is not a zone', async () => {
    const zip = await zipOf(good);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse, { timezone: undefined })))).toMatch(
      /activities\.csv: no time zone rule decides the local time of 8 activities, the first activity \d+ \(activities\/\d+\.gpx\): its file gives no FIT time offset and no position\. Give the time zone you record in with --timezone/,
    );
    await expect(importArchive(config(zip, warehouse, { timezone: 'GMT+2' }))).rejects.toThrow(
      ConfigError,
    );
    await expectEmpty(warehouse);
  });

  it('a file that is not a zip, and a zip cut short', async () => {
    const junk = `${fresh('junk')}.zip`;
    await fs.writeFile(junk, 'PK this is not a zip at all');
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(junk, warehouse)))).toMatch(
      new RegExp(
        `^Archive ${junk} is not a readable zip: it fails with "End of central directory record signature not found\\. Either not a zip file, or file is truncated"\\. Download the export again`,
      ),
    );
    const cut = `${fresh('cut')}.zip`;
    const bytes = await fs.readFile(await zipOf(good));
    await fs.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(await refusal(importArchive(config(cut, warehouse)))).toMatch(/is not a readable zip/);
    await expectEmpty(warehouse);
  });

  it('an entry whose bytes are damaged or end before its declared size', async () => {
    const csv = activitiesCsv(subset().slice(0, 8));
    // Stored, so its text is in the zip as is: one changed byte breaks only the CRC-32.
    const stored = await fs.readFile(
      await zipOf([{ name: 'activities.csv', data: csv, store: true }]),
    );
    const at = stored.indexOf(Buffer.from('Morning'));
    expect(at).toBeGreaterThan(0);
    stored[at] = 'm'.charCodeAt(0);
    const flipped = `${fresh('crc')}.zip`;
    await fs.writeFile(flipped, stored);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(flipped, warehouse)))).toMatch(
      /entry "activities.csv" is damaged \(its CRC-32 does not match\)/,
    );
    // Deflated, with the central directory declaring 1,000 bytes more than the data holds.
    const deflated = await fs.readFile(await zipOf([{ name: 'activities.csv', data: csv }]));
    const central = deflated.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    deflated.writeUInt32LE(deflated.readUInt32LE(central + 24) + 1000, central + 24);
    const truncated = `${fresh('short')}.zip`;
    await fs.writeFile(truncated, deflated);
    expect(await refusal(importArchive(config(truncated, warehouse)))).toMatch(
      /entry "activities.csv" is damaged \(not enough bytes in the stream\. expected \d+\. got only \d+\)\. Download the export again/,
    );
    await expectEmpty(warehouse);
  });

  it('a zip bomb, by ratio, by entry size and in total', async () => {
    const bomb = await zipOf([
      ...good,
      { name: 'activities/bomb.gpx', data: Buffer.alloc(30 * 1024 * 1024) },
    ]);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(bomb, warehouse)))).toMatch(
      /entry "activities\/bomb.gpx" expands \d+:1 .* above the 200:1 cap; refused as a possible zip bomb/,
    );
    const zip = await zipOf(good);
    expect(
      await refusal(
        importArchive(config(zip, warehouse), {
          limits: { ...DEFAULT_LIMITS, maxEntryBytes: 1000 },
        }),
      ),
    ).toMatch(/entry "activities.csv" expands to \d+ bytes, above the 1000-byte cap per entry/);
    expect(
      await refusal(
        importArchive(config(zip, warehouse), {
          limits: { ...DEFAULT_LIMITS, maxTotalBytes: 5000 },
        }),
      ),
    ).toMatch(/its entries expand to more than the 5000-byte cap in total/);
    await expectEmpty(warehouse);
  });

  it('an unknown activities.csv layout, naming the column', async () => {
    const csv = activitiesCsv(subset().slice(0, 3)).replace('Activity Gear', 'Activity Bike');
    const zip = await zipOf([{ name: 'activities.csv', data: csv }]);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
      /activities.csv has an unknown header layout: column 12 is "Activity Bike" where layout 2025 has "Activity Gear" there/,
    );
    await expectEmpty(warehouse);
  });

  it('a zip or a folder that is not an export', async () => {
    const zip = await zipOf([{ name: 'profile.csv', data: 'Athlete ID\n1\n' }]);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
      /is not a Strava account export: it has no activities.csv at its top/,
    );
    const dir = fresh('folder');
    await writeFolder(dir, [{ name: 'media/a.jpg', data: 'x' }]);
    expect(await refusal(importArchive(config(dir, warehouse)))).toMatch(
      /is not a Strava account export/,
    );
    expect(await refusal(importArchive(config(fresh('nothing'), warehouse)))).toMatch(
      /cannot be read: ENOENT/,
    );
    await expectEmpty(warehouse);
  });

  it('activity files it cannot read: refused, or listed with --skip-bad-files', async () => {
    const activities = subset().slice(0, 8);
    const entries = exportEntries(activities).filter(
      (e) => e.name !== `activities/${activities[2]!.id}.gpx`,
    );
    const zip = await zipOf(entries);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
      new RegExp(
        `1 activity file\\(s\\) named in activities.csv cannot be read, the first activities/${activities[2]!.id}.gpx \\(activity ${activities[2]!.id}\\): not in the archive\\. Run again with --skip-bad-files`,
      ),
    );
    await expectEmpty(warehouse);
    const { records } = await importArchive(config(zip, warehouse, { skipBadFiles: true }));
    const listed = records.flatMap((r) => r.archive!.unreadableFiles);
    expect(listed).toEqual([
      `activities/${activities[2]!.id}.gpx (activity ${activities[2]!.id}): not in the archive`,
    ]);
    expect((await state(warehouse)).silver.rows).toHaveLength(activities.length);
  });

  it('an entry whose name climbs out of the archive', async () => {
    const bytes = await fs.readFile(await zipOf([...good, { name: 'zz/evil.gpx', data: 'x' }]));
    // The same name length in the local and the central headers: only the name changes.
    const evil = Buffer.from(
      bytes.toString('latin1').replaceAll('zz/evil.gpx', '../evil.gpx'),
      'latin1',
    );
    const zip = `${fresh('evil')}.zip`;
    await fs.writeFile(zip, evil);
    const warehouse = fresh('wh');
    expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
      /is not a readable zip: it fails with "invalid relative path: \.\.\/evil\.gpx"/,
    );
    await expectEmpty(warehouse);
    await expect(fs.stat(path.join(scratch(), 'evil.gpx'))).rejects.toThrow();
  });

  it('one id on two rows, in one month or in two', async () => {
    const all = subset();
    const [a, b] = all;
    const later = all.find((x) => x.start_date_local.startsWith('2024-11'))!;
    const warehouse = fresh('wh');
    for (const other of [b!, later]) {
      const zip = await zipOf(exportEntries([a!, { ...other, id: a!.id }], { csvOnly: true }));
      expect(await refusal(importArchive(config(zip, warehouse)))).toMatch(
        new RegExp(`activities.csv rows 2 and 3 both hold activity ${a!.id}\\.`),
      );
    }
    await expectEmpty(warehouse);
  });

  it('ArchiveError is what the archive problems are', () => {
    expect(new ArchiveError('x', 'y').line).toBe('x y');
  });
});
