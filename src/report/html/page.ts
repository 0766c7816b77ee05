/**
 * The report page: one self-contained HTML document (inline CSS and SVG, no script, nothing
 * loaded from the network; a CSP meta forbids any load). Pure: HTML from the figures.
 */
import type { GoldRow } from '../../lakehouse/gold.js';
import { addMonths, type Month } from '../../strava/months.js';
import { TEXT, chartFigure, dataTable, escapeHtml, renderSvg, type ChartOption } from './charts.js';
import {
  addDays,
  changePct,
  dailyTotals,
  gearMileage,
  headline,
  heartrateBySport,
  hrZoneTimes,
  lastDayOf,
  monthlyBySport,
  monthsWithoutData,
  routePath,
  routes,
  speedBySport,
  sportsOf,
  type HrZoneRow,
  type MonthSport,
  type MonthSportValue,
  type ReportActivity,
  type Totals,
} from './figures.js';
import type { UnitSystem } from './units.js';

/** What a page is built from: published activities only, and the settings it states. */
export interface PageInput {
  /** The headline month (the newest month of the span). */
  month: Month;
  /** The span's months, oldest first, ending at `month`. */
  months: Month[];
  units: UnitSystem;
  /** Activities of the span, the year before the headline month included, already published. */
  activities: ReportActivity[];
  /** Months with data (silver or a run record); others are gaps. */
  knownMonths: ReadonlySet<Month>;
  /** Gold rows of the headline month as published (computeGold of the published activities). */
  monthGold: GoldRow[];
  /** Gear names; undefined when the detail tables do not exist. */
  gearNames: ReadonlyMap<string, string | null> | undefined;
  /** HR zone rows; undefined when the detail tables do not exist. */
  hrZones: HrZoneRow[] | undefined;
  privacyRadiusM: number;
  includePrivate: boolean;
  /** ISO time the report was built. */
  generatedAt: string;
}

const WIDTH = 720;
const fixed = (n: number, digits = 1) => n.toFixed(digits);

/** Seconds as `3h 05m`. */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `+12.5%`, `-3.0%`, or `—` when there is nothing to compare with. */
function pctText(p: number | null): string {
  return p === null ? '—' : `${p > 0 ? '+' : ''}${p.toFixed(1)}%`;
}

/** Category labels of the months axis, the headline month in bold. */
function monthAxis(months: readonly Month[], current: Month) {
  return {
    type: 'category' as const,
    data: months,
    axisLabel: {
      color: TEXT,
      formatter: (m: string) => (m === current ? `{now|${m} ▲}` : m),
      rich: { now: { fontWeight: 'bold' as const, color: '#111827' } },
    },
  };
}

/** Bars per month stacked by sport: `value` of each cell, null (a gap) where there is none. */
function monthlyBars(
  cells: readonly MonthSport[],
  months: readonly Month[],
  current: Month,
  sports: readonly string[],
  value: (c: MonthSport) => number,
  unit: string,
): ChartOption {
  return {
    legend: { top: 0, textStyle: { color: TEXT } },
    grid: { left: 56, right: 16, top: 40, bottom: 56 },
    xAxis: {
      ...monthAxis(months, current),
      axisLabel: { ...monthAxis(months, current).axisLabel, rotate: 45 },
    },
    yAxis: { type: 'value', name: unit, axisLabel: { color: TEXT } },
    series: sports.map((sport) => ({
      type: 'bar',
      name: sport,
      stack: 'sports',
      data: months.map((m) => {
        const c = cells.find((x) => x.month === m && x.sport === sport);
        return c ? Number(value(c).toFixed(2)) : null;
      }),
    })),
  };
}

/** Lines per sport over the months, points only where there is a value (gaps stay gaps). */
function monthlyLines(
  values: readonly MonthSportValue[],
  months: readonly Month[],
  current: Month,
  convert: (v: number) => number,
  unit: string,
): ChartOption {
  const sports = [...new Set(values.map((v) => v.sport))].sort();
  return {
    legend: { top: 0, textStyle: { color: TEXT } },
    grid: { left: 56, right: 16, top: 40, bottom: 56 },
    xAxis: {
      ...monthAxis(months, current),
      axisLabel: { ...monthAxis(months, current).axisLabel, rotate: 45 },
    },
    yAxis: { type: 'value', name: unit, scale: true, axisLabel: { color: TEXT } },
    series: sports.map((sport) => ({
      type: 'line',
      name: sport,
      connectNulls: false,
      showSymbol: true,
      showAllSymbol: true,
      symbolSize: 7,
      data: months.map((m) => {
        const v = values.find((x) => x.month === m && x.sport === sport);
        return v ? Number(convert(v.value).toFixed(2)) : null;
      }),
    })),
  };
}

