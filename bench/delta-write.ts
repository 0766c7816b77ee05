/**
 * The embedded Delta writer against delta-rs on the same rows, on this machine, in this run:
 * 100k silver rows written as a new table partitioned by month, by DeltaTable.writeFiles +
 * commit here (rows from JS objects, as the engine holds them) and by deltalake's
 * write_deltalake in Python (rows from an Arrow table, as it takes them). Runs alternate so
 * both see the same load; only the write is timed on each side.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FolderStore } from '../src/landing/folder.js';
import { DeltaTable, type Row } from '../src/lakehouse/delta/table.js';
import { rowsToArrow } from '../src/lakehouse/delta/arrow.js';
import { writeParquet } from '../src/lakehouse/delta/parquet.js';
import { parseSchema } from '../src/lakehouse/delta/schema.js';
import { toSilverRow } from '../src/lakehouse/embedded.js';
import { SILVER, schemaString } from '../src/lakehouse/tables.js';
import { monthOf } from '../src/strava/months.js';
import { ACTIVITY_FIELDS, csvCell, type StravaActivity } from '../src/strava/schema.js';
import { load, median, round, tail } from './measure.js';
import { PYTHON, WRITE_DELTALAKE } from './paths.js';

export interface WriteSide {
  runsMs: number[];
  medianMs: number;
  rowsPerSecond: number;
  files: number;
}

export interface DeltaWriteFigure {
  rows: number;
  embedded: WriteSide;
  deltaRs: WriteSide;
  /** Embedded throughput over delta-rs throughput. */
  ratio: number;
  load: number[];
}

/** Silver rows of the activities, cast from their landing cells as the engine does. */
export function silverRows(activities: readonly StravaActivity[]): Row[] {
  return activities.map((a) =>
    toSilverRow(
      Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f.name, csvCell(a, f)])),
      monthOf(a.start_date_local),
    ),
  );
}

async function embeddedWrite(rows: Row[], dir: string): Promise<{ ms: number; files: number }> {
  const table = new DeltaTable(new FolderStore(dir), SILVER);
  const start = performance.now();
  const add = await table.writeFiles(rows);
  await table.commit(() => ({ add, remove: [] }), {
    operation: 'WRITE',
    operationParameters: { mode: 'ErrorIfExists' },
  });
  return { ms: performance.now() - start, files: add.length };
}

function deltaRsWrite(
  input: string,
  dir: string,
): Promise<{ ms: number; files: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [WRITE_DELTALAKE, input, dir]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as { ms: number; files: number; rows: number })
        : reject(new Error(`write_deltalake.py exited ${code}:\n${tail(stderr)}`)),
    );
  });
}

function side(times: number[], rows: number, files: number): WriteSide {
  const ms = median(times);
  return {
    runsMs: times.map((t) => round(t)),
    medianMs: round(ms),
    rowsPerSecond: round((rows / ms) * 1000),
    files,
  };
}

export async function deltaWriteFigure(
  activities: readonly StravaActivity[],
  runs: number,
): Promise<DeltaWriteFigure> {
  const rows = silverRows(activities);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-write-'));
  try {
    const input = path.join(dir, 'rows.parquet');
    const fields = parseSchema(schemaString(SILVER), SILVER.path);
    await fs.writeFile(input, writeParquet(rowsToArrow(rows, fields, 'bench rows')));
    const embedded: number[] = [];
    const deltaRs: number[] = [];
    const loads: number[] = [];
    let files = { embedded: 0, deltaRs: 0 };
    for (let i = 0; i < runs; i++) {
      loads.push(load());
      const py = await deltaRsWrite(input, path.join(dir, `delta-rs-${i}`));
      if (py.rows !== rows.length) {
        throw new Error(`write_deltalake wrote ${py.rows} rows of ${rows.length}.`);
      }
      const js = await embeddedWrite(rows, path.join(dir, `embedded-${i}`));
      deltaRs.push(py.ms);
      embedded.push(js.ms);
      files = { embedded: js.files, deltaRs: py.files };
      await fs.rm(path.join(dir, `delta-rs-${i}`), { recursive: true, force: true });
      await fs.rm(path.join(dir, `embedded-${i}`), { recursive: true, force: true });
    }
    const e = side(embedded, rows.length, files.embedded);
    const d = side(deltaRs, rows.length, files.deltaRs);
    return {
      rows: rows.length,
      embedded: e,
      deltaRs: d,
      ratio: round(e.rowsPerSecond / d.rowsPerSecond, 2),
      load: loads,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
