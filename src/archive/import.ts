/**
 * `import-archive`: Strava's account export -> the same landing -> bronze -> silver -> gold path
 * as a month run, on the embedded engine, without a single API request.
 *
 *   export (.zip or folder) -> activities.csv (a known layout) -> validated StravaActivity records
 *   -> local month by the time zone rule -> quality gate -> landing CSV per local month
 *      (landing/archive/month=YYYY-MM/activities-<sha>.csv, content-addressed)
 *   -> bronze (each landing file once), silver merged by id with API data winning,
 *      silver/archive_activities, gold for the months silver changed
 *   -> a run record per month (source: archive)
 *
 * Everything that can refuse the archive (the zip, the CSV, the activity files it names, the
 * quality gate) runs before the first landing file is written: a refusal writes nothing.
 */
import { ArchiveError, ConfigError } from '../errors.js';
import { cellsToCsv, cellsToRecord, landingCells } from '../landing/csv.js';
import { landCsv, landingKey } from '../landing/land.js';
import { openStore } from '../landing/open.js';
import type { S3Options } from '../landing/s3.js';
import type { ObjectStore } from '../landing/store.js';
import { EmbeddedEngine } from '../lakehouse/embedded.js';
import type { MonthLanding } from '../lakehouse/engine.js';
import { checkQuality, type QualityRow } from '../lakehouse/quality.js';
import { newRunId } from '../pipeline.js';
import { silentProgress, type Progress } from '../progress.js';
import { runRecordKey, type RunRecord } from '../runs/record.js';
import { STORAGE_CONCURRENCY, mapConcurrently } from '../concurrency.js';
import { queryWindow, type Month } from '../strava/months.js';
import { VERSION } from '../version.js';
import { readActivitiesCsv, type ArchivedActivity } from './activities-csv.js';
import {
  DEFAULT_LIMITS,
  openArchive,
  shownName,
  type ArchiveLimits,
  type ArchiveSource,
} from './source.js';
import { checkTimezone } from './timezone.js';

export interface ImportConfig {
  /** The export's .zip or its unpacked folder. */
  archive: string;
  warehouse: string;
  s3?: S3Options;
  /** IANA zone for the `flag` rule (required in this version). */
  timezone: string | undefined;
  /** Import even when activity files named by activities.csv cannot be read (they are listed). */
  skipBadFiles: boolean;
}

export interface ImportDeps {
  progress?: Progress;
  now?: () => Date;
  runId?: string;
  store?: ObjectStore;
  limits?: ArchiveLimits;
}

const CSV_NAME = 'activities.csv';

/**
 * The activities.csv entry of an export: at its top, or under its one top folder (an export
 * unpacked into export_NNN/ and zipped again). Returns the entry name and the folder prefix the
 * CSV's file names are relative to.
 */
export function findActivitiesCsv(source: ArchiveSource): { name: string; base: string } {
  const found = [...source.entries.keys()].filter(
    (n) => n === CSV_NAME || /^[^/]+\/activities\.csv$/.test(n),
  );
  const top = found.filter((n) => n === CSV_NAME);
  const pick = top.length ? top : found;
  if (pick.length !== 1) {
    throw new ArchiveError(
      pick.length
        ? `${source.location} holds ${pick.length} activities.csv files (${pick.map(shownName).join(', ')}): it is not one export.`
        : `${source.location} is not a Strava account export: it has no activities.csv at its top.`,
      'Give the export_NNN.zip Strava sent (Settings > My Account > Download or delete your account) or the folder it unpacks to.',
    );
  }
  const name = pick[0]!;
  return { name, base: name.slice(0, name.length - CSV_NAME.length) };
}

/** The activity files activities.csv names that the archive cannot give, as record lines. */
export function unreadableFiles(
  source: ArchiveSource,
  base: string,
  activities: readonly ArchivedActivity[],
): Map<number, string> {
  const bad = new Map<number, string>();
  for (const { activity } of activities) {
    const file = activity.archive.filename;
    if (file === null) continue;
    // A lookup key in the archive's own listing, never a path on this machine.
    if (!source.entries.has(`${base}${file}`)) {
      bad.set(activity.id, `${file} (activity ${activity.id}): not in the archive`);
    }
  }
  return bad;
}

interface LandedArchiveMonth {
  month: Month;
  key: string;
  sha256: string;
  bytes: number;
  reused: boolean;
  rows: Record<string, string>[];
  warnings: string[];
  unreadable: string[];
}