function gapNote(months: readonly Month[], known: ReadonlySet<Month>): string {
  const missing = monthsWithoutData(months, known);
  return missing.length
    ? ` Months without data are left blank, not drawn as zero: ${missing.join(', ')}.`
    : '';
}

/** The headline section: the month table (id month-table) and the comparison chart. */
function headlineSection(p: PageInput): string {
  const u = p.units;
  const prev = addMonths(p.month, -1);
  const yearAgo = addMonths(p.month, -12);
  const rows = headline(p.activities, p.month);
  const bySport = new Map(rows.map((r) => [r.sport, r]));
  const tableRows = p.monthGold.map((g) => {
    const h = bySport.get(g.sport_type);
    const cell = (field: string, raw: string, text: string) =>
      `<td data-field="${field}" data-value="${escapeHtml(raw)}">${escapeHtml(text)}</td>`;
    return [
      `<tr data-month="${escapeHtml(g.month)}" data-sport="${escapeHtml(g.sport_type)}">`,
      `<th scope="row">${escapeHtml(g.sport_type)}</th>`,
      cell('activity_count', String(g.activity_count), String(g.activity_count)),
      cell('distance', String(g.distance), `${fixed(u.distance(g.distance))} ${u.distanceLabel}`),
      cell('moving_time', String(g.moving_time), duration(Number(g.moving_time))),
      cell(
        'total_elevation_gain',
        String(g.total_elevation_gain),
        `${fixed(u.elevation(g.total_elevation_gain), 0)} ${u.elevationLabel}`,
      ),
      `<td>${pctText(changePct(g.distance, h?.previous?.distance))}</td>`,
      `<td>${pctText(changePct(g.distance, h?.yearAgo?.distance))}</td>`,
      '</tr>',
    ].join('');
  });
  const table = p.monthGold.length
    ? [
        `<div class="table-wrap" role="region" aria-label="${escapeHtml(p.month)} per sport" tabindex="0">`,
        `<table id="month-table"><caption>${escapeHtml(p.month)} per sport, distance against ${escapeHtml(prev)} and ${escapeHtml(yearAgo)}</caption>`,
        '<thead><tr><th scope="col">Sport</th><th scope="col">Activities</th><th scope="col">Distance</th><th scope="col">Moving time</th><th scope="col">Elevation</th>',
        `<th scope="col">vs ${escapeHtml(prev)}</th><th scope="col">vs ${escapeHtml(yearAgo)}</th></tr></thead>`,
        `<tbody>${tableRows.join('\n')}</tbody></table></div>`,
      ].join('\n')
    : `<p>No activities in ${escapeHtml(p.month)}.</p><table id="month-table"><tbody></tbody></table>`;
  const periods: { label: Month; pick: (r: (typeof rows)[number]) => Totals | null }[] = [
    { label: yearAgo, pick: (r) => r.yearAgo },
    { label: prev, pick: (r) => r.previous },
    { label: p.month, pick: (r) => r.now },
  ];
  const sports = rows.map((r) => r.sport);
  const marks: string[][] = [];
  for (const period of periods) {
    for (const r of rows) {
      const t = period.pick(r);
      if (t) {
        marks.push([
          period.label,
          r.sport,
          fixed(u.distance(t.distance)),
          duration(t.movingTime),
          String(t.count),
        ]);
      }
    }
  }
  const svg = renderSvg(
    {
      legend: { top: 0, textStyle: { color: TEXT } },
      grid: { left: 56, right: 16, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: sports, axisLabel: { color: TEXT } },
      yAxis: { type: 'value', name: u.distanceLabel, axisLabel: { color: TEXT } },
      series: periods.map((period) => ({
        type: 'bar',
        name: period.label,
        data: rows.map((r) => {
          const t = period.pick(r);
          return t ? Number(u.distance(t.distance).toFixed(2)) : null;
        }),
      })),
    },
    WIDTH,
    300,
  );
  const figure = chartFigure({
    name: 'headline',
    title: `Distance per sport: ${p.month} against ${prev} and ${yearAgo}`,
    caption: `Distance (${u.distanceLabel}) per sport in ${p.month}, the month before and the same month a year earlier; a sport without activities in a month has no bar.`,
    svg,
    table: {
      head: ['Month', 'Sport', `Distance (${u.distanceLabel})`, 'Moving time', 'Activities'],
      rows: marks,
    },
  });
  return section('headline', `${p.month} at a glance`, [table, figure]);
}

