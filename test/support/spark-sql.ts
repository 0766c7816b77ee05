/**
 * A local Spark with Delta Lake, driven from the tests: the stand-in for a Databricks SQL
 * warehouse when proving that the portable statements of sql/ do what the embedded engine does.
 * Talks to test/support/py/spark_sql_worker.py over JSON lines; needs `npm run setup:oracles`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = `${ROOT}.oracles/venv/bin/python`;
const JARS = `${ROOT}.oracles/jars`;
const WORKER = `${ROOT}test/support/py/spark_sql_worker.py`;
const MARK = '@@spark-sql ';

/** A Spark value as the worker sends it: BIGINT and TIMESTAMP (epoch µs) as decimal strings. */
export type SparkValue = string | number | boolean | null;

export interface SparkResult {
  columns: string[];
  rows: SparkValue[][];
}

export class SparkSqlError extends Error {
  constructor(
    message: string,
    readonly condition?: string,
    readonly sqlState?: string,
  ) {
    super(message);
  }
}

interface Answer {
  id?: number;
  ready?: boolean;
  result?: SparkResult;
  error?: { message: string; condition?: string; sqlState?: string };
}

export class SparkSql {
  private nextId = 1;
  private readonly pending = new Map<number, (a: Answer) => void>();
  private stderrTail = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Starts Spark (tens of seconds), in `scratch`, where it keeps its own files. */
  static async start(scratch: string): Promise<SparkSql> {
    if (!fs.existsSync(PYTHON) || !fs.existsSync(JARS)) {
      throw new Error(
        `Spark is not installed (${PYTHON}, ${JARS}): run \`npm run setup:oracles\`.`,
      );
    }
    // -B: importing spark_oracle.py must not leave a __pycache__ in the repository.
    const child = spawn(PYTHON, ['-B', WORKER, JARS], { cwd: scratch });
    const spark = new SparkSql(child);
    const ready = new Promise<void>((resolve, reject) => {
      spark.pending.set(0, (a) =>
        a.ready ? resolve() : reject(new Error(a.error?.message ?? 'Spark worker not ready')),
      );
    });
    // A worker that dies fails whatever is waiting on it, with the end of its output.
    child.once('exit', (code) => {
      const message = `Spark worker exited (${code}):\n${spark.stderrTail}`;
      for (const answer of spark.pending.values()) answer({ error: { message } });
      spark.pending.clear();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      spark.stderrTail = (spark.stderrTail + chunk.toString()).slice(-4000);
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(MARK)) return;
      const answer = JSON.parse(line.slice(MARK.length)) as Answer;
      const id = answer.ready ? 0 : (answer.id ?? -1);
      spark.pending.get(id)?.(answer);
      spark.pending.delete(id);
    });
    await ready;
    return spark;
  }

  /** Runs one statement with named parameters; its rows (DML: Delta's metrics row). */
  async sql(text: string, args: Record<string, string> = {}): Promise<SparkResult> {
    return (await this.request({ op: 'sql', text, args })) as SparkResult;
  }

  /** Registers a temporary view over a CSV file read with the given reader options. */
  async csvView(view: string, path: string, options: Record<string, string>): Promise<void> {
    await this.request({ op: 'csv_view', view, path, options });
  }

  /** Registers a temporary view over a query, its named parameters bound first. */
  async view(view: string, text: string, args: Record<string, string> = {}): Promise<void> {
    await this.request({ op: 'view', view, text, args });
  }

  /** The rows of a query as objects keyed by column. */
  async rows(
    text: string,
    args: Record<string, string> = {},
  ): Promise<Record<string, SparkValue>[]> {
    const r = await this.sql(text, args);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  private request(body: Record<string, unknown>): Promise<SparkResult | object> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`Spark worker has exited:\n${this.stderrTail}`));
        return;
      }
      this.pending.set(id, (a) => {
        if (a.error)
          reject(new SparkSqlError(a.error.message, a.error.condition, a.error.sqlState));
        else resolve(a.result ?? {});
      });
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }
}

/**
 * Open-source Spark has no COPY INTO. This registers `view` as the rows it would load: sql/10's
 * own SELECT list, with the statement's own parameters, over the landing CSV read with its own
 * FORMAT_OPTIONS.
 */
export async function copyIntoView(
  spark: SparkSql,
  statement: { file: string; text: string; params: Record<string, string> },
  view: string,
): Promise<void> {
  const text = statement.text;
  const select = /FROM \(\s*SELECT\s([\s\S]*?)\n\s*FROM '([^']+)'\s*\)/.exec(text);
  const file = /FILES = \('([^']+)'\)/.exec(text)?.[1];
  const options = /FORMAT_OPTIONS \(([\s\S]*?)\)\s*COPY_OPTIONS/.exec(text)?.[1];
  if (!/COPY INTO IDENTIFIER\(:\w+\)/.test(text) || !select || !file || !options) {
    throw new Error(`${statement.file} no longer has the shape the Spark stand-in reads.`);
  }
  const readerOptions = Object.fromEntries(
    [...options.matchAll(/'([^']+)'\s*=\s*'([^']*)'/g)].map((m) => [m[1], m[2]]),
  );
  await spark.csvView(`${view}_csv`, `${select[2]}/${file}`, readerOptions);
  await spark.view(view, `SELECT ${select[1]} FROM ${view}_csv`, statement.params);
}
