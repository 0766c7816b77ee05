/**
 * The one core both doors call: connect -> land -> process -> record.
 *
 *   Strava (one sweep of the whole range) -> a month of validated activities
 *   -> landing CSV, content-addressed (landing/activities/month=YYYY-MM/activities-<sha>.csv)
 *   -> the engine: bronze, silver, gold
 *   -> a run record per month (_runs/month=YYYY-MM/<run-id>.json)
 *
 * A run of one month and a backfill are the same code: a backfill is a range of months fetched
 * in a single sweep and processed in one set of commits.
 */
import { randomBytes } from 'node:crypto';
import { QualityError, StoreError } from './errors.js';
import type { PipelineConfig } from './config.js';
import { silentProgress, type Progress } from './progress.js';
import { StravaAuth } from './strava/auth.js';
import { StravaClient, sweepMonths } from './strava/client.js';
import { queryWindow, type Month } from './strava/months.js';
import type { StravaActivity } from './strava/schema.js';
import { openStore } from './landing/open.js';
import { landMonth } from './landing/land.js';
import { parseLandingCsv } from './landing/csv.js';
import type { ObjectStore } from './landing/store.js';
import { createEngine } from './lakehouse/choose.js';
import type { MonthLanding } from './lakehouse/engine.js';
import { runRecordKey, type RunRecord, type TableVersions } from './runs/record.js';
import { sha256Hex } from './landing/land.js';
import { VERSION } from './version.js';
import { STORAGE_CONCURRENCY, mapConcurrently } from './concurrency.js';

export interface PipelineDeps {
  progress?: Progress;
  fetch?: typeof fetch;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  runId?: string;
  github?: RunRecord['github'];
  /** The warehouse's store; by default opened from `config.warehouse` (tests wrap it). */
  store?: ObjectStore;
  /** Another place to find the newest earlier record of a month (the action: artifacts). */
  findPreviousRecord?: (month: Month) => Promise<RunRecord | undefined>;
}

export interface PipelineResult {
  records: RunRecord[];
  /** Set when Strava rotated the refresh token during this run (already saved to the token file). */
  rotatedRefreshToken?: string;
  /** Set when Strava's daily budget ran out: the months before it were processed. */
  stoppedEarly?: { message: string; resumeAt: string };
}

export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runPipeline(
  config: PipelineConfig,
  deps: PipelineDeps = {},
): Promise<PipelineResult> {
  const progress = deps.progress ?? silentProgress;
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const runId = deps.runId ?? newRunId(startedAt);
  const store = deps.store ?? (await openStore(config.warehouse, config.s3));
  const engine = await createEngine(config, store, { progress, now });
  try {
    // Refuse tables this engine must not write before touching Strava or the warehouse.
    await progress.group('Check tables', () => engine.preflight());

    // The same clock and waits as the client: token expiry is judged on the run's clock.
    const auth = new StravaAuth({
      config: config.strava,
      fetch: deps.fetch,
      progress,
      now,
      sleep: deps.sleep,
    });
    const client = new StravaClient({
      config: config.strava,
      auth,
      fetch: deps.fetch,
      progress,
      sleep: deps.sleep,
      now,
    });
    const sweep = await progress.group(`Fetch ${describeRange(config)} from Strava`, () =>
      sweepMonths(client, config.from, config.to),
    );
    let stoppedEarly: PipelineResult['stoppedEarly'];
    if (sweep.stoppedAt) {
      // Strava's daily budget ran out: keep the months the sweep finished, say when to resume.
      if (!sweep.months.size) throw sweep.stoppedAt;
      stoppedEarly = {
        message: `${sweep.stoppedAt.message} Processed the ${sweep.months.size} month(s) fetched completely; run the same command again after the reset for the rest.`,
        resumeAt: sweep.stoppedAt.resumeAt.toISOString(),
      };
    }

    const landed = await progress.group('Land CSV', () => landAll(store, sweep.months, progress));

    const versions = await engine.preflight();
    const todo: LandedMonth[] = [];
    const skipped = new Set<Month>();
    const previous = config.force
      ? []
      : await mapConcurrently(landed, STORAGE_CONCURRENCY, (l) =>
          findPrevious(store, l.landing.month, deps),
        );
    for (const [i, l] of landed.entries()) {
      const prev = previous[i];
      if (
        prev &&
        prev.landing.sha256 === l.landing.sha256 &&
        sameVersions(prev.tables.after, versions)
      ) {
        skipped.add(l.landing.month);
      } else {
        todo.push(l);
      }
    }
    const result = todo.length
      ? await progress.group(`Process ${todo.length} month(s) with the ${engine.name} engine`, () =>
          engine.process(
            todo.map((l) => l.landing),
            { runId, force: config.force },
          ),
        )
      : { before: versions, after: versions, warnings: [], changedMonths: [] as Month[] };

    const finishedAt = now();
    const records: RunRecord[] = landed.map((l) => {
      const month = l.landing.month;
      const changed = result.changedMonths.includes(month) || config.force;
      const window = queryWindow(month);
      return {
        schemaVersion: 1,
        runId,
        ...(deps.github ? { github: deps.github } : {}),
        toolVersion: VERSION,
        engine: engine.name,
        month,
        window: {
          ...window,
          afterIso: new Date(window.after * 1000).toISOString(),
          beforeIso: new Date(window.before * 1000).toISOString(),
        },
        status: skipped.has(month) || !changed ? 'unchanged' : 'ingested',
        activities: l.landing.rows.length,
        landing: { key: l.landing.key, sha256: l.landing.sha256, bytes: l.bytes, reused: l.reused },
        tables: { before: result.before, after: result.after },
        qualityWarnings: result.warnings.filter((w) => w.startsWith(`${month}:`)),
        stravaRequests: client.requestCount,
        ...(result.statements ? { statements: result.statements } : {}),
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        forced: config.force,
      };
    });
    await progress.group('Record', () =>
      mapConcurrently(records, STORAGE_CONCURRENCY, (r) =>
        store.put(runRecordKey(r.month, r.runId), `${JSON.stringify(r, null, 2)}\n`),
      ),
    );
    return {
      records,
      ...(auth.rotatedRefreshToken ? { rotatedRefreshToken: auth.rotatedRefreshToken } : {}),
      ...(stoppedEarly ? { stoppedEarly } : {}),
    };
  } finally {
    await engine.close?.();
  }
}

