/**
 * Runs that race, as separate CLI processes: 2, 4 and 8 runs of the same month, and of the
 * neighbouring months April and May, on a folder and on S3 (moto), repeated. Every run must
 * exit 0 or fail with one clear conflict line; every table's log must be versions 0..n, each
 * entry whole and built on the one before, each claimed by exactly the run that wrote it
 * (nothing overwritten, nothing lost); and the final tables must equal clean runs, down to the
 * bytes of silver's and gold's live files.
 *
 * Each racer has its own simulator of the same athlete (and its own token file): the simulator
 * rotates the refresh token on every refresh, as Strava may, so racers sharing one would lock
 * each other out at OAuth before reaching the warehouse (that case is tested on its own at the
 * end). A proxy in front of each simulator holds every racer's first page of activities until
 * all racers have asked for it, so their writes start together instead of by luck.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/runs/record.js';
import { SILVER, GOLD } from '../../src/lakehouse/tables.js';
import { LeakScan } from '../support/faults.js';
import {
  bundleCli,
  cliEnv,
  contentOf,
  expectCleanLogs,
  idsOf,
  runCli,
  runIn,
  startAthlete,
  warehouseState,
  type Athlete,
  type CliResult,
} from '../support/pipeline.js';
import { TABLE_DEFS } from './support/boundaries.js';
import {
  athlete,
  expectWholeLog,
  liveFileDigests,
  SPRING_2024,
  warehouse,
  type Warehouse,
  type WarehouseKind,
} from './support/harness.js';
import { barrier, FORWARD, startProxy, type Proxy } from './support/proxy.js';

/** Trials per configuration: many for the common case, fewer where each trial costs more. */
const TRIALS: Record<WarehouseKind, Record<number, { same: number; neighbours: number }>> = {
  folder: {
    2: { same: 50, neighbours: 10 },
    4: { same: 3, neighbours: 3 },
    8: { same: 2, neighbours: 2 },
  },
  s3: {
    2: { same: 8, neighbours: 4 },
    4: { same: 2, neighbours: 2 },
    8: { same: 1, neighbours: 1 },
  },
};

/** The one line a run that lost every commit attempt prints. */
const CONFLICT_LINE =
  /^error: [a-z/_]+: gave up committing version \d+ after \d+ attempts; other writers kept committing to the table\. Re-run once the other runs on this warehouse have finished\.$/;

interface Tally {
  config: string;
  trials: number;
  runs: number;
  exit0: number;
  conflicts: number;
  ingested: number;
  unchanged: number;
}
const tallies: Tally[] = [];

let bundle: string;
beforeAll(async () => {
  bundle = await bundleCli();
});
afterAll(async () => {
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
  // The counts the README's Guarantees section quotes.
  console.info(
    tallies
      .map(
        (t) =>
          `${t.config}: ${t.trials} trials, ${t.runs} runs: ${t.exit0} exit 0 (${t.ingested} ingested, ${t.unchanged} unchanged), ${t.conflicts} conflicts`,
      )
      .join('\n'),
  );
});

type Race = 'same month' | 'neighbouring months';

interface Reference {
  content: ReturnType<typeof contentOf>;
  digests: { silver: Record<string, string[]>; gold: Record<string, string[]> };
}

/** One clean run per month, in order, into a fresh folder. */
async function cleanRun(months: string[]): Promise<Reference> {
  const a = await athlete(SPRING_2024);
  const wh = await warehouse('folder');
  for (const month of months) await runIn(a, wh.uri, { month });
  return {
    content: contentOf(await warehouseState(wh.store)),
    digests: {
      silver: await liveFileDigests(wh.store, SILVER),
      gold: await liveFileDigests(wh.store, GOLD),
    },
  };
}

/** Racers' simulators behind proxies that release the first page to all of them at once. */
async function startRacers(
  n: number,
): Promise<{ athletes: Athlete[]; proxies: Proxy[]; close: () => Promise<void> }> {
  const athletes = await Promise.all(Array.from({ length: n }, () => startAthlete(SPRING_2024)));
  const together = barrier(n);
  const proxies = await Promise.all(
    athletes.map((a) =>
      startProxy(a.sim.url, async (req) => {
        if (req.path === '/api/v3/athlete/activities' && req.query.get('page') === '1') {
          await together();
        }
        return FORWARD;
      }),
    ),
  );
  return {
    athletes,
    proxies,
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
      await Promise.all(athletes.map((a) => a.close()));
    },
  };
}

