/**
 * End-to-end figures through the real CLI: the Strava requests a month run and each backfill
 * takes against the minimum, and backfill times and peak RSS into a folder and into S3 (moto).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monthRange, type Month } from '../src/strava/months.js';
import {
  activitiesInRange,
  minimumRequests,
  minimumWithDetails,
  type Athlete,
} from './athletes.js';
import { runCli, type CliRun, type Requests } from './cli-run.js';
import { load, median, round } from './measure.js';
import { MOTO_ENV, type Moto } from './moto.js';

export type { Requests } from './cli-run.js';

export interface RequestFigure {
  command: string;
  /** Activities Strava returned for the query window. */
  activities: number;
  requests: Requests;
  minimum: Requests;
  load: number;
}

export interface BackfillFigure {
  athlete: string;
  store: 'folder' | 's3';
  activities: number;
  months: number;
  runsMs: number[];
  medianMs: number;
  /** The highest peak RSS of the runs. */
  maxRssMb: number;
  requests: Requests;
  minimum: Requests;
  /** The 1-minute load average as each run started. */
  load: number[];
}

/** A warehouse for one run: its location, the environment the CLI needs for it, and clean-up. */
interface Warehouse {
  uri: string;
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function folderWarehouse(): Promise<Warehouse> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-wh-'));
  return { uri: dir, env: {}, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

export function s3Warehouse(moto: Moto): () => Promise<Warehouse> {
  return async () => ({
    uri: `s3://${await moto.bucket()}/warehouse`,
    env: { ...MOTO_ENV, AWS_ENDPOINT_URL_S3: moto.endpoint },
    // Each run has its own bucket; moto keeps them in memory until it stops.
    remove: async () => {},
  });
}

/** `run --month` of the recorded athlete's month with details: its requests against the minimum. */
export async function monthRunRequests(athlete: Athlete, month: Month): Promise<RequestFigure> {
  const wh = await folderWarehouse();
  const before = load();
  try {
    // The month alone (no lookback), details included: every request is the month's.
    const run = await runCli(athlete.activities, [
      'run',
      '--month',
      month,
      '--lookback',
      '0',
      '--warehouse',
      wh.uri,
    ]);
    const n = activitiesInRange(athlete.activities, month, month);
    return {
      command: `run --month ${month} --lookback 0`,
      activities: n,
      requests: run.requests,
      minimum: minimumWithDetails(athlete.activities, month, n),
      load: before,
    };
  } finally {
    await wh.remove();
  }
}

/** `backfill --from --to` of the athlete's whole range, `runs` times into fresh warehouses. */
export async function backfillFigure(
  athlete: Athlete,
  store: BackfillFigure['store'],
  newWarehouse: () => Promise<Warehouse>,
  runs: number,
): Promise<BackfillFigure> {
  const n = activitiesInRange(athlete.activities, athlete.from, athlete.to);
  const months = monthRange(athlete.from, athlete.to).length;
  const results: CliRun[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const wh = await newWarehouse();
    loads.push(load());
    try {
      const run = await runCli(
        athlete.activities,
        // The list and the three tables: details have a figure of their own (streams).
        [
          'backfill',
          '--from',
          athlete.from,
          '--to',
          athlete.to,
          '--warehouse',
          wh.uri,
          '--no-details',
        ],
        wh.env,
      );
      checkRecords(run, athlete, months);
      results.push(run);
    } finally {
      await wh.remove();
    }
  }
  return {
    athlete: athlete.label,
    store,
    activities: n,
    months,
    runsMs: results.map((r) => round(r.ms)),
    medianMs: round(median(results.map((r) => r.ms))),
    maxRssMb: Math.max(...results.map((r) => r.maxRssMb)),
    requests: results[0]!.requests,
    minimum: minimumRequests(n),
    load: loads,
  };
}

/** A figure counts only if the run did the whole job: a record per month, every activity in. */
function checkRecords(run: CliRun, athlete: Athlete, months: number): void {
  const inMonths = new Set(monthRange(athlete.from, athlete.to));
  const expected = athlete.activities.filter((a) =>
    inMonths.has(a.start_date_local.slice(0, 7)),
  ).length;
  const got = run.records.reduce((s, r) => s + r.activities, 0);
  if (run.records.length !== months || got !== expected) {
    throw new Error(
      `${athlete.label}: the backfill recorded ${run.records.length} month(s) and ${got} activities; expected ${months} and ${expected}.`,
    );
  }
}
