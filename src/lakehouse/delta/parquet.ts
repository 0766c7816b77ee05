/**
 * Parquet bytes <-> Arrow tables, through parquet-wasm (the arrow-rs reader and writer) and
 * apache-arrow, exchanging data as Arrow IPC streams.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import * as wasm from 'parquet-wasm/esm';
import { repeatingTextColumns } from './arrow.js';

const WASM_FILE = 'parquet_wasm_bg.wasm';

let ready = false;

/**
 * Loads the wasm module once. The bundle (scripts/bundle.mjs) copies the file next to
 * dist/*.js, and shared code may sit one level down in dist/chunks/; from source (vitest,
 * tsx) it comes from node_modules.
 */
function init(): void {
  if (ready) return;
  const candidates = [
    () => new URL(`./${WASM_FILE}`, import.meta.url),
    () => new URL(`../${WASM_FILE}`, import.meta.url),
    () => createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`),
  ];
  for (const candidate of candidates) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(candidate());
    } catch {
      continue;
    }
    wasm.initSync({ module: bytes });
    ready = true;
    return;
  }
  throw new Error(
    `${WASM_FILE} was not found next to the program nor in node_modules/parquet-wasm; reinstall strava-lakehouse.`,
  );
}

export type Compression = 'snappy' | 'zstd';

/**
 * Writes one row group per 128k rows with data pages V1 (the widest reader support), chunk
 * statistics, and the given codec. For a table from `rowsToArrow`, only the text columns whose
 * values repeat are dictionary-encoded: on the few hundred rows of a month's file a dictionary
 * for numbers or mostly distinct text makes the file larger, and building one per column is
 * most of the writer's time. Other tables keep the writer's default (dictionaries throughout).
 */
export function writeParquet(table: Table, compression: Compression = 'snappy'): Uint8Array {
  init();
  let builder = new wasm.WriterPropertiesBuilder()
    .setWriterVersion(wasm.WriterVersion.V1)
    .setCompression(compression === 'zstd' ? wasm.Compression.ZSTD : wasm.Compression.SNAPPY)
    .setStatisticsEnabled(wasm.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(128 * 1024);
  const repeating = repeatingTextColumns(table);
  if (repeating) {
    builder = builder.setDictionaryEnabled(false);
    for (const name of repeating) builder = builder.setColumnDictionaryEnabled(name, true);
  }
  return wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(table, 'stream')), builder.build());
}

export function readParquet(bytes: Uint8Array): Table {
  init();
  return tableFromIPC(wasm.readParquet(bytes).intoIPCStream());
}
