import { describe, expect, test } from 'vitest';
import { QualityError } from '../../../src/errors.js';
import {
  arrowToRows,
  repeatingTextColumns,
  rowsToArrow,
  rowsToArrowWithStats,
  type Row,
} from '../../../src/lakehouse/delta/arrow.js';
import { readParquet, writeParquet } from '../../../src/lakehouse/delta/parquet.js';
import type { DeltaField } from '../../../src/lakehouse/delta/schema.js';
import { fileStats } from '../../../src/lakehouse/delta/stats.js';

const field = (name: string, type: DeltaField['type'], nullable = true): DeltaField => ({
  name,
  type,
  nullable,
});

const FIELDS = [
  field('id', 'long', false),
  field('at', 'timestamp'),
  field('x', 'double'),
  field('ok', 'boolean'),
  field('s', 'string'),
  field('kind', 'string'),
];

/** Cells of every kind the stats treat apart: nulls, ties, NaN, non-ASCII and astral text. */
function rows(): Row[] {
  const texts = ['b', 'a', null, '\u{FF5E}', '\u{1F600}', 'é', 'x'.repeat(40), 'a', '\uD800'];
  return texts.map((s, i) => ({
    id: i % 2 ? BigInt(-i) : i,
    at: i === 2 ? null : BigInt(i) * 1_000_123n - 5_000_000n,
    x: i === 3 ? null : i === 5 ? -0 : i / 3,
    ok: i === 4 ? null : i % 3 === 0,
    s,
    kind: i % 3 ? 'run' : 'ride',
  }));
}

describe('rowsToArrowWithStats', () => {
  test('gives the stats fileStats gives, from the pass that builds the table', () => {
    const cases: Row[][] = [
      rows(),
      rows().slice(0, 3),
      [],
      [{ id: 1n, at: null, x: Number.NaN, ok: null, s: null, kind: null }],
      [
        { id: 1n, at: 1n, x: 1, ok: true, s: 'a', kind: 'b' },
        { id: 2n, at: 2n, x: Number.NEGATIVE_INFINITY, ok: false, s: 'b', kind: 'a' },
      ],
      // One row, and values that only fall: each value is a new min, and the first the max.
      [{ id: 7n, at: 3n, x: 0.25, ok: true, s: 'z', kind: 'k' }],
      [3, 2, 1].map((v) => ({
        id: BigInt(v),
        at: BigInt(v),
        x: v / 2,
        ok: true,
        s: `${v}`,
        kind: 'k',
      })),
    ];
    for (const c of cases) {
      const { stats } = rowsToArrowWithStats(c, FIELDS, 'test');
      expect(stats).toBe(fileStats(c, FIELDS));
      expect(() => JSON.parse(stats) as unknown).not.toThrow();
    }
    const falling = JSON.parse(rowsToArrowWithStats(cases.at(-1)!, FIELDS, 'test').stats);
    expect([falling.minValues.x, falling.maxValues.x]).toEqual([0.5, 1.5]);
  });

  test('bounds text above U+FFFF in UTF-8 order, as fileStats does', () => {
    const stats = JSON.parse(rowsToArrowWithStats(rows(), FIELDS, 'test').stats);
    expect(stats.maxValues.s).toBe('\u{1F600}');
    expect(stats.minValues.s).toBe('a');
  });

  test('writes Parquet that reads back as the rows, dictionary or not', () => {
    const table = rowsToArrow(rows(), FIELDS, 'test');
    expect(repeatingTextColumns(table)).toEqual(['kind']);
    for (const compression of ['snappy', 'zstd'] as const) {
      const back = arrowToRows(readParquet(writeParquet(table, compression)), FIELDS);
      // (A lone surrogate has no UTF-8 form: it is written as U+FFFD.)
      const expected = rows().map((r) => ({
        ...r,
        id: BigInt(r.id as number | bigint),
        s: r.s === '\uD800' ? '\uFFFD' : r.s,
      }));
      expect(back).toEqual(expected);
    }
  });

  test('refuses a cell its column cannot hold, naming the column', () => {
    const bad = (cells: Row) => () => rowsToArrow([{ ...rows()[0]!, ...cells }], FIELDS, 'demo');
    expect(bad({ id: null })).toThrow(QualityError);
    expect(bad({ id: null })).toThrow('demo: column "id" expects a non-null long, got null.');
    expect(bad({ id: 1.5 })).toThrow('demo: column "id" expects a non-null long, got 1.5.');
    expect(bad({ x: '1' })).toThrow('demo: column "x" expects double, got "1".');
    expect(bad({ ok: 1 })).toThrow('demo: column "ok" expects boolean, got 1.');
    expect(bad({ s: 1n })).toThrow('demo: column "s" expects string, got 1n.');
  });
});
