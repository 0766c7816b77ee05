/**
 * Where the Databricks engine puts a chunk of detail rows for the warehouse to read: one CSV per
 * table, `landing/details/<table>/<table>-<sha256 prefix 16>.csv`, named by a hash of its bytes
 * like the activity landing files (src/landing/land.ts), so the same rows land once under one
 * name. sql/5x read them with read_files and an all-text schema, then cast each column.
 *
 * Cells (the Delta writer's cell form in, text out): every value is quoted and null is an empty
 * unquoted cell, so the empty string (`""`) and null stay apart through Spark's CSV reader (and
 * so read_files: an unquoted empty cell is its nullValue, a quoted one its emptyValue); longs as
 * decimal text, timestamps as epoch microseconds (`timestamp_micros` in SQL), doubles as
 * JavaScript's shortest round-trip text, booleans as `true`/`false`.
 */
import { stringify } from 'csv-stringify/sync';
import { QualityError } from '../../errors.js';
import type { ObjectStore } from '../../landing/store.js';
import { sha256Hex } from '../../landing/land.js';
import type { Row } from '../delta/table.js';
import type { Column, TableDef } from '../tables.js';

/** The table's landing folder name: its warehouse path's last part, e.g. `laps`. */
export function detailLandingName(def: TableDef): string {
  return def.path.slice(def.path.lastIndexOf('/') + 1);
}

/** `landing/details/<table>/<table>-<sha256:16>.csv` for a CSV body. */
export function detailLandingKey(def: TableDef, body: Uint8Array): string {
  const name = detailLandingName(def);
  return `landing/details/${name}/${name}-${sha256Hex(body).slice(0, 16)}.csv`;
}

const NUL = '\u0000';

/** One cell as CSV text; null stays null (written as an empty unquoted cell). */
function cellText(def: TableDef, column: Column, value: unknown): string | null {
  if (value === null || value === undefined) {
    if (!column.nullable) throw badCell(def, column, value, 'is required');
    return null;
  }
  switch (column.type) {
    case 'string':
      // NUL alone is the readers' nullValue (sql/5x): it would come back as NULL.
      if (value === NUL) throw badCell(def, column, value, 'is the NUL character alone');
      if (typeof value === 'string') return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      break;
    case 'long':
    case 'timestamp':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      break;
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      break;
  }
  throw badCell(def, column, value, `is not a ${column.type}`);
}

function badCell(def: TableDef, column: Column, value: unknown, what: string): QualityError {
  const shown = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  return new QualityError(
    `A ${def.path} row's ${column.name} (${shown}) ${what}.`,
    'This is a bug in strava-lakehouse: please report it with the activity id.',
  );
}

/** The CSV of `rows` for `def`: a header of its columns in order, then one line per row. */
export function detailCsv(def: TableDef, rows: readonly Row[]): string {
  const cells = rows.map((row) => def.columns.map((c) => cellText(def, c, row[c.name])));
  return stringify(cells, {
    header: true,
    columns: def.columns.map((c) => c.name),
    record_delimiter: '\n',
    // Every value quoted, so the empty string is `""` while null stays an empty unquoted cell
    // (quoted_empty would quote nulls too): the reader keeps them apart.
    quoted_string: true,
    // As in src/landing/csv.ts: a lone '\r' inside a cell must be quoted too.
    quote_record_delimiter: true,
  });
}

/** A detail CSV ready to land: its bytes and their content-addressed key. */
export interface DetailFile {
  key: string;
  body: Uint8Array;
}

/** The CSV of `rows` for `def` and its key; throws on a bad cell before anything is written. */
export function detailFile(def: TableDef, rows: readonly Row[]): DetailFile {
  const body = new TextEncoder().encode(detailCsv(def, rows));
  return { key: detailLandingKey(def, body), body };
}

/**
 * Lands a detail file under its key, written once like landCsv; true if it was already there.
 */
export async function landDetailFile(store: ObjectStore, file: DetailFile): Promise<boolean> {
  if (await store.head(file.key)) return true;
  return !(await store.putIfAbsent(file.key, file.body));
}
