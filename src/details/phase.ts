/**
 * The detail phase of a run: after the list has been landed and processed, fetch the details
 * of the activities that need them, within the request budget, and write them in chunks.
 *
 * - The queue is derived from the warehouse (queue.ts): newest month first, an unchanged
 *   activity never again. Each chunk is written before the next is fetched, so a crash, a cap
 *   or a 429 loses at most the chunk in flight, and the next run continues from the tables.
 * - Budget: at most `maxRequests` Strava requests in the whole run (the client refuses the one
 *   beyond, RequestCapError), and never the last DAILY_RESERVE of the day's read budget, so the
 *   next scheduled list still gets through. An activity is started only when both of its
 *   requests fit. Within the 15-minute window the client paces as it does for the list.
 * - A 404 on the detail (deleted meanwhile) records the activity as `not_found` for its current
 *   summary: it leaves the queue. A 429 ends the phase at once, keeping every chunk written.
 * - Zones once a run at most (when never fetched or older than ZONES_MAX_AGE_MS), each gear id
 *   once.
 */
import { RateLimitError, RequestCapError } from '../errors.js';
import type { Row } from '../lakehouse/delta/table.js';
import type { DetailEngine, ProcessContext } from '../lakehouse/engine.js';
import type { StatementRecord } from '../runs/record.js';
import { DETAIL_GOLD } from '../lakehouse/detail-tables.js';
import { silentProgress, type Progress } from '../progress.js';
import { activityDetailRows, gearRow, zoneRows } from '../strava/details.js';
import type { Month } from '../strava/months.js';
import { streamsWithoutCoordinates, type PrivacyConfig } from './privacy.js';
import { detailQueue, missingGear, queuedRequests, requestsFor, runsToFinish } from './queue.js';
import type { ActivityDetailRows, SilverSummary } from './types.js';

/** Read requests of the day left unused for the next scheduled list run and other tools. */
export const DAILY_RESERVE = 100;
/** Strava's default daily read limit: the estimate of a run's budget when no cap is set. */
export const DEFAULT_DAILY_READS = 1_000;
/** A chunk is written once it holds this many stream samples or CHUNK_ACTIVITIES activities. */
export const CHUNK_SAMPLES = 40_000;
export const CHUNK_ACTIVITIES = 100;
/** Activities between two progress lines. */
export const PROGRESS_EVERY = 10;
/** Zones are fetched again when older than this (they change rarely). */
export const ZONES_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** The client calls the phase makes (StravaClient implements them). */
export interface DetailClient {
  readonly requestCount: number;
  remainingToday(): number | undefined;
  getActivity(id: bigint, opts: { stopOn429: true }): Promise<Record<string, unknown> | undefined>;
  getStreams(
    id: bigint,
    opts: { stopOn429: true },
  ): Promise<Record<string, { data: unknown[] }> | undefined>;
  getGear(id: string, opts: { stopOn429: true }): Promise<Record<string, unknown> | undefined>;
  getAthleteZones(opts: { stopOn429: true }): Promise<Record<string, unknown>>;
}

export type StoppedBy = 'max-requests' | 'daily-budget' | 'rate-limit';

/** What the run record and the job summary say about details. */
export interface DetailsRecord {
  /** Activities whose details this run fetched (not_found included). */
  fetched: number;
  /** Of those, answered 404. */
  notFound: number;
  /** Gear ids fetched this run. */
  gear: number;
  zones: boolean;
  /** Strava requests this phase sent. */
  requests: number;
  /** Silver activities whose details are current. */
  withDetails: number;
  /** Activities still queued, and the requests they need (gear included). */
  queued: number;
  queuedRequests: number;
  /** Runs like this one still needed to empty the queue (an estimate). */
  runsToFinish: number;
  stoppedBy?: StoppedBy;
  /** Why the phase stopped, in a line a user can act on. */
  stoppedMessage?: string;
  /** Months whose detail tables or detail gold changed. */
  changedMonths: Month[];
  /** Delta versions of the detail tables after the phase, by table path. */
  tables: Record<string, number | null>;
  /** The SQL statements the phase sent (the databricks engine). */
  statements?: StatementRecord[];
}

