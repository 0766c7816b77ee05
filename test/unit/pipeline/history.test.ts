/**
 * History-wide correctness: an activity the athlete moves to another month is in silver once, in
 * the month it now starts in, and gold counts it once; a run of a month re-checks the months
 * before it (lookback) in the same Strava sweep. Runs against the Strava simulator serving the
 * recorded athlete, on a folder warehouse.
 */
import { describe, expect, test } from 'vitest';
import type { ObjectStore } from '../../../src/landing/store.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import { queryWindow } from '../../../src/strava/months.js';
import { overriding } from '../../support/stores.js';
import {
  activitiesIn,
  commitAuthors,
  expectCleanLogs,
  expectGold,
  idsOf,
  recordingProgress,
  runIn,
  warehouseState,
  type Athlete,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';
import { Strava, expectGoldOfSilver } from './history-support.js';

const APRIL = '2024-04';
const MAY = '2024-05';
/** A real run of 30 April 2024 (New York), moved to 2 May and back. */
const MOVED = 11302441122;
const ORIGINAL_START = '2024-04-30T17:25:39';
const MAY_START = '2024-05-02T07:10:00';

const silverMonthOf = (rows: Record<string, unknown>[], id: number) =>
  rows.filter((r) => r.id === id).map((r) => r.month);

/** Silver holds exactly Strava's activities of `months` (ids by month), each id once. */
async function expectSilverIs(store: ObjectStore, strava: Strava, months: string[]) {
  const { silver, gold } = await warehouseState(store);
  const ids = idsOf(silver.rows);
  expect(ids).toEqual([...new Set(ids)]);
  for (const m of months) {
    expect(idsOf(silver.rows.filter((r) => r.month === m)), m).toEqual(
      idsOf(activitiesIn(strava.activities, m) as unknown as Record<string, unknown>[]),
    );
  }
  expectGold(gold.rows, strava.in(months), [...months, '2024-06']);
  // Gold counts every silver row once.
  const counted = gold.rows.reduce((n, r) => n + (r.activity_count as number), 0);
  expect(counted).toBe(silver.rows.length);
  return { silver, gold };
}

describe('an activity moved to another month', () => {
  test('leaves its old month in the commit that writes the new one; gold counts it once', async () => {
    const a = await athlete();
    const strava = new Strava([a]);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: APRIL, to: MAY });
    const before = await warehouseState(store);
    expect(silverMonthOf(before.silver.rows, MOVED)).toEqual([APRIL]);

    strava.move(MOVED, MAY_START);
    const progress = recordingProgress();
    const { records } = await runIn(a, dir, { month: MAY }, { deps: { progress } });

    expect(records.map((r) => [r.month, r.status])).toEqual([[MAY, 'ingested']]);
    const { silver } = await expectSilverIs(store, strava, [APRIL, MAY]);
    expect(silverMonthOf(silver.rows, MOVED)).toEqual([MAY]);
    // One silver commit wrote May and took the id out of April.
    expect(silver.version).toBe((before.silver.version ?? 0) + 1);
    expect(progress.lines).toContain(
      `silver: replaced 1 month(s), took moved ids out of ${APRIL}, version ${silver.version}`,
    );
  });

  test('moved back, it leaves the new month again', async () => {
    const a = await athlete();
    const strava = new Strava([a]);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: APRIL, to: MAY });
    strava.move(MOVED, MAY_START);
    await runIn(a, dir, { month: MAY });
    strava.move(MOVED, ORIGINAL_START);

    await runIn(a, dir, { month: APRIL });

    const { silver } = await expectSilverIs(store, strava, [APRIL, MAY]);
    expect(silverMonthOf(silver.rows, MOVED)).toEqual([APRIL]);
    // Back where it was: the same rows as before it ever moved.
    const clean = await warehouse();
    const b = await athlete();
    await runIn(b, clean.dir, { from: APRIL, to: MAY });
    const cleanState = await warehouseState(clean.store);
    expect(silver.rows).toEqual(cleanState.silver.rows);
    expect((await warehouseState(store)).gold.rows).toEqual(cleanState.gold.rows);
  });

  /**
   * The move races a run of the month it left: that run swept Strava after the athlete renamed
   * another April activity but before the move (its simulator never sees the move), while a run
   * of May sees the activity in May. `loser` builds its silver commit first but is held at the
   * log write until `winner` has committed silver, so it loses the race and must build its
   * commit again, moved ids included, on the winner's. Either way the id is in silver once, gold
   * follows silver, and the next run of May puts it where Strava has it.
   */
  test.each([
    { loser: MAY, winner: APRIL, lands: MAY },
    { loser: APRIL, winner: MAY, lands: APRIL },
  ])(
    'a move racing a run of the month it left: $loser loses the silver commit to $winner',
    async ({ loser, winner, lands }) => {
      const [first, forMay, forApril] = [await athlete(), await athlete(), await athlete()];
      const strava = new Strava([first, forMay, forApril]);
      const { dir, store } = await warehouse();
      const setup = recordingProgress();
      await runIn(
        first,
        dir,
        { from: APRIL, to: MAY },
        { deps: { runId: 'setup', progress: setup } },
      );
      const renamed = activitiesIn(strava.activities, APRIL).find((x) => x.id !== MOVED)!;
      strava.edit(renamed.id, { name: 'Renamed' });
      // The run of April swept here: it has the rename, not the move.
      strava.athletes.splice(strava.athletes.indexOf(forApril), 1);
      strava.move(MOVED, MAY_START);

      const silverLog = `${SILVER.path}/_delta_log/`;
      let winnerCommitted!: () => void;
      const won = new Promise<void>((resolve) => (winnerCommitted = resolve));
      let loserWaiting!: () => void;
      const waiting = new Promise<void>((resolve) => (loserWaiting = resolve));
      let held = false;
      const loserStore = overriding(store, {
        putIfAbsent: async (key, body) => {
          if (key.startsWith(silverLog) && !held) {
            held = true;
            loserWaiting();
            await won;
          }
          return store.putIfAbsent(key, body);
        },
      });
      const winnerStore = overriding(store, {
        putIfAbsent: async (key, body) => {
          const ok = await store.putIfAbsent(key, body);
          if (ok && key.startsWith(silverLog)) winnerCommitted();
          return ok;
        },
      });
      const simFor = (month: string) => (month === MAY ? forMay : forApril);
      const race = (month: string, runId: string, s: ObjectStore) => {
        const progress = recordingProgress();
        const run = runIn(simFor(month), dir, { month }, { deps: { runId, progress, store: s } });
        return { runId, lines: progress.lines, run };
      };

      const l = race(loser, 'loser', loserStore);
      await waiting;
      const w = race(winner, 'winner', winnerStore);
      await w.run;
      await l.run;

      await expectCleanLogs(store, [{ runId: 'setup', lines: setup.lines }, l, w]);
      // The loser's silver commit was built again on the winner's.
      const silverAuthors = await commitAuthors(store, SILVER);
      expect(silverAuthors.slice(-2).map((c) => c.runId)).toEqual(['winner', 'loser']);
      const raced = await warehouseState(store);
      const ids = idsOf(raced.silver.rows);
      expect(ids).toEqual([...new Set(ids)]);
      expect(silverMonthOf(raced.silver.rows, MOVED)).toEqual([lands]);
      await expectGoldOfSilver(store);

      await runIn(first, dir, { month: MAY });
      const { silver } = await expectSilverIs(store, strava, [APRIL, MAY]);
      expect(silverMonthOf(silver.rows, MOVED)).toEqual([MAY]);
      await expectGoldOfSilver(store);
    },
  );
});

