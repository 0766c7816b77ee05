/**
 * The one core both doors call: connect -> land -> process -> record.
 *
 *   Strava (one sweep of the whole range) -> a month of validated activities
 *   -> landing CSV, content-addressed (landing/activities/month=YYYY-MM/activities-<sha>.csv)
 *   -> the engine: bronze, silver, gold
 *   -> a run record per month (_runs/month=YYYY-MM/<run-id>.json)
 *
 * A run of one month and a backfill are the same code: a backfill is a range of months fetched
 * in a single sweep, each month landed and gated as the sweep completes it, then processed in
 * one set of commits (or, past ROWS_IN_MEMORY rows, one set per batch of months).
 */
import { randomBytes } from 'node:crypto';
import { QualityError, StoreError, StravaApiError } from './errors.js';
import type { PipelineConfig } from './config.js';
import { silentProgress, type Progress } from './progress.js';
import { StravaAuth } from './strava/auth.js';
import { StravaClient, streamMonths } from './strava/client.js';
import { addMonths, queryWindow, type Month } from './strava/months.js';
import type { StravaActivity } from './strava/schema.js';
import { openStore } from './landing/open.js';
import { landCsv, landingKey, sha256Hex, type LandedFile } from './landing/land.js';
import { cellsToCsv, cellsToRecord, landingCells, parseLandingCsv } from './landing/csv.js';
import type { ObjectStore } from './landing/store.js';
import { createEngine, type DatabricksDriverOverride } from './lakehouse/choose.js';
import type { Engine, EngineResult, MonthLanding, ProcessContext } from './lakehouse/engine.js';
import { checkQuality, type QualityRow } from './lakehouse/quality.js';
import { runRecordKey, type RunRecord, type TableVersions } from './runs/record.js';
import { VERSION } from './version.js';
import { runDetailPhase, type DetailsRecord } from './details/phase.js';
import { withoutCoordinates } from './details/privacy.js';
import { STORAGE_CONCURRENCY, TaskPool, mapConcurrently } from './concurrency.js';

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
  /** Landing rows kept in memory and processed per batch (ROWS_IN_MEMORY); tests go lower. */
  rowsInMemory?: number;
  /** For `--engine databricks` in tests: a stand-in for @databricks/sql instead of the driver. */
  databricks?: DatabricksDriverOverride;
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
  const engine = await createEngine(config, store, {
    progress,
    now,
    databricks: deps.databricks,
  });
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
      ...(config.maxRequests !== undefined ? { maxRequests: config.maxRequests } : {}),
    });
    // Each month is landed and gated as soon as the sweep has it complete, so a large backfill
    // never holds every activity; the tables are written only once every month has passed.
    const rows = new RowBudget(deps.rowsInMemory ?? ROWS_IN_MEMORY);
    const landed: LandedMonth[] = [];
    const pool = new TaskPool(STORAGE_CONCURRENCY);
    // A run's lookback months come in the same sweep: one list, not one per month.
    const sweepFrom = addMonths(config.from, -config.lookback);
    const sweep = await progress.group(
      `Fetch ${describeRange(sweepFrom, config.to)} from Strava and land CSV`,
      async () => {
        try {
          return await streamMonths(client, sweepFrom, config.to, (month, activities, answer) =>
            pool.submit(async () => {
              if (!activities.length && answer.redirectedTo) {
                await refuseRedirectedEmpty(store, month, answer.redirectedTo, deps);
              }
              const kept = config.privacy.noCoordinates
                ? activities.map((a) => withoutCoordinates(a))
                : activities;
              const l = await landOne(store, month, kept, rows);
              landed.push(l);
              progress.update(
                `landed ${month}: ${l.activities} activities${l.reused ? ' (unchanged)' : ''}`,
              );
            }),
          );
        } finally {
          await pool.settle();
        }
      },
    );
    await pool.drain();
    landed.sort((a, b) => (a.month < b.month ? -1 : 1));
    let stoppedEarly: PipelineResult['stoppedEarly'];
    if (sweep.stoppedAt) {
      // Strava's daily budget ran out: keep the months the sweep finished, say when to resume.
      if (!landed.length) throw sweep.stoppedAt;
      stoppedEarly = {
        message: `${sweep.stoppedAt.message} Processed the ${landed.length} month(s) fetched completely; run the same command again after the reset for the rest.`,
        resumeAt: sweep.stoppedAt.resumeAt.toISOString(),
      };
    }

    const versions = await engine.preflight();
    const todo: LandedMonth[] = [];
    const skipped = new Set<Month>();
    const previous = config.force
      ? new Map<Month, RunRecord>()
      : await previousRecords(
          store,
          landed.map((l) => l.month),
          deps,
        );
    for (const l of landed) {
      const prev = previous.get(l.month);
      if (prev && prev.landing.sha256 === l.sha256 && sameVersions(prev.tables.after, versions)) {
        skipped.add(l.month);
      } else {
        todo.push(l);
      }
    }
    const result = todo.length
      ? await progress.group(`Process ${todo.length} month(s) with the ${engine.name} engine`, () =>
          processInBatches(engine, store, todo, rows, { runId, force: config.force }),
        )
      : { before: versions, after: versions, warnings: [], changedMonths: [] as Month[] };

    // Details come after the list, within what is left of the budget; not when the list itself
    // stopped early (the budget is spent) or the run was told not to.
    let details: DetailsRecord | undefined;
    if (config.details && !stoppedEarly) {
      details = await progress.group('Fetch activity details from Strava', () =>
        runDetailPhase({
          engine,
          client,
          privacy: config.privacy,
          ...(config.maxRequests !== undefined ? { maxRequests: config.maxRequests } : {}),
          ctx: { runId, force: config.force },
          silverChangedMonths: result.changedMonths,
          progress,
          now,
        }),
      );
    }

    // What a reader of the tables now needs: Databricks may have upgraded them in this run.
    const tableProtocols = engine.tableProtocols
      ? await progress.group('Read table protocols', () => engine.tableProtocols!())
      : undefined;
    const handedOver = engine.handedOver?.length ? [...engine.handedOver] : undefined;

    const finishedAt = now();
    const rechecked = config.lookback
      ? landed.map((l) => l.month).filter((m) => m < config.from)
      : [];
    const records: RunRecord[] = landed.map((l) => {
      const month = l.month;
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
        activities: l.activities,
        landing: { key: l.key, sha256: l.sha256, bytes: l.bytes, reused: l.reused },
        tables: { before: result.before, after: result.after },
        qualityWarnings: l.warnings,
        stravaRequests: client.requestCount,
        ...(result.statements ? { statements: result.statements } : {}),
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        forced: config.force,
        ...(month === config.to && rechecked.length ? { rechecked } : {}),
        ...(month === config.to && details ? { details } : {}),
        ...(month === config.to && tableProtocols?.length ? { tableProtocols } : {}),
        ...(month === config.to && handedOver ? { handedOver } : {}),
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

/**
 * Landing rows kept in memory from landing to processing, and the size of a batch of months
 * for an engine that reads rows. Beyond it a month's rows are read again from its landing
 * file when its batch comes. A batch costs one commit per table, so this trades commits for
 * memory: at 1,000 a 100k-activity backfill peaks under 300 MB (npm run bench).
 */
export const ROWS_IN_MEMORY = 1_000;

/** A month landed and gated: its file, and its rows while they fit the budget. */
interface LandedMonth extends LandedFile {
  month: Month;
  activities: number;
  /** The quality gate's warnings, each starting with the month. */
  warnings: string[];
  rows?: Record<string, string>[];
}

class RowBudget {
  private kept = 0;
  constructor(readonly limit: number) {}
  /** True (and counted) if `n` more rows fit. */
  take(n: number): boolean {
    if (this.kept + n > this.limit) return false;
    this.kept += n;
    return true;
  }
  release(n: number): void {
    this.kept -= n;
  }
}

function describeRange(from: Month, to: Month): string {
  return from === to ? from : `${from}..${to}`;
}

/**
 * Runs the quality gate on one month's rows, then lands it. The rows are the cells the CSV holds,
 * made from the activities rather than parsed back: the file's name is its content's hash, so
 * a file that was already there (read back and hashed here, to catch one edited by hand since
 * landing) holds exactly the text, and the cells, of this month's activities.
 */
async function landOne(
  store: ObjectStore,
  month: Month,
  activities: readonly StravaActivity[],
  budget: RowBudget,
): Promise<LandedMonth> {
  const cells = landingCells(activities);
  const body = new TextEncoder().encode(cellsToCsv(cells));
  const rows = cells.map(cellsToRecord);
  // The gate: a failing month stops the run before its landing file or any table is written.
  const warnings = checkQuality(rows as unknown as QualityRow[], month, landingKey(month, body));
  const landed = await landCsv(store, month, body);
  if (landed.reused) await readLandingBytes(store, landed);
  return {
    ...landed,
    month,
    activities: rows.length,
    warnings,
    ...(budget.take(rows.length) ? { rows } : {}),
  };
}

/** A landing file's bytes, read from the store; its name is its content's hash, checked here. */
async function readLandingBytes(
  store: ObjectStore,
  landed: Pick<LandedFile, 'key' | 'sha256'>,
): Promise<Uint8Array> {
  const body = await store.get(landed.key);
  if (!body) {
    throw new StoreError(
      `Landing file ${store.uri(landed.key)} vanished after landing.`,
      'Something else deleted it; run the same command again to land it again.',
    );
  }
  if (sha256Hex(body) !== landed.sha256) {
    throw new QualityError(
      `Landing file ${store.uri(landed.key)} does not match its content hash: it was changed after landing.`,
      'Delete that file and re-run the month to land it again.',
    );
  }
  return body;
}

/** A landing file's rows, read from the store as the engine reads it. */
async function readLanding(
  store: ObjectStore,
  landed: Pick<LandedFile, 'key' | 'sha256'>,
): Promise<Record<string, string>[]> {
  const body = await readLandingBytes(store, landed);
  return parseLandingCsv(new TextDecoder().decode(body), store.uri(landed.key));
}

/**
 * Months (given by their activity counts, in order) cut into batches of consecutive months of
 * at most `limit` activities, a bigger month alone: the indexes of each batch's months.
 */
export function batchesOf(counts: readonly number[], limit: number = ROWS_IN_MEMORY): number[][] {
  const batches: number[][] = [];
  let size = 0;
  counts.forEach((n, i) => {
    if (!batches.length || (size > 0 && size + n > limit)) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1)!.push(i);
    size += n;
  });
  return batches;
}

/**
 * The engine over `todo` in month order, in batches of at most the budget's rows (a bigger
 * month alone): each batch's rows are in memory only while it is processed. Every batch is
 * idempotent by itself, so a crash between batches is repaired by the next run like any other.
 */
async function processInBatches(
  engine: Engine,
  store: ObjectStore,
  todo: LandedMonth[],
  budget: RowBudget,
  ctx: ProcessContext,
): Promise<EngineResult> {
  const batches = engine.readsRows
    ? batchesOf(
        todo.map((l) => l.activities),
        budget.limit,
      ).map((indexes) => indexes.map((i) => todo[i]!))
    : [todo];
  let merged: EngineResult | undefined;
  for (const batch of batches) {
    const landings: MonthLanding[] = await mapConcurrently(
      batch,
      STORAGE_CONCURRENCY,
      async (l) => ({
        month: l.month,
        key: l.key,
        sha256: l.sha256,
        rows: l.rows ?? (engine.readsRows ? await readLanding(store, l) : []),
      }),
    );
    const r = await engine.process(landings, ctx);
    for (const l of batch) {
      if (l.rows) budget.release(l.rows.length);
      delete l.rows;
    }
    merged = merged
      ? {
          before: merged.before,
          after: r.after,
          warnings: [...merged.warnings, ...r.warnings],
          changedMonths: [...merged.changedMonths, ...r.changedMonths],
          ...(merged.statements || r.statements
            ? { statements: [...(merged.statements ?? []), ...(r.statements ?? [])] }
            : {}),
        }
      : r;
  }
  return merged!;
}

const RUN_RECORD_MONTH = /^_runs\/month=(\d{4}-\d{2})\//;

/**
 * The newest earlier record of each month, from the warehouse's `_runs/` (listed once for a
 * backfill, not once a month) and from `deps.findPreviousRecord`.
 */
async function previousRecords(
  store: ObjectStore,
  months: Month[],
  deps: PipelineDeps,
): Promise<Map<Month, RunRecord>> {
  const wanted = new Set(months);
  const listed = await store.list(months.length === 1 ? `_runs/month=${months[0]}/` : '_runs/');
  const keysByMonth = new Map<Month, string[]>();
  for (const obj of listed) {
    const month = RUN_RECORD_MONTH.exec(obj.key)?.[1];
    if (month && wanted.has(month))
      keysByMonth.set(month, [...(keysByMonth.get(month) ?? []), obj.key]);
  }
  const newest = await mapConcurrently(months, STORAGE_CONCURRENCY, async (month) => {
    const records: RunRecord[] = [];
    for (const key of keysByMonth.get(month) ?? []) {
      const body = await store.get(key);
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
  });
  return new Map(
    months.flatMap((m, i) => (newest[i] ? [[m, newest[i]] as [Month, RunRecord]] : [])),
  );
}

/**
 * A list that came through a redirect is not Strava's own word: it may not empty a month that
 * held activities at its last run.
 */
async function refuseRedirectedEmpty(
  store: ObjectStore,
  month: Month,
  redirectedTo: string,
  deps: PipelineDeps,
): Promise<void> {
  const held = (await previousRecords(store, [month], deps)).get(month)?.activities ?? 0;
  if (held === 0) return;
  throw new StravaApiError(
    `Strava's list was redirected to ${redirectedTo} and came back without the ${held} activities ${month} held: refused to empty the month.`,
    'Nothing was written to the tables; run again later, and check STRAVA_API_BASE (or STRAVA_API_URL) if it persists.',
  );
}

function sameVersions(a: TableVersions, b: TableVersions): boolean {
  return a.bronze === b.bronze && a.silver === b.silver && a.gold === b.gold;
}
