import { describe, expect, it } from 'vitest';
import type { DatabricksConfig } from '../../../src/config.js';
import { DatabricksError } from '../../../src/errors.js';
import type { Progress } from '../../../src/progress.js';
import {
  runDatabricks,
  type DatabricksRunOptions,
} from '../../../src/lakehouse/databricks/runner.js';
import { loadSqlTexts, SQL_FILES } from '../../../src/lakehouse/databricks/statements.js';
import { FakeDriver, httpError, serverError } from './fake-driver.js';

const TOKEN = 'dapi0123456789abcdef0123456789abcdef';
const SECRET = 'dose-very-secret-value';
const texts = loadSqlTexts();
const KEY = 'landing/activities/month=2024-05/activities-0123abcd4567ef89.csv';

const CONFIG: DatabricksConfig = {
  host: 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/',
  httpPath: '/sql/1.0/warehouses/abc123',
  token: TOKEN,
  catalog: 'main',
  schema: 'strava',
};

/** Progress that remembers its lines, and a sleep that only counts. */
function recorder() {
  const lines: string[] = [];
  const progress: Progress = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    update: (m) => lines.push(`update ${m}`),
    group: (_n, fn) => fn(),
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  return { lines, progress, sleeps, sleep };
}

function options(driver: FakeDriver, over: Partial<DatabricksRunOptions> = {}) {
  const rec = recorder();
  const opts: DatabricksRunOptions = {
    config: CONFIG,
    warehouseUri: (key) => `s3://lake/athlete/${key}`,
    landings: [{ month: '2024-05', key: KEY }],
    goldMonths: ['2024-05', '2024-06'],
    runId: 'run-1',
    progress: rec.progress,
    client: driver.client,
    sqlTexts: texts,
    wait: { attempts: 4, intervalMs: 15_000, sleep: rec.sleep },
    ...over,
  };
  return { opts, ...rec };
}

/** Whether a statement the runner sent is `file` (each file opens with its own comment). */
const is = (file: keyof typeof texts) => (statement: string) =>
  statement.startsWith(texts[file].slice(0, 40));
const sent = (driver: FakeDriver, file: keyof typeof texts) =>
  driver.executed.find((e) => is(file)(e.statement));

async function failure(p: Promise<unknown>): Promise<DatabricksError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabricksError);
  return err as DatabricksError;
}

