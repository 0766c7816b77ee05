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

/** One span of a statement replaced for Spark: the text that was there and what replaced it. */
export interface Replaced {
  was: string;
  now: string;
}

/**
 * The text outside `spans`: each span is looked for, in order, from where the previous one ended,
 * and cut out; what lies between them is returned. Comparing `outside(original, was)` with
 * `outside(sent, now)` proves a substitution touched nothing but its spans.
 */
export function outside(text: string, spans: readonly string[]): string[] {
  const kept: string[] = [];
  let from = 0;
  for (const span of spans) {
    const at = text.indexOf(span, from);
    if (at === -1) throw new Error(`The span ${JSON.stringify(span)} is not in the text.`);
    kept.push(text.slice(from, at));
    from = at + span.length;
  }
  kept.push(text.slice(from));
  return kept;
}

/** A statement as Spark runs it: the text, the spans replaced, and the CSV its view reads. */
export interface SparkStandIn {
  text: string;
  replaced: Replaced[];
  csv: { view: string; path: string; options: Record<string, string> };
}

/**
 * Open-source Spark has no COPY INTO. sql/10 becomes the equivalent INSERT ... SELECT: the same
 * target, the same SELECT list (verbatim), over `view`, a view of the landing CSV (the folder of
 * its FROM and the file of its FILES) read with its FORMAT_OPTIONS. Only three spans change:
 * `COPY INTO` -> `INSERT INTO`, the `FROM (` before SELECT, and the source with all after it.
 */
export function copyIntoAsInsert(
  statement: { file: string; text: string },
  view: string,
): SparkStandIn {
  const { text } = statement;
  const head = /\nCOPY INTO IDENTIFIER\(:\w+\)\nFROM \(\n {2}SELECT\n/.exec(text);
  const tail =
    /\n {2}FROM '([^']+)'\n\)\nFILEFORMAT = CSV\nFILES = \('([^']+)'\)\nFORMAT_OPTIONS \(\n((?: {2}'\w+' = '[^']*',?\n)+)\)\nCOPY_OPTIONS \('mergeSchema' = 'false'\)\n?$/.exec(
      text,
    );
  if (!head || !tail) {
    throw new Error(`${statement.file} no longer has the shape the Spark stand-in reads.`);
  }
  const options = Object.fromEntries(
    [...(tail[3] as string).matchAll(/'(\w+)' = '([^']*)'/g)].map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  // Where each span starts in the original; each begins at a line start, so no comment matches.
  const target = head[0].slice('\nCOPY INTO '.length, head[0].indexOf('\nFROM ('));
  const spans: (Replaced & { at: number })[] = [
    { at: head.index, was: '\nCOPY INTO ', now: '\nINSERT INTO ' },
    {
      at: head.index + '\nCOPY INTO '.length + target.length,
      was: '\nFROM (\n  SELECT\n',
      now: '\nSELECT\n',
    },
    { at: tail.index, was: tail[0], now: `\n  FROM ${view}\n` },
  ];
  let sent = text;
  for (const { at, was, now } of [...spans].reverse()) {
    sent = sent.slice(0, at) + now + sent.slice(at + was.length);
  }
  const replaced = spans.map(({ was, now }) => ({ was, now }));
  return {
    text: sent,
    replaced,
    csv: { view, path: `${tail[1]}/${tail[2]}`, options },
  };
}

/**
 * read_files (Databricks-only) becomes a view over the same file read with the call's own
 * options (schema included): the call is the only span that changes.
 */
export function readFilesAsView(statement: { text: string }, view: string): SparkStandIn | null {
  const call = /read_files\(\s*'([^']+)',([\s\S]*?)\n {2}\)/.exec(statement.text);
  if (!call) return null;
  const opts = Object.fromEntries(
    [...(call[2] as string).matchAll(/(\w+) => (?:'([^']*)'|(\w+))/g)].map((m) => [
      m[1] as string,
      // As SQL reads the literal: \uXXXX is one character.
      (m[2] ?? m[3] ?? '').replace(/\\u([0-9a-fA-F]{4})/g, (_all, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      ),
    ]),
  );
  const { format, ...options } = opts;
  if (format !== 'csv') throw new Error(`read_files of format ${String(format)} has no stand-in.`);
  return {
    text: statement.text.replace(call[0], view),
    replaced: [{ was: call[0], now: view }],
    csv: { view, path: call[1] as string, options },
  };
}

/** One statement of a plan Spark ran, with what it returned (DML: Delta's metrics row). */
export interface SparkExecuted {
  file: string;
  rows: Record<string, SparkValue>[];
}

/**
 * Runs a plan of sql/ statements as the Databricks runner sends them. sql/10 (COPY INTO) runs as
 * its INSERT ... SELECT stand-in over a view of the landing CSV, once per landing file as COPY
 * INTO loads a file once: `loaded` keeps the keys taken (with the month and the MERGE that
 * follows), across calls. Throws if the stand-in changed anything but COPY INTO's own spans.
 */
export async function runPlanOnSpark(
  spark: SparkSql,
  plan: readonly {
    file: string;
    text: string;
    params: Record<string, string>;
    months: readonly string[];
  }[],
  opts: {
    copyIntoFile: string;
    loaded: Map<string, { month: string; merge: (typeof plan)[number] }>;
    /** Where the landing file of `key` is, as COPY INTO's FROM must name it. */
    landingUri: (key: string) => string;
  },
): Promise<SparkExecuted[]> {
  const executed: SparkExecuted[] = [];
  for (const [i, st] of plan.entries()) {
    if (st.file !== opts.copyIntoFile) {
      executed.push({ file: st.file, rows: await spark.rows(st.text, st.params) });
      continue;
    }
    const merge = plan[i + 1];
    const key = merge?.params.landing_file;
    if (!merge || !key) throw new Error(`${st.file} is not followed by the MERGE of its file.`);
    if (opts.loaded.has(key)) continue; // COPY INTO takes a file once
    const insert = copyIntoAsInsert(st, `copy_into_${opts.loaded.size}`);
    const kept = outside(
      insert.text,
      insert.replaced.map((r) => r.now),
    );
    const own = outside(
      st.text,
      insert.replaced.map((r) => r.was),
    );
    if (JSON.stringify(kept) !== JSON.stringify(own)) {
      throw new Error(`The stand-in for ${st.file} changed text outside COPY INTO's own spans.`);
    }
    if (insert.csv.path !== opts.landingUri(key)) {
      throw new Error(`${st.file} reads ${insert.csv.path}, not the landing file ${key}.`);
    }
    await spark.csvView(insert.csv.view, insert.csv.path, insert.csv.options);
    await spark.sql(insert.text, st.params);
    opts.loaded.set(key, { month: st.months[0] as string, merge });
  }
  return executed;
}
