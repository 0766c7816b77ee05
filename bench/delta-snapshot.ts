/**
 * How long loading a Delta snapshot takes as the history grows: commits versions 0..N (monthly
 * appends and partition replaces) to silver/activities in a fresh warehouse, then times a cold
 * `DeltaTable.snapshot()` (median of 9) with the checkpoint, and with the log replayed from JSON
 * alone (checkpoints removed) for comparison.
 *
 *   npx esbuild bench/delta-snapshot.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=node_modules/.cache/bench/delta-snapshot.mjs && \
 *   node node_modules/.cache/bench/delta-snapshot.mjs [warehouse, default: a temporary folder]
 *
 * A warehouse may be s3://bucket/prefix (AWS SDK settings apply). Prints JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/landing/open.js';
import type { ObjectStore } from '../src/landing/store.js';
import { DeltaTable, type Row } from '../src/lakehouse/delta/table.js';
import { SILVER } from '../src/lakehouse/tables.js';
import { ACTIVITY_FIELDS } from '../src/strava/schema.js';

/** Table versions to reach: each has a checkpoint (one every 10 versions). */
const VERSIONS = [10, 200];
const RUNS = 9;

function rows(month: string, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Row = { month };
    for (const f of ACTIVITY_FIELDS) {
      row[f.name] = {
        long: BigInt(i + 1),
        double: i * 1.5,
        boolean: i % 2 === 0,
        string: `${f.name} ${i}`,
        timestamp: BigInt(Date.parse(`${month}-01T00:00:00Z`)) * 1000n,
      }[f.type];
    }
    return row;
  });
}

async function history(store: ObjectStore, commits: number): Promise<void> {
  const table = new DeltaTable(store, SILVER);
  for (let v = 0; v < commits; v++) {
    const month = `20${String(10 + Math.floor(v / 12)).padStart(2, '0')}-${String((v % 12) + 1).padStart(2, '0')}`;
    const add = await table.writeFiles(rows(month, 10));
    // Every fifth commit replaces the previous month too, so the log also carries removes.
    await table.commit(
      (snap) => ({ add, remove: v % 5 === 4 ? (snap?.files ?? []).slice(-1) : [] }),
      { operation: 'WRITE', operationParameters: { mode: 'Append' } },
    );
  }
}

async function medianLoadMs(
  store: ObjectStore,
): Promise<{ ms: number; version: number; files: number }> {
  await new DeltaTable(store, SILVER).snapshot(); // warm-up: JIT, file system caches
  const times: number[] = [];
  let last = { version: -1, files: 0 };
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const snap = (await new DeltaTable(store, SILVER).snapshot())!;
    times.push(performance.now() - start);
    last = { version: snap.version, files: snap.files.length };
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(RUNS / 2)]! * 10) / 10, ...last };
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sl-bench-'));
  const results = [];
  for (const version of VERSIONS) {
    const store = openStore(`${base}/v${version}`);
    await history(store, version + 1);
    const withCheckpoint = await medianLoadMs(store);
    const log = `${SILVER.path}/_delta_log/`;
    for (const o of await store.list(log)) if (/checkpoint/.test(o.key)) await store.delete(o.key);
    const jsonOnly = await medianLoadMs(store);
    results.push({ version, withCheckpoint, jsonOnly });
  }
  if (!process.argv[2]) fs.rmSync(base, { recursive: true, force: true });
  console.log(JSON.stringify({ node: process.version, runs: RUNS, results }, null, 2));
}

await main();
