/**
 * A seeded property test of history-wide correctness. Each sequence starts from a generated
 * athlete and interleaves random edits on Strava (add, delete, rename, move to another day,
 * often another month) with runs of random months under random lookback, then backfills the
 * whole range. After every run:
 * - no id is held twice in silver;
 * - silver holds what a model says: a checked (swept) month holds what Strava had in it at that
 *   check, and an id found there leaves every other month; so nothing stale stays in a month
 *   checked after the change, and names are as they were at the check;
 * - gold equals gold computed from all of silver;
 * and after the final backfill silver equals Strava exactly.
 * The seed is in each test's name, so a failure replays by itself.
 */
import { describe, expect, test } from 'vitest';
import { activityAt, generateAthlete } from '../../../src/simulator/index.js';
import { addMonths, monthOf, monthRange, type Month } from '../../../src/strava/months.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import type { ObjectStore } from '../../../src/landing/store.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import { idsOf, runIn, tableState } from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';
import { Strava, expectGoldOfSilver } from './history-support.js';

const FIRST: Month = '2024-01';
const LAST: Month = '2024-04';
const MONTHS = monthRange(FIRST, LAST);
const SEQUENCES = 40;
const STEPS = 3;

/** mulberry32: a small seeded generator, so each sequence replays from its seed. */
function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = t;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A local start somewhere in the range; one in four just either side of a month's midnight. */
function randomStart(rnd: () => number): string {
  const month = MONTHS[Math.floor(rnd() * MONTHS.length)]!;
  const edge = rnd() < 0.25;
  const day = edge ? (rnd() < 0.5 ? 1 : 28) : 1 + Math.floor(rnd() * 28);
  const hour = edge ? (day === 1 ? 0 : 23) : 5 + Math.floor(rnd() * 16);
  const minute = Math.floor(rnd() * 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month}-${pad(day)}T${pad(hour)}:${pad(minute)}:00`;
}

/** One random edit on Strava; returns what it did, for the failure message. */
function randomEdit(rnd: () => number, strava: Strava, nextId: () => number): string {
  const pick = () => strava.activities[Math.floor(rnd() * strava.activities.length)]!;
  const r = rnd();
  if (r < 0.2 || !strava.activities.length) {
    const id = nextId();
    const start = randomStart(rnd);
    strava.add(activityAt({ id, startLocal: start, timezone: 'Europe/Berlin', seed: id % 1e6 }));
    return `add ${id} at ${start}`;
  }
  const a = pick();
  if (r < 0.4) {
    strava.delete(a.id);
    return `delete ${a.id}`;
  }
  if (r < 0.6) {
    const name = `renamed ${Math.floor(rnd() * 1e6)}`;
    strava.edit(a.id, { name });
    return `rename ${a.id}`;
  }
  const start = randomStart(rnd);
  strava.move(a.id, start);
  return `move ${a.id} from ${a.start_date_local} to ${start}`;
}

/**
 * What silver must hold, id -> [month, name]: a checked month holds what Strava had in it at
 * the check, and an id found there leaves every other month.
 */
class Model {
  readonly silver = new Map<number, [Month, string]>();

  check(months: Month[], activities: StravaActivity[]): void {
    const checked = new Set(months);
    for (const [id, [m]] of this.silver) if (checked.has(m)) this.silver.delete(id);
    for (const a of activities) {
      const m = monthOf(a.start_date_local);
      if (checked.has(m)) this.silver.set(a.id, [m, a.name]);
    }
  }
}

async function expectInvariants(store: ObjectStore, model: Model, log: string[]) {
  const silver = await tableState(store, SILVER);
  const ids = idsOf(silver.rows);
  const context = log.join('; ');
  expect(ids, `an id held twice after: ${context}`).toEqual([...new Set(ids)]);
  const held = new Map(silver.rows.map((r) => [r.id as number, [r.month, r.name]]));
  const expected = model.silver;
  expect(
    [...held].sort(([a], [b]) => a - b),
    `silver after: ${context}`,
  ).toEqual([...expected].sort(([a], [b]) => a - b));
  await expectGoldOfSilver(store);
}

describe('history under random edits, runs and lookback', () => {
  test.each(Array.from({ length: SEQUENCES }, (_, i) => 1000 + i))('seed %i', async (seed) => {
    const rnd = prng(seed);
    const activities = generateAthlete({ count: 24, seed, from: FIRST }).filter(
      (a) => monthOf(a.start_date_local) <= LAST,
    );
    const a = await athlete(activities);
    const strava = new Strava([a], activities);
    const { dir, store } = await warehouse();
    let id = 90_000_000_000 + seed * 1000;
    const model = new Model();
    const log: string[] = [];

    for (let step = 1; step <= STEPS; step++) {
      const edits = 1 + Math.floor(rnd() * 2);
      for (let e = 0; e < edits; e++) log.push(randomEdit(rnd, strava, () => ++id));
      const month = MONTHS[Math.floor(rnd() * MONTHS.length)]!;
      const lookback = Math.floor(rnd() * 3);
      log.push(`run ${month} lookback ${lookback}`);
      await runIn(a, dir, { month }, { lookback });
      const checked = monthRange(addMonths(month, -lookback), month);
      model.check(checked, strava.activities);
      await expectInvariants(store, model, log);
    }

    log.push(`backfill ${FIRST}..${LAST}`);
    await runIn(a, dir, { from: FIRST, to: LAST });
    model.check(MONTHS, strava.activities);
    await expectInvariants(store, model, log);
    // Silver is Strava, exactly.
    const silver = await tableState(store, SILVER);
    expect(idsOf(silver.rows)).toEqual(
      idsOf(strava.activities as unknown as Record<string, unknown>[]),
    );
  });
});
