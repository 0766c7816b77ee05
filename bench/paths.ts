/** Where the benchmark finds things. It runs bundled as node_modules/.cache/bench/main.mjs. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD = path.join(ROOT, 'node_modules/.cache/bench');

/** The CLI and the action as scripts/bundle.mjs builds them (see bench/build.mjs). */
export const CLI = path.join(BUILD, 'dist/cli.js');
export const ACTION = path.join(BUILD, 'dist/index.js');

export const PYTHON = path.join(ROOT, '.oracles/venv/bin/python');
export const MOTO_SERVER = path.join(ROOT, '.oracles/venv/bin/moto_server');
export const MAX_RSS_PRELOAD = path.join(ROOT, 'bench/max-rss.mjs');
export const WRITE_DELTALAKE = path.join(ROOT, 'bench/write_deltalake.py');
/** The child of the `streams` section (bench/streams-child.ts), built by bench/build.mjs. */
export const STREAMS_CHILD = path.join(BUILD, 'streams-child.mjs');
export const RESULTS = path.join(ROOT, 'bench/results.json');
