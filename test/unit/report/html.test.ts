/**
 * The report built from a warehouse the pipeline wrote (the simulator's generated athlete, one
 * month never ingested, details for the newest activities): the page holds to the contract the
 * browser tests rely on (src/report/html/index.ts), its month table equals the published gold
 * figures, and it loads nothing from the network.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublishedSummary } from '../../../src/lakehouse/inspect.js';
import { countMarks } from '../../../src/report/html/charts.js';
import { buildReport } from '../../../src/report/html/index.js';
import { PROFILE_KEY } from '../../../src/report/html/read.js';
import { generateAthlete } from '../../../src/simulator/index.js';
import { addMonths, monthOf } from '../../../src/strava/months.js';
import { runIn, startAthlete, type Athlete } from '../../support/pipeline.js';

const GAP = '2024-03';
let athlete: Athlete;
let tmp: string;
let warehouse: string;
let last: string;

beforeAll(async () => {
  const activities = generateAthlete({ count: 160, seed: 13, from: '2023-06' }).filter(
    (a) => monthOf(a.start_date_local) !== GAP,
  );
  const months = activities.map((a) => monthOf(a.start_date_local)).sort();
  last = months[months.length - 1]!;
  athlete = await startAthlete(activities);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-report-'));
  warehouse = path.join(tmp, 'lake');
  // The gap month is never ingested: two ranges around it.
  await runIn(athlete, warehouse, { from: months[0]!, to: addMonths(GAP, -1) });
  await runIn(
    athlete,
    warehouse,
    { from: addMonths(GAP, 1), to: last },
    { details: true, maxRequests: 40 },
  );
}, 240_000);

afterAll(async () => {
  await athlete?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

interface Figure {
  name: string;
  marks: number;
  body: string;
}

function figures(html: string): Figure[] {
  return [
    ...html.matchAll(
      /<figure class="chart" data-chart="([^"]+)" data-marks="(\d+)">([\s\S]*?)<\/figure>/g,
    ),
  ].map((m) => ({ name: m[1]!, marks: Number(m[2]), body: m[3]! }));
}

const tbodyRows = (body: string) =>
  (/<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1]?.match(/<tr>/g) ?? []).length;

/** The month table as field -> raw value, per sport. */
function monthTable(html: string): Record<string, Record<string, string>> {
  const table = /<table id="month-table">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const out: Record<string, Record<string, string>> = {};
  for (const row of table.matchAll(/<tr data-month="([^"]+)" data-sport="([^"]+)">(.*?)<\/tr>/g)) {
    const cells: Record<string, string> = { month: row[1]! };
    for (const c of row[3]!.matchAll(/<td data-field="(\w+)" data-value="([^"]*)">/g)) {
      cells[c[1]!] = c[2]!;
    }
    out[row[2]!] = cells;
  }
  return out;
}

async function build(name: string, over: Partial<Parameters<typeof buildReport>[0]> = {}) {
  const result = await buildReport({
    warehouse,
    out: path.join(tmp, name),
    privacyRadiusM: 200,
    includePrivate: false,
    ...over,
  });
  return { result, html: await fs.readFile(result.file, 'utf8') };
}

