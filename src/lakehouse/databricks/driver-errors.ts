/**
 * What the Databricks driver's failures mean for a user: one DatabricksError line naming the
 * sql/ file and line, the table or location refused, or the connection setting to check. Secrets
 * (the token, the OAuth client secret) are cut out of anything the server or driver said, and a
 * connection error does not carry the driver's error (with its HTTP exchange) as its cause.
 */
import { DatabricksError } from '../../errors.js';
import { firstCodeLine } from './sql-text.js';
import type { Statement } from './statements.js';

const HOST = 'DATABRICKS_HOST (input databricks-host)';
const HTTP_PATH = 'DATABRICKS_HTTP_PATH (input databricks-http-path)';
const CREDENTIALS =
  'DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (inputs databricks-token, databricks-client-id, databricks-client-secret)';

/** The parts of a driver error worth reading, whatever its class. */
export interface DriverFailure {
  /** The server's message when there is one, else the driver's. */
  message: string;
  sqlState?: string;
  /** HTTP status of a refused Thrift call. */
  httpStatus?: number;
  /** A network error code such as ECONNREFUSED. */
  code?: string;
}

interface DriverErrorShape {
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  response?: { errorMessage?: unknown; displayMessage?: unknown; sqlState?: unknown };
  payload?: { response?: { status?: unknown } };
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

export function driverFailure(err: unknown): DriverFailure {
  const e = (err ?? {}) as DriverErrorShape;
  // OperationStateError keeps the server's own words in `response`; its message may be generic.
  const message =
    text(e.response?.errorMessage) ??
    text(e.response?.displayMessage) ??
    text(e.message) ??
    String(err);
  const status = e.statusCode ?? e.payload?.response?.status;
  return {
    message,
    sqlState: text(e.response?.sqlState),
    httpStatus: typeof status === 'number' ? status : undefined,
    code: text(e.code),
  };
}

/** `value` with every secret replaced by `***`. */
export function redact(value: string, secrets: readonly (string | undefined)[]): string {
  let out = value;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** The first line of a server message, trimmed to a readable length. */
function headline(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

/** A stopped SQL warehouse answers 503 (or 429) while it starts. */
export function isWarehouseStarting(f: DriverFailure): boolean {
  return (
    f.httpStatus === 503 ||
    f.httpStatus === 429 ||
    /TEMPORARILY_UNAVAILABLE|warehouse is (starting|not running)|cluster is starting/i.test(
      f.message,
    )
  );
}

/** Another writer committed to the same Delta table first; the statement is safe to run again. */
export function isConcurrentConflict(f: DriverFailure): boolean {
  return /DELTA_CONCURRENT_|Concurrent(Append|DeleteRead|DeleteDelete|Transaction)Exception|DELTA_METADATA_CHANGED|MetadataChangedException/.test(
    f.message,
  );
}

function isPermissionDenied(f: DriverFailure): boolean {
  return (
    f.sqlState === '42501' ||
    /PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|UNAUTHORIZED_ACCESS|AccessDenied|does not have [A-Z ]+ (privilege|permission)/i.test(
      f.message,
    )
  );
}

/** The 1-based line the server points at ("line 14, pos 7"), or where the statement begins. */
export function failedLine(statement: Statement, f: DriverFailure): number {
  const at = /\bline (\d+),? pos(?:ition)? \d+/i.exec(f.message);
  return at ? Number(at[1]) : firstCodeLine(statement.text);
}

export function statementError(
  statement: Statement,
  err: unknown,
  secrets: readonly (string | undefined)[],
): DatabricksError {
  const f = driverFailure(err);
  const where = `${statement.file} line ${failedLine(statement, f)}`;
  const said = redact(headline(f.message), secrets);
  if (isPermissionDenied(f)) {
    return new DatabricksError(
      `Databricks refused ${where}: no permission on ${statement.target}. ${said}`,
      'Grant the user or service principal what the statement needs there (USE CATALOG, USE SCHEMA, CREATE TABLE, SELECT, MODIFY; READ FILES and WRITE FILES on the external location), then re-run.',
      { cause: err },
    );
  }
  return new DatabricksError(
    `Databricks statement ${where} failed: ${said}`,
    'Fix what the server reports, then re-run the month.',
    { cause: err },
  );
}

export function connectionError(
  endpoint: { host: string; path: string },
  err: unknown,
  secrets: readonly (string | undefined)[],
): DatabricksError {
  const f = driverFailure(err);
  const url = `https://${endpoint.host}${endpoint.path}`;
  const said = redact(headline(f.message), secrets);
  const network =
    f.code ?? /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/.exec(f.message)?.[1];
  if (network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
    return new DatabricksError(
      `Cannot find the Databricks host ${endpoint.host} (${network}).`,
      `Check ${HOST}: the workspace host, e.g. dbc-a1b2c3d4-e5f6.cloud.databricks.com.`,
    );
  }
  if (network) {
    return new DatabricksError(
      `Cannot reach Databricks at ${url} (${network}).`,
      `Check ${HOST} and that this machine can reach it.`,
    );
  }
  if (
    f.httpStatus === 401 ||
    f.httpStatus === 403 ||
    /invalid_client|unauthori[sz]ed|invalid access token|AuthenticationError/i.test(f.message)
  ) {
    return new DatabricksError(
      `Databricks rejected the credentials for ${url}${f.httpStatus ? ` (HTTP ${f.httpStatus})` : ''}: ${said}`,
      `Check ${CREDENTIALS}, and that they may use this SQL warehouse.`,
    );
  }
  if (f.httpStatus === 404) {
    return new DatabricksError(
      `Databricks has no SQL warehouse at ${url} (HTTP 404).`,
      `Check ${HTTP_PATH}: copy it from the warehouse's Connection details.`,
    );
  }
  return new DatabricksError(
    `Could not open a Databricks SQL session at ${url}: ${said}`,
    `Check ${HOST} and ${HTTP_PATH}.`,
  );
}
