/**
 * The Python test oracles (installed by `npm run setup:oracles` into .oracles/): delta-rs as a
 * one-shot script per question, and one Spark session per test file, kept running because a JVM
 * takes seconds to start. Both answer in JSON.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MOTO_CREDENTIALS } from './moto.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PYTHON = `${ROOT}.oracles/venv/bin/python`;
const JARS = `${ROOT}.oracles/jars`;
const script = (name: string) => fileURLToPath(new URL(`./py/${name}`, import.meta.url));

function requireOracles(): void {
  if (!fs.existsSync(PYTHON)) {
    throw new Error(
      `The test oracles are not installed (${PYTHON} is missing): run \`npm run setup:oracles\`.`,
    );
  }
}

/** Runs a script of test/support/py with a JSON request on stdin; resolves its JSON stdout. */
export function runPython<T>(
  name: string,
  request: unknown,
  env: Record<string, string> = {},
): Promise<T> {
  requireOracles();
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script(name)], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}:\n${err.slice(-4000)}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${name} printed no JSON:\n${out.slice(0, 2000)}\n${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

export interface DeltaRsView {
  deltalake: string;
  version: number;
  protocol: { minReaderVersion: number; minWriterVersion: number };
  metadata: { id: string; partitionColumns: string[]; configuration: Record<string, string> };
  schema: { name: string; type: unknown; nullable: boolean }[];
  rows: Record<string, unknown>[];
  files: { path: string; partitionValues: Record<string, unknown>; numRecords: number | null }[];
  history: {
    version: number;
    operation: string;
    engineInfo?: string;
    runId?: string;
    month?: string;
  }[];
}

/**
 * What delta-rs reads at `uri` (a folder, or s3:// on moto when `s3Endpoint` is given). With
 * `scan: 'query'` the rows come from its DataFusion scan, which applies deletion vectors and
 * column mapping (its `to_pyarrow_table` refuses the one and reads the other as nulls).
 */
export function deltaRs(
  uri: string,
  s3Endpoint?: string,
  scan: 'pyarrow' | 'query' = 'pyarrow',
): Promise<DeltaRsView> {
  const storage_options = s3Endpoint
    ? {
        AWS_ENDPOINT_URL: s3Endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
        AWS_REGION: MOTO_CREDENTIALS.AWS_REGION,
        AWS_ALLOW_HTTP: 'true',
        // Reading needs no locking; this only stops delta-rs asking for a lock provider.
        AWS_S3_ALLOW_UNSAFE_RENAME: 'true',
      }
    : undefined;
  return runPython<DeltaRsView>('delta_rs.py', { uri, storage_options, scan });
}

const ANSWER_PREFIX = '@@oracle ';

/** The type name Spark's schema gives for each column type of the table definitions. */
export const SPARK_SQL_TYPE = {
  long: 'bigint',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  timestamp: 'timestamp',
} as const;

export interface SparkRead {
  schema: { name: string; type: string; nullable: boolean }[];
  rows: Record<string, unknown>[];
}

/** One local Spark session with Delta; `close()` it in afterAll. */
export class SparkOracle {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly answers: AsyncIterator<string>,
    private readonly stderr: () => string,
  ) {}

  static async start(): Promise<SparkOracle> {
    requireOracles();
    const child = spawn(PYTHON, [script('spark_oracle.py'), JARS], {
      env: { ...process.env, TZ: 'UTC', PYSPARK_PYTHON: PYTHON },
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-8000)));
    const lines = readline.createInterface({ input: child.stdout });
    const answers = (async function* () {
      for await (const line of lines)
        if (line.startsWith(ANSWER_PREFIX)) yield line.slice(ANSWER_PREFIX.length);
    })();
    const stderr = () => err;
    // The first answer says the session is up.
    if ((await answers.next()).done) throw new Error(`Spark did not start:\n${err}`);
    return new SparkOracle(child, answers, stderr);
  }

  private async ask<T>(request: object): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`Spark exited:\n${this.stderr()}`);
    const answer = JSON.parse(next.value) as { ok: boolean; error?: string } & T;
    if (!answer.ok) throw new Error(`Spark: ${answer.error}`);
    return answer;
  }

  /** `spark.read.format('delta').load(path)`: schema and rows, timestamps as epoch micros. */
  read(path: string): Promise<SparkRead> {
    return this.ask<SparkRead>({ op: 'read', path });
  }

  async sql(statement: string): Promise<Record<string, unknown>[]> {
    return (await this.ask<{ rows: Record<string, unknown>[] }>({ op: 'sql', sql: statement }))
      .rows;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}
