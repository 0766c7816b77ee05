/**
 * The engine choice. The Databricks engine is loaded only when chosen: its driver is heavy and
 * stays out of the start-up path.
 */
import type { PipelineConfig } from '../config.js';
import type { ObjectStore } from '../landing/store.js';
import type { Progress } from '../progress.js';
import type { DBSQLClientLike, WarehouseWait } from './databricks/connection.js';
import type { Engine } from './engine.js';
import { EmbeddedEngine } from './embedded.js';

/** A Databricks driver stand-in and a wait without real sleeping (tests, the smoke test's own tests). */
export interface DatabricksDriverOverride {
  client?: DBSQLClientLike;
  wait?: WarehouseWait;
}

export async function createEngine(
  config: PipelineConfig,
  store: ObjectStore,
  opts: { progress: Progress; now: () => Date; databricks?: DatabricksDriverOverride },
): Promise<Engine> {
  if (config.engine === 'databricks') {
    const { DatabricksEngine } = await import('./databricks/engine.js');
    return new DatabricksEngine(config, store, opts, opts.databricks);
  }
  return new EmbeddedEngine(store, opts);
}
