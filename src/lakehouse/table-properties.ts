/**
 * The Delta table properties (the `configuration` of a table's metaData) that both engines write,
 * and the one that says which engine writes a table.
 *
 * Delta's create-table command refuses to register an existing location whose properties differ
 * from the ones the CREATE TABLE names (DELTA_CREATE_TABLE_WITH_DIFFERENT_PROPERTY). So the
 * embedded writer records what sql/ declares, and a warehouse moves between engines by changing
 * only the engine property (`strava-lakehouse migrate`), after which sql/'s CREATE TABLE IF NOT
 * EXISTS adopts each table as it is.
 */

/** The table property naming the engine that writes a table. */
export const ENGINE_PROPERTY = 'strava-lakehouse.engine';

export type EngineName = 'embedded' | 'databricks';
export const ENGINE_NAMES: readonly EngineName[] = ['embedded', 'databricks'];

/**
 * What every table declares whichever engine writes it: deletion vectors off, so the table keeps
 * reader 1 / writer 2 and any Delta reader opens it (sql/*.sql TBLPROPERTIES say the same).
 */
export const SHARED_PROPERTIES: Readonly<Record<string, string>> = {
  'delta.enableDeletionVectors': 'false',
};

/** The properties a table written by `engine` carries. */
export function tableProperties(engine: EngineName): Record<string, string> {
  return { ...SHARED_PROPERTIES, [ENGINE_PROPERTY]: engine };
}

/**
 * The engine a table's configuration names. A table without the property was written before
 * strava-lakehouse recorded it, by the embedded engine or an earlier Databricks run: undefined.
 */
export function writerOf(configuration: Record<string, string>): string | undefined {
  return configuration[ENGINE_PROPERTY];
}
