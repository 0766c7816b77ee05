/** Per-test set-up for the pipeline suites: athletes and folder warehouses, removed after each test. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { FolderStore } from '../../../src/landing/folder.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { startAthlete, type Athlete } from '../../support/pipeline.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A simulator serving `activities` (default: the recorded athlete), closed after the test. */
export async function athlete(
  activities?: StravaActivity[],
  simOptions?: Parameters<typeof startAthlete>[1],
): Promise<Athlete> {
  const a = await startAthlete(activities, simOptions);
  cleanups.push(() => a.close());
  return a;
}

export interface Warehouse {
  dir: string;
  store: FolderStore;
}

/** A fresh folder warehouse, removed after the test. */
export async function warehouse(): Promise<Warehouse> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-wh-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return { dir, store: new FolderStore(dir) };
}