function trendsSection(p: PageInput): string {
  const u = p.units;
  const cells = monthlyBySport(p.activities, p.months);
  const sports = sportsOf(p.activities.filter((a) => p.months.includes(a.month)));
  const span = `${p.months[0]} to ${p.month}`;
  const note = gapNote(p.months, p.knownMonths);
  const rows = (value: (c: MonthSport) => string) =>
    cells.map((c) => [c.month, c.sport, value(c), String(c.count)]);
  const distance = chartFigure({
    name: 'trend-distance',
    title: `Distance per month and sport, ${span}`,
    caption: `Monthly distance (${u.distanceLabel}) stacked by sport; ${p.month} is marked ▲.${note}`,
    svg: renderSvg(
      monthlyBars(cells, p.months, p.month, sports, (c) => u.distance(c.distance), u.distanceLabel),
      WIDTH,
      340,
    ),
    table: {
      head: ['Month', 'Sport', `Distance (${u.distanceLabel})`, 'Activities'],
      rows: rows((c) => fixed(u.distance(c.distance))),
    },
  });
  const time = chartFigure({
    name: 'trend-time',
    title: `Moving time per month and sport, ${span}`,
    caption: `Monthly moving time (hours) stacked by sport; ${p.month} is marked ▲.${note}`,
    svg: renderSvg(
      monthlyBars(cells, p.months, p.month, sports, (c) => c.movingTime / 3600, 'h'),
      WIDTH,
      340,
    ),
    table: {
      head: ['Month', 'Sport', 'Moving time', 'Activities'],
      rows: rows((c) => duration(c.movingTime)),
    },
  });
  return section('trends', 'Month by month', [distance, time]);
}

function calendarSection(p: PageInput): string {
  const u = p.units;
  const last = lastDayOf(p.month);
  const first = addDays(last, -364);
  const days = dailyTotals(p.activities, last);
  const max = Math.max(1, ...days.map((d) => u.distance(d.distance)));
  const svg = renderSvg(
    {
      visualMap: {
        show: false,
        min: 0,
        max: Number(max.toFixed(1)),
        inRange: { color: ['#c6dbef', '#6baed6', '#2171b5', '#08306b'] },
      },
      calendar: {
        range: [first, last],
        top: 30,
        left: 40,
        right: 10,
        cellSize: ['auto', 13],
        yearLabel: { show: false },
        dayLabel: { color: TEXT, firstDay: 1 },
        monthLabel: { color: TEXT },
        itemStyle: { color: '#f3f4f6', borderColor: '#ffffff', borderWidth: 1 },
        splitLine: { lineStyle: { color: '#9ca3af', width: 1 } },
      },
      series: [
        {
          type: 'heatmap',
          coordinateSystem: 'calendar',
          data: days.map((d) => [d.day, Number(u.distance(d.distance).toFixed(2))]),
        },
      ],
    },
    WIDTH,
    150,
  );
  const figure = chartFigure({
    name: 'calendar',
    title: `Distance per day, ${first} to ${last}`,
    caption: `Each square is a day (weeks in columns, Monday on top); the darker, the further (up to ${fixed(max)} ${u.distanceLabel}). Days without activities stay grey.`,
    svg,
    table: {
      head: ['Day', `Distance (${u.distanceLabel})`, 'Moving time', 'Activities'],
      rows: days.map((d) => [
        d.day,
        fixed(u.distance(d.distance), 2),
        duration(d.movingTime),
        String(d.count),
      ]),
    },
  });
  return section('calendar', 'The last year, day by day', [figure]);
}

