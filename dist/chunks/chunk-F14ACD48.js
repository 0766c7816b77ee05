import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  DETAIL_TABLES,
  DeltaTable,
  TABLES,
  assertWritable,
  describeProtocol,
  tableProperties
} from "./chunk-8DD25B0D.js";
import {
  DeltaProtocolError
} from "./chunk-06F01416.js";

// src/lakehouse/migrate.ts
var ENGINE_TABLES = [...TABLES, ...DETAIL_TABLES];
var sameProperties = (snap, wanted) => Object.entries(wanted).every(([k, v]) => snap.metadata.configuration[k] === v);
async function migrateWarehouse(store, to, opts = {}) {
  const tables = (opts.tables ?? ENGINE_TABLES).map((def) => new DeltaTable(store, def));
  const snaps = await Promise.all(tables.map((t) => t.snapshot()));
  if (to === "embedded") {
    tables.forEach((t, i) => {
      const snap = snaps[i];
      try {
        assertWritable(t.def.path, snap, { handover: true });
      } catch (err) {
        if (!(err instanceof DeltaProtocolError) || !snap) throw err;
        throw new DeltaProtocolError(
          `${t.def.path} requires ${describeProtocol(snap.protocol, snap.metadata.configuration)}, which the embedded engine cannot write; no table was handed back.`,
          "Keep --engine databricks, or remove those features on Databricks first (ALTER TABLE ... DROP FEATURE, see the README) and run `strava-lakehouse migrate --to embedded` again."
        );
      }
    });
  }
  const wanted = tableProperties(to);
  const out = [];
  for (const [i, table] of tables.entries()) {
    const snap = snaps[i];
    const path = table.def.path;
    if (!snap) {
      out.push({ table: path, outcome: "absent", version: null });
      continue;
    }
    if (to === "databricks") {
      try {
        assertWritable(path, snap, { handover: true });
      } catch (err) {
        if (!(err instanceof DeltaProtocolError)) throw err;
        out.push({
          table: path,
          outcome: "kept",
          version: snap.version,
          requires: describeProtocol(snap.protocol, snap.metadata.configuration)
        });
        continue;
      }
    }
    let latest = snap;
    const version = await table.commit(
      (current) => {
        if (current) latest = current;
        return current && !sameProperties(current, wanted) ? { add: [], remove: [], properties: wanted } : null;
      },
      {
        operation: "SET TBLPROPERTIES",
        operationParameters: { properties: wanted },
        ...opts.runId ? { runId: opts.runId } : {}
      },
      { handover: true }
    );
    out.push(
      version === null ? { table: path, outcome: "already", version: latest.version } : { table: path, outcome: "changed", version }
    );
  }
  return out;
}

export {
  ENGINE_TABLES,
  migrateWarehouse
};
