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
 *   -> the activity files (files.ts) -> silver/streams, silver/laps, silver/activity_details
 *      (import-details.ts), chunk by chunk, after silver
 *
 * The activity files are read twice: once before anything is written (each must be readable,
 * and the time zone rules of timezone.ts need FIT's offset or the first position), and once to
 * write their rows, a chunk at a time, so no more than a chunk of samples is held in memory.
 * Everything that can refuse the archive (the zip, the CSV, the activity files it names, a time
 * zone no rule decides, the quality gate) runs before the first landing file is written: a
 * refusal writes nothing.
 */
import { ArchiveError, ConfigError, DeltaProtocolError } from '../errors.js';
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
import { formatOf, parseActivityFile, readEntryBytes, type ActivityTrack } from './files.js';
import { importDetails, type DetailCounts } from './import-details.js';
import {
  DEFAULT_LIMITS,
  RATIO_FLOOR_BYTES,
  openArchive,
  shownName,
  type ArchiveLimits,
  type ArchiveSource,
} from './source.js';
import {
  checkOptionalTimezone,
  decideTimeRule,
  type TimeHints,
  type TimeRule,
  type TimezoneSource,
} from './timezone.js';

export interface ImportConfig {
  /** The export's .zip or its unpacked folder. */
  archive: string;
  warehouse: string;
  s3?: S3Options;
  /** IANA zone for the `flag` rule, the last of the time zone rules (timezone.ts). */
  timezone: string | undefined;
  /** Import even when activity files named by activities.csv cannot be read (they are listed). */
  skipBadFiles: boolean;
  /** --no-coordinates: streams keep lat/lng null. */
  noCoordinates?: boolean;
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

/** The activity file of an archived activity, read and parsed (an ArchiveError naming it). */
export async function readTrack(
  source: ArchiveSource,
  base: string,
  a: ArchivedActivity,
  limits: ArchiveLimits,
): Promise<ActivityTrack> {
  const file = a.activity.archive.filename!;
  const label = `${file} (activity ${a.activity.id})`;
  const kind = formatOf(file);
  if (!kind) {
    throw new ArchiveError(
      `${label} is not a FIT, GPX or TCX file (optionally .gz).`,
      'Strava exports these three formats; run again with --skip-bad-files to import the activity without its streams.',
    );
  }
  const entry = source.entries.get(`${base}${file}`)!;
  const cap = kind.gzip
    ? Math.min(limits.maxEntryBytes, Math.max(RATIO_FLOOR_BYTES, entry.size * limits.maxRatio))
    : limits.maxEntryBytes;
  const bytes = await readEntryBytes(await source.open(`${base}${file}`), label, kind.gzip, cap);
  return parseActivityFile(bytes, label, kind.format);
}

/** An ArchiveError's message as a run record line (no trailing full stop). */
const recordLine = (err: ArchiveError) => err.message.replace(/\.$/, '');

/** Imports one export; returns the run records written (one per local month). */
export async function importArchive(
  config: ImportConfig,
  deps: ImportDeps = {},
): Promise<{ records: RunRecord[] }> {
  const flagZone = checkOptionalTimezone(config.timezone);
  if (!config.archive) {
    throw new ConfigError(
      'import-archive needs the path of the export.',
      'For example: import-archive export_12345.zip --warehouse ./lakehouse.',
    );
  }
  const progress = deps.progress ?? silentProgress;
  const now = deps.now ?? (() => new Date());
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const startedAt = now();
  const runId = deps.runId ?? newRunId(startedAt);
  const store = deps.store ?? (await openStore(config.warehouse, config.s3));
  const engine = new EmbeddedEngine(store, { progress, now });
  // Refuse tables this engine must not write before reading the archive.
  await progress.group('Check tables', async () => {
    try {
      await engine.preflight();
      engine.archive.assertWritable(await engine.archive.snapshot());
    } catch (err) {
      // The engine's own fix names --engine databricks, which import-archive does not offer.
      if (
        err instanceof DeltaProtocolError &&
        / is written by the databricks engine /.test(err.message)
      ) {
        throw new DeltaProtocolError(
          `${err.message.replace(/\.$/, '')}; import-archive writes with the embedded engine only.`,
          `Hand the warehouse to the embedded engine for the import with \`strava-lakehouse migrate --to embedded --warehouse ${config.warehouse}\`, import, and the next --engine databricks run takes the tables over again by itself.`,
        );
      }
      throw err;
    }
  });

  const source = await openArchive(config.archive, limits);
  try {
    const csv = findActivitiesCsv(source);
    const csvLabel = `${source.location}: ${csv.name}`;
    // First the ids and file names (the zone given here is not used).
    const listed = await progress.group(`Read ${csv.name}`, async () =>
      readActivitiesCsv(await source.open(csv.name), csvLabel, 'UTC'),
    );
    const layout = listed.layout.id;
    progress.info(`${listed.activities.length} activities, header layout ${layout}`);
    const bad = unreadableFiles(source, csv.base, listed.activities);
    const hints = new Map<number, TimeHints>();
    const withFiles = listed.activities.filter(
      (a) => a.activity.archive.filename !== null && !bad.has(a.activity.id),
    );
    await progress.group(`Check ${withFiles.length} activity file(s)`, async () => {
      for (const a of withFiles) {
        try {
          const track = await readTrack(source, csv.base, a, limits);
          hints.set(a.activity.id, { fitOffsetS: track.fitOffsetS, firstPoint: track.firstPoint });
        } catch (err) {
          if (!(err instanceof ArchiveError)) throw err;
          bad.set(a.activity.id, recordLine(err));
        }
      }
    });
    if (bad.size && !config.skipBadFiles) {
      const first = bad.values().next().value as string;
      throw new ArchiveError(
        `${source.location}: ${bad.size} activity file(s) named in ${csv.name} cannot be read, the first ${first}.`,
        'Run again with --skip-bad-files to import the activities without them (the run record lists them), or download the export again.',
      );
    }
    const rules = new Map<number, TimeRule>();
    const undecided: string[] = [];
    for (const { activity } of listed.activities) {
      const rule = decideTimeRule(hints.get(activity.id), flagZone);
      if (rule) rules.set(activity.id, rule);
      else {
        undecided.push(
          `activity ${activity.id} (${activity.archive.filename ?? 'no activity file'})`,
        );
      }
    }
    if (undecided.length && !config.skipBadFiles) {
      throw new ArchiveError(
        `${csvLabel}: no time zone rule decides the local time of ${undecided.length} activit${undecided.length === 1 ? 'y' : 'ies'}, the first ${undecided[0]}: its file gives no FIT time offset and no position.`,
        'Give the time zone you record in with --timezone (an IANA name, e.g. --timezone Europe/Paris), or run again with --skip-bad-files to leave those activities out (the run record lists them).',
      );
    }
    const read = await progress.group(
      `Place ${rules.size} activities in their local months`,
      async () =>
        readActivitiesCsv(
          await source.open(csv.name),
          csvLabel,
          (id) => rules.get(id) ?? { source: 'flag', zone: 'UTC' },
        ),
    );
    const activities = read.activities.filter((a) => rules.has(a.activity.id));
    const byMonth = new Map<Month, ArchivedActivity[]>();
    for (const a of activities) {
      const list = byMonth.get(a.month) ?? [];
      list.push(a);
      byMonth.set(a.month, list);
    }
    return await land({
      config,
      store,
      engine,
      progress,
      now,
      startedAt,
      runId,
      layout,
      flagZone,
      byMonth,
      bad,
      undecided,
      details: (ctx) =>
        importDetails({
          engine,
          activities: activities.filter((a) => !bad.has(a.activity.id)),
          readTrack: (a) => readTrack(source, csv.base, a, limits),
          noCoordinates: config.noCoordinates ?? false,
          ctx,
          now,
          progress,
        }),
    });
  } finally {
    await source.close();
  }
}

interface LandInput {
  config: ImportConfig;
  store: ObjectStore;
  engine: EmbeddedEngine;
  progress: Progress;
  now: () => Date;
  startedAt: Date;
  runId: string;
  layout: string;
  flagZone: string | undefined;
  byMonth: Map<Month, ArchivedActivity[]>;
  bad: Map<number, string>;
  undecided: string[];
  details: (ctx: { runId: string; force: boolean }) => Promise<{
    counts: DetailCounts;
    changedMonths: Month[];
  }>;
}

/** The quality gate, landing, the engine, the details and the run records of an import. */
async function land(input: LandInput): Promise<{ records: RunRecord[] }> {
  const { config, store, engine, progress, now, startedAt, runId, byMonth, bad } = input;
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
    const rules: Partial<Record<TimezoneSource, number>> = {};
    for (const a of activities) {
      const source = a.activity.archive.timezone_source;
      rules[source] = (rules[source] ?? 0) + 1;
    }
    return { month, body, rows, warnings, unreadable, rules };
  });

  const landed = await progress.group(`Land ${months.length} month(s) of the archive`, () =>
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
  const ctx = { runId, force: false };
  const result = landings.length
    ? await progress.group(`Process ${landings.length} month(s) with the embedded engine`, () =>
        engine.processArchive(landings, ctx),
      )
    : undefined;
  const details = landings.length
    ? await progress.group('Streams and laps from the activity files', () => input.details(ctx))
    : undefined;
  const versions = await engine.preflight();

  const finishedAt = now();
  const records: RunRecord[] = landed.map((l: (typeof landed)[number]) => {
    const window = queryWindow(l.month);
    const changed =
      (result?.changedMonths.includes(l.month) ?? false) ||
      (details?.changedMonths.includes(l.month) ?? false);
    const counts = details?.counts.get(l.month);
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
        before: result?.before ?? versions,
        after: versions,
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
        layout: input.layout,
        timezone: { flag: input.flagZone ?? null, rules: l.rules },
        unreadableFiles: l.unreadable,
        ...(input.undecided.length ? { undecidedActivities: input.undecided } : {}),
        details: counts ?? { activities: 0, samples: 0, laps: 0, keptFromApi: 0 },
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
