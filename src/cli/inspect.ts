/** `strava-lakehouse inspect`: each table's version, files, partitions and rows. */
import { parseWarehouse, DEFAULT_WAREHOUSE, type RawInputs } from '../config.js';
import { openStore } from '../landing/open.js';
import { inspectWarehouse } from '../lakehouse/inspect.js';

export async function runInspect(raw: RawInputs, json: boolean): Promise<number> {
  const warehouse = parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, '--warehouse');
  const store = await openStore(warehouse, { region: raw.awsRegion, endpoint: raw.s3Endpoint });
  const info = await inspectWarehouse(store);
  if (json) {
    process.stdout.write(`${JSON.stringify({ warehouse: store.root, ...info }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `warehouse ${store.root}`,
    'table                  version  files  partitions     rows',
  ];
  for (const t of info.tables) {
    lines.push(
      t.exists
        ? `${t.table.padEnd(21)}  ${String(t.version).padStart(7)}  ${String(t.files).padStart(5)}  ${String(t.partitions).padStart(10)}  ${String(t.rows).padStart(7)}`
        : `${t.table.padEnd(21)}  (not created yet)`,
    );
  }
  lines.push(`run records: ${info.runs}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
