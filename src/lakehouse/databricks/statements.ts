/**
 * The Databricks statements of a run, from the plain files in sql/: which files run in which
 * order, with which named parameters. Values travel as parameters only where Databricks documents
 * a parameter marker: table names through `IDENTIFIER(:name)` (the subject of CREATE TABLE, the
 * target of COPY INTO and MERGE, a table a query reads) and values in a MERGE's expressions.
 * Everything else is written into the text as a checked literal: a table's LOCATION, COPY INTO's
 * source folder, file name and the lineage values of its SELECT (locationLiteral, monthLiteral,
 * runIdLiteral), and the schema of CREATE SCHEMA (quotedIdentifier).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabricksError } from '../../errors.js';
import type { Month } from '../../strava/months.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../tables.js';
import {
  fillPlaceholders,
  locationLiteral,
  monthLiteral,
  parameterNames,
  placeholderNames,
  quotedIdentifier,
  runIdLiteral,
} from './sql-text.js';

export const SQL_FILES = {
  createSchema: '00_create_schema.sql',
  createBronze: '01_create_bronze.sql',
  createSilver: '02_create_silver.sql',
  createGold: '03_create_gold.sql',
  copyIntoBronze: '10_copy_into_bronze.sql',
  mergeSilver: '20_merge_silver.sql',
  gold: '30_gold.sql',
} as const;

export type SqlFileName = (typeof SQL_FILES)[keyof typeof SQL_FILES];
/** The text of every sql/ file, by file name. */
export type SqlTexts = Readonly<Record<SqlFileName, string>>;

export type TableLocation = 'external' | 'managed';

export interface Statement {
  /** Where the statement lives, e.g. `sql/20_merge_silver.sql`: errors and run records name it. */
  file: string;
  /** The file's text with its placeholders filled; line N here is line N of the file. */
  text: string;
  /** Exactly the named parameters the text uses. */
  params: Record<string, string>;
  /** What it writes (and reads, when that can be refused): named in permission errors. */
  target: string;
  /** The months whose data it changes, for the run's list of changed months. */
  months: readonly Month[];
}

export interface PlanInput {
  catalog: string;
  schema: string;
  tableLocation: TableLocation;
  /** Full URI of a warehouse key, e.g. `s3://bucket/prefix/silver/activities`. */
  warehouseUri: (key: string) => string;
  /** This run's landing files, one per month. */
  landings: readonly { month: Month; key: string }[];
  /** The months gold changes are reported for: the run's months and the month after each (the MERGE itself covers all of silver). */
  goldMonths: readonly Month[];
  runId: string;
}

