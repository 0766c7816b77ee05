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
 * Each activity file is read and parsed once, before anything is written (each must be
 * readable, and the time zone rules of timezone.ts need FIT's offset or the first position);
 * what it gave is kept in a private temp folder (spool.ts, removed in a finally, also on a
 * refusal or an error) until the details pass writes its rows, a chunk at a time, so no more
 * than one track and one chunk of rows are held in memory.
 * Everything that can refuse the archive (the zip, the CSV, the activity files it names, a time
 * zone no rule decides, the quality gate) runs before the first landing file is written: a
 * refusal writes nothing.
 *
 * activities.csv is streamed three times, and no pass holds the whole file: the first keeps an
 * id, a file name and a UTC start per activity (the time zone rules then place each in its local
 * month without the rows); the second gathers each month's rows until its last one is read, runs
 * the quality gate on it and keeps only its landing key, warnings and counts; the third gathers
 * the months again and lands and processes them in batches of about `activitiesPerBatch`
 * activities (one commit per table per batch, as a month run's backfill does with
 * ROWS_IN_MEMORY). Rows in date order complete a month soon after it starts; rows in another
 * order keep more months open at once, which costs memory, not correctness.
 */
import {
  ArchiveError,
  ConfigError,
  DeltaProtocolError,
  OtherEngineError,
  QualityError,
} from '../errors.js';
import { cellsToCsv, cellsToRecord, landingCells } from '../landing/csv.js';
import { landCsv, landingKey, type LandedFile } from '../landing/land.js';
import { openStore } from '../landing/open.js';
import type { S3Options } from '../landing/s3.js';
import type { ObjectStore } from '../landing/store.js';
import { EmbeddedEngine } from '../lakehouse/embedded.js';
import type { EngineResult, MonthLanding } from '../lakehouse/engine.js';
import { checkQuality, type QualityRow } from '../lakehouse/quality.js';
import { ROWS_IN_MEMORY, newRunId } from '../pipeline.js';
import { silentProgress, type Progress } from '../progress.js';
import { runRecordKey, type RunRecord } from '../runs/record.js';
import { STORAGE_CONCURRENCY, mapConcurrently } from '../concurrency.js';
import { queryWindow, type Month } from '../strava/months.js';
import { VERSION } from '../version.js';
import { archiveSummarySha256 } from '../details/summary-hash.js';
import {
  activitiesCsvRows,
  collectActivities,
  type ArchivedActivity,
  type ListedActivity,
  type PlacedActivity,
  type ZoneOf,
} from './activities-csv.js';
import { TrackSpool } from './spool.js';
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
  localIso,
  offsetSeconds,
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
  /**
   * Activities whose months are landed and processed together, one commit per table per batch
   * (a bigger month alone); ROWS_IN_MEMORY by default, tests go lower.
   */
  activitiesPerBatch?: number;
  /** Where the spool's private folder is made (default: the system's temp folder). */
  spoolParent?: string;
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
  activities: readonly ListedActivity[],
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
  a: ListedActivity,
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

/** What the first pass over activities.csv keeps of an activity: also its UTC start. */
interface Listed extends ListedActivity {
  startMs: number;
}

/** The local month a time zone rule puts a UTC start in, as rowToActivity places the row. */
function localMonth(rule: TimeRule, startMs: number): Month {
  const offset = rule.source === 'fit_offset' ? rule.offsetS : offsetSeconds(rule.zone, startMs);
  return localIso(startMs, offset).slice(0, 7) as Month;
}

/** A month's landing file, made from its activities: body, rows and key. */
interface MonthLandingFile {
  month: Month;
  body: Uint8Array;
  rows: Record<string, string>[];
  key: string;
}

function landingFile(month: Month, activities: readonly ArchivedActivity[]): MonthLandingFile {
  const cells = landingCells(activities.map((a) => a.activity));
  const body = new TextEncoder().encode(cellsToCsv(cells));
  return { month, body, rows: cells.map(cellsToRecord), key: landingKey(month, body, 'archive') };
}

/** One local month as the quality gate passed it: what its landing and run record need. */
interface PlannedMonth {
  month: Month;
  activities: number;
  /** The landing key the gate saw: the month's landing file must have it (its content hash). */
  key: string;
  warnings: string[];
  unreadable: string[];
  rules: Partial<Record<TimezoneSource, number>>;
}

function changedWhileImported(file: string, what: string): ArchiveError {
  return new ArchiveError(
    `${file} changed while it was imported: ${what}.`,
    'Leave the export alone while it is imported, and run the same command again.',
  );
}

/**
 * The rows of activities.csv gathered by local month, each month given as soon as its last row
 * is read (`counts`, from the first pass); rows of activities not in `monthOf` are passed over.
 * `seen` is called for each row gathered, in file order.
 */
async function* completeMonths(
  rows: AsyncGenerator<ArchivedActivity, unknown, undefined>,
  monthOf: ReadonlyMap<number, Month>,
  counts: ReadonlyMap<Month, number>,
  file: string,
  seen: (a: ArchivedActivity) => void = () => {},
): AsyncGenerator<{ month: Month; activities: ArchivedActivity[] }> {
  const open = new Map<Month, ArchivedActivity[]>();
  let given = 0;
  for await (const a of rows) {
    const planned = monthOf.get(a.activity.id);
    if (planned === undefined) continue;
    if (a.month !== planned) {
      throw changedWhileImported(file, `activity ${a.activity.id} moved to ${a.month}`);
    }
    seen(a);
    const list = open.get(a.month) ?? [];
    list.push(a);
    if (list.length < counts.get(a.month)!) {
      open.set(a.month, list);
      continue;
    }
    open.delete(a.month);
    given++;
    yield { month: a.month, activities: list };
  }
  if (open.size || given !== counts.size) {
    throw changedWhileImported(file, `${counts.size - given} month(s) lost activities`);
  }
}

/** Activity counts by month. */
function countByMonth(months: Iterable<Month>): Map<Month, number> {
  const counts = new Map<Month, number>();
  for (const m of months) counts.set(m, (counts.get(m) ?? 0) + 1);
  return counts;
}

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
      if (err instanceof OtherEngineError && err.writer === 'databricks') {
        throw new DeltaProtocolError(
          `${err.message.replace(/\.$/, '')}; import-archive writes with the embedded engine only.`,
          `Hand the warehouse to the embedded engine for the import with \`strava-lakehouse migrate --to embedded --warehouse ${config.warehouse}\`, import, and the next --engine databricks run takes the tables over again by itself.`,
        );
      }
      throw err;
    }
  });

  const source = await openArchive(config.archive, limits);
  let spool: TrackSpool | undefined;
  try {
    const csv = findActivitiesCsv(source);
    const csvLabel = `${source.location}: ${csv.name}`;
    // First the ids, file names and UTC starts (the zone given here is not used).
    const listed = await progress.group(`Read ${csv.name}`, async () =>
      collectActivities(
        activitiesCsvRows(await source.open(csv.name), csvLabel, 'UTC'),
        ({ activity: a }): Listed => ({
          activity: { id: a.id, archive: { filename: a.archive.filename } },
          startMs: Date.parse(a.start_date),
        }),
      ),
    );
    const layout = listed.layout.id;
    progress.info(`${listed.activities.length} activities, header layout ${layout}`);
    const bad = unreadableFiles(source, csv.base, listed.activities);
    const hints = new Map<number, TimeHints>();
    const withFiles = listed.activities.filter(
      (a) => a.activity.archive.filename !== null && !bad.has(a.activity.id),
    );
    const kept = await TrackSpool.open(deps.spoolParent);
    spool = kept;
    await progress.group(`Check ${withFiles.length} activity file(s)`, async () => {
      for (const a of withFiles) {
        let track: ActivityTrack;
        try {
          track = await readTrack(source, csv.base, a, limits);
        } catch (err) {
          if (!(err instanceof ArchiveError)) throw err;
          bad.set(a.activity.id, recordLine(err));
          continue;
        }
        hints.set(a.activity.id, { fitOffsetS: track.fitOffsetS, firstPoint: track.firstPoint });
        // Kept for the details pass, which then reads no activity file again.
        await kept.put(a.activity.id, track);
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
    const monthOf = new Map<number, Month>();
    const undecided: string[] = [];
    for (const { activity, startMs } of listed.activities) {
      const rule = decideTimeRule(hints.get(activity.id), flagZone);
      if (rule) {
        rules.set(activity.id, rule);
        monthOf.set(activity.id, localMonth(rule, startMs));
      } else {
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
    const counts = countByMonth(monthOf.values());
    const zoneOf: ZoneOf = (id) => rules.get(id) ?? { source: 'flag', zone: 'UTC' };
    const months = async (seen?: (a: ArchivedActivity) => void) =>
      completeMonths(
        activitiesCsvRows(await source.open(csv.name), csvLabel, zoneOf),
        monthOf,
        counts,
        csvLabel,
        seen,
      );
    // What the streams and laps need of each activity whose file can be read (or that has none).
    const placed: PlacedActivity[] = [];
    const keepPlaced = ({ activity: a, month }: ArchivedActivity) => {
      if (bad.has(a.id)) return;
      const { filename, description, calories } = a.archive;
      placed.push({
        activity: {
          id: a.id,
          utc_offset: a.utc_offset,
          archive: { filename, description, calories },
        },
        month,
        archiveSha256: archiveSummarySha256(a),
      });
    };
    const plan = await progress.group(
      `Place ${rules.size} activities in their local months`,
      async () => gateMonths(await months(keepPlaced), bad),
    );
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
      csvLabel,
      plan,
      months: () => months(),
      activitiesPerBatch: deps.activitiesPerBatch ?? ROWS_IN_MEMORY,
      undecided,
      details: (ctx) =>
        importDetails({
          engine,
          activities: placed,
          readTrack: (a) => kept.take(a.activity.id),
          noCoordinates: config.noCoordinates ?? false,
          ctx,
          now,
          progress,
        }),
    });
  } finally {
    try {
      await spool?.close();
    } finally {
      await source.close();
    }
  }
}

/**
 * The quality gate on every month, as each is complete, before the first landing file is
 * written; returns the months in order with what their landing and run record need. A month
 * that fails is refused after the pass, the earliest first, as if the months were gated in
 * order.
 */
async function gateMonths(
  months: AsyncGenerator<{ month: Month; activities: ArchivedActivity[] }>,
  bad: ReadonlyMap<number, string>,
): Promise<PlannedMonth[]> {
  const plan: PlannedMonth[] = [];
  const refused = new Map<Month, QualityError>();
  for await (const { month, activities } of months) {
    const file = landingFile(month, activities);
    let warnings: string[];
    try {
      warnings = checkQuality(file.rows as unknown as QualityRow[], month, file.key);
    } catch (err) {
      if (!(err instanceof QualityError)) throw err;
      refused.set(month, err);
      continue;
    }
    const unreadable = activities.flatMap((a) => {
      const line = bad.get(a.activity.id);
      return line ? [line] : [];
    });
    const rules: Partial<Record<TimezoneSource, number>> = {};
    for (const a of activities) {
      const source = a.activity.archive.timezone_source;
      rules[source] = (rules[source] ?? 0) + 1;
    }
    plan.push({ month, activities: activities.length, key: file.key, warnings, unreadable, rules });
  }
  if (refused.size) throw refused.get([...refused.keys()].sort()[0]!)!;
  return plan.sort((a, b) => (a.month < b.month ? -1 : 1));
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
  /** activities.csv as messages name it (`export.zip: activities.csv`). */
  csvLabel: string;
  /** The months the gate passed, in order. */
  plan: PlannedMonth[];
  /** The months' activities, streamed again from activities.csv, each month complete. */
  months: () => Promise<AsyncGenerator<{ month: Month; activities: ArchivedActivity[] }>>;
  activitiesPerBatch: number;
  undecided: string[];
  details: (ctx: { runId: string; force: boolean }) => Promise<{
    counts: DetailCounts;
    changedMonths: Month[];
  }>;
}

/** Two batches' engine results as one: the first's `before`, the last's `after`. */
function mergeResults(a: EngineResult | undefined, b: EngineResult): EngineResult {
  if (!a) return b;
  return {
    before: a.before,
    after: b.after,
    warnings: [...a.warnings, ...b.warnings],
    changedMonths: [...new Set([...a.changedMonths, ...b.changedMonths])].sort(),
  };
}

/**
 * Lands the months and runs the engine on them in batches of about `activitiesPerBatch`
 * activities, as the months come complete from activities.csv: only a batch's rows (and the
 * months not complete yet) are in memory. Returns each month's landing file and the engine's
 * result over all batches.
 */
async function landInBatches(
  input: LandInput,
  ctx: { runId: string; force: boolean },
): Promise<{ landed: Map<Month, LandedFile>; result: EngineResult }> {
  const { store, engine, progress, plan } = input;
  const planned = new Map(plan.map((p) => [p.month, p]));
  const landed = new Map<Month, LandedFile>();
  let result: EngineResult | undefined;
  let batch: MonthLandingFile[] = [];
  let size = 0;
  let batches = 0;
  const flush = async () => {
    if (!batch.length) return;
    const files = await mapConcurrently(batch, STORAGE_CONCURRENCY, (f) =>
      landCsv(store, f.month, f.body, 'archive'),
    );
    const landings: MonthLanding[] = batch.map((f, i) => {
      landed.set(f.month, files[i]!);
      return { month: f.month, key: files[i]!.key, sha256: files[i]!.sha256, rows: f.rows };
    });
    batches++;
    progress.info(
      `batch ${batches}: ${landings.length} month(s), ${size} activities (${landed.size} of ${plan.length} months)`,
    );
    result = mergeResults(result, await engine.processArchive(landings, ctx));
    batch = [];
    size = 0;
  };
  for await (const { month, activities } of await input.months()) {
    const file = landingFile(month, activities);
    // The gate passed this very file: its name is its content's hash.
    if (file.key !== planned.get(month)?.key) {
      throw changedWhileImported(input.csvLabel, `${month} is not as it was checked`);
    }
    if (size > 0 && size + file.rows.length > input.activitiesPerBatch) await flush();
    batch.push(file);
    size += file.rows.length;
  }
  await flush();
  return { landed, result: result! };
}

/** The landing and processing, the details and the run records of an import. */
async function land(input: LandInput): Promise<{ records: RunRecord[] }> {
  const { config, store, engine, progress, now, startedAt, runId, plan } = input;
  const ctx = { runId, force: false };
  const done = plan.length
    ? await progress.group(
        `Land and process ${plan.length} month(s) of the archive with the embedded engine`,
        () => landInBatches(input, ctx),
      )
    : undefined;
  const result = done?.result;
  const details = plan.length
    ? await progress.group('Streams and laps from the activity files', () => input.details(ctx))
    : undefined;
  const versions = await engine.preflight();

  const finishedAt = now();
  const records: RunRecord[] = plan.map((l) => {
    const file = done!.landed.get(l.month)!;
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
      activities: l.activities,
      landing: { key: file.key, sha256: file.sha256, bytes: file.bytes, reused: file.reused },
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
