/**
 * The second half of an import: the activity files -> silver/streams, silver/laps and
 * silver/activity_details, after silver holds the import's rows, through the embedded engine's
 * writeDetails in chunks of IMPORT_CHUNK_SAMPLES samples or IMPORT_CHUNK_ACTIVITIES activities:
 * larger than the detail phase's (whose chunk is set by its request budget; an import has none).
 *
 * - Each details row carries the archive hash of the activity as the export gives it
 *   (archiveSummarySha256 of src/details/summary-hash.ts: the fields activities.csv fills, doubles
 *   at 32-bit precision). The API's detail phase finds it current, and sends no request for it,
 *   while silver's row has the same archive hash: after an import, and after an API run replaced
 *   the month's summaries with the API's, until the athlete edits a covered field on Strava. An
 *   API row that already differs from the export (edited since) gets the archive's details too,
 *   and the next API run fetches its own.
 * - API wins: an activity whose details the API fetched (any status but `archive`) is left alone.
 * - An activity whose archive details already hold that hash (or, written before the archive
 *   hash existed, the full hash of its current summary) is not read again: importing the same
 *   export again writes nothing.
 */
import type { ActivityDetailRows } from '../details/types.js';
import { ACTIVITY_DETAILS } from '../lakehouse/detail-tables.js';
import type { EmbeddedEngine } from '../lakehouse/embedded.js';
import type { ProcessContext } from '../lakehouse/engine.js';
import type { Progress } from '../progress.js';
import type { Month } from '../strava/months.js';
import { ARCHIVE_STATUS, trackRows } from './detail-rows.js';
import type { PlacedActivity } from './activities-csv.js';
import type { ActivityTrack } from './files.js';

/**
 * A chunk of the import is written once it holds this many stream samples (or
 * IMPORT_CHUNK_ACTIVITIES activities): one commit per detail table per chunk. Measured with
 * `npm run bench -- --only import-files --activities 1000` (1,000 one-hour 1 Hz files, 3.6 M
 * samples, one run each at a load of 3 to 7): the details pass took 11.5 / 11.2 / 10.6 / 11.2 s
 * with chunks of 40k / 100k / 200k / 400k samples, and the import's peak RSS was 341 / 436 /
 * 581 / 924 MB. Time hardly depends on it, memory does: 100k gives 2.5 times fewer commits
 * (and Delta versions, and small files) than the detail phase's 40k for under 100 MB more.
 */
export const IMPORT_CHUNK_SAMPLES = 100_000;
export const IMPORT_CHUNK_ACTIVITIES = 1_000;

/** What importDetails needs of the import. */
export interface ImportDetailsInput {
  engine: EmbeddedEngine;
  /**
   * The imported activities whose files were read without error, and those without a file
   * (manual: a details row with no streams and no laps, as the API gives them).
   */
  activities: readonly PlacedActivity[];
  /** The track of an activity's file as the first pass parsed it (spool.ts). */
  readTrack: (a: PlacedActivity) => Promise<ActivityTrack>;
  noCoordinates: boolean;
  ctx: ProcessContext;
  now: () => Date;
  progress: Progress;
}

/** Per local month: details written, samples, laps, and activities left with the API's details. */
export type DetailCounts = Map<
  Month,
  { activities: number; samples: number; laps: number; keptFromApi: number }
>;

/** Writes the details of the import's activities; returns the counts and the months changed. */
export async function importDetails(
  input: ImportDetailsInput,
): Promise<{ counts: DetailCounts; changedMonths: Month[] }> {
  const { engine, ctx, progress } = input;
  const state = await engine.details.detailState();
  const silver = new Map(state.activities.map((a) => [a.id, a]));
  const detailsTable = engine.details.tables.get(ACTIVITY_DETAILS.path)!;
  const snap = await detailsTable.snapshot();
  const existing = new Map(
    (snap
      ? await detailsTable.readRows(snap.files, ['activity_id', 'status', 'summary_sha256'])
      : []
    ).map((r) => [r.activity_id as bigint, r]),
  );
  const counts: DetailCounts = new Map();
  const count = (month: Month) => {
    let c = counts.get(month);
    if (!c) {
      c = { activities: 0, samples: 0, laps: 0, keptFromApi: 0 };
      counts.set(month, c);
    }
    return c;
  };
  const changed = new Set<Month>();
  let chunk: ActivityDetailRows[] = [];
  let samples = 0;
  const flush = async () => {
    if (!chunk.length) return;
    const result = await engine.writeDetails({ activities: chunk, gear: [] }, ctx);
    for (const m of result.changedMonths) changed.add(m);
    chunk = [];
    samples = 0;
  };
  for (const a of input.activities) {
    const id = BigInt(a.activity.id);
    const summary = silver.get(id);
    if (!summary) continue;
    const held = existing.get(id);
    if (held && held.status !== ARCHIVE_STATUS) {
      count(a.month).keptFromApi++;
      continue;
    }
    const { archiveSha256 } = a;
    const stored = held?.summary_sha256;
    if (stored === archiveSha256 || stored === summary.summarySha256) continue;
    const track: ActivityTrack =
      a.activity.archive.filename === null
        ? { format: 'fit', samples: [], laps: [], fitOffsetS: null, firstPoint: null }
        : await input.readTrack(a);
    const rows = trackRows(track, {
      activityId: id,
      month: summary.month,
      summarySha256: archiveSha256,
      fetchedAtMicros: BigInt(input.now().getTime()) * 1000n,
      utcOffsetS: Number(a.activity.utc_offset),
      description: a.activity.archive.description,
      calories: a.activity.archive.calories,
      noCoordinates: input.noCoordinates,
    });
    const c = count(a.month);
    c.activities++;
    c.samples += rows.streams.length;
    c.laps += rows.laps.length;
    chunk.push(rows);
    samples += rows.streams.length;
    if (samples >= IMPORT_CHUNK_SAMPLES || chunk.length >= IMPORT_CHUNK_ACTIVITIES) await flush();
  }
  await flush();
  const months = [...changed].sort();
  if (months.length) {
    await engine.refreshDetailGold(months, ctx);
    progress.info(`details from the activity files: ${months.length} month(s) changed`);
  }
  return { counts, changedMonths: months };
}
