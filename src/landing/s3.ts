/**
 * The warehouse under an S3 prefix (`s3://bucket/prefix`), or on any S3-compatible store. The
 * AWS SDK's own settings apply: credentials chain, `AWS_REGION`, and `AWS_ENDPOINT_URL_S3` (or
 * the `endpoint` option) for an S3-compatible endpoint, which is then addressed path-style.
 * Transient 5xx and SlowDown answers are retried by the SDK's standard retry strategy.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from './store.js';

export interface S3Options {
  region?: string;
  endpoint?: string;
  /** How the door in use names these two settings, for hints (default: the SDK's variables). */
  names?: { region: string; endpoint: string };
}

const SDK_NAMES = { region: 'AWS_REGION', endpoint: 'AWS_ENDPOINT_URL_S3' };

// 409 ConditionalRequestConflict: another conditional write to the key was in flight. S3 asks
// the caller to retry; a few tries settle it (the next answer is 200 or 412).
const CONFLICT_RETRIES = 5;
const CONFLICT_BACKOFF_MS = 100;

export class S3Store implements ObjectStore {
  readonly root: string;
  readonly bucket: string;
  /** Key prefix without a trailing '/', or '' for the bucket root. */
  readonly prefix: string;
  /** The SDK client, exposed so callers can add middleware (tests count requests with it). */
  readonly client: S3Client;
  private readonly names: { region: string; endpoint: string };

  constructor(location: string, options: S3Options = {}, env: NodeJS.ProcessEnv = process.env) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
    if (!m) {
      throw new StoreError(
        `"${location}" is not an S3 location.`,
        'Give the warehouse as s3://bucket/prefix.',
      );
    }
    this.bucket = m[1] as string;
    this.prefix = (m[2] as string).replace(/\/+$/, '');
    this.root = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.names = options.names ?? SDK_NAMES;
    const config: S3ClientConfig = {};
    if (options.region) config.region = options.region;
    const endpoint = options.endpoint || env.AWS_ENDPOINT_URL_S3;
    if (endpoint) {
      config.endpoint = endpoint;
      // S3-compatible servers rarely resolve bucket.host names.
      config.forcePathStyle = true;
    }
    this.client = new S3Client(config);
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (err) {
      if (errorName(err) === 'NoSuchKey') return undefined;
      throw this.error('GetObject', key, err);
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: body,
          ContentLength: byteLength(body),
        }),
      );
    } catch (err) {
      throw this.error('PutObject', key, err);
    }
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.objectKey(key),
            Body: body,
            ContentLength: byteLength(body),
            IfNoneMatch: '*',
          }),
        );
        return true;
      } catch (err) {
        if (errorName(err) === 'PreconditionFailed') return this.wasOursAfterRetry(key, body, err);
        if (errorName(err) !== 'ConditionalRequestConflict' || attempt > CONFLICT_RETRIES) {
          throw this.error('PutObject', key, err);
        }
        await sleep(CONFLICT_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0) };
    } catch (err) {
      // HEAD answers carry no body, so a missing bucket is a 404 too; get/put/list name it.
      if (statusOf(err) === 404) return undefined;
      throw this.error('HeadObject', key, err);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    const strip = this.objectKey('').length;
    let token: string | undefined;
    do {
      let out;
      try {
        out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.objectKey(prefix),
            ContinuationToken: token,
          }),
        );
      } catch (err) {
        throw this.error('ListObjectsV2', prefix, err);
      }
      for (const o of out.Contents ?? []) {
        if (o.Key === undefined) continue;
        found.push({
          key: o.Key.slice(strip),
          size: o.Size ?? 0,
          lastModified: o.LastModified ?? new Date(0),
        });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
    } catch (err) {
      throw this.error('DeleteObject', key, err);
    }
  }

  /**
   * A 412 normally means another writer holds the key. But when the SDK re-sent the request
   * (a lost response, a 5xx), the first attempt may have been ours and landed; then the key
   * holds exactly our bytes. Writers that share a key (Delta commits) write unique content,
   * and content-addressed keys hold the same bytes whoever wrote them, so equal bytes after a
   * retry are ours.
   */
  private async wasOursAfterRetry(
    key: string,
    body: Uint8Array | string,
    err: unknown,
  ): Promise<boolean> {
    const attempts = (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if (attempts <= 1) return false;
    const current = await this.get(key);
    const ours = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return current !== undefined && Buffer.from(current).equals(ours);
  }

  private objectKey(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private error(call: string, key: string, err: unknown): StoreError {
    const name = errorName(err);
    const detail = ((err as Error).message ?? '').replace(/\.$/, '');
    const what = !detail ? name : detail.includes(name) ? detail : `${name}: ${detail}`;
    return new StoreError(
      `S3 ${call} ${this.uri(key)} failed: ${what}.`,
      hintFor(name, err, call, this.bucket, this.names),
      { cause: err },
    );
  }
}

/** Sent with every upload: without it the SDK warns of a "Stream of unknown length" each time. */
function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function errorName(err: unknown): string {
  const e = err as { name?: string; code?: string; Code?: string };
  // Network failures carry a Node error code (ECONNREFUSED…), service errors a name.
  return (e.name && e.name !== 'Error' ? e.name : (e.code ?? e.Code ?? e.name)) ?? 'Error';
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

const IAM_ACTION: Record<string, string> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  ListObjectsV2: 's3:ListBucket',
  DeleteObject: 's3:DeleteObject',
};

function hintFor(
  name: string,
  err: unknown,
  call: string,
  bucket: string,
  names: { region: string; endpoint: string },
): string {
  const message = (err as Error).message ?? '';
  switch (name) {
    case 'NoSuchBucket':
      return `Create the bucket "${bucket}" or fix the bucket name in the warehouse location.`;
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'ExpiredToken':
    case 'InvalidToken':
      return `Check the AWS credentials and that they allow ${IAM_ACTION[call] ?? `s3:${call}`} on bucket "${bucket}".`;
    case 'CredentialsProviderError':
      return 'Set AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role).';
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return `The bucket "${bucket}" is in another region: set ${names.region} to its region.`;
    case 'ConditionalRequestConflict':
      return 'Another writer kept racing for this key; re-run.';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
      return `Check the S3 endpoint (${names.endpoint}) and the network.`;
  }
  if (/region is missing/i.test(message)) {
    return `Set ${names.region} to the bucket's region.`;
  }
  return 'Check the bucket, the credentials and the network, then re-run.';
}
