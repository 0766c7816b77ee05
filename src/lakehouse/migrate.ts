/**
 * Hands a warehouse's tables from one engine to the other by setting each table's engine
 * property (table-properties.ts) in a metadata-only Delta commit; no data file is read or
 * written. Used by `strava-lakehouse migrate --to ...` and, for the tables it is about to
 * write, by the first Databricks run on a warehouse the embedded engine filled.
 *
 * To Databricks: every table this writer may commit to gets the properties sql/ declares, so
 * sql/'s CREATE TABLE IF NOT EXISTS ... LOCATION adopts it as it is. A table whose protocol is
 * already beyond this writer's was upgraded by Databricks: it is left alone. To embedded: every
 * table must be one the embedded writer can write (reader 1 / writer 2, no table features), or
 * nothing is changed and the error names the table and what it requires.
 */
import { DeltaProtocolError } from '../errors.js';
import type { ObjectStore } from '../landing/store.js';
import { DETAIL_TABLES } from './detail-tables.js';
import { assertWritable, describeProtocol } from './delta/protocol.js';
import { DeltaTable, type Snapshot } from './delta/table.js';
import { tableProperties, type EngineName } from './table-properties.js';
import { TABLES, type TableDef } from './tables.js';

/** Every table either engine writes, in the order they are created. */
export const ENGINE_TABLES: readonly TableDef[] = [...TABLES, ...DETAIL_TABLES];

export interface MigratedTable {
  table: string;
  /**
   * `changed`: the properties were set in a new version; `already`: the table already named
   * the engine; `absent`: no table there yet (the engine creates it); `kept`: upgraded by
   * Databricks beyond what the embedded writer may commit to, so left as it is.
   */
  outcome: 'changed' | 'already' | 'absent' | 'kept';
  version: number | null;
  /** For `kept`: the protocol the table requires. */
  requires?: string;
}

const sameProperties = (snap: Snapshot, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([k, v]) => snap.metadata.configuration[k] === v);

/** Hands every table of `tables` in the warehouse to `to`; idempotent, safe against racers. */
export async function migrateWarehouse(
  store: ObjectStore,
  to: EngineName,
  opts: { runId?: string; tables?: readonly TableDef[] } = {},
): Promise<MigratedTable[]> {
  const tables = (opts.tables ?? ENGINE_TABLES).map((def) => new DeltaTable(store, def));
  const snaps = await Promise.all(tables.map((t) => t.snapshot()));
  if (to === 'embedded') {
    // All or nothing: refuse before the first commit if any table cannot be written back.
    tables.forEach((t, i) => {
      const snap = snaps[i];
      try {
        assertWritable(t.def.path, snap, { handover: true });
      } catch (err) {
        if (!(err instanceof DeltaProtocolError) || !snap) throw err;
        throw new DeltaProtocolError(
          `${t.def.path} requires ${describeProtocol(snap.protocol, snap.metadata.configuration)}, which the embedded engine cannot write; no table was handed back.`,
          'Keep --engine databricks, or remove those features on Databricks first (ALTER TABLE ... DROP FEATURE, see the README) and run `strava-lakehouse migrate --to embedded` again.',
        );
      }
    });
  }
  const wanted = tableProperties(to);
  const out: MigratedTable[] = [];
  for (const [i, table] of tables.entries()) {
    const snap = snaps[i];
    const path = table.def.path;
    if (!snap) {
      out.push({ table: path, outcome: 'absent', version: null });
      continue;
    }
    if (to === 'databricks') {
      try {
        assertWritable(path, snap, { handover: true });
      } catch (err) {
        if (!(err instanceof DeltaProtocolError)) throw err;
        out.push({
          table: path,
          outcome: 'kept',
          version: snap.version,
          requires: describeProtocol(snap.protocol, snap.metadata.configuration),
        });
        continue;
      }
    }
    let latest = snap;
    const version = await table.commit(
      (current) => {
        if (current) latest = current;
        return current && !sameProperties(current, wanted)
          ? { add: [], remove: [], properties: wanted }
          : null;
      },
      {
        operation: 'SET TBLPROPERTIES',
        operationParameters: { properties: wanted },
        ...(opts.runId ? { runId: opts.runId } : {}),
      },
      { handover: true },
    );
    out.push(
      version === null
        ? { table: path, outcome: 'already', version: latest.version }
        : { table: path, outcome: 'changed', version },
    );
  }
  return out;
}
