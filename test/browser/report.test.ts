/**
 * The HTML report in a real Chromium, against the contract between the report and these tests
 * (COMMON13.md; kept in the report module's doc). The recorded athlete is served by the
 * simulator and backfilled over 15 months with details (capped, so a few months have detail
 * rows: gear and heart-rate zones exist), the bundled CLI writes the report, and the page is
 * opened from its file with every request that is not file: or data: recorded and aborted.
 *
 * Checked: nothing loads from the network (with the page's CSP and without it) and nothing
 * logs an error; the outline (one main, one h1, sections with h2s); every chart has its SVG,
 * title, caption and a data table with one row per mark, and its SVG draws that many marks; the
 * headline month table is gold's published figures (a private activity left out, its name
 * nowhere on the page, unless --include-private); a span reaching back before the first
 * ingested month draws no more marks (gaps, not zeros); the layout holds at 390 and 1280 px;
 * axe-core finds nothing serious or critical. Screenshots of both widths go to
 * .ci-reports/screenshots/.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FolderStore } from '../../src/landing/folder.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { GOLD_GEAR, GOLD_HR_ZONES } from '../../src/lakehouse/detail-tables.js';
import type { GoldRow } from '../../src/lakehouse/gold.js';
import { readPublishedSummary } from '../../src/lakehouse/inspect.js';
import { GOLD, SILVER } from '../../src/lakehouse/tables.js';
import {
  axeViolations,
  chartProblems,
  launchChromium,
  layoutProblems,
  medianChartTextPx,
  networkUrls,
  openFile,
  readCharts,
  readLayout,
  readMonthTable,
  readOutline,
  readText,
  seriousOrWorse,
  type Chromium,
  type MonthRow,
} from '../support/browser.js';
import {
  bundleCli,
  cliEnv,
  filesUnder,
  runCli,
  runIn,
  startAthlete,
  type Athlete,
} from '../support/pipeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = path.join(ROOT, '.ci-reports/screenshots');

/** The recorded athlete's last month, as the demo shows it. */
const HEADLINE = '2025-10';
/** 15 months: the headline month, the one before and the same month a year earlier are held. */
const FROM = '2024-08';
/** The month of the recorded athlete's one recent private activity (a run). */
const PRIVATE_MONTH = '2025-09';
/** Limits well above what the backfill sends: pacing has suites of its own. */
const ROOMY = { readLimit: [100_000, 1_000_000] as [number, number] };
/** The charts every report of a warehouse with detail tables shows. */
const CHARTS = [
  'trend-distance',
  'trend-time',
  'calendar',
  'pace',
  'heartrate',
  'gear',
  'hr-zones',
  'routes',
];

let athlete: Athlete;
let bundle: string;
let scratch: string;
let warehouse: string;
let chromium: Chromium;

