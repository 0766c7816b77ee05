/**
 * import-archive in batches of months (`activitiesPerBatch`, ROWS_IN_MEMORY by default): the
 * tables a multi-batch import leaves are those of one batch, whatever the order of the rows in
 * activities.csv; and a refusal of a late month by the quality gate still writes nothing,
 * because every month is gated before the first landing file. Real folder warehouses, exports
 * built from the recorded athlete (test/support/archive.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { activitiesCsvRows } from '../../../src/archive/activities-csv.js';
import { importArchive } from '../../../src/archive/import.js';
import { AppError, ArchiveError, QualityError } from '../../../src/errors.js';
import { ARCHIVE_ACTIVITIES } from '../../../src/lakehouse/archive-table.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { silentProgress, type Progress } from '../../../src/progress.js';
import type { RunRecord } from '../../../src/runs/record.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import {
  activitiesCsv,
  exportEntries,
  writeFolder,
  importScratch,
  recordedIn,
} from '../../support/archive.js';
import { detailContent, tableState } from '../../support/pipeline.js';

const NY = 'America/New_York';
const MONTHS = ['2024-09', '2024-10', '2024-11'];

const { fresh, zipOf, config } = importScratch('sl-archive-batches-', NY);

/** The recorded athlete's New York activities of MONTHS, by id. */
const subset = () => recordedIn(NY, MONTHS);

const monthOf = (a: StravaActivity) => a.start_date_local.slice(0, 7);

/** Every table an import writes: rows (bronze without its run lineage), files per month, version. */
async function tables(warehouse: string) {
  const store = new FolderStore(warehouse);
  const [bronze, silver, gold, archive] = await Promise.all(
    [BRONZE, SILVER, GOLD, ARCHIVE_ACTIVITIES].map((def) => tableState(store, def)),
  );
  const lineage = new Set(['_ingested_at', '_run_id']);
  return {
    content: {
      bronze: bronze!.rows.map((r) =>
        Object.fromEntries(Object.entries(r).filter(([k]) => !lineage.has(k))),
      ),
      silver: silver!.rows,
      gold: gold!.rows,
      archive: archive!.rows,
      filesPerMonth: [bronze, silver, gold, archive].map((t) => t!.filesPerMonth),
      details: await detailContent(store),
    },
    versions: {
      bronze: bronze!.version,
      silver: silver!.version,
      gold: gold!.version,
      archive: archive!.version,
    },
  };
}

/** What a run record says of its month, without the moment and the table versions. */
const recorded = (records: RunRecord[]) =>
  records.map((r) => ({
    month: r.month,
    activities: r.activities,
    status: r.status,
    landing: r.landing,
    qualityWarnings: r.qualityWarnings,
    archive: { ...r.archive, location: 'the export' },
  }));

/** The Activity Date cell of an activity's row in activities.csv text (quoted: it has commas). */
function exportDateCell(text: string, id: number): string {
  const at = text.indexOf(`\n${id},`) + `\n${id},`.length;
  return text.slice(at, text.indexOf('",', at + 1) + 1);
}

/** The refusal, as the CLI prints it: one line. */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).line).not.toContain('\n');
  return err as AppError;
}

/** The warehouse folder holds nothing at all (it may not exist). */
async function expectEmpty(warehouse: string): Promise<void> {
  const entries = await fs.readdir(warehouse).catch(() => []);
  expect(entries).toEqual([]);
}

