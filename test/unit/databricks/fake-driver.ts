/**
 * A stand-in for @databricks/sql's DBSQLClient, for the runner's unit tests (no warehouse runs
 * here). Its method signatures are the driver's own types, so tsc fails if the driver's API moves
 * away from what the fake (and so the runner) assumes; the errors it throws are the driver's own
 * classes, built the way the driver builds them.
 */
import { createRequire } from 'node:module';
import type { DBSQLClient } from '@databricks/sql';

const require = createRequire(import.meta.url);

const { default: Status } =
  require('@databricks/sql/dist/dto/Status.js') as typeof import('@databricks/sql/dist/dto/Status.js');
const { default: OperationStateError, OperationStateErrorCode } =
  require('@databricks/sql/dist/errors/OperationStateError.js') as typeof import('@databricks/sql/dist/errors/OperationStateError.js');
const { THTTPException } =
  require('@databricks/sql/dist/connection/connections/ThriftHttpConnection.js') as typeof import('@databricks/sql/dist/connection/connections/ThriftHttpConnection.js');
const { TGetOperationStatusResp, TOperationState, TStatusCode } =
  require('@databricks/sql/thrift/TCLIService_types.js') as typeof import('@databricks/sql/thrift/TCLIService_types.js');

type DriverSession = Awaited<ReturnType<DBSQLClient['openSession']>>;
type DriverOperation = Awaited<ReturnType<DriverSession['executeStatement']>>;

export type FakeOperation = Pick<DriverOperation, 'id' | 'fetchAll' | 'close'>;

export interface FakeSession {
  executeStatement(...args: Parameters<DriverSession['executeStatement']>): Promise<FakeOperation>;
  close: DriverSession['close'];
  /** Where the driver's DBSQLSession keeps its Thrift backend, with the server's protocol. */
  backend?: { serverProtocolVersion?: number };
}

export interface FakeClient {
  connect(...args: Parameters<DBSQLClient['connect']>): Promise<unknown>;
  openSession(...args: Parameters<DBSQLClient['openSession']>): Promise<FakeSession>;
  close: DBSQLClient['close'];
}

/** A statement failing on the server, as the Thrift backend reports it. */
export function serverError(message: string, sqlState?: string): Error {
  return new OperationStateError(
    OperationStateErrorCode.Error,
    new TGetOperationStatusResp({
      status: { statusCode: TStatusCode.SUCCESS_STATUS },
      operationState: TOperationState.ERROR_STATE,
      errorMessage: message,
      sqlState,
    }),
  );
}

/** A Thrift call refused at the HTTP level (a starting warehouse: 503; bad token: 401). */
export function httpError(status: number): unknown {
  // The driver's node-fetch Response; the exception reads only its status.
  const response = new Response(null, { status });
  return new THTTPException(response as unknown as ConstructorParameters<typeof THTTPException>[0]);
}

export interface Executed {
  statement: string;
  options: Parameters<DriverSession['executeStatement']>[1];
}

/** Records everything the runner does; `openSessionFails` and `failStatement` script failures. */
export class FakeDriver {
  readonly connected: Parameters<DBSQLClient['connect']>[0][] = [];
  readonly executed: Executed[] = [];
  readonly closedOperations: string[] = [];
  openSessions = 0;
  sessionClosed = 0;
  clientClosed = 0;

  constructor(
    private readonly script: {
      /** Errors thrown by the first openSession calls, in order. */
      openSessionFails?: unknown[];
      /** An error for the n-th execution (1-based) of a statement, if it should fail. */
      failStatement?: (statement: string, execution: number) => unknown;
      /** The result rows of a statement (Delta's metrics row for DML). */
      rows?: (statement: string) => object[];
      /**
       * The server's answer to openSession, kept as the driver keeps it (its Thrift backend's
       * serverProtocolVersion; `{}`: none sent). Absent: the session has no backend to read.
       */
      protocol?: { serverProtocolVersion?: number };
    } = {},
  ) {}

  readonly client: FakeClient = {
    connect: async (options) => {
      this.connected.push(options);
      return this.client;
    },
    openSession: async () => {
      const fail = this.script.openSessionFails?.[this.openSessions++];
      if (fail) throw fail;
      const { protocol } = this.script;
      // As the driver's ThriftSessionBackend: the field is there even when the server sent none.
      if (!protocol) return this.session;
      return {
        ...this.session,
        backend: { serverProtocolVersion: protocol.serverProtocolVersion },
      };
    },
    close: async () => {
      this.clientClosed++;
    },
  };

  private readonly session: FakeSession = {
    executeStatement: async (statement, options) => {
      this.executed.push({ statement, options });
      const id = `op-${this.executed.length}`;
      const runs = this.executed.filter((e) => e.statement === statement).length;
      const failure = this.script.failStatement?.(statement, runs);
      const operation: FakeOperation = {
        id,
        fetchAll: async () => {
          if (failure) throw failure;
          return this.script.rows?.(statement) ?? [];
        },
        close: async () => {
          this.closedOperations.push(id);
          return Status.success();
        },
      };
      return operation;
    },
    close: async () => {
      this.sessionClosed++;
      return Status.success();
    },
  };
}
