/** `strava-lakehouse inspect`: each table's version, files, partitions and rows. */
import { parseWarehouse, DEFAULT_WAREHOUSE, type RawInputs } from '../config.js';
import { ConfigError } from '../errors.js';
import { openStore } from '../landing/open.js';
import { inspectWarehouse } from '../lakehouse/inspect.js';
import { CLI_LABELS } from './inputs.js';

export async function runInspect(raw: RawInputs, json: boolean): Promise<number> {
  const warehouse = parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse);
  const store = await openStore(warehouse, {
    region: raw.awsRegion,
    endpoint: raw.s3Endpoint,
    names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint },
  });
  const info = await inspectWarehouse(store);
  // A mistyped path would otherwise print a table of "not created yet" and succeed.
  if (!info.tables.some((t) => t.exists) && info.runs === 0) {
    throw new ConfigError(
      `There is no lakehouse at ${store.root}: no table and no run record.`,
      `Check ${CLI_LABELS.warehouse} (default ${DEFAULT_WAREHOUSE}); \`strava-lakehouse run\` or \`demo\` creates one.`,
    );
  }
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
