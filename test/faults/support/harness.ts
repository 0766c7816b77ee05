/**
 * Per-test set-up for the faults suite: simulated athletes, and warehouses on a folder or on an
 * S3 bucket of the moto server, all removed after each test; and what a finished table looks
 * like, down to the bytes of its live files.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { FolderStore } from '../../../src/landing/folder.js';
import { S3Store } from '../../../src/landing/s3.js';
import type { ObjectStore } from '../../../src/landing/store.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { dataFileKey } from '../../../src/lakehouse/delta/paths.js';
import { listLog, readCommit } from '../../../src/lakehouse/delta/log.js';
import type { TableDef } from '../../../src/lakehouse/tables.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import { monthOf } from '../../../src/strava/months.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { createBucket, motoEndpoint, motoEnv, useMotoCredentials } from '../../support/moto.js';
import { startAthlete, type Athlete } from '../../support/pipeline.js';

/**
 * The recorded athlete's activities from March to June 2024: around the months the suite runs
 * (April and May), so a simulator serving them is quick to start and the runs stay small.
 */
export const SPRING_2024: StravaActivity[] = recordedActivities().filter((a) =>
  ['2024-03', '2024-04', '2024-05', '2024-06'].includes(monthOf(a.start_date_local)),
);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Runs `fn` after the current test (or, called from a beforeAll, after the first test). */
export function cleanUpLater(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** A simulator serving `activities` (default: the recorded athlete), closed after the test. */
export async function athlete(activities?: StravaActivity[]): Promise<Athlete> {
  const a = await startAthlete(activities);
  cleanups.push(() => a.close());
  return a;
}

export type WarehouseKind = 'folder' | 's3';

export interface Warehouse {
  kind: WarehouseKind;
  /** What a user passes as --warehouse. */
  uri: string;
  store: ObjectStore;
  /** The S3 endpoint a run needs (moto), for s3 warehouses. */
  s3Endpoint?: string;
  /** Environment a child process needs to reach this warehouse. */
  env: Record<string, string>;
}

/** A fresh, empty warehouse: a temporary folder (removed after the test) or a new moto bucket. */
export async function warehouse(
  kind: WarehouseKind,
  opts: { keep?: boolean } = {},
): Promise<Warehouse> {
  if (kind === 'folder') {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-faults-wh-'));
    if (!opts.keep) cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    return { kind, uri: dir, store: new FolderStore(dir), env: {} };
  }
  useMotoCredentials();
  const uri = `s3://${await createBucket('faults')}/lakehouse`;
  const endpoint = motoEndpoint();
  return {
    kind,
    uri,
    store: new S3Store(uri, { endpoint }),
    s3Endpoint: endpoint,
    env: motoEnv(),
  };
}

/** sha256 of each live data file's bytes, by partition month, sorted. */
export async function liveFileDigests(
  store: ObjectStore,
  def: TableDef,
): Promise<Record<string, string[]>> {
  const snap = await new DeltaTable(store, def).snapshot();
  const out: Record<string, string[]> = {};
  for (const f of snap?.files ?? []) {
    const bytes = await store.get(dataFileKey(def.path, f.path));
    expect(bytes, `${def.path}/${f.path} is live but missing`).toBeDefined();
    const month = f.partitionValues.month ?? '';
    (out[month] ??= []).push(createHash('sha256').update(bytes!).digest('hex'));
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

/**
 * Every version of the table's log, read whole: contiguous from 0, each entry valid
 * newline-delimited JSON with a commitInfo, each built on the version before. Returns the
 * commitInfo of each.
 */
export async function expectWholeLog(
  store: ObjectStore,
  def: TableDef,
): Promise<Record<string, unknown>[]> {
  const { commits } = await listLog(store, def.path);
  expect(commits, `${def.path}: versions`).toEqual(commits.map((_, i) => i));
  const infos: Record<string, unknown>[] = [];
  for (const v of commits) {
    const actions = await readCommit(store, def.path, v);
    const info = actions?.find((a) => a.commitInfo)?.commitInfo as
      Record<string, unknown> | undefined;
    expect(info, `${def.path} version ${v} has a commitInfo`).toBeDefined();
    expect(info!.readVersion, `${def.path} version ${v} read`).toBe(v === 0 ? undefined : v - 1);
    infos.push(info!);
  }
  return infos;
}
