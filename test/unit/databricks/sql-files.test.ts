/**
 * The sql/ files are plain SQL a reader can run by hand, so their column lists are written out.
 * These tests hold them to src/lakehouse/tables.ts and the cast rules of parseCell: a field added
 * to the activity schema fails here, naming the file and the column, until the SQL has it.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARY_HASH_FIELDS } from '../../../src/details/summary-hash.js';
import {
  DETAIL_PARAMS,
  DETAIL_SQL_FILES,
  loadDetailSqlTexts,
} from '../../../src/lakehouse/databricks/detail-statements.js';
import { loadSqlTexts, SQL_FILES } from '../../../src/lakehouse/databricks/statements.js';
import {
  ACTIVITY_DETAILS,
  ATHLETE_ZONES,
  EFFORTS,
  GEAR,
  GOLD_BESTS,
  GOLD_GEAR,
  GOLD_HR_ZONES,
  LAPS,
  STREAMS,
} from '../../../src/lakehouse/detail-tables.js';
import { BRONZE, GOLD, SILVER, type Column, type TableDef } from '../../../src/lakehouse/tables.js';
import { ACTIVITY_FIELDS, CSV_COLUMNS, SQL_TYPE } from '../../../src/strava/schema.js';
import { tableProperties } from '../../../src/lakehouse/table-properties.js';

/**
 * The properties every CREATE TABLE declares: the embedded writer's (table-properties.ts) with
 * the engine property saying databricks, so Delta adopts a handed-over table as it is.
 */
const DATABRICKS_TBLPROPERTIES = `TBLPROPERTIES (${Object.entries(tableProperties('databricks'))
  .map(([k, v]) => `'${k}' = '${v}'`)
  .join(', ')})`;

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

  it('partitions like the table definition, keeps deletion vectors off and names the engine', () => {
    const lines = code(file);
    expect(lines).toContain(
      `PARTITIONED BY (${def.partitionColumns.map((c) => `\`${c}\``).join(', ')})`,
    );
    expect(lines).toContain(`COMMENT '${def.description}'`);
    expect(lines).toContain(DATABRICKS_TBLPROPERTIES);
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
      '${landing_key} AS `_landing_file`',
      'current_timestamp() AS `_ingested_at`',
      '${run_id} AS `_run_id`',
      '${month} AS `month`',
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

/*
 * The detail tables' files (sql/4x-8x) held to src/lakehouse/detail-tables.ts the same way.
 */
const detailTexts = loadDetailSqlTexts();

const detailCode = (file: keyof typeof detailTexts) =>
  detailTexts[file]
    .split('\n')
    .map((l) => l.replace(/--.*$/, '').trim())
    .filter(Boolean);

function detailBlock(file: keyof typeof detailTexts, opener: RegExp): string[] {
  const lines = detailCode(file);
  const start = lines.findIndex((l) => opener.test(l));
  expect(start, `${file}: no line matching ${opener}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^\)/.test(l));
  return lines.slice(start + 1, end).map((l) => l.replace(/,$/, ''));
}

const compareList = (def: TableDef) =>
  def.columns.map((c, i) => `${i ? 'AND ' : ''}t.\`${c.name}\` <=> s.\`${c.name}\``);

