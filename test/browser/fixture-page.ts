/**
 * A small hand-written page for the harness's self-test (harness.test.ts), not a report: it
 * follows the report contract of COMMON13.md (headings, `figure.chart` with an inline SVG, a
 * title, a caption and a data table, route thumbnails, `#month-table`), and each fault breaks
 * it in one way the browser tests must catch.
 */

/** What to break. */
export interface FixtureFaults {
  /** An image loaded from the network (http). */
  network?: boolean;
  /** console.error from an inline script. */
  consoleError?: boolean;
  /** An uncaught exception from an inline script. */
  pageError?: boolean;
  /** The distance chart loses its SVG. */
  missingSvg?: boolean;
  /** The distance chart draws one bar fewer than its data table has rows. */
  missingMark?: boolean;
  /** A route thumbnail draws nothing. */
  emptyRoute?: boolean;
  /** A 600 px wide block in the page: it overflows at 390 px. */
  overflow?: boolean;
  /** The distance chart's SVG is 600 px wide inside a scrolling box: the page fits, the chart not. */
  wideChart?: boolean;
  /** An image without alt text (an axe violation of impact critical). */
  imageWithoutAlt?: boolean;
  /** A Content-Security-Policy meta like the report's, which forbids every load. */
  csp?: boolean;
}

/** The bars of the fixture's distance chart: month -> km. */
export const FIXTURE_BARS: [string, number][] = [
  ['2025-08', 42.5],
  ['2025-09', 61],
  ['2025-10', 38.2],
];

/** The fixture's headline month table: [sport, count, metres, seconds, metres up]. */
export const FIXTURE_MONTH: [string, number, number, number, number][] = [
  ['Run', 13, 38200.5, 12345, 410.2],
  ['Swim', 2, 3000, 3600, 0],
];

/** A one-pixel transparent GIF, as a data: URL (allowed: it loads nothing). */
const PIXEL = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

function distanceChart(f: FixtureFaults): string {
  const w = f.wideChart ? 600 : 300;
  // Tagged as ECharts' SSR renderer tags its marks (see the report module's doc).
  const bars = FIXTURE_BARS.slice(0, f.missingMark ? -1 : undefined)
    .map(
      ([, km], i) =>
        `<rect x="${20 + i * 90}" y="${110 - km}" width="60" height="${km}" fill="#1f5f8b"` +
        ` ecmeta_ssr_type="chart" ecmeta_series_index="0" ecmeta_data_index="${i}"/>`,
    )
    .join('');
  const svg = f.missingSvg
    ? ''
    : `<svg role="img" aria-labelledby="t-distance" width="${w}" height="120" viewBox="0 0 300 120"` +
      `${f.wideChart ? '' : ' style="max-width:100%;height:auto"'}>` +
      `<title id="t-distance">Distance per month, Aug to Oct 2025</title>${bars}</svg>`;
  const rows = FIXTURE_BARS.map(([m, km]) => `<tr><th scope="row">${m}</th><td>${km}</td></tr>`);
  return `<figure class="chart" data-chart="trend-distance" data-marks="${FIXTURE_BARS.length}">
  ${f.wideChart ? `<div style="overflow-x:auto">${svg}</div>` : svg}
  <figcaption>Distance per month (km)</figcaption>
  <details><summary>Data</summary><table class="chart-data">
    <thead><tr><th scope="col">Month</th><th scope="col">km</th></tr></thead>
    <tbody>${rows.join('')}</tbody></table></details>
</figure>`;
}

function routes(f: FixtureFaults): string {
  const paths = ['M5 55 L20 10 L40 30 L55 5', f.emptyRoute ? '' : 'M5 5 Q30 60 55 20'];
  const svgs = paths.map(
    (d, i) =>
      `<svg class="route" role="img" aria-labelledby="t-route-${i}" width="60" height="60" viewBox="0 0 60 60">` +
      `<title id="t-route-${i}">Route of run ${i + 1}</title>` +
      `<path d="${d}" fill="none" stroke="#b3361b" stroke-width="2"/></svg>`,
  );
  const rows = paths.map((_, i) => `<tr><td>Run ${i + 1}</td></tr>`).join('');
  return `<figure class="chart" data-chart="routes" data-marks="${paths.length}">
  ${svgs.join('')}
  <figcaption>Routes of the month</figcaption>
  <details><summary>Data</summary><table class="chart-data">
    <thead><tr><th scope="col">Activity</th></tr></thead><tbody>${rows}</tbody></table></details>
</figure>`;
}

/** The month table's column headings (short, so the table fits a phone). */
const LABELS = ['Activities', 'Metres', 'Seconds', 'Climb (m)'];

function monthTable(): string {
  const fields = ['activity_count', 'distance', 'moving_time', 'total_elevation_gain'];
  const rows = FIXTURE_MONTH.map(
    ([sport, ...values]) =>
      `<tr data-month="2025-10" data-sport="${sport}"><th scope="row">${sport}</th>` +
      values.map((v, i) => `<td data-field="${fields[i]}" data-value="${v}">${v}</td>`).join('') +
      '</tr>',
  );
  return `<table id="month-table"><caption>October 2025</caption>
  <thead><tr><th scope="col">Sport</th>${LABELS.map((l) => `<th scope="col">${l}</th>`).join('')}</tr></thead>
  <tbody>${rows.join('')}</tbody></table>`;
}

/** The fixture page's HTML with the given faults (none: a page that passes every check). */
export function fixturePage(f: FixtureFaults = {}): string {
  const scripts = [
    f.consoleError ? `console.error('fixture: a console error');` : '',
    f.pageError ? `throw new Error('fixture: an uncaught exception');` : '',
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${f.csp ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` : ''}
<title>Fixture report</title>
<style>body{font-family:sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem;color:#222;background:#fff}</style>
</head><body><main>
<h1>Fixture report</h1>
<section><h2>October 2025</h2>${monthTable()}</section>
<section><h2>Trends</h2>${distanceChart(f)}</section>
<section><h2>Routes</h2>${routes(f)}</section>
${f.network ? '<section><h2>Remote</h2><img src="http://example.invalid/pixel.png" alt="remote pixel"></section>' : ''}
${f.imageWithoutAlt ? `<section><h2>Pixel</h2><img src="${PIXEL}"></section>` : ''}
${f.overflow ? '<section><h2>Wide</h2><div style="width:600px">a block 600 px wide</div></section>' : ''}
</main>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body></html>
`;
}
