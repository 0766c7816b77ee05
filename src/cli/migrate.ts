/** `strava-lakehouse migrate --to databricks|embedded`: hands the warehouse's tables over. */
import { parseWarehouse, DEFAULT_WAREHOUSE, type RawInputs } from '../config.js';
import { ConfigError } from '../errors.js';
import { openStore } from '../landing/open.js';
import { migrateWarehouse } from '../lakehouse/migrate.js';
import { ENGINE_NAMES, ENGINE_PROPERTY, type EngineName } from '../lakehouse/table-properties.js';
import { CLI_LABELS } from './inputs.js';

/** The `--to` value, checked. */
export function parseTarget(to: string | undefined): EngineName {
  if (to === undefined) {
    throw new ConfigError(
      'migrate needs --to.',
      'For example: strava-lakehouse migrate --to databricks --warehouse s3://bucket/prefix.',
    );
  }
  if (!(ENGINE_NAMES as readonly string[]).includes(to)) {
    throw new ConfigError(
      `--to "${to}" is not an engine.`,
      `Use --to ${ENGINE_NAMES.join(' or --to ')}.`,
    );
  }
  return to as EngineName;
}

export async function runMigrate(
  raw: RawInputs,
  to: string | undefined,
  opts: { json: boolean; out: NodeJS.WritableStream },
): Promise<number> {
  const target = parseTarget(to);
  const warehouse = parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse);
  const store = await openStore(warehouse, {
    region: raw.awsRegion,
    endpoint: raw.s3Endpoint,
    names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint },
  });
  const tables = await migrateWarehouse(store, target);
  if (tables.every((t) => t.outcome === 'absent')) {
    throw new ConfigError(
      `There is no lakehouse at ${store.root}: no table to hand over.`,
      `Check ${CLI_LABELS.warehouse} (default ${DEFAULT_WAREHOUSE}).`,
    );
  }
  if (opts.json) {
    opts.out.write(`${JSON.stringify({ warehouse: store.root, to: target, tables }, null, 2)}\n`);
    return 0;
  }
  const said: Record<string, string> = {
    changed: `now ${ENGINE_PROPERTY} = ${target}`,
    already: `already ${target}`,
    absent: 'not created yet',
    kept: 'left alone',
  };
  const lines = [`warehouse ${store.root}: tables handed to the ${target} engine`];
  for (const t of tables) {
    const version = t.version === null ? '' : ` (version ${t.version})`;
    const requires = t.requires ? `: requires ${t.requires}` : '';
    lines.push(`${t.table.padEnd(25)} ${said[t.outcome]}${version}${requires}`);
  }
  lines.push(
    target === 'databricks'
      ? 'Run with --engine databricks from now on; the embedded engine refuses these tables.'
      : 'Run with the embedded engine (the default) from now on.',
  );
  opts.out.write(`${lines.join('\n')}\n`);
  return 0;
}
