/**
 * The CLI door on a real warehouse: what `run`, `backfill` and `inspect` print, and that no
 * secret (the client secret, any refresh token including the rotated ones, any access token)
 * reaches stdout, stderr, a run record or any file of the warehouse.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DETAIL_TABLES } from '../../../src/lakehouse/detail-tables.js';
import { ARCHIVE_ACTIVITIES } from '../../../src/lakehouse/archive-table.js';
import type { RunRecord } from '../../../src/runs/record.js';
import {
  bundleCli,
  cliEnv,
  filesUnder,
  runCli,
  runIn,
  warehouseState,
  type Athlete,
  type CliResult,
} from '../../support/pipeline.js';
import { athlete, warehouse } from './harness.js';

let bundle: string;
beforeAll(async () => {
  bundle = await bundleCli();
});
afterAll(async () => {
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
});

const cli = (a: Athlete, args: string[]) => runCli(bundle, args, cliEnv(a));

describe('inspect', () => {
  test("prints each table's version, files, partitions and rows", async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    const backfill = await cli(a, [
      'backfill',
      '--from',
      '2024-01',
      '--to',
      '2024-03',
      '--warehouse',
      dir,
    ]);
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^2024-01 {2}ingested +22 activities {2}landing\/activities\/month=2024-01\//,
      ),
      expect.stringMatching(
        /^2024-02 {2}ingested +18 activities {2}landing\/activities\/month=2024-02\//,
      ),
      expect.stringMatching(
        /^2024-03 {2}ingested +22 activities {2}landing\/activities\/month=2024-03\//,
      ),
    ]);
    // A second commit on each table, so versions and file counts differ.
    expect(
      (await cli(a, ['run', '--month', '2024-04', '--lookback', '0', '--warehouse', dir])).code,
    ).toBe(0);
    const state = await warehouseState(store);

    const text = await cli(a, ['inspect', '--warehouse', dir]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe(`warehouse ${dir}`);
    for (const [name, t] of Object.entries(state)) {
      const partitions = Object.keys(t.filesPerMonth).length;
      const line = lines.find((l) => l.startsWith(`${name}/`))!;
      expect(line.split(/\s+/).slice(1).map(Number), name).toEqual([
        t.version,
        t.files.length,
        partitions,
        t.rows.length,
      ]);
    }
    expect(lines.at(-1)).toBe('run records: 4');

    const json = await cli(a, ['inspect', '--warehouse', dir, '--json']);
    const parsed = JSON.parse(json.stdout) as {
      tables: { table: string; rows: number; version: number }[];
    };
    expect(parsed.tables.slice(0, 3).map((t) => [t.table, t.version, t.rows])).toEqual(
      Object.entries(state).map(([name, t]) => [
        expect.stringMatching(`^${name}/`),
        t.version,
        t.rows.length,
      ]),
    );
    // The detail tables and the archive's are listed too; this warehouse has none of them.
    expect(parsed.tables.slice(3).map((t) => [t.table, t.version, t.rows])).toEqual(
      [...DETAIL_TABLES, ARCHIVE_ACTIVITIES].map((d) => [d.path, null, 0]),
    );
  });

  test('on an empty warehouse exits 1 and says there is no lakehouse there', async () => {
    const a = await athlete();
    const { dir } = await warehouse();
    const result = await cli(a, ['inspect', '--warehouse', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `error: There is no lakehouse at ${dir}: no table and no run record.`,
    );
  });
});

describe('secrets', () => {
  test('no client secret, refresh token (rotated ones too) or access token leaks anywhere', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    const outputs: CliResult[] = [];
    const step = async (args: string[]) => {
      const r = await cli(a, args);
      a.noteTokens();
      outputs.push(r);
      return r;
    };

    expect(
      (await step(['backfill', '--from', '2024-01', '--to', '2024-03', '--warehouse', dir])).code,
    ).toBe(0);
    a.sim.editActivity(11302441122, { name: 'Edited' });
    await runIn(a, dir, { month: '2024-04' });
    expect(
      (await step(['run', '--month', '2024-02', '--lookback', '0', '--warehouse', dir, '--json']))
        .code,
    ).toBe(0);
    expect(
      (await step(['run', '--month', '2024-04', '--lookback', '0', '--warehouse', dir, '--force']))
        .code,
    ).toBe(0);
    // Failures print the remote error: still no token in them.
    a.sim.setFaults({ revokedRefreshToken: true });
    const refused = await step([
      'run',
      '--month',
      '2024-05',
      '--lookback',
      '0',
      '--warehouse',
      dir,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*refresh token/im);
    a.sim.setFaults({ revokedRefreshToken: false });
    expect((await step(['inspect', '--warehouse', dir])).code).toBe(0);

    const secrets = a.secrets();
    // The client secret, the first refresh token, and a new refresh + access token per run.
    expect(secrets.length).toBeGreaterThanOrEqual(2 + 2 * 4);
    const savedToken = (await fs.readFile(a.tokenFile, 'utf8')).trim();
    expect(secrets).toContain(savedToken);

    const leaks = (where: string, text: string) =>
      secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}…`);
    const found: string[] = [];
    for (const [i, r] of outputs.entries()) {
      found.push(...leaks(`stdout ${i}`, r.stdout), ...leaks(`stderr ${i}`, r.stderr));
    }
    const files = await filesUnder(dir);
    expect(files.some((f) => f.includes(`${path.sep}_runs${path.sep}`))).toBe(true);
    for (const file of files)
      found.push(...leaks(file, (await fs.readFile(file)).toString('latin1')));
    // Parquet pages are compressed: scan the decoded rows as well.
    const state = await warehouseState(store);
    for (const [name, t] of Object.entries(state))
      found.push(...leaks(name, JSON.stringify(t.rows)));
    for (const o of await store.list('_runs/')) {
      const record = JSON.parse(new TextDecoder().decode(await store.get(o.key))) as RunRecord;
      found.push(...leaks(o.key, JSON.stringify(record)));
    }
    expect(found).toEqual([]);

    // The scan does find a token where one is: the token file holds the newest.
    expect(leaks(a.tokenFile, await fs.readFile(a.tokenFile, 'latin1'))).not.toEqual([]);
  });
});
