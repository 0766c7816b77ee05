/**
 * Reading the text of a sql/ file: its named parameter markers (`:month`), its `${name}`
 * placeholders, and where its statement starts. Comments, string literals and back-quoted
 * identifiers are skipped, so `'s3://…'` or a `:word` in a comment is never taken for a marker.
 */
import { ConfigError } from '../../errors.js';

interface Segment {
  /** SQL code, as opposed to a comment, a string literal or a quoted identifier. */
  code: boolean;
  text: string;
}

/** Splits SQL text into code and non-code segments; joining them gives the text back. */
function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  let i = 0;
  const push = (code: boolean, end: number) => {
    if (end > start) out.push({ code, text: sql.slice(start, end) });
    start = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end = -1;
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      end = nl === -1 ? sql.length : nl;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close === -1 ? sql.length : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += c !== '`' && sql[j] === '\\' ? 2 : 1;
      end = Math.min(j + 1, sql.length);
    }
    if (end === -1) {
      i++;
      continue;
    }
    push(true, i);
    push(false, end);
    i = end;
  }
  push(true, sql.length);
  return out;
}

const MARKER = /(?<![:\w]):([A-Za-z_]\w*)/g;
const PLACEHOLDER = /\$\{(\w+)\}/g;

/** The named parameter markers the statement uses, each once, in order of appearance. */
export function parameterNames(sql: string): string[] {
  const names = new Set<string>();
  for (const s of segments(sql)) {
    if (s.code) for (const m of s.text.matchAll(MARKER)) names.add(m[1] as string);
  }
  return [...names];
}

/** The `${name}` placeholders in the statement's code (those in comments are documentation). */
export function placeholderNames(sql: string): string[] {
  const names = new Set<string>();
  for (const s of segments(sql)) {
    if (s.code) for (const m of s.text.matchAll(PLACEHOLDER)) names.add(m[1] as string);
  }
  return [...names];
}

/**
 * Replaces each `${name}` in code with `values[name]`. Values are single-line, so the text keeps
 * its line numbers and a server's "line N" still points into the file.
 */
export function fillPlaceholders(sql: string, values: Readonly<Record<string, string>>): string {
  return segments(sql)
    .map((s) =>
      s.code
        ? s.text.replace(PLACEHOLDER, (_all, name: string) => {
            const v = values[name];
            if (v === undefined) throw new Error(`No value for the SQL placeholder \${${name}}.`);
            if (/[\r\n]/.test(v)) throw new Error(`The value for \${${name}} spans lines.`);
            return v;
          })
        : s.text,
    )
    .join('');
}

/** The 1-based line where the statement begins, after its leading comments. */
export function firstCodeLine(sql: string): number {
  let offset = 0;
  for (const s of segments(sql)) {
    const at = s.code ? s.text.search(/\S/) : -1;
    if (at !== -1) return sql.slice(0, offset + at).split('\n').length;
    offset += s.text.length;
  }
  return 1;
}

// Characters of S3 URIs and folder paths that need no escaping inside a SQL string literal.
const SAFE_LOCATION = /^[A-Za-z0-9_./:=+-]+$/;

/** True when `location` can go into a SQL string literal as it is (see locationLiteral). */
export function isSqlSafeLocation(location: string): boolean {
  return SAFE_LOCATION.test(location);
}

/**
 * A location as a SQL string literal, for the places where Databricks documents no parameter
 * marker (a table's LOCATION, COPY INTO's source, FILES and SELECT list, read_files' path).
 * Anything that could end or escape the literal is refused rather than escaped.
 */
export function locationLiteral(location: string): string {
  if (!isSqlSafeLocation(location)) {
    throw new ConfigError(
      `The warehouse location "${location}" has characters that cannot go into a Databricks SQL statement.`,
      'Use only letters, digits and / . _ - = + : in the warehouse path.',
    );
  }
  return `'${location}'`;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `'2024-05'`: a month as a SQL string literal, checked by its pattern (YYYY-MM). */
export function monthLiteral(month: string): string {
  if (!MONTH.test(month)) throw new Error(`"${month}" is not a month (YYYY-MM).`);
  return `'${month}'`;
}

// A run id (newRunId: `20240701T060000Z-abc123`) or a caller's own: no quote, no backslash.
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A run id as a SQL string literal, checked by its alphabet: letters, digits and . _ : -. */
export function runIdLiteral(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new Error(`The run id "${runId}" has characters that cannot go into a SQL literal.`);
  }
  return `'${runId}'`;
}

// Unity Catalog names need back-quotes for a hyphen; a back-quote itself is never accepted.
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * A catalog, schema or table name back-quoted, for a statement's text (`CREATE SCHEMA`) or an
 * `IDENTIFIER(...)` parameter: letters, digits, underscores and hyphens only, so nothing can end
 * the quoting.
 */
export function quotedIdentifier(name: string): string {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `The Databricks name "${name}" has characters that cannot go into a SQL identifier.`,
      'Use only letters, digits, underscores and hyphens in the catalog and schema names.',
    );
  }
  return `\`${name}\``;
}