function effortSection(p: PageInput): string {
  const u = p.units;
  const note = gapNote(p.months, p.knownMonths);
  const speeds = speedBySport(p.activities, p.months);
  const pace = chartFigure({
    name: 'pace',
    title: `Average moving speed per sport and month (${u.speedLabel})`,
    caption: `Total distance over total moving time of each sport's activities with a distance; ${p.month} is marked ▲.${note}`,
    svg: renderSvg(monthlyLines(speeds, p.months, p.month, u.speed, u.speedLabel), WIDTH, 320),
    table: {
      head: ['Month', 'Sport', `Speed (${u.speedLabel})`, `Pace (${u.paceLabel})`, 'Activities'],
      rows: speeds.map((s) => [
        s.month,
        s.sport,
        fixed(u.speed(s.value)),
        paceText(s.value, u),
        String(s.count),
      ]),
    },
  });
  const hr = heartrateBySport(p.activities, p.months);
  const heartrate = chartFigure({
    name: 'heartrate',
    title: 'Average heart rate per sport and month (bpm)',
    caption: `The mean of the activities' average heart rate, for activities recorded with one; ${p.month} is marked ▲.${note}`,
    svg: renderSvg(
      monthlyLines(hr, p.months, p.month, (v) => v, 'bpm'),
      WIDTH,
      320,
    ),
    table: {
      head: ['Month', 'Sport', 'Heart rate (bpm)', 'Activities'],
      rows: hr.map((h) => [h.month, h.sport, fixed(h.value), String(h.count)]),
    },
  });
  return section('effort', 'Speed and heart rate', [pace, heartrate]);
}