/** The table's name in the Databricks schema: its warehouse path with `_`, e.g. `silver_activities`. */
export function databricksTableName(def: TableDef): string {
  return def.path.replace(/\//g, '_');
}

/**
 * `catalog`.`schema`.`table` (or `catalog`.`schema`), each part back-quoted and checked, for
 * `IDENTIFIER(:name)` and for CREATE SCHEMA's text.
 */
export function qualifiedName(catalog: string, schema: string, def?: TableDef): string {
  const parts = [catalog, schema, ...(def ? [databricksTableName(def)] : [])];
  return parts.map(quotedIdentifier).join('.');
}

/** The statements of one run, in order: schema and tables, then each landing, then gold. */
export function planStatements(input: PlanInput, texts: SqlTexts): Statement[] {
  const name = (def?: TableDef) => qualifiedName(input.catalog, input.schema, def);
  const tableClause = (def: TableDef) =>
    input.tableLocation === 'external'
      ? `LOCATION ${locationLiteral(input.warehouseUri(def.path))}`
      : '';
  const values = {
    schema: name(),
    bronze: name(BRONZE),
    silver: name(SILVER),
    gold: name(GOLD),
  };
  const out: Statement[] = [];
  const add = (
    file: SqlFileName,
    target: string,
    months: readonly Month[],
    params: Record<string, string>,
    placeholders: Record<string, string> = {},
  ) =>
    out.push(
      buildStatement(file, texts[file], { ...values, ...params }, placeholders, target, months),
    );

  add(SQL_FILES.createSchema, `schema ${values.schema}`, [], {}, { schema: values.schema });
  for (const [file, def] of [
    [SQL_FILES.createBronze, BRONZE],
    [SQL_FILES.createSilver, SILVER],
    [SQL_FILES.createGold, GOLD],
  ] as const) {
    const where = input.tableLocation === 'external' ? ` at ${input.warehouseUri(def.path)}` : '';
    add(file, `table ${name(def)}${where}`, [], {}, { location: tableClause(def) });
  }
  for (const { month, key } of input.landings) {
    const slash = key.lastIndexOf('/');
    add(
      SQL_FILES.copyIntoBronze,
      `table ${values.bronze}, reading ${input.warehouseUri(key)}`,
      [month],
      {},
      {
        landing_dir: locationLiteral(input.warehouseUri(key.slice(0, slash))),
        landing_file_name: locationLiteral(key.slice(slash + 1)),
        landing_key: locationLiteral(key),
        run_id: runIdLiteral(input.runId),
        month: monthLiteral(month),
      },
    );
    add(SQL_FILES.mergeSilver, `table ${values.silver}`, [month], { landing_file: key, month });
  }
  if (input.goldMonths.length) {
    add(SQL_FILES.gold, `table ${values.gold}`, input.goldMonths, {});
  }
  return out;
}

/**
 * One statement of sql/`file`: its placeholders filled (exactly `placeholders`, no more, no
 * fewer) and exactly the named parameters its text uses, taken from `available`.
 */
export function buildStatement(
  file: string,
  template: string,
  available: Record<string, string>,
  placeholders: Record<string, string>,
  target: string,
  months: readonly Month[],
): Statement {
  const expected = Object.keys(placeholders).sort().join(', ');
  const found = placeholderNames(template).sort().join(', ');
  if (found !== expected) {
    throw new Error(`sql/${file} has placeholders [${found}]; the plan fills [${expected}].`);
  }
  const params: Record<string, string> = {};
  for (const p of parameterNames(template)) {
    const v = available[p];
    if (v === undefined)
      throw new Error(`sql/${file} uses :${p}, which the plan does not provide.`);
    params[p] = v;
  }
  return {
    file: `sql/${file}`,
    text: fillPlaceholders(template, placeholders),
    params,
    target,
    months,
  };
}

/**
 * The sql/ folder: next to src/ in the repository, next to dist/ in the action and the package.
 * Found by walking up from this module, which sits at a different depth in each.
 */
export function findSqlDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const tried: string[] = [];
  for (let dir = from, depth = 0; depth < 6; dir = path.dirname(dir), depth++) {
    const candidate = path.join(dir, 'sql');
    if (fs.existsSync(path.join(candidate, SQL_FILES.createSchema))) return candidate;
    tried.push(candidate);
    if (path.dirname(dir) === dir) break;
  }
  throw new DatabricksError(
    `The Databricks statements (sql/*.sql) were not found; looked in ${tried.join(', ')}.`,
    'Install strava-lakehouse with its sql/ folder (it ships beside dist/).',
  );
}

/** Reads every sql/ file the plan uses. */
export function loadSqlTexts(dir: string = findSqlDir()): SqlTexts {
  return readSqlFiles(Object.values(SQL_FILES), dir);
}

/** Reads the given sql/ files, by file name; a missing one is a DatabricksError naming it. */
export function readSqlFiles<F extends string>(
  files: readonly F[],
  dir: string = findSqlDir(),
): Readonly<Record<F, string>> {
  const texts = {} as Record<F, string>;
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      texts[file] = fs.readFileSync(full, 'utf8');
    } catch (err) {
      throw new DatabricksError(
        `Cannot read the Databricks statement ${full}: ${(err as Error).message}.`,
        'Reinstall strava-lakehouse; its sql/ folder is incomplete.',
        { cause: err },
      );
    }
  }
  return texts;
}
