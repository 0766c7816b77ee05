/**
 * The job summary: what the run did to each month, the newest month against the one before,
 * and a chart of the last 12 months. Pure: Markdown from run records and gold rows, naming only
 * the fields it shows, so nothing else a record might carry can reach the page.
 */
import type { DetailsRecord } from '../details/phase.js';
import type { GoldRow } from '../lakehouse/gold.js';
import type { RunRecord, TableProtocol, TableVersions } from '../runs/record.js';
import { addMonths, type Month } from '../strava/months.js';

export interface SummaryOptions {
  /** Lines a reader must not miss (a stop on the rate limit, a token not written back). */
  warnings?: string[];
}

export const CHART_MONTHS = 12;

export function renderSummary(
  records: RunRecord[],
  gold: GoldRow[],
  opts: SummaryOptions = {},
): string {
  const months = records.map((r) => r.month);
  const last = months[months.length - 1];
  // A run of one month names it first; the months its lookback re-checked follow.
  const rechecked = records[records.length - 1]?.rechecked;
  const title = !last
    ? 'no month done'
    : rechecked?.length
      ? `${last} (re-checked ${rechecked.join(', ')})`
      : months[0] === last
        ? last
        : `${months[0]} to ${last}`;
  const out = [`## Strava lakehouse: ${title}`, ''];
  for (const w of opts.warnings ?? []) out.push('> [!WARNING]', `> ${escape(w)}`, '');
  if (!last) return out.join('\n');
  out.push(...runsTable(records), '');
  const warnings = records.flatMap((r) => r.qualityWarnings);
  if (warnings.length) {
    out.push('### Quality warnings', '', ...warnings.map((w) => `- ${escape(w)}`), '');
  }
  const details = records[records.length - 1]?.details;
  if (details) out.push(...detailsLines(details), '');
  const own = records[records.length - 1];
  if (own?.tableProtocols?.length || own?.handedOver?.length) {
    out.push(...protocolLines(own.tableProtocols ?? [], own.handedOver ?? []), '');
  }
  out.push(...monthOverMonth(gold, last), '', ...chart(gold, last), '');
  return out.join('\n');
}

/** The detail phase in a few lines: counts only, never a position or a private activity's name. */
function detailsLines(d: DetailsRecord): string[] {
  const fetched = `fetched for ${d.fetched} activities this run${d.notFound ? ` (${d.notFound} no longer on Strava)` : ''}, in ${d.requests} requests`;
  const queued = d.queued
    ? `${d.queued} activities still queued (${d.queuedRequests} requests): about ${d.runsToFinish} more run(s) to finish`
    : 'none queued';
  const out = [
    '### Activity details',
    '',
    `- ${d.withDetails} activities have details; ${fetched}; ${queued}.`,
  ];
  if (d.stoppedMessage) out.push(`- ${escape(d.stoppedMessage)}`);
  return out;
}

/**
 * After a Databricks run: which tables need more than a Delta reader 1, and whether
 * strava-lakehouse's own reader (inspect, report) still reads them.
 */
function protocolLines(
  protocols: readonly TableProtocol[],
  handedOver: readonly string[],
): string[] {
  const out = ['### Table protocols', ''];
  if (handedOver.length) {
    out.push(
      `- Taken over from the embedded engine: ${handedOver.map((t) => `\`${t}\``).join(', ')} (\`strava-lakehouse migrate --to embedded\` hands them back).`,
    );
  }
  const upgraded = protocols.filter((p) => p.minReaderVersion > 1);
  if (protocols.length && !upgraded.length) {
    out.push(
      `- All ${protocols.length} tables are Delta reader 1 / writer ${Math.max(...protocols.map((p) => p.minWriterVersion))}: any Delta reader opens them.`,
    );
  }
  for (const p of upgraded) {
    const features = p.readerFeatures.length ? ` with ${p.readerFeatures.join(', ')}` : '';
    const who = p.embeddedReads
      ? 'strava-lakehouse inspect and report still read it'
      : 'strava-lakehouse cannot read it: use Spark, Databricks or delta-rs';
    out.push(
      `- \`${p.table}\` needs a Delta reader ${p.minReaderVersion}${features} (writer ${p.minWriterVersion}); ${who}.`,
    );
  }
  return out;
}

function runsTable(records: RunRecord[]): string[] {
  const rows = records.map((r) =>
    cells([
      r.month,
      r.forced ? `${r.status} (forced)` : r.status,
      String(r.activities),
      `\`${r.landing.key.replace(/`/g, '')}\`${r.landing.reused ? ' (reused)' : ''}`,
      versions(r.tables.before, r.tables.after, 'bronze'),
      versions(r.tables.before, r.tables.after, 'silver'),
      versions(r.tables.before, r.tables.after, 'gold'),
      String(r.stravaRequests),
      `${(r.durationMs / 1000).toFixed(1)} s`,
    ]),
  );
  return [
    cells([
      'Month',
      'Status',
      'Activities',
      'Landing file',
      'bronze',
      'silver',
      'gold',
      'Strava requests',
      'Took',
    ]),
    cells(Array(9).fill('---')),
    ...rows,
  ];
}

