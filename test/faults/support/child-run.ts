/**
 * A run of the pipeline in a process of its own, bundled by child.ts: runPipeline on the real
 * store the config names, optionally killed with SIGKILL at a boundary (boundaries.ts). Before
 * dying it writes the boundary and the key it stopped at to the marker file, synchronously, so
 * the parent knows where the kill hit. Every token Strava hands out is appended to the tokens
 * file, so the parent can scan the outputs for them.
 *
 * Input: FAULT_CHILD (JSON ChildSpec). Output: the run records as JSON on stdout, exit 0; or
 * `error: <line>` on stderr, exit 1.
 */
import fs from 'node:fs';
import type { PipelineConfig } from '../../../src/config.js';
import { errorLine } from '../../../src/errors.js';
import { openStore } from '../../../src/landing/open.js';
import { runPipeline } from '../../../src/pipeline.js';
import { streamProgress } from '../../../src/progress.js';
import { fetchWithTokenBoundary, storeWithBoundary, type Boundary } from './boundaries.js';
import { tokenNotingFetch } from './tokens.js';

export interface ChildSpec {
  config: PipelineConfig;
  crashAt?: Boundary;
  /** Where the boundary is written before the kill. */
  marker: string;
  /** Where every access and refresh token from POST /oauth/token is appended, one a line. */
  tokens: string;
  /** The pipeline's rows budget (PipelineDeps.rowsInMemory), to cut a backfill into batches. */
  rowsInMemory?: number;
}

export interface CrashMarker {
  boundary: Boundary;
  /** The object key (or API path) the run was about to write (or had just written). */
  at: string;
}

const spec = JSON.parse(process.env.FAULT_CHILD ?? '') as ChildSpec;

const crash = (at: string) => {
  const marker: CrashMarker = { boundary: spec.crashAt!, at };
  fs.writeFileSync(spec.marker, JSON.stringify(marker));
  process.kill(process.pid, 'SIGKILL');
};

const recordingFetch = tokenNotingFetch(fetch, (tokens) => {
  for (const t of tokens) fs.appendFileSync(spec.tokens, `${t}\n`);
});

let store = await openStore(spec.config.warehouse, spec.config.s3);
let fetchFn = recordingFetch;
if (spec.crashAt === 'after-token') fetchFn = fetchWithTokenBoundary(recordingFetch, crash);
else if (spec.crashAt) store = storeWithBoundary(store, spec.crashAt, crash);

try {
  const result = await runPipeline(spec.config, {
    store,
    fetch: fetchFn,
    progress: streamProgress(process.stderr),
    ...(spec.rowsInMemory ? { rowsInMemory: spec.rowsInMemory } : {}),
  });
  process.stdout.write(`${JSON.stringify(result.records)}\n`);
} catch (err) {
  process.stderr.write(`error: ${errorLine(err)}\n`);
  process.exitCode = 1;
}
