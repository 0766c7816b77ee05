/**
 * S3Store failures that need no S3 server: an endpoint nobody listens on, and no credentials.
 * (Errors from a real server are tested against moto in test/s3.)
 */
import net from 'node:net';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { StoreError } from '../../../src/errors.js';
import { S3Store } from '../../../src/landing/s3.js';

const SECRET = 'do-not-print-this-secret-0123456789';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

test('an unreachable endpoint is a StoreError naming the call and the object, with a hint', async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const store = new S3Store('s3://lake/prefix', { region: 'us-east-1', endpoint });
  const err = await store.put('landing/a.csv', 'x').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  const line = (err as StoreError).line;
  expect(line).toMatch(/^S3 PutObject s3:\/\/lake\/prefix\/landing\/a\.csv failed: .*ECONNREFUSED/);
  expect(line).toContain('Check the S3 endpoint');
  expect(line).not.toContain(SECRET);
});

test('missing credentials are a StoreError that says how to provide them', async () => {
  const nowhere = path.join('/nonexistent', 'aws');
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', path.join(nowhere, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(nowhere, 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const store = new S3Store('s3://lake', { region: 'us-east-1', endpoint });
  const err = await store.get('_runs/x.json').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).message).toContain('S3 GetObject s3://lake/_runs/x.json failed');
  expect((err as StoreError).hint).toContain('AWS_ACCESS_KEY_ID');
});

test('hints name the region and endpoint settings as the door in use names them', async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const names = { region: 'Input "aws-region"', endpoint: 'Input "s3-endpoint"' };
  const store = new S3Store('s3://lake', { region: 'us-east-1', endpoint, names });
  const err = (await store.get('a').catch((e: unknown) => e)) as StoreError;
  expect(err.hint).toBe('Check the S3 endpoint (Input "s3-endpoint") and the network.');
  const plain = new S3Store('s3://lake', { region: 'us-east-1', endpoint });
  const sdk = (await plain.get('a').catch((e: unknown) => e)) as StoreError;
  expect(sdk.hint).toBe('Check the S3 endpoint (AWS_ENDPOINT_URL_S3) and the network.');
});