describe.each([
  [DETAIL_SQL_FILES.createActivityDetails, ACTIVITY_DETAILS],
  [DETAIL_SQL_FILES.createLaps, LAPS],
  [DETAIL_SQL_FILES.createStreams, STREAMS],
  [DETAIL_SQL_FILES.createGear, GEAR],
  [DETAIL_SQL_FILES.createAthleteZones, ATHLETE_ZONES],
  [DETAIL_SQL_FILES.createGoldGear, GOLD_GEAR],
  [DETAIL_SQL_FILES.createGoldHrZones, GOLD_HR_ZONES],
  [DETAIL_SQL_FILES.createGoldBests, GOLD_BESTS],
] as [keyof typeof detailTexts, TableDef][])('%s', (file, def) => {
  it(`creates ${def.path} (its parameter, columns in order with types and nullability)`, () => {
    const param = DETAIL_PARAMS.get(def);
    const declared = detailBlock(
      file,
      new RegExp(`^CREATE TABLE IF NOT EXISTS IDENTIFIER\\(:${param}\\) \\($`),
    );
    expect(declared).toEqual(
      def.columns.map((c) => `\`${c.name}\` ${SQL_TYPE[c.type]}${c.nullable ? '' : ' NOT NULL'}`),
    );
  });

  it('partitions like the table definition, keeps deletion vectors off and names the engine', () => {
    const lines = detailCode(file);
    const partitioned = lines.filter((l) => l.startsWith('PARTITIONED BY'));
    expect(partitioned).toEqual(
      def.partitionColumns.length
        ? [`PARTITIONED BY (${def.partitionColumns.map((c) => `\`${c}\``).join(', ')})`]
        : [],
    );
    expect(lines).toContain(`COMMENT '${def.description}'`);
    expect(lines).toContain(DATABRICKS_TBLPROPERTIES);
    expect(lines).toContain('${location}');
  });
});

describe.each([
  [DETAIL_SQL_FILES.mergeActivityDetails, ACTIVITY_DETAILS, ['activity_id'], 'none'],
  [DETAIL_SQL_FILES.mergeLaps, LAPS, ['activity_id', 'lap_index'], 'chunk'],
  [DETAIL_SQL_FILES.mergeStreams, STREAMS, ['activity_id', 'sample_index'], 'chunk'],
  [DETAIL_SQL_FILES.mergeGear, GEAR, ['id'], 'none'],
  [DETAIL_SQL_FILES.mergeAthleteZones, ATHLETE_ZONES, ['zone_type', 'zone_index'], 'all'],
] as [keyof typeof detailTexts, TableDef, string[], 'none' | 'chunk' | 'all'][])(
  '%s',
  (file, def, keys, deletes) => {
    const expectedCast = (c: Column) => {
      const n = `\`${c.name}\``;
      if (c.type === 'string') return n;
      if (c.type === 'timestamp') return `timestamp_micros(CAST(${n} AS BIGINT)) AS ${n}`;
      return `CAST(${n} AS ${SQL_TYPE[c.type]}) AS ${n}`;
    };

    it(`casts every column of ${def.path} from the landed text, in order`, () => {
      const select = detailBlock(file, /^USING \($/).slice(1);
      const from = select.findIndex((l) => l.startsWith('FROM read_files('));
      expect(select.slice(0, from)).toEqual(def.columns.map(expectedCast));
    });

    it('reads the landed CSV with an all-text schema of the columns, in order', () => {
      const lines = detailCode(file);
      const start = lines.indexOf("schema => '");
      const end = lines.indexOf("'", start);
      expect(lines.slice(start + 1, end).map((l) => l.replace(/,$/, ''))).toEqual(
        def.columns.map((c) => `\`${c.name}\` STRING`),
      );
      expect(lines.map((l) => l.replace(/,$/, ''))).toEqual(
        expect.arrayContaining([
          '${landing_file}',
          "format => 'csv'",
          'header => true',
          'multiLine => true',
          "mode => 'FAILFAST'",
          // NULL is the unquoted empty cell only: "" stays the empty string.
          "nullValue => '\\u0000'",
        ]),
      );
    });

    it('matches on the key, compares every column, and deletes only what it should', () => {
      const lines = detailCode(file);
      expect(lines).toContain(`ON ${keys.map((k) => `t.\`${k}\` = s.\`${k}\``).join(' AND ')}`);
      expect(detailBlock(file, /^WHEN MATCHED AND NOT \($/)).toEqual(compareList(def));
      const bySource = lines.filter((l) => l.startsWith('WHEN NOT MATCHED BY SOURCE'));
      expect(bySource).toEqual(
        {
          none: [],
          chunk: [
            'WHEN NOT MATCHED BY SOURCE AND t.`activity_id` IN (${activity_ids}) THEN DELETE',
          ],
          all: ['WHEN NOT MATCHED BY SOURCE THEN DELETE'],
        }[deletes],
      );
    });
  },
);

describe.each([
  [DETAIL_SQL_FILES.goldGear, GOLD_GEAR],
  [DETAIL_SQL_FILES.goldHrZones, GOLD_HR_ZONES],
  [DETAIL_SQL_FILES.goldBests, GOLD_BESTS],
] as [keyof typeof detailTexts, TableDef][])('%s', (file, def) => {
  it(`compares every ${def.path} column and deletes only in the months named`, () => {
    expect(detailBlock(file, /^WHEN MATCHED AND NOT \($/)).toEqual(compareList(def));
    const lines = detailCode(file);
    expect(lines.at(-1)).toBe(
      'WHEN NOT MATCHED BY SOURCE AND t.`month` IN (${months}) THEN DELETE',
    );
  });
});

describe(DETAIL_SQL_FILES.goldBests, () => {
  it('ranks exactly the efforts of EFFORTS, lower or higher is better as they say', () => {
    const efforts = detailCode(DETAIL_SQL_FILES.goldBests)
      .map((l) =>
        /^SELECT `month`, `sport_type`, '(\w+)' AS `effort`, `(\w+)` AS `value`, '(\w+)' AS `unit`, (true|false) AS `lower`, `activity_id` FROM details$/.exec(
          l,
        ),
      )
      .filter((m) => m !== null)
      .map((m) => ({
        effort: m[1],
        column: m[2],
        unit: m[3],
        lowerIsBetter: m[4] === 'true',
      }));
    expect(efforts).toEqual(EFFORTS.map((e) => ({ ...e })));
  });
});

describe(DETAIL_SQL_FILES.stateSilver, () => {
  it('selects every field of the summary hash, and the queue fields, from silver', () => {
    const select = detailBlock(DETAIL_SQL_FILES.stateSilver, /^SELECT$/);
    // The block ends at FROM: the lines up to it.
    const lines = detailCode(DETAIL_SQL_FILES.stateSilver);
    const cols = lines
      .slice(
        lines.indexOf('SELECT') + 1,
        lines.findIndex((l) => l.startsWith('FROM ')),
      )
      .map((l) => /`(\w+)`,?$/.exec(l)?.[1]);
    expect(select.length).toBeGreaterThan(0);
    expect(cols).toEqual(expect.arrayContaining([...SUMMARY_HASH_FIELDS, 'month', 'manual']));
    // Longs and timestamps come back as text, so no driver conversion changes them.
    const silverType = new Map(SILVER.columns.map((c) => [c.name, c.type]));
    for (const line of lines.slice(
      lines.indexOf('SELECT') + 1,
      lines.indexOf('FROM IDENTIFIER(:silver)'),
    )) {
      const name = /`(\w+)`,?$/.exec(line)?.[1] as string;
      const type = silverType.get(name);
      if (type === 'long') expect(line, name).toMatch(/^CAST\(`\w+` AS STRING\) AS/);
      if (type === 'timestamp')
        expect(line, name).toMatch(/^CAST\(unix_micros\(`\w+`\) AS STRING\) AS/);
    }
  });
});

describe('parameter markers in sql/', () => {
  const all = { ...texts, ...detailTexts } as Record<string, string>;

  it.each(Object.keys(all).sort())('%s uses them only where Databricks documents them', (file) => {
    // Comments stripped; no string literal of these files holds a colon.
    const code = (all[file] as string)
      .split('\n')
      .map((l) => l.replace(/--.*$/, ''))
      .join('\n');
    const uses = [...code.matchAll(/(?<![:\w]):(\w+)/g)].map((m) => {
      const before = code.slice(0, m.index);
      // IDENTIFIER(:name): a table name (subject of CREATE TABLE, target of COPY INTO and
      // MERGE, a table read in a query); `= :name`: a value in an expression.
      if (before.endsWith('IDENTIFIER(')) return 'identifier';
      if (/=\s*$/.test(before)) return `expression :${m[1]}`;
      return `elsewhere :${m[1]}`;
    });
    const expressions = file === SQL_FILES.mergeSilver ? ['landing_file', 'month'] : [];
    expect(uses.filter((u) => u !== 'identifier').sort()).toEqual(
      expressions.map((p) => `expression :${p}`),
    );
    if (file === SQL_FILES.createSchema) expect(uses).toEqual([]);
  });
});
