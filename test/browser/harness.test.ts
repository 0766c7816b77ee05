/**
 * The browser harness tests itself on a hand-written fixture page (fixture-page.ts) in the real
 * Chromium: a page that keeps the report contract passes every check, and each way of breaking
 * it (a network request, a console error, an exception, a chart without its SVG, a page or a
 * chart wider than a phone, an image without alt text) is caught by the check meant for it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  axeViolations,
  chartProblems,
  launchChromium,
  layoutProblems,
  networkUrls,
  openFile,
  readCharts,
  readLayout,
  readMonthTable,
  readOutline,
  seriousOrWorse,
  type Chromium,
} from '../support/browser.js';
import { FIXTURE_BARS, FIXTURE_MONTH, fixturePage, type FixtureFaults } from './fixture-page.js';

let chromium: Chromium;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-fixture-'));
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Writes the fixture with `faults` and opens it `width` px wide. */
async function open(name: string, faults: FixtureFaults, width = 1280) {
  const file = path.join(dir, `${name}.html`);
  await fs.writeFile(file, fixturePage(faults));
  return openFile(chromium, file, width);
}

describe('the browser harness on a fixture page', () => {
  test('a page that keeps the contract passes every check, at 390 and 1280 px', async () => {
    expect(chromium.version).toMatch(/Chrom/);
    for (const width of [390, 1280]) {
      const { page, log } = await open('clean', {}, width);
      expect(log).toEqual({ requests: [], consoleErrors: [], pageErrors: [] });
      expect(await readOutline(page)).toEqual({
        mains: 1,
        h1s: 1,
        sections: ['October 2025', 'Trends', 'Routes'],
      });
      const charts = await readCharts(page);
      expect(charts.map((c) => [c.name, c.marks, c.dataRows])).toEqual([
        ['trend-distance', String(FIXTURE_BARS.length), FIXTURE_BARS.length],
        ['routes', '2', 2],
      ]);
      expect(charts.flatMap(chartProblems)).toEqual([]);
      expect(await readMonthTable(page)).toEqual(
        FIXTURE_MONTH.map(([sport, count, distance, time, elevation]) => ({
          month: '2025-10',
          sport,
          values: {
            activity_count: String(count),
            distance: String(distance),
            moving_time: String(time),
            total_elevation_gain: String(elevation),
          },
          shown: {
            activity_count: String(count),
            distance: String(distance),
            moving_time: String(time),
            total_elevation_gain: String(elevation),
          },
        })),
      );
      const layout = await readLayout(page);
      expect(layout.innerWidth).toBe(width);
      // The distance chart and both route thumbnails.
      expect(layout.svgs).toHaveLength(3);
      expect(layoutProblems(layout)).toEqual([]);
      expect(seriousOrWorse(await axeViolations(page))).toEqual([]);
      await page.close();
    }
    expect(networkUrls(fixturePage())).toEqual([]);
  });

  test('a request to the network is recorded and never leaves', async () => {
    const { page, log } = await open('network', { network: true });
    expect(log.requests).toEqual(['http://example.invalid/pixel.png']);
    expect(networkUrls(fixturePage({ network: true }))).toEqual([
      'http://example.invalid/pixel.png',
    ]);
    await page.close();
  });

  test('console errors and uncaught exceptions are recorded', async () => {
    const { page, log } = await open('errors', { consoleError: true, pageError: true });
    expect(log.consoleErrors).toEqual(['fixture: a console error']);
    expect(log.pageErrors).toEqual([expect.stringContaining('fixture: an uncaught exception')]);
    expect(log.requests).toEqual([]);
    await page.close();
  });

  test('a chart without its SVG is a problem', async () => {
    const { page } = await open('no-svg', { missingSvg: true });
    const charts = await readCharts(page);
    expect(charts.find((c) => c.name === 'trend-distance')?.svgs).toBe(0);
    expect(charts.flatMap(chartProblems)).toEqual(['chart trend-distance: 0 svg (one expected)']);
    await page.close();
  });

  test('a chart that draws fewer marks than its table has rows is a problem', async () => {
    const { page } = await open('missing-mark', { missingMark: true });
    expect((await readCharts(page)).flatMap(chartProblems)).toEqual([
      `chart trend-distance: ${FIXTURE_BARS.length - 1} marks drawn in the svg for data-marks ${FIXTURE_BARS.length}`,
    ]);
    await page.close();
  });

  test('a route thumbnail that draws nothing is a problem', async () => {
    const { page } = await open('empty-route', { emptyRoute: true });
    expect((await readCharts(page)).flatMap(chartProblems)).toEqual([
      'chart routes: 1 svg.route draw no line',
    ]);
    await page.close();
  });

  test('behind a CSP a network load is a console error; with the CSP bypassed, a request', async () => {
    const shipped = await open('csp', { csp: true, network: true });
    expect(shipped.log.requests).toEqual([]);
    expect(shipped.log.consoleErrors).toEqual([expect.stringContaining('Content Security Policy')]);
    await shipped.page.close();
    const file = path.join(dir, 'csp.html');
    const bare = await openFile(chromium, file, 1280, { bypassCSP: true });
    expect(bare.log.requests).toEqual(['http://example.invalid/pixel.png']);
    // axe-core, an inline script, runs only with the CSP bypassed.
    expect(seriousOrWorse(await axeViolations(bare.page))).toEqual([]);
    await bare.page.close();
  });

  test('a page wider than 390 px is an overflow there, not at 1280 px', async () => {
    const narrow = await open('overflow', { overflow: true }, 390);
    const l390 = await readLayout(narrow.page);
    expect(l390.scrollWidth).toBeGreaterThan(390);
    expect(layoutProblems(l390)).toEqual([expect.stringMatching(/^the page is \d+ px wide/)]);
    await narrow.page.close();
    const wide = await open('overflow', { overflow: true }, 1280);
    expect(layoutProblems(await readLayout(wide.page))).toEqual([]);
    await wide.page.close();
  });

  test('a chart wider than the viewport is caught even when the page itself fits', async () => {
    const { page } = await open('wide-chart', { wideChart: true }, 390);
    const layout = await readLayout(page);
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layoutProblems(layout)).toEqual([
      expect.stringMatching(/^an svg of chart trend-distance spans/),
    ]);
    await page.close();
  });

  test('axe-core reports an image without alt text as critical', async () => {
    const { page, log } = await open('no-alt', { imageWithoutAlt: true });
    // A data: URL loads nothing from the network.
    expect(log.requests).toEqual([]);
    const serious = seriousOrWorse(await axeViolations(page));
    expect(serious.map((v) => [v.id, v.impact])).toEqual([['image-alt', 'critical']]);
    await page.close();
  });
});