/** Imports one export; returns the run records written (one per local month). */
export async function importArchive(
  config: ImportConfig,
  deps: ImportDeps = {},
): Promise<{ records: RunRecord[] }> {
  const zone = checkTimezone(config.timezone);
  if (!config.archive) {
    throw new ConfigError(
      'import-archive needs the path of the export.',
      'For example: import-archive export_12345.zip --timezone Europe/Paris.',
    );
  }
  const progress = deps.progress ?? silentProgress;
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const runId = deps.runId ?? newRunId(startedAt);
  const store = deps.store ?? (await openStore(config.warehouse, config.s3));
  const engine = new EmbeddedEngine(store, { progress, now });
  // Refuse tables this engine must not write before reading the archive.
  await progress.group('Check tables', async () => {
    await engine.preflight();
    engine.archive.assertWritable(await engine.archive.snapshot());
  });

  const source = await openArchive(config.archive, deps.limits ?? DEFAULT_LIMITS);
  let layout: string;
  let byMonth: Map<Month, ArchivedActivity[]>;
  let bad: Map<number, string>;
  try {
    const csv = findActivitiesCsv(source);
    const read = await progress.group(`Read ${csv.name}`, async () =>
      readActivitiesCsv(await source.open(csv.name), `${source.location}: ${csv.name}`, zone),
    );
    layout = read.layout.id;
    progress.info(`${read.activities.length} activities, header layout ${layout}`);
    bad = unreadableFiles(source, csv.base, read.activities);
    if (bad.size && !config.skipBadFiles) {
      const first = bad.values().next().value as string;
      throw new ArchiveError(
        `${source.location}: ${bad.size} activity file(s) named in ${csv.name} cannot be read, the first ${first}.`,
        'Run again with --skip-bad-files to import the activities without them (the run record lists them), or download the export again.',
      );
    }
    byMonth = new Map();
    for (const a of read.activities) {
      const list = byMonth.get(a.month) ?? [];
      list.push(a);
      byMonth.set(a.month, list);
    }
  } finally {
    await source.close();
  }

  // The quality gate on every month before the first landing file is written.
  const months = [...byMonth.keys()].sort();
  const prepared = months.map((month) => {
    const activities = byMonth.get(month)!;
    const cells = landingCells(activities.map((a) => a.activity));
    const body = new TextEncoder().encode(cellsToCsv(cells));
    const rows = cells.map(cellsToRecord);
    const warnings = checkQuality(
      rows as unknown as QualityRow[],
      month,
      landingKey(month, body, 'archive'),
    );
    const unreadable = activities.flatMap((a) => {
      const line = bad.get(a.activity.id);
      return line ? [line] : [];
    });
    return { month, body, rows, warnings, unreadable };
  });

  const landed: LandedArchiveMonth[] = await progress.group(
    `Land ${months.length} month(s) of the archive`,
    () =>
      mapConcurrently(prepared, STORAGE_CONCURRENCY, async (p) => {
        const file = await landCsv(store, p.month, p.body, 'archive');
        return { ...p, ...file };
      }),
  );
  const landings: MonthLanding[] = landed.map((l) => ({
    month: l.month,
    key: l.key,
    sha256: l.sha256,
    rows: l.rows,
  }));
  const result = landings.length
    ? await progress.group(`Process ${landings.length} month(s) with the embedded engine`, () =>
        engine.processArchive(landings, { runId, force: false }),
      )
    : undefined;
  const versions = result ? undefined : await engine.preflight();

  const finishedAt = now();
  const records: RunRecord[] = landed.map((l) => {
    const window = queryWindow(l.month);
    const changed = result?.changedMonths.includes(l.month) ?? false;
    return {
      schemaVersion: 1,
      runId,
      toolVersion: VERSION,
      engine: 'embedded',
      month: l.month,
      window: {
        ...window,
        afterIso: new Date(window.after * 1000).toISOString(),
        beforeIso: new Date(window.before * 1000).toISOString(),
      },
      status: changed ? 'ingested' : 'unchanged',
      activities: l.rows.length,
      landing: { key: l.key, sha256: l.sha256, bytes: l.bytes, reused: l.reused },
      tables: {
        before: result?.before ?? versions!,
        after: result?.after ?? versions!,
      },
      qualityWarnings: l.warnings,
      stravaRequests: 0,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      forced: false,
      source: 'archive',
      archive: {
        location: config.archive,
        layout,
        timezone: { source: 'flag', name: zone },
        unreadableFiles: l.unreadable,
      },
    };
  });
  await progress.group('Record', () =>
    mapConcurrently(records, STORAGE_CONCURRENCY, (r) =>
      store.put(runRecordKey(r.month, r.runId), `${JSON.stringify(r, null, 2)}\n`),
    ),
  );
  return { records };
}
