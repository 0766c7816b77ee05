/**
 * The `import` section (issue 16): `import-archive` of a Strava account export through the
 * bundled CLI, as a child process timed from spawn to exit with its peak RSS. Two exports are
 * built as zips (test/support/archive.ts, the real 2025 header layout): the recorded athlete's,
 * with a small file for each non-manual activity, and a generated athlete's 10,000 activities,
 * activities.csv alone (this version reads no activity file).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../src/runs/record.js';
import { exportEntries, writeZip } from '../test/support/archive.js';
import type { Athlete } from './athletes.js';
import { load, median, round, runNode, tail } from './measure.js';
import { CLI } from './paths.js';

export interface ImportFigure {
  athlete: string;
  activities: number;
  /** Activity files in the zip besides activities.csv. */
  files: number;
  zipBytes: number;
  months: number;
  runsMs: number[];
  medianMs: number;
  /** The highest peak RSS of the runs. */
  maxRssMb: number;
  /** The 1-minute load average as each run started. */
  load: number[];
}

/** `runs` imports of the athlete's export, each into a fresh folder warehouse. */
export async function importFigure(
  athlete: Athlete,
  opts: { csvOnly: boolean; timezone: string },
  runs: number,
): Promise<ImportFigure> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-import-'));
  try {
    const entries = exportEntries(athlete.activities, { csvOnly: opts.csvOnly });
    const zip = path.join(dir, 'export.zip');
    await writeZip(zip, entries);
    const times: number[] = [];
    const rss: number[] = [];
    const loads: number[] = [];
    let months = 0;
    for (let i = 0; i < runs; i++) {
      const warehouse = path.join(dir, `wh-${i}`);
      loads.push(load());
      const child = await runNode(
        [
          CLI,
          'import-archive',
          zip,
          '--warehouse',
          warehouse,
          '--timezone',
          opts.timezone,
          '--json',
        ],
        { env: process.env, maxRss: true },
      );
      if (child.code !== 0) {
        throw new Error(
          `import-archive exited ${child.code ?? child.signal}:\n${tail(child.stderr)}`,
        );
      }
      const out = JSON.parse(child.stdout) as RunRecord | RunRecord[];
      const records = Array.isArray(out) ? out : [out];
      const got = records.reduce((s, r) => s + r.activities, 0);
      // A figure counts only if the import did the whole job.
      if (got !== athlete.activities.length) {
        throw new Error(`import-archive took ${got} activities, not ${athlete.activities.length}.`);
      }
      months = records.length;
      times.push(child.ms);
      rss.push(child.maxRssMb!);
      await fs.rm(warehouse, { recursive: true, force: true });
    }
    return {
      athlete: athlete.label,
      activities: athlete.activities.length,
      files: entries.length - 1,
      zipBytes: (await fs.stat(zip)).size,
      months,
      runsMs: times.map((t) => round(t)),
      medianMs: round(median(times)),
      maxRssMb: Math.max(...rss),
      load: loads,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
