import { describe, expect, it } from 'vitest';
import {
  connectionOptions,
  createClient,
  endpointOf,
} from '../../../src/lakehouse/databricks/connection.js';

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