function versions(before: TableVersions, after: TableVersions, table: keyof TableVersions): string {
  const v = (n: number | null) => (n === null ? '—' : `v${n}`);
  return before[table] === after[table]
    ? v(after[table])
    : `${v(before[table])} → ${v(after[table])}`;
}

interface Totals {
  count: number;
  distance: number;
  moving: number;
  elevation: number;
}

function totals(rows: GoldRow[]): Totals {
  return rows.reduce(
    (t, r) => ({
      count: t.count + Number(r.activity_count),
      distance: t.distance + r.distance,
      moving: t.moving + Number(r.moving_time),
      elevation: t.elevation + r.total_elevation_gain,
    }),
    { count: 0, distance: 0, moving: 0, elevation: 0 },
  );
}

/** One line of the month-over-month table; changes are null where there is nothing to compare. */
interface Line extends Totals {
  sport: string;
  countChange: number | null;
  distancePct: number | null;
  movingPct: number | null;
}

function monthOverMonth(gold: GoldRow[], month: Month): string[] {
  const prevMonth = addMonths(month, -1);
  const rows = gold.filter((r) => r.month === month);
  const head = `### ${month} against ${prevMonth}`;
  if (!rows.length) return [head, '', `No activities in ${month}.`];
  // Per sport, gold's own change columns; for all sports together, the same rules on the sums.
  const perSport = rows.map((r): Line => ({
    ...totals([r]),
    sport: escape(r.sport_type),
    countChange: r.activity_count_change === null ? null : Number(r.activity_count_change),
    distancePct: r.distance_change_pct,
    movingPct: r.moving_time_change_pct,
  }));
  // Like gold, no rows the month before means nothing to compare with (it may not be loaded).
  const now = totals(rows);
  const prevRows = gold.filter((r) => r.month === prevMonth);
  const prev = prevRows.length ? totals(prevRows) : undefined;
  const all: Line = {
    ...now,
    sport: '**All sports**',
    countChange: prev ? now.count - prev.count : null,
    distancePct: prev ? pct(now.distance, prev.distance) : null,
    movingPct: prev ? pct(now.moving, prev.moving) : null,
  };
  return [
    head,
    '',
    cells([
      'Sport',
      'Activities',
      'Change',
      'Distance (km)',
      'Change',
      'Moving time',
      'Change',
      'Elevation (m)',
    ]),
    cells(Array(8).fill('---')),
    ...[...perSport, all].map((l) =>
      cells([
        l.sport,
        String(l.count),
        change(l.countChange, ''),
        km(l.distance),
        change(l.distancePct, '%'),
        hours(l.moving),
        change(l.movingPct, '%'),
        l.elevation.toFixed(0),
      ]),
    ),
  ];
}

/**
 * A Mermaid bar chart of the distance of each of the last 12 months that has data. A month
 * without gold rows (never ingested, or no activity) is left off the axis and named under the
 * chart: a bar of zero would say the athlete did nothing.
 */
function chart(gold: GoldRow[], month: Month): string[] {
  const months = Array.from({ length: CHART_MONTHS }, (_, i) =>
    addMonths(month, i - CHART_MONTHS + 1),
  );
  const held = months.filter((m) => gold.some((r) => r.month === m));
  const missing = months.filter((m) => !held.includes(m));
  const head = [`### The last ${CHART_MONTHS} months`, ''];
  if (!held.length) return [...head, `No data for ${months[0]} to ${month}.`];
  const km = held.map((m) => totals(gold.filter((r) => r.month === m)).distance / 1000);
  return [
    ...head,
    '```mermaid',
    'xychart-beta',
    '  title "Distance per month (km)"',
    `  x-axis [${held.map((m) => `"${m}"`).join(', ')}]`,
    '  y-axis "km"',
    `  bar [${km.map((d) => d.toFixed(1)).join(', ')}]`,
    '```',
    ...(missing.length ? ['', `No data for ${missing.join(', ')} (left off the chart).`] : []),
  ];
}

/**
 * The job summary's line about the HTML report: a link to its artifact when it was uploaded,
 * else the folder it was written to.
 */
export function reportSummary(report: { dir: string; url?: string }): string {
  const where = report.url
    ? `[the artifact strava-lakehouse-report](${report.url}) (download it, open index.html)`
    : `\`${report.dir.replace(/`/g, '')}\` on the runner`;
  return `### Report\n\nThe HTML report of the lakehouse: ${where}.\n`;
}

const cells = (values: string[]) => `| ${values.join(' | ')} |`;
const km = (meters: number) => (meters / 1000).toFixed(1);

function hours(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const pct = (now: number, prev: number) => (prev === 0 ? null : (100 * (now - prev)) / prev);

/** `+3`, `-12.5%`; a dash where there is no earlier value to compare with. */
function change(value: number | null, unit: '' | '%'): string {
  if (value === null) return '—';
  const text = unit ? value.toFixed(1) : String(value);
  return `${value > 0 ? '+' : ''}${text}${unit}`;
}

/**
 * Text from data (activity names, sport types, warnings) as inert Markdown: no HTML, no table
 * breaks, no links, images, emphasis or code spans, and no bare URL that GitHub would link
 * (`https\://`, `www\.` keep their text and lose the link).
 */
function escape(text: string): string {
  return text
    .replace(/[\\`*[\]|!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\$&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}
