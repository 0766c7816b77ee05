/**
 * Runs a run's sql/ statements on a Databricks SQL warehouse, in order, in one session, and
 * records each (statement id, duration, affected rows). The operation, the session and the
 * client are closed on every path. Every statement is idempotent (COPY INTO skips what it has
 * loaded, the MERGEs converge), so one that lost a race to another writer is simply run again.
 */
import type { DatabricksConfig } from '../../config.js';
import type { Progress } from '../../progress.js';
import type { StatementRecord } from '../../runs/record.js';
import type { Month } from '../../strava/months.js';
import {
  createClient,
  DEFAULT_WAIT,
  openSession,
  requireNamedParameters,
  secretsOf,
  type DBSQLClientLike,
  type OperationLike,
  type SessionLike,
  type WarehouseWait,
} from './connection.js';
import { driverFailure, isConcurrentConflict, statementError } from './driver-errors.js';
import { loadSqlTexts, planStatements, type SqlTexts, type Statement } from './statements.js';

export interface DatabricksRunOptions {
  config: DatabricksConfig;
  /** Full URI of a warehouse key (an S3Store's `uri`). */
  warehouseUri: (key: string) => string;
  /** This run's landing files, one per month. */
  landings: readonly { month: Month; key: string }[];
  /** The months gold changes are reported for: the run's months and the month after each (the MERGE itself covers all of silver). */
  goldMonths: readonly Month[];
  runId: string;
  progress: Progress;
  /** The driver; by default a real DBSQLClient, loaded on first use. */
  client?: DBSQLClientLike;
  /** The sql/ files; by default read from the sql/ folder. */
  sqlTexts?: SqlTexts;
  wait?: WarehouseWait;
}

export interface DatabricksRunResult {
  statements: StatementRecord[];
  /** Months where a statement inserted, updated or deleted rows. */
  changedMonths: Month[];
}

const CONFLICT_ATTEMPTS = 3;

export async function runDatabricks(opts: DatabricksRunOptions): Promise<DatabricksRunResult> {
  const { config } = opts;
  // Planned before connecting: a location that cannot go into SQL fails without a session.
  const plan = planStatements(
    {
      catalog: config.catalog,
      schema: config.schema,
      tableLocation: config.tableLocation ?? 'external',
      warehouseUri: opts.warehouseUri,
      landings: opts.landings,
      goldMonths: opts.goldMonths,
      runId: opts.runId,
    },
    opts.sqlTexts ?? loadSqlTexts(),
  );
  const executed = await executeStatements(plan, opts);
  const changed = new Set<Month>();
  executed.forEach(({ record }, i) => {
    if (record.affectedRows) for (const m of (plan[i] as Statement).months) changed.add(m);
  });
  return { statements: executed.map((e) => e.record), changedMonths: [...changed].sort() };
}

/** How to reach the warehouse: the settings, and for tests a driver stand-in and a wait. */
export interface SessionOptions {
  config: DatabricksConfig;
  progress: Progress;
  client?: DBSQLClientLike;
  wait?: WarehouseWait;
}

/** A statement as run: its record, and the rows it returned (a query's rows; DML: metrics). */
export interface ExecutedStatement {
  record: StatementRecord;
  rows: object[];
}

/**
 * Runs `plan` in order in one session, each statement recorded and retried after a concurrent
 * conflict; the session and the client are closed on every path. Nothing is opened for an
 * empty plan, and nothing is sent to a server that takes no named parameters.
 */
export async function executeStatements(
  plan: readonly Statement[],
  opts: SessionOptions,
): Promise<ExecutedStatement[]> {
  if (!plan.length) return [];
  const { config, progress } = opts;
  const wait = opts.wait ?? DEFAULT_WAIT;
  const client = opts.client ?? (await createClient());
  let session: SessionLike | undefined;
  try {
    session = await openSession(client, config, progress, wait);
    requireNamedParameters(session, config);
    const out: ExecutedStatement[] = [];
    for (const statement of plan) {
      const executed = await execute(session, statement, config, progress, wait);
      out.push(executed);
      const { record } = executed;
      const rows = record.affectedRows === undefined ? '' : `, ${record.affectedRows} row(s)`;
      progress.info(`databricks: ${statement.file} (${record.durationMs} ms${rows})`);
    }
    return out;
  } finally {
    // Best effort: a failed close must not hide the run's own outcome.
    await session?.close().catch(() => {});
    await client.close().catch(() => {});
  }
}

async function execute(
  session: SessionLike,
  statement: Statement,
  config: DatabricksConfig,
  progress: Progress,
  wait: WarehouseWait,
): Promise<ExecutedStatement> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    let operation: OperationLike | undefined;
    try {
      operation = await session.executeStatement(statement.text, {
        namedParameters: statement.params,
      });
      const rows = await operation.fetchAll();
      const record: StatementRecord = {
        file: statement.file,
        statementId: operation.id,
        durationMs: Date.now() - started,
        affectedRows: affectedRows(rows),
      };
      return { record, rows };
    } catch (err) {
      if (attempt < CONFLICT_ATTEMPTS && isConcurrentConflict(driverFailure(err))) {
        progress.warn(
          `${statement.file}: another writer changed the table meanwhile; running it again.`,
        );
        await wait.sleep(1000 * attempt);
        continue;
      }
      throw statementError(statement, err, secretsOf(config));
    } finally {
      await operation?.close().catch(() => {});
    }
  }
}

/** Delta's DML metrics row (`num_affected_rows`); DDL has none. */
function affectedRows(rows: readonly object[]): number | undefined {
  const v = (rows[0] as { num_affected_rows?: unknown } | undefined)?.num_affected_rows;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