describe('runDatabricks', () => {
  it('runs the statements in order with their named parameters and records each', async () => {
    const driver = new FakeDriver({
      rows: (s) =>
        is(SQL_FILES.mergeSilver)(s)
          ? [{ num_affected_rows: 3, num_inserted_rows: 2, num_updated_rows: 1 }]
          : is(SQL_FILES.copyIntoBronze)(s)
            ? [{ num_affected_rows: 12, num_inserted_rows: 12 }]
            : is(SQL_FILES.gold)(s)
              ? [{ num_affected_rows: 0 }]
              : [],
    });
    const { opts, lines } = options(driver);
    const result = await runDatabricks(opts);

    expect(driver.connected).toEqual([
      {
        host: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
        path: '/sql/1.0/warehouses/abc123',
        token: TOKEN,
        userAgentEntry: expect.stringMatching(/^strava-lakehouse\//),
        telemetryEnabled: false,
      },
    ]);
    expect(result.statements.map((s) => [s.file, s.statementId, s.affectedRows])).toEqual([
      ['sql/00_create_schema.sql', 'op-1', undefined],
      ['sql/01_create_bronze.sql', 'op-2', undefined],
      ['sql/02_create_silver.sql', 'op-3', undefined],
      ['sql/03_create_gold.sql', 'op-4', undefined],
      ['sql/10_copy_into_bronze.sql', 'op-5', 12],
      ['sql/20_merge_silver.sql', 'op-6', 3],
      ['sql/30_gold.sql', 'op-7', 0],
    ]);
    for (const s of result.statements) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(driver.executed[5]?.options).toEqual({
      namedParameters: {
        silver: '`main`.`strava`.`silver_activities`',
        bronze: '`main`.`strava`.`bronze_activities`',
        landing_file: KEY,
        month: '2024-05',
      },
    });
    expect(sent(driver, SQL_FILES.gold)?.options?.namedParameters).toEqual({
      gold: '`main`.`strava`.`gold_monthly_summary`',
      silver: '`main`.`strava`.`silver_activities`',
    });
    expect(sent(driver, SQL_FILES.copyIntoBronze)?.statement).toContain(
      "FROM 's3://lake/athlete/landing/activities/month=2024-05'",
    );
    // Gold affected nothing, so only the month of the landing changed.
    expect(result.changedMonths).toEqual(['2024-05']);
    expect(lines).toContain(
      'info databricks: sql/20_merge_silver.sql (' +
        result.statements[5]?.durationMs +
        ' ms, 3 row(s))',
    );
  });

  it('refuses a server without named parameters before any statement, in one line naming the minimum', async () => {
    for (const [protocol, spoken] of [
      [{ serverProtocolVersion: 0xa507 }, 'protocol 0xa507'],
      [{}, 'no protocol version'],
    ] as const) {
      const driver = new FakeDriver({ protocol });
      const err = await failure(runDatabricks(options(driver).opts));
      expect(err.line).toBe(
        `The Databricks server at https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/sql/1.0/warehouses/abc123 answered with ${spoken}, below 0xa508: it takes no named parameters, which every statement needs. Use a Databricks SQL warehouse, or a cluster on Databricks Runtime 14.2 or later.`,
      );
      expect(driver.executed).toEqual([]);
      expect([driver.sessionClosed, driver.clientClosed]).toEqual([1, 1]);
    }
  });

  it('runs on a server whose protocol carries named parameters', async () => {
    for (const serverProtocolVersion of [0xa508, 0xa509]) {
      const driver = new FakeDriver({ protocol: { serverProtocolVersion } });
      const result = await runDatabricks(options(driver).opts);
      expect(result.statements).toHaveLength(7);
    }
  });

  it('closes every operation, the session and the client after a successful run', async () => {
    const driver = new FakeDriver();
    await runDatabricks(options(driver).opts);
    expect(driver.closedOperations).toEqual(driver.executed.map((_, i) => `op-${i + 1}`));
    expect([driver.sessionClosed, driver.clientClosed]).toEqual([1, 1]);
  });

  it('names the sql file and the line the server points at, and stops there', async () => {
    const driver = new FakeDriver({
      failStatement: (s) =>
        is(SQL_FILES.mergeSilver)(s)
          ? serverError(
              "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `distnce` cannot be resolved. SQLSTATE: 42703; line 17 pos 4;\n'Project [...]",
              '42703',
            )
          : undefined,
    });
    const err = await failure(runDatabricks(options(driver).opts));
    expect(err.message).toBe(
      'Databricks statement sql/20_merge_silver.sql line 17 failed: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `distnce` cannot be resolved. SQLSTATE: 42703; line 17 pos 4;',
    );
    expect(driver.executed).toHaveLength(6); // gold never ran
    expect(driver.closedOperations).toContain('op-6');
    expect([driver.sessionClosed, driver.clientClosed]).toEqual([1, 1]);
  });

  it('names the first line of the statement when the server gives no position', async () => {
    const driver = new FakeDriver({
      failStatement: (s) =>
        is(SQL_FILES.gold)(s)
          ? serverError(
              '[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column: distance.',
            )
          : undefined,
    });
    const err = await failure(runDatabricks(options(driver).opts));
    const firstLine =
      texts[SQL_FILES.gold].split('\n').findIndex((l) => l.startsWith('MERGE INTO')) + 1;
    expect(err.message).toContain(`sql/30_gold.sql line ${firstLine} failed: [DELTA_NOT_NULL`);
  });

  it('names the table or location a permission error is about', async () => {
    const driver = new FakeDriver({
      failStatement: (s) =>
        is(SQL_FILES.copyIntoBronze)(s)
          ? serverError(
              "[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have READ FILES on External Location 'lake'. SQLSTATE: 42501",
              '42501',
            )
          : undefined,
    });
    const err = await failure(runDatabricks(options(driver).opts));
    const line =
      texts[SQL_FILES.copyIntoBronze].split('\n').indexOf('COPY INTO IDENTIFIER(:bronze)') + 1;
    expect(err.message).toContain(
      `Databricks refused sql/10_copy_into_bronze.sql line ${line}: no permission on table \`main\`.\`strava\`.\`bronze_activities\`, reading s3://lake/athlete/${KEY}.`,
    );
    expect(err.hint).toContain('READ FILES');
  });

  it('waits for a starting warehouse, within the bound', async () => {
    const driver = new FakeDriver({ openSessionFails: [httpError(503), httpError(503)] });
    const { opts, sleeps, lines } = options(driver);
    const result = await runDatabricks(opts);
    expect(result.statements).toHaveLength(7);
    expect(sleeps).toEqual([15_000, 15_000]);
    expect(
      lines.filter((l) => l.startsWith('update Databricks SQL warehouse is starting')),
    ).toHaveLength(2);
  });

  it('says the warehouse did not start when the bound runs out, and closes the client', async () => {
    const driver = new FakeDriver({
      openSessionFails: Array.from({ length: 9 }, () => httpError(503)),
    });
    const { opts, sleeps } = options(driver);
    const err = await failure(runDatabricks(opts));
    expect(err.message).toBe(
      'The SQL warehouse at https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/sql/1.0/warehouses/abc123 did not become ready within 1 minute.',
    );
    expect(driver.openSessions).toBe(4);
    expect(sleeps).toHaveLength(3);
    expect(driver.executed).toHaveLength(0);
    expect(driver.clientClosed).toBe(1);
  });

  it('fails at once on rejected credentials, naming what to check', async () => {
    const driver = new FakeDriver({ openSessionFails: [httpError(401)] });
    const { opts, sleeps } = options(driver);
    const err = await failure(runDatabricks(opts));
    expect(err.message).toContain(
      'Databricks rejected the credentials for https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/sql/1.0/warehouses/abc123 (HTTP 401)',
    );
    expect(err.hint).toContain('DATABRICKS_TOKEN');
    expect(sleeps).toHaveLength(0);
    expect(driver.clientClosed).toBe(1);
  });

  it('names the HTTP path when there is no warehouse there', async () => {
    const driver = new FakeDriver({ openSessionFails: [httpError(404)] });
    const err = await failure(runDatabricks(options(driver).opts));
    expect(err.hint).toContain('DATABRICKS_HTTP_PATH');
  });

  it('never repeats the token or the OAuth client secret', async () => {
    const echo = `Invalid credentials: Bearer ${TOKEN} / client_secret=${SECRET}`;
    for (const config of [
      CONFIG,
      { ...CONFIG, token: undefined, clientId: 'sp-id', clientSecret: SECRET },
    ]) {
      for (const driver of [
        new FakeDriver({ openSessionFails: [serverError(echo)] }),
        new FakeDriver({ failStatement: () => serverError(echo) }),
      ]) {
        const err = await failure(runDatabricks({ ...options(driver).opts, config }));
        const line = `${err.message} ${err.hint}`;
        expect(line).not.toContain(config.token ?? SECRET);
        expect(line).toContain('***');
      }
    }
  });

  it('connects a service principal through OAuth M2M when there is no token', async () => {
    const driver = new FakeDriver();
    const config = { ...CONFIG, token: undefined, clientId: 'sp-id', clientSecret: SECRET };
    await runDatabricks({ ...options(driver).opts, config });
    expect(driver.connected[0]).toMatchObject({
      authType: 'databricks-oauth',
      oauthClientId: 'sp-id',
      oauthClientSecret: SECRET,
    });
  });

  it('runs a statement again when another writer committed to the table first', async () => {
    const driver = new FakeDriver({
      failStatement: (s, n) =>
        n === 1 && is(SQL_FILES.mergeSilver)(s)
          ? serverError(
              '[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to partition [month=2024-05] by a concurrent update.',
            )
          : undefined,
    });
    const { opts, lines } = options(driver);
    const result = await runDatabricks(opts);
    expect(driver.executed.map((e) => e.statement === driver.executed[5]?.statement)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(result.statements).toHaveLength(7);
    expect(lines.some((l) => l.startsWith('warn sql/20_merge_silver.sql: another writer'))).toBe(
      true,
    );
  });

  it('refuses an unsafe warehouse location before connecting', async () => {
    const driver = new FakeDriver();
    const err = await runDatabricks({
      ...options(driver).opts,
      warehouseUri: (key) => `s3://lake/o'hara/${key}`,
    }).catch((e: Error) => e);
    expect((err as Error).message).toContain("s3://lake/o'hara/");
    expect(driver.connected).toHaveLength(0);
  });
});
