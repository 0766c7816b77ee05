/**
 * Charts as inline SVG, rendered when the report is built with ECharts' server-side SVG
 * renderer (no script in the page). Only the chart types and components the report uses are
 * registered, which keeps the report chunk small.
 *
 * The SVG is made fit for inlining: no fixed width and height (it scales with its viewBox), no
 * namespace URLs, `role="img"` and `aria-labelledby` naming its `<title>`. Each drawn mark (a
 * bar, a point, a calendar day) keeps ECharts' `ecmeta_data_index` and
 * `ecmeta_ssr_type="chart"` attributes: their count is the figure's `data-marks`, and the rows of
 * its data table.
 */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  CalendarComponent,
  GridComponent,
  LegendComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  CalendarComponent,
  VisualMapComponent,
  SVGRenderer,
]);

/** An ECharts option (the renderer's own type is wider than the report needs). */
export type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

/**
 * Series colours with at least 3:1 contrast against white (WCAG's non-text contrast), told
 * apart by hue and lightness.
 */
export const PALETTE = [
  '#1f5fa8',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#b91c1c',
  '#0f766e',
  '#a16207',
  '#be185d',
  '#4d5b70',
];

/** The text colour in charts: 4.5:1 or better on white. */
export const TEXT = '#374151';

/** Renders `option` to an SVG string of `width` x `height` (viewBox units). */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { color: TEXT, fontFamily: 'system-ui, sans-serif' },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text (from data or not) safe in HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * An SVG string made ready to inline: the root's width, height and namespace attributes
 * dropped (viewBox kept), `role="img"` and `aria-labelledby` added, and a `<title>` with `id`
 * as its first child.
 */
export function accessibleSvg(svg: string, id: string, title: string): string {
  return svg.replace(/^<svg\b([^>]*)>/, (_, attrs: string) => {
    const kept = attrs
      .replace(/\s(width|height|xmlns(:\w+)?|version|baseProfile)="[^"]*"/g, '')
      .trim();
    return `<svg ${kept} role="img" aria-labelledby="${id}"><title id="${id}">${escapeHtml(title)}</title>`;
  });
}

/**
 * How many marks an SVG from renderSvg draws: the elements ECharts tags with a data index as
 * part of the chart (`ecmeta_ssr_type="chart"`; legend items carry a data index too).
 */
export function countMarks(svg: string): number {
  return svg.match(/\secmeta_data_index="\d+" ecmeta_ssr_type="chart"/g)?.length ?? 0;
}

/** A figure's data table: a header row and one row per mark. */
export interface DataTable {
  head: string[];
  rows: string[][];
}

/**
 * The HTML of one chart: `<figure class="chart" data-chart=NAME data-marks=N>` with the SVG,
 * a caption, and the data behind it in a `<details>` table (one row per mark).
 */
export function chartFigure(opts: {
  name: string;
  title: string;
  caption: string;
  svg: string;
  table: DataTable;
}): string {
  const id = `chart-${opts.name}-title`;
  return [
    `<figure class="chart" data-chart="${escapeHtml(opts.name)}" data-marks="${opts.table.rows.length}">`,
    // On a narrow screen the chart keeps a readable size and scrolls in its own box (focusable,
    // so a keyboard can scroll it too) instead of shrinking its text below legibility.
    `<div class="chart-box" tabindex="0" role="region" aria-label="${escapeHtml(opts.title)}">`,
    accessibleSvg(opts.svg, id, opts.title),
    '</div>',
    `<figcaption>${escapeHtml(opts.caption)}</figcaption>`,
    dataTable(opts.title, opts.table),
    '</figure>',
  ].join('\n');
}

/** A `<details>` with the data behind a chart, as a table with one tbody row per mark. */
export function dataTable(title: string, table: DataTable): string {
  const head = table.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = table.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return [
    `<details><summary>Data: ${escapeHtml(title)}</summary>`,
    `<table class="chart-data"><thead><tr>${head}</tr></thead>`,
    `<tbody>${rows}</tbody></table></details>`,
  ].join('\n');
}
