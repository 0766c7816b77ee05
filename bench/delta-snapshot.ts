/**
 * How long loading silver's snapshot takes as its history grows. To separate the length of the
 * history from the size of the table, three histories of 10, 100 and 1,000 commits build the
 * same table state: 1,000 data files added (10 rows each, one month a file) and 200 of them
 * removed again, spread evenly over the commits, so 800 live files and 200 tombstones at the
 * end. A checkpoint is written every 10 versions, so the longer histories end on 9 JSON commits
 * after one; the 10-commit one is replayed from JSON alone. Each figure is the median of cold
 * `DeltaTable.snapshot()` loads; at the end the 1,000-commit history loses its checkpoints and
 * is timed again, to show what they save.
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
import { load, median, round } from './measure.js';

const FILES_ADDED = 1_000;
const FILES_REMOVED = 200;
const ROWS_PER_FILE = 10;

export interface SnapshotLoad {
  commits: number;
  version: number;
  liveFiles: number;
  tombstones: number;
  medianMs: number;
  load: number;
}

export interface SilverLoadFigures {
  withCheckpoints: SnapshotLoad[];
  /** The longest history again with its checkpoints deleted. */
  jsonOnly: SnapshotLoad;
}

function monthOf(file: number): string {
  return `${2000 + Math.floor(file / 12)}-${String((file % 12) + 1).padStart(2, '0')}`;
}

function rows(month: string): Row[] {
  return Array.from({ length: ROWS_PER_FILE }, (_, i) => {
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

/** `commits` commits that together add FILES_ADDED files and remove FILES_REMOVED of them. */
async function history(store: ObjectStore, commits: number): Promise<void> {
  const table = new DeltaTable(store, SILVER);
  const perCommit = FILES_ADDED / commits;
  // Removals start with the second commit (the first has nothing to remove) and end on the last.
  const removedBy = (c: number) => (c === 0 ? 0 : Math.floor((c * FILES_REMOVED) / (commits - 1)));
  for (let c = 0; c < commits; c++) {
    const first = c * perCommit;
    const add = await table.writeFiles(
      Array.from({ length: perCommit }, (_, i) => rows(monthOf(first + i))).flat(),
    );
    const removing = removedBy(c) - (c === 0 ? 0 : removedBy(c - 1));
    await table.commit(
      (snap) => ({ add, remove: removing ? (snap?.files ?? []).slice(-removing) : [] }),
      { operation: 'WRITE', operationParameters: { mode: 'Append' } },
    );
  }
}

async function timeLoad(store: ObjectStore, commits: number, runs: number): Promise<SnapshotLoad> {
  const before = load();
  await new DeltaTable(store, SILVER).snapshot(); // warm-up: JIT, file system caches
  const times: number[] = [];
  let last = { version: -1, liveFiles: 0, tombstones: 0 };
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const snap = (await new DeltaTable(store, SILVER).snapshot())!;
    times.push(performance.now() - start);
    last = {
      version: snap.version,
      liveFiles: snap.files.length,
      tombstones: snap.tombstones.length,
    };
  }
  return { commits, ...last, medianMs: round(median(times), 2), load: before };
}

export async function silverLoadFigures(
  counts: readonly number[],
  runs: number,
): Promise<SilverLoadFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-bench-snapshot-'));
  try {
    const withCheckpoints: SnapshotLoad[] = [];
    let longest: { store: ObjectStore; commits: number } | undefined;
    for (const commits of counts) {
      const store = await openStore(path.join(dir, `commits-${commits}`));
      await history(store, commits);
      withCheckpoints.push(await timeLoad(store, commits, runs));
      longest = { store, commits };
    }
    const { store, commits } = longest!;
    for (const o of await store.list(`${SILVER.path}/_delta_log/`)) {
      if (/checkpoint/.test(o.key)) await store.delete(o.key);
    }
    return { withCheckpoints, jsonOnly: await timeLoad(store, commits, runs) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
