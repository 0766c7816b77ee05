/**
 * A real S3-compatible server for the S3 backfill: moto from .oracles/venv (installed by
 * `npm run setup:oracles`) on 127.0.0.1 and a free port, with a fresh bucket per run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MOTO_SERVER } from './paths.js';

/** moto takes any credentials; these keep real AWS settings out of the benchmark. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
} as const;

export interface Moto {
  endpoint: string;
  /** A new empty bucket; returns its name. */
  bucket(): Promise<string>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  if (!fs.existsSync(MOTO_SERVER)) {
    throw new Error(`${MOTO_SERVER} is missing: run \`npm run setup:oracles\` first.`);
  }
  // Port 0: the server picks a free port and names it in its start-up line.
  const server = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let endpoint: string;
  try {
    endpoint = await announcedEndpoint(server);
  } catch (err) {
    server.kill();
    throw err;
  }
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: MOTO_ENV.AWS_REGION,
    credentials: {
      accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
  return {
    endpoint,
    bucket: async () => {
      const name = `bench-${randomBytes(6).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    stop: async () => {
      client.destroy();
      server.kill('SIGTERM');
      await exited;
    },
  };
}

/** The address moto prints once it listens (" * Running on http://127.0.0.1:PORT"). */
function announcedEndpoint(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`moto_server did not start:\n${output}`)),
      60_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      // From here on its request log is only drained, so the pipes never fill.
      for (const stream of [server.stdout, server.stderr]) stream?.off('data', read).resume();
      resolve(m[1]!);
    };
    server.stdout?.on('data', read);
    server.stderr?.on('data', read);
    server.once('exit', () => reject(new Error(`moto_server exited during start-up:\n${output}`)));
  });
}
