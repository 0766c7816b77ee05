/**
 * `npm run bench`: figures, not tests. Measures the targets of issue 6 (Strava requests,
 * end-to-end backfills, silver's snapshot load as history grows, the Delta writer against
 * delta-rs, the action's start-up), prints a Markdown table and writes bench/results.json.
 *
 *   npm run bench                       every section
 *   npm run bench -- --only write,startup   some sections; the others keep their last results
 *   npm run bench -- --only import-files --activities 1000   a smaller generated export
 *
 * Sections: requests, recorded, generated, silver, write, startup, streams (issue 12: the
 * detail tables' streams written by the embedded engine), import (issue 16: import-archive of
 * the recorded athlete's export and of generated 10k- and 100k-activity ones). End to end means
 * the CLI bundled by scripts/bundle.mjs, run as a child process against the in-repo Strava
 * simulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { generatedAthlete, recordedAthlete, type Athlete } from './athletes.js';
import { backfillFigure, folderWarehouse, monthRunRequests, s3Warehouse } from './backfill.js';
import { silverLoadFigures } from './delta-snapshot.js';
import { deltaWriteFigure } from './delta-write.js';
import { startMoto } from './moto.js';
import { RESULTS } from './paths.js';
import { renderTable, type Results } from './report.js';
import { importFigure } from './import.js';
import { round } from './measure.js';
import { startupFigure } from './startup.js';
import { streamsFigure } from './streams.js';

const SECTIONS = [
  'requests',
  'recorded',
  'generated',
  'silver',
  'write',
  'startup',
  'streams',
  'import',
  'import-files',
] as const;
type Section = (typeof SECTIONS)[number];

const RUNS = { recorded: 5, small: 5, large: 3, silver: 9, write: 5, startup: 21, import: 3 };
const IMPORT_GENERATED = 10_000;
/** The large CSV-only import (issue 16: "streams it"), one run: it takes minutes. */
const IMPORT_LARGE = 100_000;
const MONTH_RUN = '2023-08'; // the recorded athlete's busiest month
const SIZES = [1_000, 10_000, 100_000];
const SILVER_COMMITS = [10, 100, 1_000];

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, activities: { type: 'string' } },
});

/** `--activities N`: the generated export of `import-files` (default IMPORT_GENERATED). */
function importFilesCount(): number {
  if (args.activities === undefined) return IMPORT_GENERATED;
  const n = Number(args.activities);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--activities: ${args.activities} is not a positive whole number.`);
  }
  return n;
}

function chosenSections(): Section[] {
  const values = args;
  if (!values.only) return [...SECTIONS];
  const picked = values.only.split(',').map((s) => s.trim());
  const unknown = picked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) {
    throw new Error(
      `--only: unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}.`,
    );
  }
  return picked as Section[];
}

/** Generated athletes take seconds to make: each size is made once, when first needed. */
const athletes = new Map<number, Athlete>();
function generated(count: number): Athlete {
  let a = athletes.get(count);
  if (!a) {
    say(`generating an athlete of ${count} activities`);
    a = generatedAthlete(count);
    athletes.set(count, a);
  }
  return a;
}

async function measure(section: Section, results: Results): Promise<void> {
  switch (section) {
    case 'requests':
      say(`run --month ${MONTH_RUN} of the recorded athlete`);
      results.requests = await monthRunRequests(recordedAthlete(), MONTH_RUN);
      return;
    case 'recorded': {
      const athlete = recordedAthlete();
      say(`backfill of the recorded athlete into a folder, ${RUNS.recorded} runs`);
      const folder = await backfillFigure(athlete, 'folder', folderWarehouse, RUNS.recorded);
      say('starting moto');
      const moto = await startMoto();
      try {
        say(`backfill of the recorded athlete into S3 (moto), ${RUNS.recorded} runs`);
        const s3 = await backfillFigure(athlete, 's3', s3Warehouse(moto), RUNS.recorded);
        results.recorded = [folder, s3];
      } finally {
        await moto.stop();
      }
      return;
    }
    case 'generated':
      results.generated = [];
      for (const size of SIZES) {
        const runs = size >= 100_000 ? RUNS.large : RUNS.small;
        const athlete = generated(size);
        say(`backfill of ${athlete.label} into a folder, ${runs} runs`);
        results.generated.push(await backfillFigure(athlete, 'folder', folderWarehouse, runs));
      }
      return;
    case 'silver':
      say(`silver snapshot loads after ${SILVER_COMMITS.join(', ')} commits`);
      results.silver = await silverLoadFigures(SILVER_COMMITS, RUNS.silver);
      return;
    case 'write':
      say(`embedded Delta write vs delta-rs, ${RUNS.write} runs each`);
      results.write = await deltaWriteFigure(generated(100_000).activities, RUNS.write);
      return;
    case 'startup':
      say(`action start-up vs node -e 0, ${RUNS.startup} runs each`);
      results.startup = await startupFigure(RUNS.startup);
      return;
    case 'streams':
      say('streams of 1,000 one-hour activities through writeDetails, in a child process');
      results.streams = await streamsFigure();
      return;
    case 'import': {
      say(`import-archive of the recorded athlete's export, ${RUNS.import} runs`);
      const recorded = await importFigure(
        recordedAthlete(),
        { csvOnly: false, timezone: 'America/New_York' },
        RUNS.import,
      );
      const athlete = generated(IMPORT_GENERATED);
      say(`import-archive of ${athlete.label}'s export (activities.csv only), ${RUNS.import} runs`);
      const big = await importFigure(athlete, { csvOnly: true, timezone: 'UTC' }, RUNS.import);
      const large = generated(IMPORT_LARGE);
      say(`import-archive of ${large.label}'s export (activities.csv only), 1 run`);
      const largest = await importFigure(large, { csvOnly: true, timezone: 'UTC' }, 1);
      results.import = [recorded, big, largest];
      return;
    }
    case 'import-files': {
      const athlete = generated(importFilesCount());
      say(`import-archive of ${athlete.label}'s export with one-hour activity files, 1 run`);
      const figure = await importFigure(
        athlete,
        { csvOnly: false, timezone: 'UTC', hourFiles: true },
        1,
      );
      const phases = Object.entries(figure.phasesMs ?? {});
      say(
        `time by step: ${phases.map(([name, ms]) => `${name} ${round(ms / 1000, 1)} s`).join('; ')}`,
      );
      results.importFiles = [figure];
      return;
    }
  }
}

async function main(): Promise<void> {
  const sections = chosenSections();
  const previous: Results = fs.existsSync(RESULTS)
    ? (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Results)
    : {};
  const results: Results = {
    ...previous,
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
    },
  };
  for (const section of sections) {
    await measure(section, results);
    results.measuredAt = { ...results.measuredAt, [section]: new Date().toISOString() };
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  }
  process.stdout.write(renderTable(results));
  say(`wrote ${RESULTS}`);
}

await main();
