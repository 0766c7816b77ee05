import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FolderStore } from '../../../src/landing/folder.js';
import { openStore } from '../../../src/landing/open.js';
import { S3Store } from '../../../src/landing/s3.js';

describe('openStore', () => {
  test('a folder path opens a FolderStore at its absolute path', async () => {
    const store = await openStore('./lakehouse');
    expect(store).toBeInstanceOf(FolderStore);
    expect(store.root).toBe(path.resolve('lakehouse'));
  });

  test('an s3:// location opens an S3Store with its bucket and prefix', async () => {
    const store = await openStore('s3://my-bucket/strava/lake', { region: 'eu-west-1' });
    expect(store).toBeInstanceOf(S3Store);
    expect(store.root).toBe('s3://my-bucket/strava/lake');
    expect(store.uri('landing/a.csv')).toBe('s3://my-bucket/strava/lake/landing/a.csv');
  });
});

describe('S3Store location and client settings', () => {
  test('a bucket without a prefix, and a trailing slash, are both understood', () => {
    expect(new S3Store('s3://b-1').uri('k')).toBe('s3://b-1/k');
    expect(new S3Store('s3://b-1').root).toBe('s3://b-1');
    const trailing = new S3Store('s3://b-1/p/q/');
    expect([trailing.bucket, trailing.prefix, trailing.root]).toEqual([
      'b-1',
      'p/q',
      's3://b-1/p/q',
    ]);
  });

  test('the region option reaches the SDK client', async () => {
    const store = new S3Store('s3://b-1/p', { region: 'eu-central-1' }, {});
    expect(await store.client.config.region()).toBe('eu-central-1');
  });

  test('an endpoint (option or AWS_ENDPOINT_URL_S3) switches to path-style addressing', async () => {
    const fromEnv = new S3Store(
      's3://b-1/p',
      { region: 'us-east-1' },
      {
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      },
    );
    expect(fromEnv.client.config.forcePathStyle).toBe(true);
    const endpoint = await fromEnv.client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(
      'http://127.0.0.1:9000',
    );
    const fromOption = new S3Store('s3://b-1/p', { endpoint: 'http://minio:9000' }, {});
    expect(fromOption.client.config.forcePathStyle).toBe(true);
    expect(new S3Store('s3://b-1/p', {}, {}).client.config.forcePathStyle).toBeFalsy();
  });

  test('a location that is not s3:// is refused', () => {
    expect(() => new S3Store('/tmp/x')).toThrow(/not an S3 location/);
  });
});
