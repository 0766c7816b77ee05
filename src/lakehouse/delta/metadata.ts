/**
 * The `metaData` action of a table definition: written when the table is created, and again
 * when a newer strava-lakehouse adds nullable columns. Any other difference between the table in
 * the warehouse and the definition is refused rather than silently rewritten.
 */
import { randomUUID } from 'node:crypto';
import { DeltaProtocolError } from '../../errors.js';
import { tableProperties } from '../table-properties.js';
import { schemaString, type TableDef } from '../tables.js';
import type { Metadata } from './actions.js';
import { parseSchema } from './schema.js';

/** A new table's metaData: the definition's schema, with the embedded engine's table properties. */
export function newMetadata(def: TableDef, now: number): Metadata {
  return {
    id: randomUUID(),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaString(def),
    partitionColumns: [...def.partitionColumns],
    configuration: tableProperties('embedded'),
    createdTime: now,
  };
}

/**
 * The metaData action to commit so the table matches `def`, or undefined if it already does.
 * Allowed: new nullable columns and changed nullability; anything else is a DeltaProtocolError.
 */
export function metadataUpdate(def: TableDef, current: Metadata): Metadata | undefined {
  const refuse = (what: string) =>
    new DeltaProtocolError(
      `${def.path}: ${what}, so this version of strava-lakehouse cannot write it.`,
      'Write it with the version that created it, or point --warehouse at a new location.',
    );
  if (JSON.stringify(current.partitionColumns) !== JSON.stringify(def.partitionColumns)) {
    throw refuse(
      `the table is partitioned by ${JSON.stringify(current.partitionColumns)}, not ${JSON.stringify(def.partitionColumns)}`,
    );
  }
  const wanted = schemaString(def);
  if (current.schemaString === wanted) return undefined;
  const existing = parseSchema(current.schemaString, def.path);
  const next = parseSchema(wanted, def.path);
  for (const col of existing) {
    const match = next.find((c) => c.name === col.name);
    if (!match)
      throw refuse(`the table has a column "${col.name}" that this version does not know`);
    if (match.type !== col.type) {
      throw refuse(`column "${col.name}" is ${col.type} in the table but ${match.type} here`);
    }
  }
  const added = next.filter((c) => !existing.some((e) => e.name === c.name));
  const required = added.find((c) => !c.nullable);
  if (required)
    throw refuse(`new column "${required.name}" is required, and older rows have no value for it`);
  return { ...current, schemaString: wanted };
}
