/**
 * The connection to a Databricks SQL warehouse through @databricks/sql. The driver is imported
 * only here and only when the engine runs (the bundle keeps it in a lazy chunk). The runner sees
 * it through DBSQLClientLike, the part of the driver's API it uses.
 */
import type { DBSQLClient } from '@databricks/sql';
import type { DatabricksConfig } from '../../config.js';
import { DatabricksError } from '../../errors.js';
import type { Progress } from '../../progress.js';
import { VERSION } from '../../version.js';
import { connectionError, driverFailure, isWarehouseStarting } from './driver-errors.js';

export type ConnectionOptions = Parameters<DBSQLClient['connect']>[0];

export interface OperationLike {
  readonly id: string;
  fetchAll(): Promise<object[]>;
  close(): Promise<unknown>;
}

export interface SessionLike {
  executeStatement(
    statement: string,
    options?: { namedParameters?: Record<string, string> },
  ): Promise<OperationLike>;
  close(): Promise<unknown>;
}

/** The subset of the driver's DBSQLClient the runner uses (tsc checks the driver fits it). */
export interface DBSQLClientLike {
  connect(options: ConnectionOptions): Promise<unknown>;
  openSession(): Promise<SessionLike>;
  close(): Promise<void>;
}

/** How long to wait for a stopped warehouse to start: `attempts` tries, `intervalMs` apart. */
export interface WarehouseWait {
  attempts: number;
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_WAIT: WarehouseWait = {
  attempts: 30,
  intervalMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The workspace host as the driver wants it: no scheme, no trailing slash. */
export function endpointOf(config: DatabricksConfig): { host: string; path: string } {
  const host = config.host.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const path = config.httpPath.startsWith('/') ? config.httpPath : `/${config.httpPath}`;
  return { host, path };
}

export function connectionOptions(config: DatabricksConfig): ConnectionOptions {
  const base = {
    ...endpointOf(config),
    userAgentEntry: `strava-lakehouse/${VERSION}`,
    // The driver would otherwise report usage to Databricks from the user's machine.
    telemetryEnabled: false,
  };
  if (config.token) return { ...base, token: config.token };
  return {
    ...base,
    authType: 'databricks-oauth',
    oauthClientId: config.clientId,
    oauthClientSecret: config.clientSecret,
  };
}

/** A DBSQLClient whose log stays silent: stdout belongs to `--json`, errors come back as values. */
export async function createClient(): Promise<DBSQLClientLike> {
  // The driver is CommonJS: `default` is its exports under Node and in the esbuild bundle alike.
  const { DBSQLClient } = (await import('@databricks/sql')).default;
  const client: DBSQLClientLike = new DBSQLClient({ logger: { log: () => {} } });
  return client;
}

export const secretsOf = (config: DatabricksConfig) => [config.token, config.clientSecret];

/**
 * Connects and opens a session. A stopped warehouse starts on the first request and answers
 * 503 until it is up: that is retried within `wait`, anything else fails at once.
 */
export async function openSession(
  client: DBSQLClientLike,
  config: DatabricksConfig,
  progress: Progress,
  wait: WarehouseWait = DEFAULT_WAIT,
): Promise<SessionLike> {
  const endpoint = endpointOf(config);
  try {
    await client.connect(connectionOptions(config));
  } catch (err) {
    throw connectionError(endpoint, err, secretsOf(config));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.openSession();
    } catch (err) {
      if (!isWarehouseStarting(driverFailure(err))) {
        throw connectionError(endpoint, err, secretsOf(config));
      }
      if (attempt >= wait.attempts) {
        const minutes = Math.max(1, Math.round((wait.attempts * wait.intervalMs) / 60_000));
        throw new DatabricksError(
          `The SQL warehouse at https://${endpoint.host}${endpoint.path} did not become ready within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          'It is stopped or still starting: start it in the Databricks UI (SQL Warehouses), then re-run.',
        );
      }
      progress.update(
        `Databricks SQL warehouse is starting; trying again in ${Math.round(wait.intervalMs / 1000)} s (${attempt}/${wait.attempts})`,
      );
      await wait.sleep(wait.intervalMs);
    }
  }
}

/**
 * The lowest Thrift protocol that carries named parameters: SPARK_CLI_SERVICE_PROTOCOL_V8
 * (0xA508), the threshold of the driver's own supportsParameterizedQueries
 * (@databricks/sql dist/utils/protocolVersion.js). Below it the driver sends a statement without
 * its parameters and the server fails it with UNBOUND_SQL_PARAMETER.
 */
export const NAMED_PARAMETERS_PROTOCOL = 0xa508;

/**
 * The protocol version the server opened the session with, where @databricks/sql 2.x keeps it:
 * `serverProtocolVersion` of the session's Thrift backend (private in its types, so read here
 * with checks, and held to the driver's own classes by a unit test). `undefined`: the server sent
 * none. `null`: the session does not have that shape (another backend, a test's stand-in), so
 * nothing can be told from it.
 */
export function serverProtocolVersion(session: object): number | undefined | null {
  const backend: unknown = Reflect.get(session, 'backend');
  if (typeof backend !== 'object' || backend === null) return null;
  if (!('serverProtocolVersion' in backend)) return null;
  const version: unknown = backend.serverProtocolVersion;
  return typeof version === 'number' ? version : undefined;
}

/**
 * Refuses, before any statement, a session whose server takes no named parameters (a cluster
 * older than Databricks Runtime 14.2): the driver would drop them without a word and every
 * statement would fail later. One line, naming the minimum.
 */
export function requireNamedParameters(session: object, config: DatabricksConfig): void {
  const version = serverProtocolVersion(session);
  if (version === null || (version !== undefined && version >= NAMED_PARAMETERS_PROTOCOL)) return;
  const { host, path } = endpointOf(config);
  const spoken =
    version === undefined ? 'no protocol version' : `protocol 0x${version.toString(16)}`;
  throw new DatabricksError(
    `The Databricks server at https://${host}${path} answered with ${spoken}, below 0x${NAMED_PARAMETERS_PROTOCOL.toString(16)}: it takes no named parameters, which every statement needs.`,
    'Use a Databricks SQL warehouse, or a cluster on Databricks Runtime 14.2 or later.',
  );
}
