/**
 * Helpers for tests that talk to the moto S3 server started by moto-global.ts. Every test gets
 * its own bucket, so test files run in parallel without seeing each other's objects.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { S3Store } from '../../src/landing/s3.js';

/** Dummy credentials and region: moto accepts any, and real AWS settings must never be used. */
export const MOTO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
} as const;

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

/** Environment for a child process (the CLI, Spark, delta-rs) that should use moto. */
export function motoEnv(): Record<string, string> {
  return { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL_S3: motoEndpoint() };
}

/** Points this test process's AWS SDK at moto's dummy credentials. */
export function useMotoCredentials(): void {
  Object.assign(process.env, MOTO_CREDENTIALS);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

/** A raw S3 client for moto, for test set-up and for checking what a store wrote. */
export function motoClient(): S3Client {
  useMotoCredentials();
  return new S3Client({ endpoint: motoEndpoint(), forcePathStyle: true });
}

/** A bucket name no other test uses: `t-<label>-<random>`, valid for S3. */
export function uniqueBucketName(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `t-${slug}-${randomBytes(6).toString('hex')}`;
}

export async function createBucket(label: string): Promise<string> {
  const bucket = uniqueBucketName(label);
  const client = motoClient();
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

/** A fresh bucket and an S3Store on `s3://<bucket>/<prefix>` against moto. */
export async function motoStore(label: string, prefix = 'warehouse'): Promise<S3Store> {
  const bucket = await createBucket(label);
  return new S3Store(`s3://${bucket}/${prefix}`, { endpoint: motoEndpoint() });
}

/**
 * Counts the commands a client sends, by name (PutObjectCommand, GetObjectCommand…), through
 * the SDK's middleware stack: the real requests still go to the server.
 */
export function countCommands(client: S3Client): (commandName: string) => number {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? '(unknown)';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return (commandName) => counts.get(commandName) ?? 0;
}
