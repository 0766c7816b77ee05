/**
 * The parent's side of child-run.ts: bundles it once with esbuild (child processes cannot
 * import TypeScript on Node 20), and runs it with a spec, collecting what it printed, how it
 * ended, the crash marker and the tokens it was handed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { PipelineConfig } from '../../../src/config.js';
import type { RunRecord } from '../../../src/runs/record.js';
import type { Boundary } from './boundaries.js';
import type { ChildSpec, CrashMarker } from './child-run.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Bundles child-run.ts into a new temporary folder, with parquet-wasm's .wasm beside it. */
export async function bundleChild(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-fault-child-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./child-run.ts', import.meta.url))],
    outfile: path.join(dir, 'child-run.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);",
    },
    // The Databricks driver is never loaded by the embedded engine.
    external: ['lz4-napi', '@databricks/databricks-sql-kernel-*'],
  });
  await fs.copyFile(
    path.join(ROOT, 'node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm'),
    path.join(dir, 'parquet_wasm_bg.wasm'),
  );
  return dir;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Where the kill hit, when it did. */
  marker?: CrashMarker;
  /** The records printed on success. */
  records?: RunRecord[];
  /** Tokens POST /oauth/token answered with. */
  tokens: string[];
}

/** Runs the bundled child with `config`, killed at `crashAt` if given; `env` adds to a bare environment. */
export async function runChild(
  bundle: string,
  config: PipelineConfig,
  opts: { crashAt?: Boundary; env?: Record<string, string>; rowsInMemory?: number } = {},
): Promise<ChildResult> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-fault-run-'));
  const spec: ChildSpec = {
    config,
    crashAt: opts.crashAt,
    ...(opts.rowsInMemory ? { rowsInMemory: opts.rowsInMemory } : {}),
    marker: path.join(scratch, 'marker.json'),
    tokens: path.join(scratch, 'tokens'),
  };
  try {
    const { code, signal, stdout, stderr } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(bundle, 'child-run.mjs')], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CI: 'true',
          ...opts.env,
          FAULT_CHILD: JSON.stringify(spec),
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (c, s) => resolve({ code: c, signal: s, stdout: out, stderr: err }));
    });
    const marker = await fs.readFile(spec.marker, 'utf8').catch(() => undefined);
    const tokens = await fs.readFile(spec.tokens, 'utf8').catch(() => '');
    return {
      code,
      signal,
      stdout,
      stderr,
      ...(marker ? { marker: JSON.parse(marker) as CrashMarker } : {}),
      ...(code === 0 ? { records: JSON.parse(stdout) as RunRecord[] } : {}),
      tokens: tokens.split('\n').filter(Boolean),
    };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