describe('the report of a warehouse', () => {
  it('holds every chart, each with as many marks in its SVG as rows in its data table', async () => {
    const { result, html } = await build('out');
    expect(result.month).toBe(last);
    expect(result.units).toBe('metric');
    expect(html.match(/<main>/g)).toHaveLength(1);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    const sections = html.match(/<section\b[\s\S]*?<\/section>/g)!;
    expect(sections.length).toBeGreaterThanOrEqual(5);
    for (const s of sections) expect(s.match(/<h2\b/g)).toHaveLength(1);

    const figs = figures(html);
    expect(figs.map((f) => f.name)).toEqual([
      'headline',
      'trend-distance',
      'trend-time',
      'calendar',
      'pace',
      'heartrate',
      'gear',
      'hr-zones',
      'routes',
    ]);
    for (const f of figs) {
      expect(tbodyRows(f.body), f.name).toBe(f.marks);
      expect(f.body, f.name).toMatch(/<figcaption>[^<]+<\/figcaption>/);
      expect(f.body, f.name).toContain('<table class="chart-data">');
      if (f.name === 'routes') {
        expect(f.body.match(/<svg class="route"/g)?.length).toBe(f.marks);
      } else {
        const svgs = f.body.match(/<svg\b[\s\S]*?<\/svg>/g)!;
        expect(svgs, f.name).toHaveLength(1);
        expect(svgs[0]).toMatch(
          /^<svg [^>]*role="img" aria-labelledby="chart-[\w-]+-title"><title id="chart-[\w-]+-title">[^<]+<\/title>/,
        );
        expect(countMarks(svgs[0]!), f.name).toBe(f.marks);
      }
      // Every chart but the details ones has something to show for this athlete.
      if (!['gear', 'hr-zones'].includes(f.name)) expect(f.marks, f.name).toBeGreaterThan(0);
    }
  });

  it('shows the month as published gold has it, private activities left out', async () => {
    const { html } = await build('out');
    const gold = await readPublishedSummary(warehouse, {}, last, 1, { includePrivate: false });
    expect(gold.length).toBeGreaterThan(0);
    const table = monthTable(html);
    expect(Object.keys(table).sort()).toEqual(gold.map((g) => g.sport_type).sort());
    for (const g of gold) {
      expect(table[g.sport_type]).toEqual({
        month: last,
        activity_count: String(g.activity_count),
        distance: String(g.distance),
        moving_time: String(g.moving_time),
        total_elevation_gain: String(g.total_elevation_gain),
      });
    }
  });

  it('leaves the month without data as a gap, named in the caption, not as a zero', async () => {
    const { html } = await build('out');
    const trend = figures(html).find((f) => f.name === 'trend-distance')!;
    expect(trend.body).not.toContain(`<td>${GAP}</td>`);
    expect(trend.body).toMatch(
      new RegExp(`Months without data are left blank, not drawn as zero: [^<]*${GAP}`),
    );
  });

  it('loads nothing from the network and runs no script', async () => {
    const { html } = await build('out');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none';`,
    );
  });

  it('follows --include-private and the units: flag, then the profile, then metric', async () => {
    const withPrivate = await build('private', { includePrivate: true });
    const gold = await readPublishedSummary(warehouse, {}, last, 1, { includePrivate: true });
    const table = monthTable(withPrivate.html);
    for (const g of gold) {
      expect(table[g.sport_type]?.activity_count).toBe(String(g.activity_count));
    }
    const imperial = await build('imperial', { units: 'imperial' });
    expect(imperial.result.units).toBe('imperial');
    expect(imperial.html).toContain('Distance (mi)');
    await fs
      .writeFile(
        path.join(warehouse, PROFILE_KEY),
        JSON.stringify({ id: 1, measurement_preference: 'feet' }),
      )
      .catch(async () => {
        await fs.mkdir(path.dirname(path.join(warehouse, PROFILE_KEY)), { recursive: true });
        await fs.writeFile(
          path.join(warehouse, PROFILE_KEY),
          JSON.stringify({ id: 1, measurement_preference: 'feet' }),
        );
      });
    expect((await build('profile')).result.units).toBe('imperial');
    expect((await build('flag', { units: 'metric' })).result.units).toBe('metric');
    await fs.rm(path.join(warehouse, '_athlete'), { recursive: true });
  });

  it('draws no route, and says why, when coordinates are all within the radius', async () => {
    const { html } = await build('radius', { privacyRadiusM: 100_000 });
    expect(figures(html).map((f) => f.name)).not.toContain('routes');
    expect(html).toMatch(
      /No route to draw: no track of \d{4}-\d\d leaves the privacy radius \(100000 m\)/,
    );
  });
});