describe('import-archive in batches of months', () => {
  it('leaves the tables of one batch, rows in date order or months interleaved; a re-import is a no-op', async () => {
    const activities = subset();
    const perMonth = MONTHS.map((m) => activities.filter((a) => monthOf(a) === m).length);
    expect(perMonth).toEqual([14, 17, 15]);
    const zip = await zipOf(exportEntries(activities));
    // Round robin over the months, the latest first: 2024-09 (the fewest) is complete first,
    // then 2024-11, and 2024-10 at the end of the file.
    const byMonth = [...MONTHS].reverse().map((m) => activities.filter((a) => monthOf(a) === m));
    const interleaved = byMonth[1]!.flatMap((_, i) => byMonth.flatMap((list) => list[i] ?? []));
    expect(interleaved).toHaveLength(activities.length);
    const entries = exportEntries(activities);
    entries[0] = { name: 'activities.csv', data: activitiesCsv(interleaved) };
    const shuffledZip = await zipOf(entries);

    const one = fresh('wh');
    const oneRecords = (await importArchive(config(zip, one))).records;
    // A batch per month; and two batches of the interleaved file: 2024-09 with 2024-11, then
    // 2024-10.
    const monthly = fresh('wh');
    const monthlyRecords = (await importArchive(config(zip, monthly), { activitiesPerBatch: 1 }))
      .records;
    const pairs = fresh('wh');
    const pairsRecords = (
      await importArchive(config(shuffledZip, pairs), {
        activitiesPerBatch: perMonth[0]! + perMonth[2]!,
      })
    ).records;

    const single = await tables(one);
    expect(single.versions).toEqual({ bronze: 0, silver: 0, gold: 0, archive: 0 });
    expect(single.content.silver.map((r) => r.id)).toEqual(activities.map((a) => a.id));
    expect(single.content.details['silver/activity_details']).toHaveLength(activities.length);
    const inThree = await tables(monthly);
    expect(inThree.versions).toEqual({ bronze: 2, silver: 2, gold: 2, archive: 2 });
    expect(inThree.content).toEqual(single.content);
    expect(recorded(monthlyRecords)).toEqual(recorded(oneRecords));
    const inTwo = await tables(pairs);
    expect(inTwo.versions).toEqual({ bronze: 1, silver: 1, gold: 1, archive: 1 });
    expect(inTwo.content).toEqual(single.content);
    expect(recorded(pairsRecords)).toEqual(recorded(oneRecords));

    // The same export again, in batches: no table version moves.
    await importArchive(config(zip, monthly), { activitiesPerBatch: 1 });
    expect((await tables(monthly)).versions).toEqual(inThree.versions);
  });

  it('moves activities between months across batches as one batch does (another --timezone)', async () => {
    const [a, b, ...rest] = subset();
    // Late evening in New York is the next morning in Tokyo: 2024-09 -> 2024-10, 2024-11 -> 2024-12.
    const edges = [
      { ...a!, start_date: '2024-10-01T02:30:00Z', start_date_local: '2024-09-30T22:30:00Z' },
      { ...b!, start_date: '2024-12-01T01:00:00Z', start_date_local: '2024-11-30T20:00:00Z' },
    ];
    const zip = await zipOf(exportEntries([...edges, ...rest], { csvOnly: true }));
    const one = fresh('wh');
    const monthly = fresh('wh');
    await importArchive(config(zip, one));
    await importArchive(config(zip, monthly), { activitiesPerBatch: 1 });
    const tokyo = { timezone: 'Asia/Tokyo' };
    const oneRecords = (await importArchive(config(zip, one, tokyo))).records;
    const monthlyRecords = (
      await importArchive(config(zip, monthly, tokyo), { activitiesPerBatch: 1 })
    ).records;
    expect(oneRecords.map((r) => r.month)).toEqual([...MONTHS, '2024-12']);
    const single = await tables(one);
    const monthsOf = (rows: Record<string, unknown>[]) =>
      edges.map((e) => rows.find((r) => r.id === e.id)?.month);
    expect(monthsOf(single.content.silver)).toEqual(['2024-10', '2024-12']);
    expect(monthsOf(single.content.archive)).toEqual(['2024-10', '2024-12']);
    expect((await tables(monthly)).content).toEqual(single.content);
    expect(recorded(monthlyRecords)).toEqual(recorded(oneRecords));
  });

  it('refuses a month the quality gate fails in the last batch, the earliest such month named, with nothing written', async () => {
    const activities = subset();
    const last = activities.filter((a) => monthOf(a) === MONTHS[2]).at(-1)!;
    const middle = activities.filter((a) => monthOf(a) === MONTHS[1]).at(-1)!;
    const broken = (ids: number[]) =>
      activities.map((a) => (ids.includes(a.id) ? { ...a, distance: -5 } : a));
    const warehouse = fresh('wh');

    // Date order: 2024-11 is the last month complete, in the last of three batches.
    let zip = await zipOf(exportEntries(broken([last.id]), { csvOnly: true }));
    let err = await refusal(importArchive(config(zip, warehouse), { activitiesPerBatch: 1 }));
    expect(err).toBeInstanceOf(QualityError);
    expect(err.line).toMatch(
      new RegExp(
        `^Data quality check failed for landing/archive/month=2024-11/activities-[0-9a-f]{16}\\.csv: negative or non-finite measures in ${last.id} \\(distance -5\\)\\. Nothing was written`,
      ),
    );
    await expectEmpty(warehouse);

    // Two months fail, the later one complete first: the earlier is named, as in month order.
    const entries = exportEntries(broken([last.id, middle.id]), { csvOnly: true });
    entries[0] = {
      name: 'activities.csv',
      data: activitiesCsv([...broken([last.id, middle.id])].reverse(), '2025', false),
    };
    zip = await zipOf(entries);
    err = await refusal(importArchive(config(zip, warehouse), { activitiesPerBatch: 1 }));
    expect(err.line).toMatch(/^Data quality check failed for landing\/archive\/month=2024-10\//);
    expect(err.line).toContain(`${middle.id} (distance -5)`);
    await expectEmpty(warehouse);
  });

  it('refuses an activities.csv changed between the gate and the landing of its month', async () => {
    const activities = subset();
    const dir = fresh('unpacked');
    await writeFolder(dir, exportEntries(activities, { csvOnly: true }));
    const csv = path.join(dir, 'activities.csv');
    // The first row's name, changed in place (same size) as the months are about to be landed.
    const first = activities[0]!;
    const progress: Progress = {
      ...silentProgress,
      group: async (name, fn) => {
        if (name.startsWith('Land and process')) {
          const text = await fs.readFile(csv, 'utf8');
          const row = `${first.id},${exportDateCell(text, first.id)},`;
          expect(text).toContain(`${row}${first.name},`);
          await fs.writeFile(
            csv,
            text.replace(`${row}${first.name},`, `${row}${'x'.repeat(first.name.length)},`),
          );
        }
        return fn();
      },
    };
    const warehouse = fresh('wh');
    const err = await refusal(importArchive(config(dir, warehouse), { progress }));
    expect(err).toBeInstanceOf(ArchiveError);
    expect(err.line).toBe(
      `${dir}: activities.csv changed while it was imported: ${monthOf(first)} is not as it was checked. Leave the export alone while it is imported, and run the same command again.`,
    );
    await expectEmpty(warehouse);
  });
});

describe('activitiesCsvRows', () => {
  const csv = () => Readable.from([Buffer.from(activitiesCsv(subset().slice(0, 5)))]);

  it("passes a consumer's own error through as it is and releases the file", async () => {
    const stream = csv();
    const rows = activitiesCsvRows(stream, 'export.zip: activities.csv', NY);
    const boom = new Error('the consumer failed');
    const caught = await (async () => {
      for await (const a of rows) {
        expect(a.activity.id).toBe(subset()[0]!.id);
        throw boom;
      }
    })().catch((e: unknown) => e);
    expect(caught).toBe(boom);
    expect(stream.destroyed).toBe(true);
  });

  it('returns the layout after the last row; a CSV error is still an ArchiveError', async () => {
    const rows = activitiesCsvRows(csv(), 'export.zip: activities.csv', NY);
    let count = 0;
    let next = await rows.next();
    while (!next.done) {
      count++;
      next = await rows.next();
    }
    expect([count, next.value.id]).toEqual([5, '2025']);
    const bad = Readable.from([Buffer.from('Activity ID,"unclosed\n')]);
    await expect(
      (async () => {
        for await (const _ of activitiesCsvRows(bad, 'export.zip: activities.csv', NY)) void _;
      })(),
    ).rejects.toThrow(ArchiveError);
  });
});