/** Minutes and seconds per km or mile at `mps` metres per second. */
function paceText(mps: number, u: UnitSystem): string {
  if (mps <= 0) return '—';
  const seconds = Math.round(3600 / u.speed(mps));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function detailsSection(p: PageInput): string {
  if (!p.gearNames && !p.hrZones) return '';
  const u = p.units;
  const span = `${p.months[0]} to ${p.month}`;
  const parts: string[] = [];
  if (p.gearNames) {
    const gear = gearMileage(p.activities, p.months, p.gearNames);
    parts.push(
      chartFigure({
        name: 'gear',
        title: `Distance per gear, ${span}`,
        caption: `Distance (${u.distanceLabel}) of the activities done with each bike or pair of shoes in the span.`,
        svg: renderSvg(
          {
            grid: { left: 140, right: 24, top: 16, bottom: 32 },
            xAxis: { type: 'value', name: u.distanceLabel, axisLabel: { color: TEXT } },
            yAxis: {
              type: 'category',
              inverse: true,
              data: gear.map((g) => g.name),
              axisLabel: { color: TEXT, width: 130, overflow: 'truncate' },
            },
            series: [
              { type: 'bar', data: gear.map((g) => Number(u.distance(g.distance).toFixed(2))) },
            ],
          },
          WIDTH,
          Math.max(120, 48 + 28 * gear.length),
        ),
        table: {
          head: ['Gear', `Distance (${u.distanceLabel})`, 'Activities'],
          rows: gear.map((g) => [g.name, fixed(u.distance(g.distance)), String(g.count)]),
        },
      }),
    );
  }
  if (p.hrZones) {
    const zones = hrZoneTimes(p.hrZones, p.months);
    const sports = [...new Set(zones.map((z) => z.sport))];
    const zoneIds = [...new Set(zones.map((z) => z.zone))].sort((a, b) => a - b);
    parts.push(
      chartFigure({
        name: 'hr-zones',
        title: `Time in heart-rate zones per sport, ${span}`,
        caption:
          'Hours in each heart-rate zone (from the heart-rate streams of the activities with details).',
        svg: renderSvg(
          {
            legend: { top: 0, textStyle: { color: TEXT } },
            grid: { left: 110, right: 24, top: 40, bottom: 32 },
            xAxis: { type: 'value', name: 'h', axisLabel: { color: TEXT } },
            yAxis: { type: 'category', data: sports, axisLabel: { color: TEXT } },
            series: zoneIds.map((zone) => ({
              type: 'bar',
              name: `Zone ${zone}`,
              stack: 'zones',
              data: sports.map((s) => {
                const z = zones.find((x) => x.sport === s && x.zone === zone);
                return z ? Number((z.seconds / 3600).toFixed(2)) : null;
              }),
            })),
          },
          WIDTH,
          Math.max(140, 80 + 32 * sports.length),
        ),
        table: {
          head: ['Sport', 'Zone', 'Range', 'Time'],
          rows: zones.map((z) => [z.sport, String(z.zone), z.label, duration(z.seconds)]),
        },
      }),
    );
  }
  return section('details', 'Gear and heart-rate zones', parts);
}

function routesSection(p: PageInput): string {
  const list = routes(p.activities, p.month, p.privacyRadiusM);
  const withTrack = p.activities.some((a) => a.month === p.month && a.summary_polyline);
  if (!list.length) {
    const why = withTrack
      ? `no track of ${p.month} leaves the privacy radius (${p.privacyRadiusM} m) around its start and end.`
      : `the warehouse holds no track for ${p.month} (indoor activities, or stored without coordinates).`;
    return section('routes', 'Routes', [`<p>No route to draw: ${escapeHtml(why)}</p>`]);
  }
  const svgs = list.map((r, i) => {
    const id = `route-${i}-title`;
    const label = `${r.sport} on ${r.day}: ${r.name}`;
    return [
      '<div class="route-cell">',
      `<svg class="route" viewBox="0 0 100 100" role="img" aria-labelledby="${id}"><title id="${id}">${escapeHtml(label)}</title>`,
      `<path d="${routePath(r.points)}" fill="none" stroke="#c2410c" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/></svg>`,
      `<span>${escapeHtml(r.day)} · ${escapeHtml(r.sport)}</span>`,
      '</div>',
    ].join('');
  });
  const title = `Routes of ${p.month}`;
  const figure = [
    `<figure class="chart" data-chart="routes" data-marks="${list.length}">`,
    `<div class="routes">${svgs.join('\n')}</div>`,
    `<figcaption>${escapeHtml(`The newest ${list.length} tracks of ${p.month}, north up, each at its own scale; the ${p.privacyRadiusM} m around every start and end is left out.`)}</figcaption>`,
    dataTable(title, {
      head: ['Day', 'Sport', 'Activity', 'Points drawn'],
      rows: list.map((r) => [r.day, r.sport, r.name, String(r.points.length)]),
    }),
    '</figure>',
  ].join('\n');
  return section('routes', 'Routes', [figure]);
}

function section(id: string, heading: string, body: string[]): string {
  return [
    `<section id="${id}" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">${escapeHtml(heading)}</h2>`,
    ...body,
    '</section>',
  ].join('\n');
}

const CSS = `
:root{color-scheme:light;--text:#111827;--muted:#4b5563;--line:#d1d5db}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:#fff}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
p.meta,figcaption{color:var(--muted);font-size:.9rem}
figure{margin:1rem 0;max-width:100%}
figure svg{display:block;width:100%;height:auto;max-width:100%}
.chart-box{overflow-x:auto;max-width:100%}
.chart-box>svg{min-width:540px;max-width:none}
table{border-collapse:collapse;font-size:.9rem;max-width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right}
th:first-child,td:first-child{text-align:left}
#month-table{width:100%;margin:.5rem 0 1rem}
.table-wrap,details{overflow-x:auto;max-width:100%}
summary{cursor:pointer;color:#1e40af}
.routes{display:grid;grid-template-columns:repeat(auto-fill,minmax(110px,1fr));gap:8px}
.route-cell{border:1px solid var(--line);border-radius:6px;padding:4px;font-size:.75rem;color:var(--muted)}
.route-cell svg{width:100%;height:auto}
`;

/** The whole HTML document. */
export function renderPage(p: PageInput): string {
  const u = p.units;
  const sections = [
    headlineSection(p),
    trendsSection(p),
    calendarSection(p),
    effortSection(p),
    detailsSection(p),
    routesSection(p),
  ].filter(Boolean);
  const privacy = p.includePrivate
    ? 'Private activities are included.'
    : 'Private activities, and those of unknown visibility (imported from the account export), are left out.';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    `<title>Strava lakehouse report: ${escapeHtml(p.month)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>Strava lakehouse: ${escapeHtml(p.month)}</h1>`,
    `<p class="meta">${escapeHtml(`${p.months[0]} to ${p.month}, in ${u.units} units (${u.distanceLabel}, ${u.elevationLabel}). ${privacy} Built ${p.generatedAt}.`)}</p>`,
    ...sections,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
