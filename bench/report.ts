/** bench/results.json's shape, and the Markdown table printed from it. */
import type { BackfillFigure, RequestFigure, Requests } from './backfill.js';
import type { SilverLoadFigures } from './delta-snapshot.js';
import type { DeltaWriteFigure } from './delta-write.js';
import type { ImportFigure } from './import.js';
import { round } from './measure.js';
import type { StartupFigure } from './startup.js';
import type { StreamsFigure } from './streams.js';

export interface Results {
  machine?: { node: string; cpus: number; memoryMb: number };
  /** When each section was last measured. */
  measuredAt?: Record<string, string>;
  requests?: RequestFigure;
  recorded?: BackfillFigure[];
  generated?: BackfillFigure[];
  silver?: SilverLoadFigures;
  write?: DeltaWriteFigure;
  startup?: StartupFigure;
  streams?: StreamsFigure;
  import?: ImportFigure[];
  /** import-archive of the generated 10k export with one-hour activity files (one run). */
  importFiles?: ImportFigure[];
}

type Row = [
  measure: string,
  figure: string,
  target: string,
  met: boolean | undefined,
  load: string,
];

const seconds = (ms: number) => `${round(ms / 1000, 2)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const loads = (xs: number[]) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
};
const requests = (r: Requests) =>
  `${r.token} token + ${r.list} list` +
  (r.details || r.streams || r.gear || r.zones
    ? ` + ${r.details} detail + ${r.streams} streams + ${r.gear} gear + ${r.zones} zones`
    : '');
const minimal = (got: Requests, min: Requests) =>
  (Object.keys(min) as (keyof Requests)[]).every((k) => got[k] === min[k]);

function requestRows(r: Results): Row[] {
  const rows: Row[] = [];
  if (r.requests) {
    const q = r.requests;
    rows.push([
      `Strava requests, \`${q.command}\` (${count(q.activities)} activities)`,
      requests(q.requests),
      `minimum: ${requests(q.minimum)}`,
      minimal(q.requests, q.minimum),
      `${q.load}`,
    ]);
  }
  for (const b of [
    ...(r.recorded ?? []).filter((f) => f.store === 'folder'),
    ...(r.generated ?? []),
  ]) {
    rows.push([
      `Strava requests, backfill of ${b.athlete} (${count(b.activities)} activities)`,
      requests(b.requests),
      `minimum: ${requests(b.minimum)}`,
      minimal(b.requests, b.minimum),
      loads(b.load),
    ]);
  }
  return rows;
}

function backfillRows(r: Results): Row[] {
  const rows: Row[] = [];
  for (const b of r.recorded ?? []) {
    rows.push([
      `backfill of the recorded athlete (${count(b.activities)} activities, ${b.months} months) into ${b.store === 's3' ? 'S3 (moto)' : 'a folder'}`,
      `${seconds(b.medianMs)} (median of ${b.runsMs.length}); peak RSS ${b.maxRssMb} MB`,
      '< 5 s',
      b.medianMs < 5000,
      loads(b.load),
    ]);
  }
  for (const b of r.generated ?? []) {
    const large = b.activities >= 100_000;
    rows.push([
      `backfill of ${b.athlete} (${count(b.activities)} activities, ${b.months} months) into a folder`,
      `${seconds(b.medianMs)} (median of ${b.runsMs.length}); peak RSS ${b.maxRssMb} MB`,
      large ? '< 60 s' : '—',
      large ? b.medianMs < 60_000 : undefined,
      loads(b.load),
    ]);
    if (large) {
      rows.push([
        `…its peak RSS (the highest of the ${b.runsMs.length} runs)`,
        `${b.maxRssMb} MB`,
        '< 300 MB',
        b.maxRssMb < 300,
        loads(b.load),
      ]);
    }
  }
  const at = (n: number) => r.generated?.find((b) => b.athlete === `generated ${n / 1000}k`);
  const [ten, hundred] = [at(10_000), at(100_000)];
  if (ten && hundred) {
    const ratio = round(hundred.medianMs / ten.medianMs, 2);
    rows.push([
      'time(100k) / time(10k)',
      `${ratio}`,
      '≤ 11 (linear)',
      ratio <= 11,
      loads([...ten.load, ...hundred.load]),
    ]);
  }
  return rows;
}

