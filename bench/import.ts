/**
 * The `import` section (issue 16): `import-archive` of a Strava account export through the
 * bundled CLI, as a child process timed from spawn to exit with its peak RSS. The exports are
 * built as zips (test/support/archive.ts, the real 2025 header layout): the recorded athlete's,
 * with a small file for each non-manual activity; generated athletes' 10,000 and 100,000
 * activities as activities.csv alone; and the 10,000 once more with a one-hour 1 Hz activity
 * file for each non-manual activity (`hourFiles`: gzipped FIT, GPX and TCX in turn,
 * test/support/activity-files.ts), which the import reads into silver/streams and silver/laps.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../src/runs/record.js';
import { fitFile, gpxFile, gz, tcxFile, type TrackSpec } from '../test/support/activity-files.js';
import {
  activitiesCsv,
  exportEntries,
  writeZip,
  writeZipLazily,
  type ZipEntry,
} from '../test/support/archive.js';
import type { StravaActivity } from '../src/strava/schema.js';
import type { Athlete } from './athletes.js';
import { load, median, round, runNode, tail } from './measure.js';
import { CLI } from './paths.js';

export interface ImportFigure {
  athlete: string;
  activities: number;
  /** Activity files in the zip besides activities.csv. */
  files: number;
  /** Stream samples the files hold (0 when they hold none). */
  samples?: number;
  zipBytes: number;
  months: number;
  runsMs: number[];
  medianMs: number;
  /** The highest peak RSS of the runs. */
  maxRssMb: number;
  /** The 1-minute load average as each run started. */
  load: number[];
  /** The last run's time per progress group of the CLI (`== name` to the next), in ms. */
  phasesMs?: Record<string, number>;
}

/** Time per `== name` group, each up to the next group or the child's exit. */
function phases(groups: { name: string; atMs: number }[], endMs: number): Record<string, number> {
  return Object.fromEntries(
    groups.map((g, i) => [g.name, round((groups[i + 1]?.atMs ?? endMs) - g.atMs)]),
  );
}

const HOUR = 3600;
const FORMATS = ['fit', 'gpx', 'tcx'] as const;
const formatOf = (a: StravaActivity) => FORMATS[a.id % 3]!;
const hourFile = (a: StravaActivity) => (a.manual ? '' : `activities/${a.id}.${formatOf(a)}.gz`);

/** An export with a one-hour 1 Hz file per non-manual activity, made one file at a time. */
function* hourEntries(activities: readonly StravaActivity[]): Generator<ZipEntry> {
  yield { name: 'activities.csv', data: activitiesCsv(activities, '2025', true, hourFile) };
  for (const a of activities) {
    if (a.manual) continue;
    const spec: TrackSpec = {
      start: new Date(a.start_date),
      samples: HOUR,
      origin: [51.4779, -0.0015],
      speed: 3,
      laps: 4,
      fitOffsetS: 0,
    };
    const f = formatOf(a);
    const body = f === 'fit' ? fitFile(spec) : f === 'gpx' ? gpxFile(spec) : tcxFile(spec);
    // Stored: the file is gzipped already, as Strava's exports hold them.
    yield { name: hourFile(a), data: gz(body), store: true };
  }
}

/** `runs` imports of the athlete's export, each into a fresh folder warehouse. */
export async function importFigure(
  athlete: Athlete,
  opts: { csvOnly: boolean; timezone: string; hourFiles?: boolean },
  runs: number,
): Promise<ImportFigure> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-import-'));
  try {
    const zip = path.join(dir, 'export.zip');
    let files: number;
    if (opts.hourFiles) {
      await writeZipLazily(zip, hourEntries(athlete.activities));
      files = athlete.activities.filter((a) => !a.manual).length;
    } else {
      const entries = exportEntries(athlete.activities, { csvOnly: opts.csvOnly });
      await writeZip(zip, entries);
      files = entries.length - 1;
    }
    const times: number[] = [];
    const rss: number[] = [];
    const loads: number[] = [];
    let months = 0;
    let phasesMs: Record<string, number> = {};
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
      phasesMs = phases(child.groups, child.ms);
      rss.push(child.maxRssMb!);
      await fs.rm(warehouse, { recursive: true, force: true });
    }
    return {
      athlete: athlete.label,
      activities: athlete.activities.length,
      files,
      ...(opts.hourFiles ? { samples: files * HOUR } : {}),
      zipBytes: (await fs.stat(zip)).size,
      months,
      runsMs: times.map((t) => round(t)),
      medianMs: round(median(times)),
      maxRssMb: Math.max(...rss),
      load: loads,
      phasesMs,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
