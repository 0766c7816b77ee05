/**
 * `inspect` on a path with no lakehouse fails and says so, and S3 hints name the settings this
 * command has (--aws-region, --s3-endpoint), not the action's inputs.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureCli } from '../../support/capture.js';

const { stdout, stderr } = captureCli();
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-inspect-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.each([
  ['a path that does not exist', 'nowhere'],
  ['an empty folder', 'empty'],
])('exits 1 on %s, saying there is no lakehouse there', async (_, name) => {
  const warehouse = path.join(tmp, name);
  if (name === 'empty') await fs.mkdir(warehouse);
  expect(await main(['inspect', '--warehouse', warehouse], {})).toBe(1);
  expect(stdout.join('')).toBe('');
  expect(stderr.join('')).toBe(
    `error: There is no lakehouse at ${warehouse}: no table and no run record. Check --warehouse (default ./lakehouse); \`strava-lakehouse run\` or \`demo\` creates one.\n`,
  );
  await expect(fs.stat(path.join(tmp, 'nowhere'))).rejects.toThrow();
});

test("names --aws-region and --s3-endpoint in S3 hints, not the action's inputs", async () => {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'])
    vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_CONFIG_FILE', path.join(tmp, 'no-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(tmp, 'no-credentials'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const args = ['inspect', '--warehouse', 's3://lake/x', '--s3-endpoint', endpoint];

  // Node 20 may add the AWS SDK's warning about its version; the error is its own line.
  const errorLine = () =>
    stderr
      .join('')
      .split('\n')
      .find((l) => l.startsWith('error: '));
  expect(await main(args, {})).toBe(1);
  expect(errorLine()).toMatch(
    /^error: S3 \w+ s3:\/\/lake\/.* Set --aws-region to the bucket's region\.$/,
  );

  stderr.length = 0;
  expect(await main([...args, '--aws-region', 'eu-west-1'], {})).toBe(1);
  expect(errorLine()).toMatch(
    /ECONNREFUSED.* Check the S3 endpoint \(--s3-endpoint\) and the network\.$/,
  );
  expect(errorLine()).not.toContain('input');
});
