/** Shared set-up for the Delta unit tests: a temporary folder warehouse and a small table. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { FolderStore } from '../../../src/landing/folder.js';
import type { TableDef } from '../../../src/lakehouse/tables.js';
import type { Row } from '../../../src/lakehouse/delta/table.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder warehouse, removed after the test. */
export function tempWarehouse(): FolderStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-delta-'));
  made.push(dir);
  return new FolderStore(dir);
}

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/delta-tables');

/** A writable copy of a Spark-written fixture table, as `<warehouse>/<name>`. */
export function fixtureCopy(name: string): FolderStore {
  const store = tempWarehouse();
  fs.cpSync(path.join(FIXTURES, name), path.join(store.root, name), { recursive: true });
  return store;
}

/** A definition with no columns, for reading tables whose schema comes from their own log. */
export const foreign = (name: string): TableDef => ({
  path: name,
  columns: [],
  partitionColumns: [],
  description: name,
});

/** A small table with every column type the writer supports, partitioned by month. */
export const EVENTS: TableDef = {
  path: 'demo/events',
  description: 'test events',
  columns: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'name', type: 'string', nullable: true },
    { name: 'at', type: 'timestamp', nullable: true },
    { name: 'score', type: 'double', nullable: true },
    { name: 'ok', type: 'boolean', nullable: true },
    { name: 'month', type: 'string', nullable: false },
  ],
  partitionColumns: ['month'],
};

export const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

export function event(id: number, month: string, extra: Partial<Row> = {}): Row {
  return {
    id: BigInt(id),
    name: `event ${id}`,
    at: micros(`${month}-02T03:04:05.678Z`) + BigInt(id),
    score: id / 4,
    ok: id % 2 === 0,
    month,
    ...extra,
  };
}

export const byId = (a: Row, b: Row) => Number((a.id as bigint) - (b.id as bigint));
