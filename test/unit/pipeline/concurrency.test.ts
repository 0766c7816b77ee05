/**
 * Runs that race on one warehouse: the same month, or neighbouring months, at once, in one
 * process (Promise.all of runPipeline) and as separate CLI processes. Every run succeeds, each
 * table's log is contiguous with every commit built on the one before and claimed by exactly the
 * run that wrote it (nothing overwritten, nothing lost), and the tables equal clean runs.
 *
 * Each racer talks to its own simulator of the same athlete: the simulator rotates the refresh
 * token on every refresh (as Strava may), so racers sharing one would lock each other out at
 * OAuth, which is not what these tests are about.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../../src/runs/record.js';
import { StravaAuthError } from '../../../src/errors.js';
import { activitiesToCsv, parseLandingCsv } from '../../../src/landing/csv.js';
import { landingKey, sha256Hex } from '../../../src/landing/land.js';
import type { ObjectStore } from '../../../src/landing/store.js';
import { EmbeddedEngine } from '../../../src/lakehouse/embedded.js';
import type { MonthLanding } from '../../../src/lakehouse/engine.js';
import { GOLD } from '../../../src/lakehouse/tables.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import {
  activitiesIn,
  activitiesInMonths,
  bundleCli,
  cliEnv,
  contentOf,
  expectCleanLogs,
  expectGold,
  idsOf,
  recordingProgress,
  runCli,
  runIn,
  tableState,
  warehouseState,
  type Athlete,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';
import { overriding } from '../../support/stores.js';

async function athletes(n: number): Promise<Athlete[]> {
  return Promise.all(Array.from({ length: n }, () => athlete()));
}

/** The tables one run per month leaves, in order, on a fresh warehouse. */
async function cleanRun(months: string[]) {
  const a = await athlete();
  const { dir, store } = await warehouse();
  for (const month of months) await runIn(a, dir, { month });
  return warehouseState(store);
}

describe('concurrent runs in one process', () => {
  test.each([2, 4])('%i runs of the same month', async (n) => {
    const month = '2024-05';
    const racers = await athletes(n);
    const { dir, store } = await warehouse();

    const runs = await Promise.all(
      racers.map(async (a, i) => {
        const progress = recordingProgress();
        const runId = `race-${i}`;
        const result = await runIn(a, dir, { month }, { deps: { runId, progress } });
        return { runId, lines: progress.lines, record: result.records[0]! };
      }),
    );

    // One racer lands the file, the others find it; all agree on its name.
    expect(new Set(runs.map((r) => r.record.landing.key)).size).toBe(1);
    await expectCleanLogs(store, runs);
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await cleanRun([month])));
    expect(idsOf(state.silver.rows)).toEqual([...new Set(idsOf(state.silver.rows))]);
    // The losers found the month done: one commit per table, as a single run makes.
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
  });

  test('3 re-runs after an edit on Strava replace the month once', async () => {
    const month = '2024-05';
    const racers = await athletes(3);
    const { dir, store } = await warehouse();
    const firstProgress = recordingProgress();
    await runIn(racers[0]!, dir, { month }, { deps: { runId: 'first', progress: firstProgress } });
    for (const a of racers) a.sim.editActivity(11439607313, { name: 'Edited', distance: 21400 });

    const runs = await Promise.all(
      racers.map(async (a, i) => {
        const progress = recordingProgress();
        await runIn(a, dir, { month }, { deps: { runId: `edit-${i}`, progress } });
        return { runId: `edit-${i}`, lines: progress.lines };
      }),
    );

    await expectCleanLogs(store, [{ runId: 'first', lines: firstProgress.lines }, ...runs]);
    const state = await warehouseState(store);
    expect(state.silver.version).toBe(1);
    expect(state.silver.rows.find((r) => r.id === 11439607313)).toMatchObject({
      name: 'Edited',
      distance: 21400,
    });
    expect(state.silver.filesPerMonth[month]).toBe(1);
  });

  // With one app and one token file, a racer may present a refresh token another has just
  // rotated away: that racer stops at OAuth with one clear message, before landing anything.
  test('runs sharing one Strava app: each succeeds or stops with a clear message', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();

    const results = await Promise.allSettled(
      [1, 2, 3].map(() => runIn(a, dir, { month: '2024-05' })),
    );

    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(StravaAuthError);
        expect((r.reason as StravaAuthError).message).toMatch(
          /^Strava rejected the refresh token at POST \/oauth\/token .*already replaced by a newer one/,
        );
      }
    }
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await cleanRun(['2024-05'])));
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
  });

  test('neighbouring months at once: gold change columns are right at the end', async () => {
    const racers = await athletes(4);
    const { dir, store } = await warehouse();
    const months = ['2024-04', '2024-05', '2024-04', '2024-05'];

    const runs = await Promise.all(
      racers.map(async (a, i) => {
        const progress = recordingProgress();
        const runId = `n-${i}`;
        await runIn(a, dir, { month: months[i]! }, { deps: { runId, progress } });
        return { runId, lines: progress.lines };
      }),
    );

    await expectCleanLogs(store, runs);
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await cleanRun(['2024-04', '2024-05'])));
    const mayRun = state.gold.rows.find((r) => r.month === '2024-05' && r.sport_type === 'Run')!;
    expect(mayRun.prev_activity_count).toBe(14);
  });
});

