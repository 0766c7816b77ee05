/**
 * Handing a warehouse between engines (src/lakehouse/migrate.ts): the table properties both
 * engines write, the embedded engine's refusal of a table that names Databricks, and
 * `strava-lakehouse migrate` both ways. On real folder warehouses filled by the real pipeline.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { DeltaProtocolError, errorLine } from '../../../src/errors.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import { writeCommit } from '../../../src/lakehouse/delta/log.js';
import { ENGINE_TABLES, migrateWarehouse } from '../../../src/lakehouse/migrate.js';
import { ENGINE_PROPERTY, tableProperties } from '../../../src/lakehouse/table-properties.js';
import { SILVER } from '../../../src/lakehouse/tables.js';
import type { ObjectStore } from '../../../src/landing/store.js';
import { captureCli } from '../../support/capture.js';
import { filesUnder, logVersions, runIn } from '../../support/pipeline.js';
import { athlete, warehouse } from '../pipeline/harness.js';

const configurationOf = async (store: ObjectStore, def = SILVER) =>
  (await new DeltaTable(store, def).snapshot())?.metadata.configuration;

const versionsOf = (store: ObjectStore) =>
  Promise.all(ENGINE_TABLES.map(async (def) => [def.path, await logVersions(store, def)]));

const output = captureCli();

/** Runs the CLI in this process; what it wrote to stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  output.stdout.length = 0;
  output.stderr.length = 0;
  const code = await main(args, {});
  return { code, stdout: output.stdout.join(''), stderr: output.stderr.join('') };
}

describe('table properties', () => {
  it('the embedded engine creates every table with the properties sql/ declares, engine embedded', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-01' }, { details: true });
    for (const def of ENGINE_TABLES) {
      expect(await configurationOf(store, def), def.path).toEqual(tableProperties('embedded'));
    }
  });
});

describe('migrateWarehouse', () => {
  it('hands every table to Databricks once; the embedded engine then refuses before any request', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-01' }, { details: true });
    const before = await versionsOf(store);

    const first = await migrateWarehouse(store, 'databricks', { runId: 'handover-1' });
    expect(first.map((t) => [t.table, t.outcome])).toEqual(
      ENGINE_TABLES.map((def) => [def.path, 'changed']),
    );
    for (const def of ENGINE_TABLES) {
      expect(await configurationOf(store, def), def.path).toEqual(tableProperties('databricks'));
    }
    // Only a metaData action: no data file added or removed, the rows are the same.
    const silver = (await new DeltaTable(store, SILVER).snapshot())!;
    const commit = await store.get(
      `silver/activities/_delta_log/${String(silver.version).padStart(20, '0')}.json`,
    );
    const actions = new TextDecoder()
      .decode(commit!)
      .trim()
      .split('\n')
      .map((l) => Object.keys(JSON.parse(l) as object)[0]);
    expect(actions).toEqual(['commitInfo', 'metaData']);

    // Again: nothing to do, no new version.
    const second = await migrateWarehouse(store, 'databricks');
    expect(new Set(second.map((t) => t.outcome))).toEqual(new Set(['already']));
    const handed = await versionsOf(store);
    expect(handed.map(([t, v]) => [t, (v as number[]).length])).toEqual(
      before.map(([t, v]) => [t, (v as number[]).length + 1]),
    );

    // The embedded engine refuses at its first check: no Strava request, no landing file.
    const requests = a.sim.state.requests.length;
    const landing = await filesUnder(`${dir}/landing`);
    const refused = runIn(a, dir, { month: '2024-02' });
    await expect(refused).rejects.toThrow(DeltaProtocolError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^(silver|gold)/\\w+ is written by the databricks engine \\(table property ${ENGINE_PROPERTY.replace('.', '\\.')} = databricks\\), so the embedded engine leaves it alone\\.$`,
      ),
    );
    expect(errorLine(await refused.catch((e: unknown) => e))).toMatch(
      /Run with --engine databricks \(action input engine: databricks\), or hand the warehouse back to the embedded engine with `strava-lakehouse migrate --to embedded --warehouse <this warehouse>`\.$/,
    );
    expect(a.sim.state.requests.length).toBe(requests);
    expect(await filesUnder(`${dir}/landing`)).toEqual(landing);
    expect(await versionsOf(store)).toEqual(handed);

    // Handed back, the embedded engine writes again.
    const back = await migrateWarehouse(store, 'embedded');
    expect(new Set(back.map((t) => t.outcome))).toEqual(new Set(['changed']));
    const { records } = await runIn(a, dir, { month: '2024-02' });
    expect(records.map((r) => r.status)).toEqual(['ingested']);
    expect(await configurationOf(store)).toEqual(tableProperties('embedded'));
  });

  it('two migrations at once end with one commit per table', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-01' });
    const before = await versionsOf(store);
    const [x, y] = await Promise.all([
      migrateWarehouse(store, 'databricks'),
      migrateWarehouse(store, 'databricks'),
    ]);
    const outcomes = x.map((t, i) => [t.outcome, y[i]!.outcome].sort().join('+'));
    expect(new Set(outcomes.filter((o) => o !== 'absent+absent'))).toEqual(
      new Set(['already+changed']),
    );
    const after = await versionsOf(store);
    expect(after.map(([t, v]) => [t, (v as number[]).length])).toEqual(
      before.map(([t, v]) => [t, (v as number[]).length + ((v as number[]).length ? 1 : 0)]),
    );
  });

  it('takes a table from before the engine property (no configuration) as the embedded engine’s', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-01' });
    // As an earlier strava-lakehouse left it: the metaData without configuration.
    const table = new DeltaTable(store, SILVER);
    const snap = (await table.snapshot())!;
    await writeCommit(store, SILVER.path, snap.version + 1, [
      {
        commitInfo: {
          timestamp: Date.now(),
          operation: 'SET TBLPROPERTIES',
          operationParameters: {},
        },
      },
      { metaData: { ...snap.metadata, configuration: {} } },
    ]);
    const { records } = await runIn(a, dir, { month: '2024-02' });
    expect(records.map((r) => r.status)).toEqual(['ingested']);
    const handed = await migrateWarehouse(store, 'databricks');
    expect(handed.find((t) => t.table === SILVER.path)?.outcome).toBe('changed');
    expect(await configurationOf(store)).toEqual(tableProperties('databricks'));
  });

  it('refuses to hand back a table Databricks upgraded, and changes no table', async () => {
    const a = await athlete();
    const { dir, store } = await warehouse();
    await runIn(a, dir, { month: '2024-01' });
    await migrateWarehouse(store, 'databricks');
    // What a SQL warehouse does when its workspace turns deletion vectors on.
    const snap = (await new DeltaTable(store, SILVER).snapshot())!;
    await writeCommit(store, SILVER.path, snap.version + 1, [
      {
        commitInfo: {
          timestamp: Date.now(),
          operation: 'SET TBLPROPERTIES',
          operationParameters: {},
        },
      },
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['deletionVectors'],
          writerFeatures: ['deletionVectors'],
        },
      },
    ]);
    const before = await versionsOf(store);
    const refused = migrateWarehouse(store, 'embedded');
    await expect(refused).rejects.toThrow(
      /^silver\/activities requires Delta reader version 3 \/ writer version 7 with table features deletionVectors, which the embedded engine cannot write; no table was handed back\.$/,
    );
    expect(await versionsOf(store)).toEqual(before);
    // To Databricks it is left as it is, and said so.
    const again = await migrateWarehouse(store, 'databricks');
    expect(again.find((t) => t.table === SILVER.path)).toMatchObject({
      outcome: 'kept',
      requires: expect.stringContaining('deletionVectors'),
    });
  });
});

describe('strava-lakehouse migrate', () => {
  it('prints each table and what it did, then refuses bad input in one line', async () => {
    const a = await athlete();
    const { dir } = await warehouse();
    await runIn(a, dir, { month: '2024-01' });
    const done = await cli(['migrate', '--to', 'databricks', '--warehouse', dir]);
    expect(done.code, done.stderr).toBe(0);
    const lines = done.stdout.trim().split('\n');
    expect(lines[0]).toBe(`warehouse ${dir}: tables handed to the databricks engine`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^silver\/activities +now strava-lakehouse\.engine = databricks \(version 1\)$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^silver\/streams +not created yet$/));
    const json = await cli(['migrate', '--to', 'databricks', '--warehouse', dir, '--json']);
    const parsed = JSON.parse(json.stdout) as { tables: { outcome: string }[] };
    expect(new Set(parsed.tables.map((t) => t.outcome))).toEqual(new Set(['already', 'absent']));

    const cases: [string[], string][] = [
      [['migrate', '--warehouse', dir], 'error: migrate needs --to.'],
      [['migrate', '--to', 'spark', '--warehouse', dir], 'error: --to "spark" is not an engine.'],
      [
        ['migrate', '--to', 'embedded', '--warehouse', `${dir}/nothing-here`],
        `error: There is no lakehouse at ${dir}/nothing-here: no table to hand over.`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([
        expect.stringContaining(message),
      ]);
    }
    expect(await filesUnder(`${dir}/nothing-here`).catch(() => [])).toEqual([]);
  });
});
