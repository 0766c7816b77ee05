/**
 * The child process of the `streams` section (bench/streams.ts): writes the streams of
 * STREAMS_ACTIVITIES activities of one hour at 1 Hz into a new folder warehouse through the
 * embedded engine's writeDetails, in chunks of about CHUNK_SAMPLES samples as the detail phase
 * hands them over, generating each chunk's rows only when it is written. Prints one JSON line.
 *
 *   node streams-child.mjs <warehouse folder>
 */
import { performance } from 'node:perf_hooks';
import type { ActivityDetailRows } from '../src/details/types.js';
import { FolderStore } from '../src/landing/folder.js';
import type { Row } from '../src/lakehouse/delta/table.js';
import { STREAMS } from '../src/lakehouse/detail-tables.js';
import { EmbeddedEngine } from '../src/lakehouse/embedded.js';

export const STREAMS_ACTIVITIES = 1_000;
export const SAMPLES_PER_ACTIVITY = 3_600;
export const CHUNK_SAMPLES = 40_000;

/** What the child prints. */
export interface StreamsChildResult {
  writeMs: number;
  activities: number;
  rows: number;
  chunks: number;
  files: number;
  version: number | null;
}

const FIRST_ID = 10_000_000_000;
const START = Date.parse('2024-01-01T07:00:00Z');

/** One activity of an hour at 1 Hz, every stream present; about three activities a day. */
function activity(i: number): ActivityDetailRows {
  const id = BigInt(FIRST_ID + i * 7);
  const startMs = START + Math.floor(i / 3) * 86_400_000 + (i % 3) * 4 * 3_600_000;
  const month = new Date(startMs).toISOString().slice(0, 7);
  const streams: Row[] = new Array<Row>(SAMPLES_PER_ACTIVITY);
  for (let s = 0; s < SAMPLES_PER_ACTIVITY; s++) {
    streams[s] = {
      activity_id: id,
      sample_index: BigInt(s),
      time_s: BigInt(s),
      distance_m: s * 2.9,
      lat: 52.5 + Math.sin((i + s) / 500) / 100,
      lng: 13.4 + Math.cos((i + s) / 500) / 100,
      altitude_m: 34 + ((s * 7) % 41) / 3,
      heartrate: BigInt(110 + ((s + i) % 70)),
      cadence: BigInt(82 + (s % 9)),
      watts: BigInt(150 + ((s * 13 + i) % 120)),
      velocity_smooth: 2.9 + (s % 11) / 10,
      grade_smooth: ((s % 21) - 10) / 10,
      moving: s % 300 !== 0,
      month,
    };
  }
  const details: Row = {
    activity_id: id,
    status: 'fetched',
    summary_sha256: `bench-${i}`,
    fetched_at: BigInt(startMs) * 1000n,
    stream_samples: BigInt(SAMPLES_PER_ACTIVITY),
    lap_count: 0n,
    month,
  };
  return { activityId: id, month, details, laps: [], streams };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: streams-child.mjs <warehouse folder>');
  const engine = new EmbeddedEngine(new FolderStore(dir));
  const perChunk = Math.max(1, Math.floor(CHUNK_SAMPLES / SAMPLES_PER_ACTIVITY));
  let chunks = 0;
  const start = performance.now();
  for (let first = 0; first < STREAMS_ACTIVITIES; first += perChunk) {
    const activities = [];
    for (let i = first; i < Math.min(first + perChunk, STREAMS_ACTIVITIES); i++) {
      activities.push(activity(i));
    }
    await engine.writeDetails({ activities, gear: [] }, { runId: 'bench-streams', force: false });
    chunks++;
  }
  const writeMs = performance.now() - start;
  const snap = await engine.details.tables.get(STREAMS.path)!.snapshot();
  const rows = (snap?.files ?? []).reduce(
    (n, f) => n + ((f.stats && (JSON.parse(f.stats) as { numRecords: number }).numRecords) || 0),
    0,
  );
  const result: StreamsChildResult = {
    writeMs,
    activities: STREAMS_ACTIVITIES,
    rows,
    chunks,
    files: snap?.files.length ?? 0,
    version: snap?.version ?? null,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
