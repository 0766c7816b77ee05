/**
 * The sql/ files are plain SQL a reader can run by hand, so their column lists are written out.
 * These tests hold them to src/lakehouse/tables.ts and the cast rules of parseCell: a field added
 * to the activity schema fails here, naming the file and the column, until the SQL has it.
 */
import { describe, expect, it } from 'vitest';
import { loadSqlTexts, SQL_FILES } from '../../../src/lakehouse/databricks/statements.js';
import { BRONZE, GOLD, SILVER, type TableDef } from '../../../src/lakehouse/tables.js';
import { ACTIVITY_FIELDS, CSV_COLUMNS, SQL_TYPE } from '../../../src/strava/schema.js';

const texts = loadSqlTexts();

/** Lines of a file without its `--` comments. */
const code = (file: keyof typeof texts) =>
  texts[file]
    .split('\n')
    .map((l) => l.replace(/--.*$/, '').trim())
    .filter(Boolean);

/** The `(...)` block that follows the line starting with `opener`, one entry per line. */
function block(file: keyof typeof texts, opener: RegExp): string[] {
  const lines = code(file);
  const start = lines.findIndex((l) => opener.test(l));
  expect(start, `${file}: no line matching ${opener}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^\)/.test(l));
  return lines.slice(start + 1, end).map((l) => l.replace(/,$/, ''));
}

describe.each([
  [SQL_FILES.createBronze, BRONZE],
  [SQL_FILES.createSilver, SILVER],
  [SQL_FILES.createGold, GOLD],
] as [keyof typeof texts, TableDef][])('%s', (file, def) => {
  it(`declares the columns of ${def.path}, in order, with their types and nullability`, () => {
    const declared = block(file, /^CREATE TABLE IF NOT EXISTS IDENTIFIER\(:\w+\) \($/);
    expect(declared).toEqual(
      def.columns.map((c) => `\`${c.name}\` ${SQL_TYPE[c.type]}${c.nullable ? '' : ' NOT NULL'}`),
    );
  });

  it('partitions like the table definition and keeps deletion vectors off', () => {
    const lines = code(file);
    expect(lines).toContain(
      `PARTITIONED BY (${def.partitionColumns.map((c) => `\`${c}\``).join(', ')})`,
    );
    expect(lines).toContain(`COMMENT '${def.description}'`);
    expect(lines).toContain("TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')");
    expect(lines).toContain('${location}');
  });
});

describe(SQL_FILES.copyIntoBronze, () => {
  it('selects every landing column by name, then the lineage columns of bronze', () => {
    const select = block(SQL_FILES.copyIntoBronze, /^FROM \($/).slice(1, -1);
    const names = select.map((l) => /`(\w+)`$/.exec(l)?.[1]);
    expect(names).toEqual(BRONZE.columns.map((c) => c.name));
    expect(select.slice(0, CSV_COLUMNS.length)).toEqual(CSV_COLUMNS.map((c) => `\`${c}\``));
    expect(select.slice(CSV_COLUMNS.length)).toEqual([
      ':landing_file AS `_landing_file`',
      'current_timestamp() AS `_ingested_at`',
      ':run_id AS `_run_id`',
      ':month AS `month`',
    ]);
  });

  it('reads RFC 4180 CSV: header, quoted newlines, doubled quotes, every value as text', () => {
    const options = Object.fromEntries(
      block(SQL_FILES.copyIntoBronze, /^FORMAT_OPTIONS \($/).map((l) => {
        const m = /^'(\w+)' = '(.*)'$/.exec(l);
        return [m?.[1], m?.[2]];
      }),
    );
    expect(options).toMatchObject({
      header: 'true',
      inferSchema: 'false',
      multiLine: 'true',
      quote: '"',
      escape: '"',
      mode: 'FAILFAST',
    });
    expect(code(SQL_FILES.copyIntoBronze)).toContain('FILEFORMAT = CSV');
  });
});

describe(SQL_FILES.mergeSilver, () => {
  const expectedCast = (name: string, type: keyof typeof SQL_TYPE, required: boolean) => {
    const cell = `NULLIF(\`${name}\`, '')`;
    if (type === 'string' && required) return `COALESCE(\`${name}\`, '') AS \`${name}\``;
    if (type === 'string') return `${cell} AS \`${name}\``;
    if (type === 'boolean') return `${cell} = 'true' AS \`${name}\``;
    return `CAST(${cell} AS ${SQL_TYPE[type]}) AS \`${name}\``;
  };

  it('casts every field by the rules of parseCell, and keeps bronze month', () => {
    const select = block(SQL_FILES.mergeSilver, /^USING \($/).slice(1);
    const from = select.findIndex((l) => l.startsWith('FROM '));
    expect(select.slice(0, from)).toEqual([
      ...ACTIVITY_FIELDS.map((f) => expectedCast(f.name, f.type, f.required)),
      '`month`',
    ]);
  });

  it('compares every silver column before rewriting a row', () => {
    const compared = block(SQL_FILES.mergeSilver, /^WHEN MATCHED AND NOT \($/);
    expect(compared).toEqual(
      SILVER.columns.map((c, i) => `${i ? 'AND ' : ''}t.\`${c.name}\` <=> s.\`${c.name}\``),
    );
  });
});

describe(SQL_FILES.gold, () => {
  it('compares every gold column before rewriting a row', () => {
    const compared = block(SQL_FILES.gold, /^WHEN MATCHED AND NOT \($/);
    expect(compared).toEqual(
      GOLD.columns.map((c, i) => `${i ? 'AND ' : ''}t.\`${c.name}\` <=> s.\`${c.name}\``),
    );
  });

  it('produces every gold column, in order', () => {
    const lines = code(SQL_FILES.gold);
    const start = lines.indexOf('SELECT', lines.findIndex((l) => l.startsWith('totals AS')) + 1);
    const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM totals'));
    const produced = lines
      .slice(start + 1, end)
      .join(' ')
      .split(/,\s(?=c\.|CASE|p\.)/)
      .map((e) => /(?:AS )?`?(\w+)`?$/.exec(e.trim().replace(/,$/, ''))?.[1]);
    expect(produced).toEqual(GOLD.columns.map((c) => c.name));
  });
});
