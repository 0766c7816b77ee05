/**
 * The `streams` section: 1,000 activities of one hour at 1 Hz (3.6 M stream rows) written by
 * the embedded engine through writeDetails in chunks of about 40,000 samples, in a child
 * process (bench/streams-child.ts) so its peak RSS is its own. The figure is the child's wall
 * time from spawn to exit (generating the rows included) and the write loop's own time.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load, round, runNode, tail } from './measure.js';
import { STREAMS_CHILD } from './paths.js';
import type { StreamsChildResult } from './streams-child.js';

export interface StreamsFigure {
  activities: number;
  rows: number;
  chunks: number;
  files: number;
  /** The child from spawn to exit. */
  wallMs: number;
  /** writeDetails calls only. */
  writeMs: number;
  maxRssMb: number;
  load: number;
}

export async function streamsFigure(): Promise<StreamsFigure> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-streams-'));
  try {
    const before = load();
    const child = await runNode([STREAMS_CHILD, dir], { env: process.env, maxRss: true });
    if (child.code !== 0) {
      throw new Error(`streams-child exited ${child.code ?? child.signal}:\n${tail(child.stderr)}`);
    }
    const r = JSON.parse(child.stdout) as StreamsChildResult;
    if (r.rows !== r.activities * 3_600) {
      throw new Error(`streams-child wrote ${r.rows} stream rows, not ${r.activities * 3_600}.`);
    }
    return {
      activities: r.activities,
      rows: r.rows,
      chunks: r.chunks,
      files: r.files,
      wallMs: round(child.ms),
      writeMs: round(r.writeMs),
      maxRssMb: child.maxRssMb!,
      load: before,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