/** Runs `report` of the bundled CLI into a fresh folder; returns the folder. */
async function report(...flags: string[]): Promise<string> {
  const out = await fs.mkdtemp(path.join(scratch, 'report-'));
  const r = await runCli(
    bundle,
    ['report', '--warehouse', warehouse, '--out', out, ...flags],
    cliEnv(athlete),
  );
  expect(r.code, `report ${flags.join(' ')}: ${r.stderr}`).toBe(0);
  return out;
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-browser-'));
  warehouse = path.join(scratch, 'warehouse');
  [bundle, athlete] = await Promise.all([bundleCli(), startAthlete(undefined, ROOMY)]);
  await runIn(
    athlete,
    warehouse,
    { from: FROM, to: HEADLINE },
    { details: true, maxRequests: 200 },
  );
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await athlete?.close();
  if (bundle) await fs.rm(bundle, { recursive: true, force: true });
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

/** Gold's rows of `month` as DeltaTable reads them: the athlete's own figures. */
async function goldOf(month: string): Promise<GoldRow[]> {
  const table = new DeltaTable(new FolderStore(warehouse), GOLD);
  const snap = await table.snapshot();
  const files = (snap?.files ?? []).filter((f) => f.partitionValues.month === month);
  return (await table.readRows(files)) as unknown as GoldRow[];
}

/** One sport's figures of a month, as numbers. */
interface Figures {
  sport: string;
  activity_count: number;
  distance: number;
  moving_time: number;
  total_elevation_gain: number;
}

/** The table rows that are about `month`, as comparable values, by sport. */
function tableRows(rows: MonthRow[], month: string): Figures[] {
  const value = (r: MonthRow, f: Exclude<keyof Figures, 'sport'>) => Number(r.values[f] ?? NaN);
  return rows
    .filter((r) => r.month === month)
    .map((r) => ({
      sport: r.sport ?? '',
      activity_count: value(r, 'activity_count'),
      distance: value(r, 'distance'),
      moving_time: value(r, 'moving_time'),
      total_elevation_gain: value(r, 'total_elevation_gain'),
    }))
    .sort((a, b) => a.sport.localeCompare(b.sport));
}

/** The same shape from gold rows. */
function goldRows(rows: GoldRow[]): Figures[] {
  return rows
    .map((r) => ({
      sport: r.sport_type,
      activity_count: Number(r.activity_count),
      distance: r.distance,
      moving_time: Number(r.moving_time),
      total_elevation_gain: r.total_elevation_gain,
    }))
    .sort((a, b) => a.sport.localeCompare(b.sport));
}

/** `got` (from the page) equals `want` (from gold): counts and seconds exactly, metres to 1e-6. */
function expectSameFigures(got: Figures[], want: Figures[], where: string) {
  expect(
    got.map((r) => r.sport),
    where,
  ).toEqual(want.map((r) => r.sport));
  want.forEach((w, i) => {
    const g = got[i]!;
    const at = `${where} ${w.sport}`;
    expect(g.activity_count, at).toBe(w.activity_count);
    expect(g.moving_time, at).toBe(w.moving_time);
    expect(g.distance, at).toBeCloseTo(w.distance, 6);
    expect(g.total_elevation_gain, at).toBeCloseTo(w.total_elevation_gain, 6);
  });
}

describe('the report of the recorded athlete in Chromium', () => {
  let out: string;
  beforeAll(async () => {
    out = await report('--month', HEADLINE);
  });

  test('is one page that names nothing on the network', async () => {
    const files = await filesUnder(out);
    expect(files).toContain(path.join(out, 'index.html'));
    for (const f of files.filter((f) => /\.(html|css|js|svg)$/.test(f))) {
      expect(networkUrls(await fs.readFile(f, 'utf8')), f).toEqual([]);
    }
  });

  test('renders offline with no console error, one main, one h1 and titled sections', async () => {
    // Without its CSP too: the page asks for nothing even when nothing stops it.
    const bare = await openFile(chromium, path.join(out, 'index.html'), 1280, { bypassCSP: true });
    expect(bare.log, 'CSP bypassed').toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
    await bare.page.close();
    const { page, log } = await openFile(chromium, path.join(out, 'index.html'), 1280);
    expect(log).toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
    const outline = await readOutline(page);
    expect(outline.mains).toBe(1);
    expect(outline.h1s).toBe(1);
    expect(outline.sections.length).toBeGreaterThan(0);
    expect(outline.sections.filter((h2) => h2 === '')).toEqual([]);
    await page.close();
  });

  test('every chart has its svg, title, caption and one data row per mark', async () => {
    // The capped backfill fetched details: the gear and zone charts must be there.
    const store = new FolderStore(warehouse);
    for (const def of [GOLD_GEAR, GOLD_HR_ZONES]) {
      const snap = await new DeltaTable(store, def).snapshot();
      expect(snap?.files.length ?? 0, def.path).toBeGreaterThan(0);
    }
    const { page } = await openFile(chromium, path.join(out, 'index.html'), 1280);
    const charts = await readCharts(page);
    const names = charts.map((c) => c.name ?? '');
    for (const name of CHARTS) expect(names, name).toContain(name);
    expect(new Set(names).size, names.join(', ')).toBe(names.length);
    expect(charts.flatMap(chartProblems)).toEqual([]);
    // Routes are drawn (the recorded runs have polylines): thumbnails or one chart.
    const routes = charts.find((c) => c.name === 'routes')!;
    expect(routes.routeSvgs + routes.svgs).toBeGreaterThan(0);
    await page.close();
  });

  test("the month table is gold's published figures for the headline month", async () => {
    const { page } = await openFile(chromium, path.join(out, 'index.html'), 1280);
    const rows = await readMonthTable(page);
    await page.close();
    expect(rows, '#month-table').not.toBeNull();
    const published = await readPublishedSummary(warehouse, {}, HEADLINE, 13, {
      includePrivate: false,
    });
    const headline = published.filter((r) => r.month === HEADLINE);
    expect(headline.length).toBeGreaterThan(0);
    expectSameFigures(tableRows(rows!, HEADLINE), goldRows(headline), HEADLINE);
    // The headline month has no private activity: gold itself has the same figures.
    expectSameFigures(tableRows(rows!, HEADLINE), goldRows(await goldOf(HEADLINE)), 'gold');
    // Any other month the table shows (the previous one, a year earlier) is published gold too.
    for (const month of new Set(rows!.map((r) => r.month ?? ''))) {
      expectSameFigures(
        tableRows(rows!, month),
        goldRows(published.filter((r) => r.month === month)),
        month,
      );
    }
  });

  test('the layout holds at 390 and 1280 px (screenshots kept)', async () => {
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    for (const width of [390, 1280]) {
      const { page, log } = await openFile(chromium, path.join(out, 'index.html'), width);
      const layout = await readLayout(page);
      expect(layout.innerWidth).toBe(width);
      expect(layout.svgs.length).toBeGreaterThanOrEqual(CHARTS.length);
      await page.screenshot({
        path: path.join(SCREENSHOTS, `report-${width}.png`),
        fullPage: true,
      });
      expect(layoutProblems(layout), `${width} px`).toEqual([]);
      // Chart text stays legible on a phone: charts scroll in their box rather than shrink.
      expect(await medianChartTextPx(page), `${width} px`).toBeGreaterThanOrEqual(10);
      expect(log, `${width} px`).toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
      await page.close();
    }
  });

  test('axe-core finds no serious or critical violation, at 390 and 1280 px', async () => {
    for (const width of [390, 1280]) {
      const { page } = await openFile(chromium, path.join(out, 'index.html'), width, {
        bypassCSP: true,
      });
      const found = seriousOrWorse(await axeViolations(page));
      expect(found, `${width} px`).toEqual([]);
      await page.close();
    }
  });
});

describe('the month table follows the privacy rules', () => {
  /** The one private activity of PRIVATE_MONTH, from silver. */
  async function privateActivity() {
    const table = new DeltaTable(new FolderStore(warehouse), SILVER);
    const snap = await table.snapshot();
    const files = (snap?.files ?? []).filter((f) => f.partitionValues.month === PRIVATE_MONTH);
    const rows = await table.readRows(files);
    return rows.filter((r) => r.private === true);
  }

  test('private activities are left out of the published figures', async () => {
    const priv = await privateActivity();
    expect(priv).toHaveLength(1);
    const out = await report('--month', PRIVATE_MONTH);
    const { page, log } = await openFile(chromium, path.join(out, 'index.html'), 1280);
    const rows = await readMonthTable(page);
    const text = await readText(page);
    await page.close();
    expect(log).toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
    // Its name is nowhere on the page (no route thumbnail, no table row).
    expect(text).not.toContain(String(priv[0]!.name));
    const got = tableRows(rows ?? [], PRIVATE_MONTH);
    const published = await readPublishedSummary(warehouse, {}, PRIVATE_MONTH, 1, {
      includePrivate: false,
    });
    expectSameFigures(got, goldRows(published), PRIVATE_MONTH);
    // Gold counts the private run; the page does not.
    const sport = String(priv[0]!.sport_type);
    const gold = goldRows(await goldOf(PRIVATE_MONTH)).find((r) => r.sport === sport)!;
    const shown = got.find((r) => r.sport === sport)!;
    expect(gold.activity_count - shown.activity_count).toBe(1);
    expect(gold.distance - shown.distance).toBeCloseTo(Number(priv[0]!.distance), 6);
  });

  test('--include-private shows gold as it is, and the private run', async () => {
    const out = await report('--month', PRIVATE_MONTH, '--include-private');
    const { page } = await openFile(chromium, path.join(out, 'index.html'), 1280);
    const rows = await readMonthTable(page);
    const text = await readText(page);
    await page.close();
    // The private run is among the month's newest tracks: its thumbnail is named.
    expect(text).toContain(String((await privateActivity())[0]!.name));
    expectSameFigures(
      tableRows(rows ?? [], PRIVATE_MONTH),
      goldRows(await goldOf(PRIVATE_MONTH)),
      `${PRIVATE_MONTH} with private`,
    );
  });
});

describe('months with no data are gaps, not zeros', () => {
  test('a span reaching back before the first ingested month draws no more marks', async () => {
    // The warehouse holds 15 months: 24 months back from the headline reach 9 never ingested.
    const marks = async (months: number) => {
      const out = await report('--month', HEADLINE, '--months', String(months));
      const { page, log } = await openFile(chromium, path.join(out, 'index.html'), 1280);
      const charts = await readCharts(page);
      await page.close();
      expect(log.consoleErrors, `--months ${months}`).toEqual([]);
      return Object.fromEntries(
        charts
          .filter((c) => ['trend-distance', 'trend-time', 'pace', 'heartrate'].includes(c.name!))
          .map((c) => [c.name, Number(c.marks)]),
      );
    };
    const held = await marks(15);
    expect(Object.keys(held).sort()).toEqual(['heartrate', 'pace', 'trend-distance', 'trend-time']);
    for (const n of Object.values(held)) expect(n).toBeGreaterThan(0);
    expect(await marks(24)).toEqual(held);
  });
});

describe('units', () => {
  test('--units imperial changes what the month table shows, not its raw figures', async () => {
    const table = async (units: string) => {
      const out = await report('--month', HEADLINE, '--units', units);
      const { page, log } = await openFile(chromium, path.join(out, 'index.html'), 1280);
      const rows = await readMonthTable(page);
      await page.close();
      expect(log, units).toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
      return rows ?? [];
    };
    const [metric, imperial] = [await table('metric'), await table('imperial')];
    expect(metric.length).toBeGreaterThan(0);
    expect(imperial.map((r) => [r.month, r.sport, r.values])).toEqual(
      metric.map((r) => [r.month, r.sport, r.values]),
    );
    // Metres become miles and feet on the page; counts stay as they are.
    const shown = (rows: MonthRow[], field: string) => rows.map((r) => r.shown[field]);
    expect(shown(imperial, 'distance')).not.toEqual(shown(metric, 'distance'));
    expect(shown(imperial, 'activity_count')).toEqual(shown(metric, 'activity_count'));
  });
});