export interface DetailPhaseOptions {
  engine: DetailEngine;
  client: DetailClient;
  privacy: PrivacyConfig;
  /** The run's request cap (`--max-requests`), counting every request of the run. */
  maxRequests?: number;
  ctx: ProcessContext;
  /** Months whose silver this run changed: their detail gold is recomputed too. */
  silverChangedMonths: readonly Month[];
  progress?: Progress;
  now?: () => Date;
}

class Stop extends Error {
  constructor(
    readonly by: StoppedBy,
    message: string,
  ) {
    super(message);
  }
}

export async function runDetailPhase(opts: DetailPhaseOptions): Promise<DetailsRecord> {
  const { engine, client, ctx } = opts;
  const progress = opts.progress ?? silentProgress;
  const now = opts.now ?? (() => new Date());
  const startRequests = client.requestCount;
  const micros = () => BigInt(now().getTime()) * 1000n;

  const state = await engine.detailState();
  const reconciled = await engine.reconcileDetails(state.activities);
  const queue = detailQueue(state);
  const gearTodo = missingGear(state);
  const wantZones =
    state.zonesFetchedAt === undefined || now().getTime() - state.zonesFetchedAt > ZONES_MAX_AGE_MS;
  progress.info(
    `details: ${state.activities.length - queue.length} of ${state.activities.length} activities current, ${queue.length} queued (${queuedRequests(queue, gearTodo)} requests)`,
  );

  const budgetFor = (cost: number) => {
    if (opts.maxRequests !== undefined && client.requestCount + cost > opts.maxRequests) {
      throw new Stop(
        'max-requests',
        `the cap of ${opts.maxRequests} requests (--max-requests) is reached`,
      );
    }
    const left = client.remainingToday();
    if (left !== undefined && left - cost < DAILY_RESERVE) {
      throw new Stop(
        'daily-budget',
        `${left} of the day's Strava read requests are left and ${DAILY_RESERVE} are kept in reserve`,
      );
    }
  };
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RequestCapError) throw new Stop('max-requests', err.message);
      if (err instanceof RateLimitError) throw new Stop('rate-limit', err.message);
      throw err;
    }
  };

  const done = new Set<bigint>();
  let notFound = 0;
  let gearFetched = 0;
  let zones: Row[] | undefined;
  let pending: ActivityDetailRows[] = [];
  let pendingGear: Row[] = [];
  let samples = 0;
  const changed = new Set<Month>(reconciled);
  const flush = async () => {
    if (!pending.length && !pendingGear.length && !zones) return;
    const result = await engine.writeDetails(
      { activities: pending, gear: pendingGear, ...(zones ? { zones } : {}) },
      ctx,
    );
    for (const m of result.changedMonths) changed.add(m);
    for (const a of pending) done.add(a.activityId);
    progress.info(
      `details: wrote ${pending.length} activities (${samples} samples)${pendingGear.length ? `, ${pendingGear.length} gear` : ''}${zones ? ', zones' : ''}`,
    );
    pending = [];
    pendingGear = [];
    samples = 0;
    zones = undefined;
  };

  let stop: Stop | undefined;
  let zonesFetched = false;
  try {
    if (wantZones) {
      budgetFor(1);
      zones = zoneRows(await call(() => client.getAthleteZones({ stopOn429: true })), micros());
      zonesFetched = true;
    }
    for (const id of gearTodo) {
      budgetFor(1);
      const json = await call(() => client.getGear(id, { stopOn429: true }));
      gearFetched++;
      // A gear id Strava no longer knows is recorded by id alone, so it is not asked again.
      pendingGear.push(json ? gearRow(json, micros()) : unknownGearRow(id, micros()));
    }
    for (const a of queue) {
      budgetFor(requestsFor(a));
      const rows = await fetchOne(a, client, call, micros());
      if (rows.details.status === 'not_found') notFound++;
      if (opts.privacy.noCoordinates) rows.streams = streamsWithoutCoordinates(rows.streams);
      pending.push(rows);
      samples += rows.streams.length;
      // A line every PROGRESS_EVERY activities: in CI logs each update is a line of its own.
      const n = done.size + pending.length;
      if (n % PROGRESS_EVERY === 0 || n === queue.length) {
        progress.update(`details: ${n} of ${queue.length} activities`);
      }
      if (samples >= CHUNK_SAMPLES || pending.length >= CHUNK_ACTIVITIES) await flush();
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    stop = err;
  }
  await flush();

  const goldMonths = needsAllGold(zonesFetched, gearFetched, await engine.detailVersions())
    ? undefined
    : [...new Set([...changed, ...opts.silverChangedMonths])].sort();
  if (goldMonths === undefined || goldMonths.length) {
    for (const m of await engine.refreshDetailGold(goldMonths, ctx)) changed.add(m);
  }

  const left = queue.filter((a) => !done.has(a.id));
  const gearLeft = gearTodo.slice(gearFetched);
  const requests = client.requestCount - startRequests;
  const stillNeeded = queuedRequests(left, gearLeft);
  const perRun =
    opts.maxRequests !== undefined
      ? opts.maxRequests - startRequests
      : DEFAULT_DAILY_READS - DAILY_RESERVE - startRequests;
  const record: DetailsRecord = {
    fetched: done.size,
    notFound,
    gear: gearFetched,
    zones: zonesFetched,
    requests,
    withDetails: state.activities.length - left.length,
    queued: left.length,
    queuedRequests: stillNeeded,
    runsToFinish: runsToFinish(stillNeeded, perRun),
    ...(stop && left.length
      ? { stoppedBy: stop.by, stoppedMessage: stoppedLine(stop, left.length, stillNeeded) }
      : {}),
    changedMonths: [...changed].sort(),
    tables: await engine.detailVersions(),
    ...(engine.detailStatements?.length ? { statements: [...engine.detailStatements] } : {}),
  };
  if (record.stoppedMessage) progress.warn(record.stoppedMessage);
  return record;
}