interface LandedMonth {
  landing: MonthLanding;
  bytes: number;
  reused: boolean;
}

function describeRange(config: PipelineConfig): string {
  return config.from === config.to ? config.from : `${config.from}..${config.to}`;
}

/**
 * Lands every month of the range, then reads each landing file back as the engine will. A
 * month's activities leave `fetched` once landed: its landing rows take their place, and a
 * large backfill need not hold both.
 */
async function landAll(
  store: ObjectStore,
  fetched: Map<Month, StravaActivity[]>,
  progress: Progress,
): Promise<LandedMonth[]> {
  const lines: string[] = [];
  let reported = 0;
  return mapConcurrently([...fetched.keys()].sort(), STORAGE_CONCURRENCY, async (month, i) => {
    const activities = fetched.get(month)!;
    fetched.delete(month);
    const landed = await landMonth(store, month, activities);
    const body = await store.get(landed.key);
    if (!body)
      throw new StoreError(`Landing file ${store.uri(landed.key)} vanished after writing.`);
    // The name is the content's hash: a file edited after landing is caught here.
    if (sha256Hex(body) !== landed.sha256) {
      throw new QualityError(
        `Landing file ${store.uri(landed.key)} does not match its content hash: it was changed after landing.`,
        'Delete that file and re-run the month to land it again.',
      );
    }
    const rows = parseLandingCsv(new TextDecoder().decode(body), store.uri(landed.key));
    lines[i] =
      `landed ${month}: ${activities.length} activities${landed.reused ? ' (unchanged)' : ''}`;
    // In month order, whichever month finishes first.
    for (; lines[reported] !== undefined; reported++) progress.update(lines[reported]!);
    return {
      landing: { month, key: landed.key, sha256: landed.sha256, rows },
      bytes: landed.bytes,
      reused: landed.reused,
    };
  });
}

async function findPrevious(
  store: ObjectStore,
  month: Month,
  deps: PipelineDeps,
): Promise<RunRecord | undefined> {
  const records: RunRecord[] = [];
  for (const obj of await store.list(`_runs/month=${month}/`)) {
    const body = await store.get(obj.key);
    if (!body) continue;
    try {
      records.push(JSON.parse(new TextDecoder().decode(body)) as RunRecord);
    } catch {
      // A damaged record only costs the fast path; the tables are idempotent by themselves.
    }
  }
  const fromArtifacts = await deps.findPreviousRecord?.(month);
  if (fromArtifacts) records.push(fromArtifacts);
  return records.sort((a, b) => (a.finishedAt < b.finishedAt ? 1 : -1))[0];
}

function sameVersions(a: TableVersions, b: TableVersions): boolean {
  return a.bronze === b.bronze && a.silver === b.silver && a.gold === b.gold;
}
