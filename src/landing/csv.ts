/**
 * Where a month of activities becomes the landing CSV, and where a landing CSV is read back.
 *
 * The columns are CSV_COLUMNS from the one activity schema, in that order: nested fields are
 * flattened by the schema (`athlete.id` -> `athlete_id`, `map.summary_polyline` ->
 * `summary_polyline`), lat/lng pairs are JSON text (`[51.5,-0.1]`), absent or null values are
 * empty cells, and the last column, `raw`, holds the whole record as JSON so fields the schema
 * does not know still reach bronze. RFC 4180 quoting, '\n' between records, UTF-8 without BOM;
 * cell text is kept exactly as Strava sent it (no formula escaping: this file feeds tables,
 * not spreadsheets).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { QualityError } from '../errors.js';
import { ACTIVITY_FIELDS, CSV_COLUMNS, csvCell, type StravaActivity } from '../strava/schema.js';

/** A month's landing rows as cell arrays in CSV_COLUMNS order, sorted by id. */
export function landingCells(activities: readonly StravaActivity[]): string[][] {
  return [...activities]
    .sort((a, b) => a.id - b.id)
    .map((a) => [...ACTIVITY_FIELDS.map((f) => csvCell(a, f)), JSON.stringify(a)]);
}

/**
 * A landing row as a record, column name -> cell text: what parseLandingCsv reads back from the
 * row cellsToCsv writes for the same cells (a unit test holds the two to that).
 */
export function cellsToRecord(cells: readonly string[]): Record<string, string> {
  return Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, cells[i]!]));
}

/** The landing CSV text of landingCells' rows: a header line, then one line per row. */
export function cellsToCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], {
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: '\n',
    // With an explicit record delimiter csv-stringify stops quoting a lone '\r'; RFC 4180
    // readers (Spark, Databricks) would split the row there.
    quote_record_delimiter: true,
  });
}

/** The landing CSV of a month: a header line, then one row per activity sorted by id. */
export function activitiesToCsv(activities: readonly StravaActivity[]): string {
  return cellsToCsv(landingCells(activities));
}

/**
 * Reads a landing CSV back into one record per row (column name -> cell text). The header must
 * be CSV_COLUMNS exactly: a file edited by hand, or landed by a different schema, is refused
 * with an error naming `file` and the difference, before it can reach a table.
 */
export function parseLandingCsv(text: string, file: string): Record<string, string>[] {
  const fix = 'Landing files are written by strava-lakehouse and must not be edited.';
  const refuse = (what: string) =>
    new QualityError(
      `Landing file ${file} ${what}.`,
      `${fix} Delete it and re-run the month with --force to land it again.`,
    );
  if (text.replace(/^\uFEFF/, '').trim() === '') throw refuse('is empty (no header line)');
  try {
    const rows = parse(text, {
      bom: true,
      columns: (header: string[]) => {
        const diff = headerDifference(header);
        if (diff) throw refuse(`does not have the landing columns: ${diff}`);
        return header;
      },
    }) as Record<string, string>[];
    // csv-parse adds a record's keys one by one, which leaves V8 a large dictionary-mode
    // object; made in one go, a row with its text takes half the memory (a backfill holds all).
    return rows.map((row) => Object.fromEntries(Object.entries(row)));
  } catch (err) {
    if (err instanceof QualityError) throw err;
    throw refuse(`is not valid CSV: ${(err as Error).message}`);
  }
}

/** What differs between a header and CSV_COLUMNS, or undefined when they are equal. */
function headerDifference(header: readonly string[]): string | undefined {
  const expected = new Set(CSV_COLUMNS);
  const got = new Set(header);
  const missing = CSV_COLUMNS.filter((c) => !got.has(c));
  const unexpected = header.filter((c) => !expected.has(c));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${quoteList(missing)}`);
  if (unexpected.length) parts.push(`unexpected ${quoteList(unexpected)}`);
  if (parts.length) return parts.join('; ');
  if (header.length !== CSV_COLUMNS.length) return 'a column appears more than once';
  const at = header.findIndex((c, i) => c !== CSV_COLUMNS[i]);
  if (at === -1) return undefined;
  return `columns out of order: column ${at + 1} is "${header[at]}", expected "${CSV_COLUMNS[at]}"`;
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
