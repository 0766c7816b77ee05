import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  connectionOptions,
  createClient,
  endpointOf,
  NAMED_PARAMETERS_PROTOCOL,
  serverProtocolVersion,
} from '../../../src/lakehouse/databricks/connection.js';

const require = createRequire(import.meta.url);
const { default: DBSQLSession } =
  require('@databricks/sql/dist/DBSQLSession.js') as typeof import('@databricks/sql/dist/DBSQLSession.js');
const { default: ThriftSessionBackend } =
  require('@databricks/sql/dist/thrift-backend/ThriftSessionBackend.js') as typeof import('@databricks/sql/dist/thrift-backend/ThriftSessionBackend.js');
const { ProtocolVersion } =
  require('@databricks/sql/dist/utils/index.js') as typeof import('@databricks/sql/dist/utils/index.js');
const { TProtocolVersion } =
  require('@databricks/sql/thrift/TCLIService_types.js') as typeof import('@databricks/sql/thrift/TCLIService_types.js');

type SessionContext = ConstructorParameters<typeof DBSQLSession>[0]['context'];
/** The little of a client context the driver's session classes touch when built: a logger. */
const context = { getLogger: () => ({ log: () => undefined }) } as unknown as SessionContext;

/** A session as the driver's DBSQLClient.openSession builds it from the server's answer. */
function driverSession(serverProtocolVersion: number | undefined): object {
  const backend = new ThriftSessionBackend({
    handle: { sessionId: { guid: Buffer.alloc(16), secret: Buffer.alloc(16) } },
    context,
    serverProtocolVersion,
  } as ConstructorParameters<typeof ThriftSessionBackend>[0]);
  return new DBSQLSession({ backend, context });
}

const CONFIG = {
  host: 'https://adb-1234567890123456.7.azuredatabricks.net/',
  httpPath: 'sql/1.0/warehouses/abc123',
  catalog: 'main',
  schema: 'strava',
};

describe('connection', () => {
  it('accepts the host with or without https:// and the path with or without its slash', () => {
    expect(endpointOf(CONFIG)).toEqual({
      host: 'adb-1234567890123456.7.azuredatabricks.net',
      path: '/sql/1.0/warehouses/abc123',
    });
  });

  it('uses the token when there is one, OAuth M2M otherwise, and never sends telemetry', () => {
    expect(
      connectionOptions({ ...CONFIG, token: 't', clientId: 'id', clientSecret: 's' }),
    ).toMatchObject({ token: 't', telemetryEnabled: false });
    const m2m = connectionOptions({ ...CONFIG, clientId: 'id', clientSecret: 's' });
    expect(m2m).toMatchObject({
      authType: 'databricks-oauth',
      oauthClientId: 'id',
      oauthClientSecret: 's',
    });
    expect(m2m).not.toHaveProperty('token');
  });

  it('loads the real driver on demand', async () => {
    const client = await createClient();
    expect(client.constructor.name).toBe('DBSQLClient');
    await client.close();
  });
});

describe('the server protocol of a session', () => {
  it("is read where the driver's own session keeps it", () => {
    expect(
      serverProtocolVersion(driverSession(TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8)),
    ).toBe(TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8);
    expect(serverProtocolVersion(driverSession(undefined))).toBeUndefined();
    expect(serverProtocolVersion({ executeStatement: () => undefined })).toBeNull();
  });

  it("needs named parameters from the same protocol as the driver's own check", () => {
    expect(NAMED_PARAMETERS_PROTOCOL).toBe(TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8);
    for (const v of [
      TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V7,
      TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V9,
    ]) {
      expect(v >= NAMED_PARAMETERS_PROTOCOL, String(v)).toBe(
        ProtocolVersion.supportsParameterizedQueries(v),
      );
    }
  });
});
