import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildConfig,
  isS3BucketName,
  parseWarehouse,
  type RawInputs,
} from '../../../src/config.js';
import { CLI_LABELS } from '../../../src/cli/inputs.js';
import { ConfigError } from '../../../src/errors.js';
import { ACTION_LABELS } from '../../../src/main.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const BASE: RawInputs = { clientId: '1', clientSecret: 's', refreshToken: 'r' };

function fails(raw: RawInputs): ConfigError {
  try {
    buildConfig(raw, CLI_LABELS, { now: NOW });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('buildConfig', () => {
  it('defaults to the previous month, the embedded engine and ./lakehouse', () => {
    const c = buildConfig(BASE, CLI_LABELS, { now: NOW });
    expect(c).toMatchObject({
      from: '2026-10',
      to: '2026-10',
      engine: 'embedded',
      warehouse: './lakehouse',
    });
    expect(c.strava).toMatchObject({
      apiBase: 'https://www.strava.com/api/v3',
      oauthUrl: 'https://www.strava.com',
    });
  });

  it('re-checks 2 months before a run by default, from 0 to 24 when asked, none for a range', () => {
    const lookback = (raw: RawInputs) => buildConfig({ ...BASE, ...raw }, CLI_LABELS, { now: NOW });
    expect(lookback({}).lookback).toBe(2);
    expect(lookback({ month: '2024-05', lookback: '0' }).lookback).toBe(0);
    expect(lookback({ lookback: ' 24 ' }).lookback).toBe(24);
    expect(lookback({ from: '2024-01', to: '2024-02' }).lookback).toBe(0);
  });

  it.each(['25', '-1', '1.5', 'x', '0x1', '1e1', '2 months', '007'])(
    'refuses --lookback %s in one line naming the flag',
    (value) => {
      const e = fails({ ...BASE, lookback: value });
      expect(e.message).toBe(`--lookback "${value}" is not a number of months from 0 to 24.`);
      expect(e.message).not.toContain('\n');
    },
  );

  it('fetches details by default, uncapped, with the default privacy', () => {
    const c = buildConfig(BASE, CLI_LABELS, { now: NOW });
    expect(c.details).toBe(true);
    expect(c.maxRequests).toBeUndefined();
    expect(c.privacy).toEqual({ radiusM: 200, noCoordinates: false, includePrivate: false });
    const d = buildConfig(
      {
        ...BASE,
        noDetails: true,
        maxRequests: ' 300 ',
        privacyRadius: '0',
        noCoordinates: true,
        includePrivate: true,
      },
      CLI_LABELS,
      { now: NOW },
    );
    expect(d).toMatchObject({
      details: false,
      maxRequests: 300,
      privacy: { radiusM: 0, noCoordinates: true, includePrivate: true },
    });
  });

  it.each(['2', '0', '-5', '1.5', 'x', '007', '1e3', '1234567890'])(
    'refuses --max-requests %s in one line naming the flag and the fix',
    (value) => {
      const e = fails({ ...BASE, maxRequests: value });
      expect(e.message).toBe(
        `--max-requests "${value}" is not a number of requests of at least 3.`,
      );
      expect(e.hint).toMatch(/each activity's details take 2/);
    },
  );

  it.each(['-1', '100001', '20m', '01', ' 2.5'])(
    'refuses --privacy-radius %s in one line naming the flag',
    (value) => {
      const e = fails({ ...BASE, privacyRadius: value });
      expect(e.message).toMatch(
        /^--privacy-radius ".*" is not a number of metres from 0 to 100000\.$/,
      );
    },
  );

  it('takes a range', () => {
    const c = buildConfig({ ...BASE, from: '2023-11', to: '2024-02' }, CLI_LABELS, { now: NOW });
    expect([c.from, c.to]).toEqual(['2023-11', '2024-02']);
  });

  it.each([
    [{ from: '2024-05', to: '2024-01' }, '--from'],
    [{ from: '2024-05' }, '--to'],
    [{ engine: 'spark' }, '--engine'],
    [{ warehouse: 's3://Bad_Bucket/x' }, '--warehouse'],
    [{ warehouse: 's3://bucket/../x' }, '--warehouse'],
    [{ warehouse: 'lake/../../etc' }, '--warehouse'],
    [{ warehouse: 'gs://bucket/x' }, '--warehouse'],
    [{ clientId: '' }, 'STRAVA_CLIENT_ID'],
    [{ clientSecret: undefined }, 'STRAVA_CLIENT_SECRET'],
    [{ apiUrl: 'not a url' }, 'STRAVA_API_URL'],
    [{ engine: 'databricks', warehouse: 's3://bucket/x' }, 'DATABRICKS_HOST'],
    [
      {
        engine: 'databricks',
        warehouse: 's3://bucket/x',
        databricksHost: 'h',
        databricksHttpPath: 'p',
      },
      'DATABRICKS_TOKEN',
    ],
    [
      {
        engine: 'databricks',
        warehouse: 's3://bucket/x',
        databricksHost: 'h',
        databricksHttpPath: 'p',
        databricksToken: 't',
        databricksSchema: 'a;drop',
      },
      'DATABRICKS_SCHEMA',
    ],
  ] as [RawInputs, string][])('refuses %j naming %s', (raw, name) => {
    expect(fails({ ...BASE, ...raw }).message).toContain(name);
  });

  it('says first that Databricks needs an s3:// warehouse, before any other setting', () => {
    expect(fails({ engine: 'databricks' }).line).toBe(
      '--warehouse "./lakehouse" is a local folder, which a Databricks SQL warehouse cannot read. With the databricks engine, give the warehouse as s3://bucket/prefix on storage the warehouse can access.',
    );
  });

  it('points missing Strava credentials to the API settings page and `auth`', () => {
    for (const missing of [{ clientId: '' }, { clientSecret: undefined }]) {
      const { line } = fails({ ...BASE, ...missing });
      expect(line).toMatch(/^STRAVA_CLIENT_(ID|SECRET) is not set\. /);
      expect(line).toContain('https://www.strava.com/settings/api');
      expect(line).toContain('run `strava-lakehouse auth` once');
    }
  });

  it('needs a refresh token unless one was saved to the token file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    try {
      const tokenFile = path.join(dir, 'token');
      expect(fails({ ...BASE, refreshToken: '', tokenFile }).message).toContain(
        'STRAVA_REFRESH_TOKEN',
      );
      fs.writeFileSync(tokenFile, 'saved');
      expect(
        buildConfig({ ...BASE, refreshToken: '', tokenFile }, CLI_LABELS, { now: NOW }).strava
          .tokenFile,
      ).toBe(tokenFile);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['s3:/bucket/x', 'is not an S3 URI'],
    ['s3//bucket/x', 'is not an S3 URI'],
    ['s3:bucket/x', 'is not an S3 URI'],
    ['S3://bucket/x', 'is not an S3 URI'],
    ['s3a://bucket/x', 'is not an S3 URI'],
    ['s3n://bucket/x', 'is not an S3 URI'],
    ['gs://bucket/x', 'uses an unsupported scheme'],
    ['file:lake', 'uses an unsupported scheme'],
  ])('refuses the near-miss warehouse %s, which would become a local folder', (w, what) => {
    expect(() => parseWarehouse(w, '--warehouse')).toThrow(`--warehouse "${w}" ${what}`);
  });

  it.each([
    'ab',
    'a'.repeat(64),
    'Bucket',
    'my_bucket',
    '-bucket',
    'bucket-',
    'my..bucket',
    '192.168.5.4',
    'xn--bucket',
    'sthree-bucket',
    'amzn-s3-demo-bucket',
    'bucket-s3alias',
    'bucket--ol-s3',
    'bucket.mrap',
    'bucket--x-s3',
    'bucket--table-s3',
  ])('refuses the bucket name %s, which S3 refuses', (bucket) => {
    expect(isS3BucketName(bucket)).toBe(false);
    expect(() => parseWarehouse(`s3://${bucket}/lake`, 'w')).toThrow(
      'does not name a valid S3 bucket',
    );
  });

  it('accepts bucket names S3 accepts, dots and hyphens inside', () => {
    for (const b of ['abc', 'a'.repeat(63), 'my.bucket-1', '1bucket', 'a-b.c-d']) {
      expect(isS3BucketName(b)).toBe(true);
    }
  });

  it('keeps a Windows drive letter and a colon behind ./ as folders', () => {
    expect(parseWarehouse('C:/lake', 'w')).toBe('C:/lake');
    expect(parseWarehouse('./s3:x', 'w')).toBe('./s3:x');
  });

  describe('the token file', () => {
    const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sl-config-token-'));

    it('is refused when it is a folder', () => {
      const dir = tmp();
      try {
        const e = fails({ ...BASE, tokenFile: dir });
        expect(e.message).toBe(`STRAVA_TOKEN_FILE "${dir}" cannot be written: it is a folder.`);
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    });

    it('is refused under something that is not a folder', () => {
      const e = fails({ ...BASE, tokenFile: '/dev/null/strava/refresh-token' });
      expect(e.message).toBe(
        'STRAVA_TOKEN_FILE "/dev/null/strava/refresh-token" cannot be written: /dev/null is not a folder.',
      );
    });

    it('is accepted in folders still to be made, and creates none of them', () => {
      const dir = tmp();
      try {
        const tokenFile = path.join(dir, 'a', 'b', 'refresh-token');
        expect(buildConfig({ ...BASE, tokenFile }, CLI_LABELS, { now: NOW }).strava.tokenFile).toBe(
          tokenFile,
        );
        expect(fs.readdirSync(dir)).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    });

    it('is not checked when Strava is not needed (inspect)', () => {
      expect(() =>
        buildConfig({ ...BASE, tokenFile: '/dev/null/x' }, CLI_LABELS, {
          now: NOW,
          needStrava: false,
        }),
      ).not.toThrow();
    });
  });

  it('refuses, for Databricks, a warehouse that cannot go into SQL as it is', () => {
    const e = fails({
      ...BASE,
      engine: 'databricks',
      warehouse: "s3://my-bucket/it's lake",
      databricksHost: 'h',
      databricksHttpPath: '/p',
      databricksToken: 't',
    });
    expect(e.message).toBe(
      `--warehouse "s3://my-bucket/it's lake" has characters that cannot go into a Databricks SQL statement.`,
    );
  });

  it('keeps valid warehouses as given', () => {
    expect(parseWarehouse('s3://my-bucket/lake/prefix', 'w')).toBe('s3://my-bucket/lake/prefix');
    expect(parseWarehouse('./lakehouse', 'w')).toBe('./lakehouse');
  });
});

describe('the S3 settings', () => {
  it('carry how each door names the region and the endpoint, for S3 hints', () => {
    expect(buildConfig(BASE, CLI_LABELS, { now: NOW }).s3.names).toEqual({
      region: '--aws-region',
      endpoint: '--s3-endpoint',
    });
    expect(buildConfig(BASE, ACTION_LABELS, { now: NOW }).s3.names).toEqual({
      region: 'Input "aws-region"',
      endpoint: 'Input "s3-endpoint"',
    });
  });
});