async function trial(kind: WarehouseKind, months: string[], reference: Reference, tally: Tally) {
  const racers = await startRacers(months.length);
  const wh: Warehouse = await warehouse(kind);
  try {
    const results: CliResult[] = await Promise.all(
      racers.athletes.map((a, i) =>
        runCli(
          bundle,
          ['run', '--month', months[i]!, '--lookback', '0', '--warehouse', wh.uri, '--json'],
          cliEnv(a, { ...wh.env, STRAVA_API_URL: racers.proxies[i]!.url }),
        ),
      ),
    );
    tally.trials++;
    tally.runs += results.length;
    const done: { runId: string; lines: string[] }[] = [];
    for (const [i, r] of results.entries()) {
      if (r.code === 0) {
        const record = JSON.parse(r.stdout) as RunRecord;
        tally.exit0++;
        tally[record.status]++;
        done.push({ runId: record.runId, lines: r.stderr.split('\n') });
      } else {
        // A lost race may end a run, but only with the one conflict line; its month is re-run.
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr.trim().split('\n').at(-1)).toMatch(CONFLICT_LINE);
        expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
        tally.conflicts++;
        await runIn(
          racers.athletes[i]!,
          wh.uri,
          { month: months[i]! },
          { s3Endpoint: wh.s3Endpoint },
        );
      }
    }
    for (const def of Object.values(TABLE_DEFS)) await expectWholeLog(wh.store, def);
    if (done.length === results.length) await expectCleanLogs(wh.store, done);
    const state = await warehouseState(wh.store);
    expect(contentOf(state)).toEqual(reference.content);
    // One commit per landing file in bronze and per month in silver, however many raced.
    const distinct = new Set(months).size;
    expect([state.bronze.version, state.silver.version]).toEqual([distinct - 1, distinct - 1]);
    if (distinct === 1) expect(state.gold.version).toBe(0);
    expect(new Set(idsOf(state.silver.rows)).size).toBe(state.silver.rows.length);
    expect({
      silver: await liveFileDigests(wh.store, SILVER),
      gold: await liveFileDigests(wh.store, GOLD),
    }).toEqual(reference.digests);

    const scan = new LeakScan();
    for (const a of racers.athletes) scan.secret(...a.secrets());
    for (const [i, r] of results.entries()) {
      scan.text(`racer ${i} stdout`, r.stdout);
      scan.text(`racer ${i} stderr`, r.stderr);
    }
    await scan.store(wh.store);
    expect(scan.hits()).toEqual([]);
  } finally {
    await racers.close();
    if (kind === 'folder') await fs.rm(wh.uri, { recursive: true, force: true });
  }
}

describe.each<WarehouseKind>(['folder', 's3'])('racing on a %s warehouse', (kind) => {
  const references = new Map<Race, Reference>();
  beforeAll(async () => {
    references.set('same month', await cleanRun(['2024-05']));
    references.set('neighbouring months', await cleanRun(['2024-04', '2024-05']));
  });

  test.each(
    (['same month', 'neighbouring months'] as const).flatMap((race) =>
      [2, 4, 8].map((n) => [n, race] as const),
    ),
  )('%i runs, %s', async (n, race) => {
    const tally: Tally = {
      config: `${kind}, ${n} racers, ${race}`,
      trials: 0,
      runs: 0,
      exit0: 0,
      conflicts: 0,
      ingested: 0,
      unchanged: 0,
    };
    tallies.push(tally);
    // Same month: all May. Neighbouring months: May and April in turn.
    const months = Array.from({ length: n }, (_, i) =>
      race === 'neighbouring months' && i % 2 ? '2024-04' : '2024-05',
    );
    const trials = TRIALS[kind][n]![race === 'same month' ? 'same' : 'neighbours'];
    for (let t = 0; t < trials; t++) await trial(kind, months, references.get(race)!, tally);
    expect(tally.trials).toBe(trials);
  });
});

describe('runs sharing one Strava app and token file', () => {
  // Strava rotates the refresh token on every refresh: of racers that read the same saved token,
  // one gets the new pair and the others are refused at OAuth, before touching the warehouse.
  // A loser that finds the winner's token saved is told to re-run; one refused before the winner
  // saved it cannot tell a race from a dead token.
  test.each<WarehouseKind>(['folder', 's3'])(
    '4 processes on a %s warehouse: each succeeds or stops with the refresh-token message',
    async (kind) => {
      const a = await athlete(SPRING_2024);
      const wh = await warehouse(kind);
      const results = await Promise.all(
        [1, 2, 3, 4].map(() =>
          runCli(
            bundle,
            ['run', '--month', '2024-05', '--lookback', '0', '--warehouse', wh.uri, '--json'],
            cliEnv(a, wh.env),
          ),
        ),
      );

      const ok = results.filter((r) => r.code === 0);
      expect(ok.length).toBeGreaterThan(0);
      for (const r of results.filter((x) => x.code !== 0)) {
        expect(r.code).toBe(1);
        expect(r.stderr.match(/^error: .*$/gm)).toEqual([
          expect.stringMatching(
            new RegExp(
              [
                `^error: Strava rejected the refresh token at POST /oauth/token: another run refreshed the token at the same time and saved the new one to ${a.tokenFile}\\. Re-run; no re-authorization is needed\\.$`,
                '^error: Strava rejected the refresh token at POST /oauth/token .*already replaced by a newer one',
              ].join('|'),
            ),
          ),
        ]);
      }
      const state = await warehouseState(wh.store);
      expect(contentOf(state)).toEqual((await cleanRun(['2024-05'])).content);
      expect([state.bronze.version, state.silver.version, state.gold.version]).toEqual([0, 0, 0]);
      expect(await wh.store.list('_runs/month=2024-05/')).toHaveLength(ok.length);
      expect((await fs.readFile(a.tokenFile, 'utf8')).trim()).toBe(a.sim.state.refreshToken);
      const scan = new LeakScan();
      scan.secret(...a.secrets());
      for (const r of results) {
        scan.text('stdout', r.stdout);
        scan.text('stderr', r.stderr);
      }
      await scan.store(wh.store);
      expect(scan.hits()).toEqual([]);
    },
  );
});
