/**
 * The object-store interface shared by the landing zone, the Delta log and the run records.
 * Two implementations: a local folder (folder.ts) and S3 (s3.ts). Keys are relative,
 * '/'-separated paths under the warehouse root (e.g. `silver/activities/_delta_log/...`).
 */
export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ObjectStore {
  /** Human-readable root, e.g. `/home/me/lakehouse` or `s3://bucket/prefix`. */
  readonly root: string;
  /** The object's bytes, or undefined if it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Writes the object, replacing any existing one; readers never see a partial object. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /**
   * Writes the object only if no object exists at `key` (S3 `If-None-Match: *`, a folder's
   * exclusive create). Returns false, writing nothing, if it already exists.
   */
  putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean>;
  /** Metadata, or undefined if the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes the object; no error if it does not exist. */
  delete(key: string): Promise<void>;
  /** Full URI of a key, for engines that read by location (Databricks, Spark). */
  uri(key: string): string;
}
