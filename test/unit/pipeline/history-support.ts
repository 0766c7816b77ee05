/** What the history suites share: Strava's activities as a test changes them, and gold's check. */
import { expect } from 'vitest';
import type { ObjectStore } from '../../../src/landing/store.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { computeGold, type SilverForGold } from '../../../src/lakehouse/gold.js';
import { GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { movedTo, recordedActivities } from '../../../src/simulator/index.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { activitiesInMonths, plain, sortedBy, type Athlete } from '../../support/pipeline.js';

/** Strava's activities as a test changes them, applied to each simulator given. */
export class Strava {
  constructor(
    readonly athletes: Athlete[],
    public activities: StravaActivity[] = recordedActivities(),
  ) {}
  move(id: number, startLocal: string): void {
    this.activities = this.activities.map((a) => (a.id === id ? movedTo(a, startLocal) : a));
    for (const a of this.athletes) a.sim.moveActivity(id, startLocal);
  }
  edit(id: number, patch: Record<string, unknown>): void {
    this.activities = this.activities.map((a) => (a.id === id ? { ...a, ...patch } : a));
    for (const a of this.athletes) a.sim.editActivity(id, patch);
  }
  add(activity: StravaActivity): void {
    this.activities = [...this.activities, activity];
    for (const a of this.athletes) a.sim.addActivity(activity);
  }
  delete(id: number): void {
    this.activities = this.activities.filter((a) => a.id !== id);
    for (const a of this.athletes) a.sim.deleteActivity(id);
  }
  in(months: string[]): StravaActivity[] {
    return activitiesInMonths(this.activities, months);
  }
}

/** Gold holds exactly what computeGold makes of all of silver, every month. */
export async function expectGoldOfSilver(store: ObjectStore): Promise<void> {
  const silver = new DeltaTable(store, SILVER);
  const gold = new DeltaTable(store, GOLD);
  const rows = (await silver.readRows((await silver.snapshot())?.files ?? [])).sort((a, b) =>
    (a.id as bigint) < (b.id as bigint) ? -1 : 1,
  ) as unknown as (SilverForGold & { month: string })[];
  const months = [...new Set(rows.map((r) => r.month))];
  const expected = computeGold(rows, months) as unknown as Record<string, unknown>[];
  const actual = await gold.readRows((await gold.snapshot())?.files ?? []);
  const key = ['month', 'sport_type'];
  expect(sortedBy(plain(actual), key)).toEqual(sortedBy(plain(expected), key));
}
