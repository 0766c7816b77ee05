/**
 * A hard crash between a transaction's data files and its commit: the CLI is killed with SIGKILL
 * the moment it would write a table's next log entry (test/support/crash-before-commit.mjs), so
 * nothing gets to clean up. Readers keep seeing the last committed state; re-running the month
 * ends with the tables of a clean run, and the crash's data files stay unreferenced.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import type { RunRecord } from '../../../src/runs/record.js';
import {
  bundleCli,
  cliEnv,
  contentOf,
  logVersions,
  orphanFiles,
  runCli,
  warehouseState,
  type Athlete,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';

let bundle: string;
beforeAll(async () => {
  bundle = await bundleCli();
});
afterAll(async () => {
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
});

const NAMES: Record<string, 'bronze' | 'silver' | 'gold'> = {
  [BRONZE.path]: 'bronze',
  [SILVER.path]: 'silver',
  [GOLD.path]: 'gold',
};

const run = (a: Athlete, dir: string, month: string, crashBeforeCommit?: string) =>
  runCli(
    bundle,
    ['run', '--month', month, '--lookback', '0', '--warehouse', dir, '--json'],
    cliEnv(a),
    {
      crashBeforeCommit,
    },
  );

describe('killed between data files and commit', () => {
  test.each([BRONZE, SILVER, GOLD])(
    'killed before its $path commit for a new month, then re-run',
    async (crashed) => {
      const a = await athlete();
      const { dir, store } = await warehouse();
      expect((await run(a, dir, '2024-04')).code).toBe(0);
      const before = await warehouseState(store);

      const killed = await run(a, dir, '2024-05', crashed.path);

      expect(killed.signal).toBe('SIGKILL');
      const orphans = await orphanFiles(store, crashed);
      expect(orphans.length).toBeGreaterThan(0);
      expect(orphans.every((f) => f.startsWith('month=2024-05/'))).toBe(true);
      // Readers still see the state before the crashed run's commit to that table.
      const afterCrash = await warehouseState(store);
      const key = NAMES[crashed.path]!;
      expect(afterCrash[key]).toEqual(before[key]);
      expect(await store.list('_runs/month=2024-05/')).toEqual([]);

      const rerun = await run(a, dir, '2024-05');
      expect(rerun.code, rerun.stderr).toBe(0);
      expect((JSON.parse(rerun.stdout) as RunRecord).status).toBe('ingested');

      const clean = await warehouse();
      const b = await athlete();
      await run(b, clean.dir, '2024-04');
      await run(b, clean.dir, '2024-05');
      const expected = await warehouseState(clean.store);
      const state = await warehouseState(store);
      expect(contentOf(state)).toEqual(contentOf(expected));
      for (const t of ['bronze', 'silver', 'gold'] as const) {
        expect(state[t].version, t).toBe(expected[t].version);
      }
      // The crash's files are still there, still unreferenced, and never live.
      expect(await orphanFiles(store, crashed)).toEqual(orphans);
      expect(state[key].files.filter((f) => orphans.includes(decodeURI(f)))).toEqual([]);
      expect(await logVersions(store, crashed)).toEqual(await logVersions(clean.store, crashed));
    },
  );

  test('while replacing an edited month: silver keeps the old month until the re-run', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    expect((await run(a, dir, '2024-05')).code).toBe(0);
    const before = await warehouseState(store);
    a.sim.editActivity(11439607313, { name: 'Edited after the crash', distance: 21400 });

    const killed = await run(a, dir, '2024-05', SILVER.path);

    expect(killed.signal).toBe('SIGKILL');
    const afterCrash = await warehouseState(store);
    expect(afterCrash.silver).toEqual(before.silver);
    expect(afterCrash.gold).toEqual(before.gold);
    // Bronze committed the new landing file before the crash.
    expect(afterCrash.bronze.version).toBe(1);

    const rerun = await run(a, dir, '2024-05');
    expect(rerun.code, rerun.stderr).toBe(0);
    const state = await warehouseState(store);
    expect(state.silver.version).toBe(1);
    expect(state.silver.rows.find((r) => r.id === 11439607313)).toMatchObject({
      name: 'Edited after the crash',
      distance: 21400,
    });
    expect(state.silver.rows).toHaveLength(before.silver.rows.length);
    expect(state.silver.filesPerMonth).toEqual({ '2024-05': 1 });
    expect(state.bronze.version).toBe(1);
    expect((await orphanFiles(store, SILVER)).length).toBeGreaterThan(0);
  });
});