function silverRows(r: Results): Row[] {
  if (!r.silver) return [];
  const loadsOf = r.silver.withCheckpoints;
  const rows: Row[] = loadsOf.map((s) => [
    `silver snapshot load after ${count(s.commits)} commits (${s.liveFiles} live files, ${s.tombstones} removed)`,
    `${s.medianMs} ms`,
    '—',
    undefined,
    `${s.load}`,
  ]);
  const first = loadsOf[0];
  const last = loadsOf[loadsOf.length - 1];
  if (first && last && last !== first) {
    const ratio = round(last.medianMs / first.medianMs, 2);
    rows.push([
      `time(${count(last.commits)}) / time(${count(first.commits)})`,
      `${ratio}`,
      '≤ 2 (checkpoints)',
      ratio <= 2,
      loads([first.load, last.load]),
    ]);
  }
  const j = r.silver.jsonOnly;
  rows.push([
    `…the same ${count(j.commits)} commits without checkpoints (JSON replay, for contrast)`,
    `${j.medianMs} ms`,
    '—',
    undefined,
    `${j.load}`,
  ]);
  return rows;
}

function writeRows(r: Results): Row[] {
  if (!r.write) return [];
  const w = r.write;
  const side = (s: DeltaWriteFigure['embedded']) =>
    `${count(s.rowsPerSecond)} rows/s (${seconds(s.medianMs)}, ${s.files} files)`;
  return [
    [
      `embedded Delta write of ${count(w.rows)} silver rows`,
      side(w.embedded),
      '—',
      undefined,
      loads(w.load),
    ],
    [
      `delta-rs \`write_deltalake\` of the same rows`,
      side(w.deltaRs),
      '—',
      undefined,
      loads(w.load),
    ],
    ['embedded / delta-rs throughput', `${w.ratio}`, '≥ 0.5', w.ratio >= 0.5, loads(w.load)],
  ];
}

function startupRows(r: Results): Row[] {
  if (!r.startup) return [];
  const s = r.startup;
  return [
    [
      `action start-up (\`node dist/index.js\`, no inputs) vs \`node -e 0\`, median of ${s.runs}`,
      `${s.actionMs} ms vs ${s.nodeMs} ms: ${s.ratio}×`,
      '≤ 2×',
      s.ratio <= 2,
      `${s.load}`,
    ],
  ];
}

function streamsRows(r: Results): Row[] {
  if (!r.streams) return [];
  const s = r.streams;
  const what = `streams of ${count(s.activities)} one-hour activities at 1 Hz (${count(s.rows)} rows) through the embedded writeDetails, ${s.chunks} chunks, ${s.files} files`;
  return [
    [
      what,
      `${seconds(s.wallMs)} (writes ${seconds(s.writeMs)})`,
      '< 20 s',
      s.wallMs < 20_000,
      `${s.load}`,
    ],
    ['…its peak RSS', `${s.maxRssMb} MB`, '< 300 MB', s.maxRssMb < 300, `${s.load}`],
  ];
}

function importRows(r: Results): Row[] {
  return [...(r.import ?? []), ...(r.importFiles ?? [])].flatMap((f) => {
    const files = f.samples
      ? ` and ${count(f.files)} one-hour 1 Hz activity files (FIT, GPX, TCX, gzipped; ${count(f.samples)} samples)`
      : f.files
        ? ` and ${count(f.files)} activity files`
        : ' (activities.csv only)';
    const what = `\`import-archive\` of the ${f.athlete} athlete's export: ${count(f.activities)} activities${files}, ${round(f.zipBytes / 2 ** 20, 1)} MB zip, ${f.months} months, into a folder`;
    return [
      [what, `${seconds(f.medianMs)} (median of ${f.runsMs.length})`, '', undefined, loads(f.load)],
      ['…its peak RSS', `${f.maxRssMb} MB`, '', undefined, loads(f.load)],
    ] satisfies Row[];
  });
}

export function renderTable(r: Results): string {
  const rows = [
    ...requestRows(r),
    ...backfillRows(r),
    ...silverRows(r),
    ...writeRows(r),
    ...startupRows(r),
    ...streamsRows(r),
    ...importRows(r),
  ];
  const lines = [
    '| measure | figure | target | met | load (1 min) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ([m, f, t, met, l]) =>
        `| ${m} | ${f} | ${t} | ${met === undefined ? '' : met ? 'yes' : '**no**'} | ${l} |`,
    ),
  ];
  const machine = r.machine
    ? `\nNode ${r.machine.node}, ${r.machine.cpus} CPUs, ${count(r.machine.memoryMb)} MB.\n`
    : '\n';
  return `${lines.join('\n')}\n${machine}`;
}