async function fetchOne(
  a: SilverSummary,
  client: DetailClient,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  fetchedAtMicros: bigint,
): Promise<ActivityDetailRows> {
  const detail = await call(() => client.getActivity(a.id, { stopOn429: true }));
  const streams =
    detail && !a.manual
      ? await call(() => client.getStreams(a.id, { stopOn429: true }))
      : undefined;
  return activityDetailRows({
    activityId: a.id,
    month: a.month,
    summarySha256: a.summarySha256,
    fetchedAtMicros,
    detail,
    streams,
  });
}

function unknownGearRow(id: string, fetchedAtMicros: bigint): Row {
  return {
    id,
    gear_type: id.startsWith('b') ? 'bike' : 'shoe',
    name: null,
    brand_name: null,
    model_name: null,
    description: null,
    is_primary: null,
    retired: null,
    distance: null,
    fetched_at: fetchedAtMicros,
  };
}

/** New zones or gear names touch every month's gold, as does a detail gold table not there yet. */
function needsAllGold(
  zones: boolean,
  gear: number,
  versions: Record<string, number | null>,
): boolean {
  return zones || gear > 0 || DETAIL_GOLD.some((t) => versions[t.path] == null);
}

function stoppedLine(stop: Stop, queued: number, requests: number): string {
  const why =
    stop.by === 'max-requests'
      ? 'run again (or with a larger --max-requests) to continue'
      : stop.by === 'daily-budget'
        ? "the next run after Strava's daily reset (midnight UTC) continues"
        : 'Strava answered 429 Too Many Requests; the next run continues';
  return `Details stopped: ${stop.message}. ${queued} activities (${requests} requests) are still queued; ${why}.`;
}
