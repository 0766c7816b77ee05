/**
 * `strava-lakehouse demo`: the whole pipeline with no account and no network. A built-in
 * Strava simulator serves a real recorded athlete (1,132 activities, 2017-2025) on loopback;
 * the demo backfills it into ./lakehouse-demo with the embedded engine and prints the last
 * twelve months from gold, then writes the HTML report into ./lakehouse-demo-report.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type RawInputs } from '../config.js';
import type { Progress } from '../progress.js';
import { runPipeline } from '../pipeline.js';
import { readGoldSummary } from '../lakehouse/inspect.js';
import { startSimulator, recordedActivities } from '../simulator/index.js';
import { addMonths, monthOf, type Month } from '../strava/months.js';
import { CLI_LABELS, DEMO_WAREHOUSE } from './inputs.js';
import { printRecords } from './print.js';
import { selfCommand } from './self.js';
import type { GoldRow } from '../lakehouse/gold.js';

const DEMO_CLIENT = { clientId: 'demo', clientSecret: 'demo-secret', refreshToken: 'demo-refresh' };

const TABLE_MONTHS = 12;
/** Where the demo writes its report (index.html), relative to the working directory. */
export const DEMO_REPORT_DIR = './lakehouse-demo-report';
/**
 * The demo's request cap: the list and the details of the newest activities, within one of
 * Strava's 15-minute windows (100 read requests), so the demo never waits. Each further demo
 * run continues the details where the last one stopped.
 */
export const DEMO_MAX_REQUESTS = 100;

export async function runDemo(opts: {
  warehouse?: string;
  force: boolean;
  s3: { region?: string; endpoint?: string };
  json: boolean;
  progress: Progress;
}): Promise<number> {
  const activities = recordedActivities();
  const months = activities.map((a) => monthOf(a.start_date_local)).sort();
  const from = months[0]!;
  const to = months[months.length - 1]!;
  const sim = await startSimulator({ activities, ...DEMO_CLIENT });
  const tokenDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strava-lakehouse-demo-'));
  try {
    const raw: RawInputs = {
      from,
      to,
      warehouse: opts.warehouse ?? DEMO_WAREHOUSE,
      force: opts.force,
      awsRegion: opts.s3.region,
      s3Endpoint: opts.s3.endpoint,
      apiUrl: sim.url,
      tokenFile: path.join(tokenDir, 'refresh-token'),
      maxRequests: String(DEMO_MAX_REQUESTS),
      ...DEMO_CLIENT,
    };
    const config = buildConfig(raw, CLI_LABELS);
    opts.progress.info(
      `demo: a simulated Strava serves ${activities.length} real recorded activities (${from}..${to}) into ${config.warehouse}`,
    );
    const started = Date.now();
    const result = await runPipeline(config, { progress: opts.progress });
    if (opts.json) {
      printRecords(result.records, true, process.stdout);
      return 0;
    }
    // One month more than shown, so the first row has a month to compare with.
    const gold = await readGoldSummary(config.warehouse, config.s3, to, TABLE_MONTHS + 1);
    process.stdout.write(renderMonthTable(gold, to, TABLE_MONTHS));
    const ingested = result.records.filter((r) => r.status === 'ingested').length;
    // The report module (and ECharts) loads only here, after the run.
    const { buildReport } = await import('../report/html/index.js');
    const report = await buildReport({
      warehouse: config.warehouse,
      s3: config.s3,
      out: DEMO_REPORT_DIR,
      month: to,
      privacyRadiusM: config.privacy.radiusM,
      includePrivate: false,
    });
    const reportPath = path.relative(process.cwd(), report.file) || report.file;
    process.stdout.write(
      `\n${result.records.length} months (${ingested} ingested, ${result.records.length - ingested} unchanged), ` +
        `${result.records.reduce((n, r) => n + r.activities, 0)} activities, ` +
        `${result.records[0]?.stravaRequests ?? 0} Strava requests, ${((Date.now() - started) / 1000).toFixed(1)} s.\n` +
        `Report (${(report.bytes / 1024).toFixed(0)} KiB, built in ${(report.ms / 1000).toFixed(1)} s): ${reportPath}\n` +
        `Look inside: ${selfCommand()} inspect --warehouse ${config.warehouse}\n`,
    );
    return 0;
  } finally {
    await sim.close();
    await fs.rm(tokenDir, { recursive: true, force: true });
  }
}

/**
 * Month-by-month totals across sport types (activities, km, hours, change in distance against
 * the calendar month before) for the `months` months ending at `last`; `gold` may hold the
 * month before those, which only gives the first row its change.
 */
export function renderMonthTable(gold: GoldRow[], last: Month, months: number): string {
  const byMonth = new Map<string, { n: bigint; km: number; h: number }>();
  for (const r of gold) {
    const t = byMonth.get(r.month) ?? { n: 0n, km: 0, h: 0 };
    t.n += r.activity_count;
    t.km += r.distance / 1000;
    t.h += Number(r.moving_time) / 3600;
    byMonth.set(r.month, t);
  }
  const lines = ['month    activities  distance km  moving h  distance vs prev month'];
  for (let i = months - 1; i >= 0; i--) {
    const month = addMonths(last, -i);
    const t = byMonth.get(month);
    if (!t) continue;
    const prev = byMonth.get(addMonths(month, -1))?.km ?? 0;
    const change =
      prev === 0 ? '' : `${t.km >= prev ? '+' : ''}${(((t.km - prev) / prev) * 100).toFixed(0)}%`;
    lines.push(
      `${month}  ${String(t.n).padStart(10)}  ${t.km.toFixed(1).padStart(11)}  ${t.h.toFixed(1).padStart(8)}  ${change.padStart(22)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