describe('lookback', () => {
  const JUNE = '2024-06';
  const listRequests = (a: Athlete, since: number) =>
    a.sim.state.requests.slice(since).filter((r) => r.path.endsWith('/athlete/activities'));

  test('re-checks the months before it in one sweep; unchanged months write nothing', async () => {
    const a = await athlete();
    const strava = new Strava([a]);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: APRIL, to: JUNE });
    const before = await warehouseState(store);
    // Late changes on Strava to April: one activity deleted, one moved into May.
    const [gone, moved] = activitiesIn(strava.activities, APRIL).filter((x) => x.id !== MOVED);
    strava.delete(gone!.id);
    strava.move(moved!.id, '2024-05-01T09:00:00');

    const since = a.sim.state.requests.length;
    const { records } = await runIn(a, dir, { month: JUNE }, { lookback: 2 });

    // One sweep over April..June: pages of one window, each once.
    const lists = listRequests(a, since);
    const window = queryWindow(APRIL, JUNE);
    expect(lists.map((r) => [r.query.after, r.query.before])).toEqual(
      lists.map(() => [String(window.after), String(window.before)]),
    );
    expect(lists.map((r) => r.query.page)).toEqual(lists.map((_, i) => String(i + 1)));
    expect(records.map((r) => [r.month, r.status])).toEqual([
      [APRIL, 'ingested'],
      [MAY, 'ingested'],
      [JUNE, 'unchanged'],
    ]);
    expect(records.map((r) => r.rechecked)).toEqual([undefined, undefined, [APRIL, MAY]]);
    const { silver } = await expectSilverIs(store, strava, [APRIL, MAY, JUNE]);
    expect(silverMonthOf(silver.rows, moved!.id)).toEqual([MAY]);
    // One commit per table for the run (bronze: the new April and May landings).
    expect(silver.version).toBe((before.silver.version ?? 0) + 1);

    // Nothing changed since: every month unchanged, no table written.
    const after = await warehouseState(store);
    const again = await runIn(a, dir, { month: JUNE }, { lookback: 2 });
    expect(again.records.map((r) => [r.month, r.status])).toEqual([
      [APRIL, 'unchanged'],
      [MAY, 'unchanged'],
      [JUNE, 'unchanged'],
    ]);
    const last = await warehouseState(store);
    expect([last.bronze.version, last.silver.version, last.gold.version]).toEqual([
      after.bronze.version,
      after.silver.version,
      after.gold.version,
    ]);
  });

  test('lookback 0 sweeps the month alone and leaves earlier months as they were', async () => {
    const a = await athlete();
    const strava = new Strava([a]);
    const { dir, store } = await warehouse();
    await runIn(a, dir, { from: APRIL, to: JUNE });
    const [gone] = activitiesIn(strava.activities, APRIL);
    const before = strava.in([APRIL]).map((x) => x.id);
    strava.delete(gone!.id);

    const since = a.sim.state.requests.length;
    const { records } = await runIn(a, dir, { month: JUNE }, { lookback: 0 });

    const window = queryWindow(JUNE);
    expect(
      listRequests(a, since).every(
        (r) => r.query.after === String(window.after) && r.query.before === String(window.before),
      ),
    ).toBe(true);
    expect(records.map((r) => [r.month, r.status, r.rechecked])).toEqual([
      [JUNE, 'unchanged', undefined],
    ]);
    const { silver } = await warehouseState(store);
    expect(idsOf(silver.rows.filter((r) => r.month === APRIL))).toEqual(
      [...before].sort((x, y) => x - y),
    );
  });
});
