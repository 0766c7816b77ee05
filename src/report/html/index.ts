/**
 * `strava-lakehouse report`: a self-contained HTML report of a warehouse (folder or S3). Loaded
 * only by the `report` command, the demo and the action's report step, through a dynamic
 * import, so a monthly run does not load ECharts.
 *
 * The contract with the browser tests:
 * `strava-lakehouse report --warehouse W --out DIR [--month YYYY-MM] [--months N]
 * [--units metric|imperial] [--privacy-radius M] [--include-private]` writes DIR/index.html and
 * nothing that loads from the network (no http(s) URL in any src, href or url(); a CSP meta
 * forbids every load). In the page:
 * - `<main>` with one `<h1>`, and `<section>`s each with an `<h2>`.
 * - Every chart is `<figure class="chart" data-chart="NAME" data-marks="N">` holding one inline
 *   `<svg role="img" aria-labelledby="...">` with a `<title>`, a `<figcaption>`, and a
 *   `<table class="chart-data">` (inside `<details>`) with one `<tbody>` row per mark drawn; N
 *   is that number of rows (in the SVG, each mark is an element with ECharts'
 *   `ecmeta_ssr_type="chart"` and an `ecmeta_data_index`; legend items have the type `legend`).
 *   Names: `headline`, `trend-distance`, `trend-time`, `calendar`, `pace`, `heartrate`, `gear`
 *   and `hr-zones` (the last two only when the detail tables exist), and `routes`: a grid of K
 *   `<svg class="route">` in `<figure class="chart" data-chart="routes" data-marks="K">`
 *   (left out, with a paragraph saying why, when there is no track to draw).
 * - `<table id="month-table">`: one `<tr data-month="YYYY-MM" data-sport="SPORT">` per sport of
 *   the headline month, cells `<td data-field="FIELD" data-value="RAW">` for activity_count,
 *   distance (metres), moving_time (seconds) and total_elevation_gain (metres), RAW as gold
 *   holds them for the published activities (readPublishedSummary's figures).
 * - Months with no data are gaps, not zeros (and are named in the captions).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PipelineConfig } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { computeGold } from '../../lakehouse/gold.js';
import { openStore } from '../../landing/open.js';
import { addMonths, type Month } from '../../strava/months.js';
import { publishable, spanMonths } from './figures.js';
import { renderPage } from './page.js';
import { hasSilver, readReportData } from './read.js';
import { unitSystem, type Units } from './units.js';

export const DEFAULT_REPORT_MONTHS = 12;
export const MAX_REPORT_MONTHS = 120;
export const REPORT_FILE = 'index.html';

/** What to build, and from where. */
export interface ReportOptions {
  warehouse: string;
  s3?: PipelineConfig['s3'];
  /** The folder the report goes into (created if missing). */
  out: string;
  /** The headline month; default: the newest month silver holds. */
  month?: Month;
  /** How many months the trends span, ending at the headline month. */
  months?: number;
  /** Default: the athlete's preference in `_athlete/profile.json`, else metric. */
  units?: Units;
  privacyRadiusM: number;
  includePrivate: boolean;
  now?: Date;
}

/** What was written. */
export interface ReportResult {
  /** The absolute path of index.html. */
  file: string;
  bytes: number;
  month: Month;
  units: Units;
  /** Milliseconds from opening the warehouse to the written file. */
  ms: number;
}

/** Refuses an --out that exists and is not a folder. */
async function checkOut(out: string, label: string): Promise<void> {
  const stat = await fs.stat(out).catch(() => undefined);
  if (stat && !stat.isDirectory()) {
    throw new ConfigError(
      `${label} ${out} is a file, not a folder.`,
      `Give a folder for the report (it gets ${REPORT_FILE}), e.g. ${label} ./report.`,
    );
  }
}

/** Builds the report of `opts.warehouse` into `opts.out`/index.html. */
export async function buildReport(
  opts: ReportOptions,
  labels: { warehouse: string; out: string } = { warehouse: '--warehouse', out: '--out' },
): Promise<ReportResult> {
  const started = Date.now();
  const out = path.resolve(opts.out);
  await checkOut(out, labels.out);
  const store = await openStore(opts.warehouse, opts.s3);
  if (!(await hasSilver(store))) {
    throw new ConfigError(
      `There is no lakehouse at ${store.root}: silver/activities does not exist.`,
      `Check ${labels.warehouse}; \`strava-lakehouse run\` or \`demo\` creates one.`,
    );
  }
  const n = opts.months ?? DEFAULT_REPORT_MONTHS;
  const data = await readReportData(
    store,
    {
      // The year before the headline month too: its comparison and the calendar need it.
      first: (last) => addMonths(last, -Math.max(n - 1, 12)),
      last: opts.month,
    },
    opts.includePrivate,
  );
  const month = data.last;
  const units = opts.units ?? data.profileUnits ?? 'metric';
  const activities = publishable(data.activities, opts.includePrivate);
  const html = renderPage({
    month,
    months: spanMonths(month, n),
    units: unitSystem(units),
    activities,
    knownMonths: data.knownMonths,
    monthGold: data.knownMonths.has(month) ? computeGold(activities, [month]) : [],
    gearNames: data.gearNames,
    hrZones: data.hrZones,
    privacyRadiusM: opts.privacyRadiusM,
    includePrivate: opts.includePrivate,
    generatedAt: (opts.now ?? new Date()).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  });
  await fs.mkdir(out, { recursive: true });
  const file = path.join(out, REPORT_FILE);
  // Written beside and renamed over: a reader never sees half a report.
  const temp = path.join(out, `.${REPORT_FILE}.${process.pid}.tmp`);
  await fs.writeFile(temp, html);
  await fs.rename(temp, file);
  return { file, bytes: Buffer.byteLength(html), month, units, ms: Date.now() - started };
}