describe('a gold commit that loses a race', () => {
  /** The store, except that the first put-if-absent under `prefix` waits for `release`. */
  function gated(inner: ObjectStore, prefix: string, release: Promise<void>) {
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    let waited = false;
    const store = overriding(inner, {
      putIfAbsent: async (k, b) => {
        if (!waited && k.startsWith(prefix)) {
          waited = true;
          reached();
          await release;
        }
        return inner.putIfAbsent(k, b);
      },
    });
    return { store, arrived };
  }

  const landing = (month: string): MonthLanding => {
    const csv = activitiesToCsv(activitiesIn(recordedActivities(), month));
    const bytes = new TextEncoder().encode(csv);
    return {
      month,
      key: landingKey(month, bytes),
      sha256: sha256Hex(bytes),
      rows: parseLandingCsv(csv, month),
    };
  };

  // April's run has built its gold from silver without May, and is about to commit; May's run
  // commits silver and gold meanwhile. April's retry must rebuild from the newer silver, or it
  // would overwrite May's gold with May missing.
  test('is rebuilt from the silver committed meanwhile', async () => {
    const { store } = await warehouse();
    let release!: () => void;
    const gate = gated(store, `${GOLD.path}/_delta_log/`, new Promise((r) => (release = r)));
    const april = new EmbeddedEngine(gate.store).process([landing('2024-04')], {
      runId: 'april',
      force: false,
    });
    await gate.arrived;
    await new EmbeddedEngine(store).process([landing('2024-05')], { runId: 'may', force: false });
    release();
    await april;

    const gold = await tableState(store, GOLD);
    expect(gold.version).toBe(1);
    expectGold(gold.rows, activitiesInMonths(recordedActivities(), ['2024-04', '2024-05']), [
      '2024-04',
      '2024-05',
      '2024-06',
    ]);
  });
});

describe('concurrent CLI processes', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleCli();
  });
  afterAll(async () => {
    if (bundle) await fs.rm(bundle, { recursive: true, force: true });
  });

  async function race(months: string[]) {
    const racers = await athletes(months.length);
    const { dir, store } = await warehouse();
    const results = await Promise.all(
      racers.map((a, i) =>
        runCli(
          bundle,
          ['run', '--month', months[i]!, '--lookback', '0', '--warehouse', dir, '--json'],
          cliEnv(a),
        ),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const runs = results.map((r) => ({
      runId: (JSON.parse(r.stdout) as RunRecord).runId,
      lines: r.stderr.split('\n'),
    }));
    return { store, runs };
  }

  test.each([2, 4])('%i processes running the same month', async (n) => {
    const { store, runs } = await race(Array.from({ length: n }, () => '2024-05'));
    await expectCleanLogs(store, runs);
    const state = await warehouseState(store);
    expect(contentOf(state)).toEqual(contentOf(await cleanRun(['2024-05'])));
    expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
  });

  test('processes running neighbouring months', async () => {
    const { store, runs } = await race(['2024-05', '2024-04', '2024-05', '2024-04']);
    await expectCleanLogs(store, runs);
    expect(contentOf(await warehouseState(store))).toEqual(
      contentOf(await cleanRun(['2024-04', '2024-05'])),
    );
  });
});
