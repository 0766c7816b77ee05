import { describe, expect, test } from 'vitest';
import { DeltaProtocolError } from '../../../src/errors.js';
import { dataFileKey, encodeAddPath, newDataFilePath } from '../../../src/lakehouse/delta/paths.js';
import {
  formatPartitionValue,
  isoFromMicros,
  parsePartitionValue,
} from '../../../src/lakehouse/delta/schema.js';
import { DeltaTable } from '../../../src/lakehouse/delta/table.js';
import type { TableDef } from '../../../src/lakehouse/tables.js';
import { micros, tempWarehouse } from './support.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('data file paths', () => {
  test('a month partition is a plain Hive directory with a unique Spark-style file name', () => {
    const a = newDataFilePath(['month'], { month: '2024-05' }, 'snappy');
    const b = newDataFilePath(['month'], { month: '2024-05' }, 'snappy');
    expect(a).toMatch(new RegExp(`^month=2024-05/part-00000-${UUID}\\.c000\\.snappy\\.parquet$`));
    expect(a).not.toBe(b);
    expect(encodeAddPath(a)).toBe(a);
    expect(newDataFilePath([], {}, 'zstd')).toMatch(
      new RegExp(`^part-00000-${UUID}\\.c000\\.zstd\\.parquet$`),
    );
  });

  test('null and empty values go to __HIVE_DEFAULT_PARTITION__', () => {
    expect(newDataFilePath(['k'], { k: null }, 'snappy')).toMatch(
      /^k=__HIVE_DEFAULT_PARTITION__\//,
    );
    expect(newDataFilePath(['k'], { k: '' }, 'snappy')).toMatch(/^k=__HIVE_DEFAULT_PARTITION__\//);
  });

  test('other characters are %-escaped in the directory, and the add path encodes the % once more', () => {
    const path = newDataFilePath(['k'], { k: 'a/b: c=ü' }, 'snappy');
    expect(path.startsWith('k=a%2Fb%3A%20c%3D%C3%BC/')).toBe(true);
    const add = encodeAddPath(path);
    expect(add.startsWith('k=a%252Fb%253A%2520c%253D%25C3%25BC/')).toBe(true);
    expect(dataFileKey('t', add)).toBe(`t/${path}`);
  });

  test('absolute data file URIs are refused', () => {
    expect(() => dataFileKey('silver/activities', 's3://other/part-0.parquet')).toThrow(
      DeltaProtocolError,
    );
  });

  test('a table partitioned by awkward values writes and reads them back', async () => {
    const def: TableDef = {
      path: 'odd',
      description: 'odd partitions',
      columns: [
        { name: 'v', type: 'long', nullable: false },
        { name: 'k', type: 'string', nullable: true },
      ],
      partitionColumns: ['k'],
    };
    const table = new DeltaTable(tempWarehouse(), def);
    const rows = [
      { v: 1n, k: 'a/b: c=ü%' },
      { v: 2n, k: null },
      { v: 3n, k: 'plain' },
    ];
    const add = await table.writeFiles(rows);
    await table.commit(() => ({ add, remove: [] }), { operation: 'WRITE' });
    const back = await table.readRows((await table.snapshot())!.files);
    expect(back.sort((a, b) => Number(a.v) - Number(b.v))).toEqual(rows);
  });
});

describe('partition values', () => {
  test('parse by column type; empty text is null for every type', () => {
    expect(parsePartitionValue('2024-05', 'string')).toBe('2024-05');
    expect(parsePartitionValue('9007199254740993', 'long')).toBe(9007199254740993n);
    expect(parsePartitionValue('4', 'integer')).toBe(4);
    expect(parsePartitionValue('2.5', 'double')).toBe(2.5);
    expect(parsePartitionValue('true', 'boolean')).toBe(true);
    expect(parsePartitionValue('2024-05-01', 'date')).toBe('2024-05-01');
    expect(parsePartitionValue('', 'long')).toBeNull();
    expect(parsePartitionValue(null, 'string')).toBeNull();
    expect(parsePartitionValue(undefined, 'string')).toBeNull();
  });

  test('timestamps parse in both protocol forms as UTC micros, and format as ISO-8601 UTC', () => {
    const t = micros('1970-01-01T00:00:00.123Z') + 456n;
    expect(parsePartitionValue('1970-01-01 00:00:00.123456', 'timestamp')).toBe(t);
    expect(parsePartitionValue('1970-01-01T00:00:00.123456Z', 'timestamp')).toBe(t);
    expect(parsePartitionValue('2024-05-01 06:30:00', 'timestamp')).toBe(
      micros('2024-05-01T06:30:00Z'),
    );
    expect(formatPartitionValue(t, 'timestamp')).toBe('1970-01-01T00:00:00.123456Z');
    expect(formatPartitionValue(12n, 'long')).toBe('12');
    expect(formatPartitionValue(null, 'string')).toBeNull();
  });

  test('isoFromMicros rounds towards the past, before 1970 too', () => {
    expect(isoFromMicros(-1n, 'us')).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromMicros(-1n, 'ms')).toBe('1969-12-31T23:59:59.999Z');
    expect(isoFromMicros(1_500n, 'us')).toBe('1970-01-01T00:00:00.001500Z');
  });
});
