// Builds the committed dist/: dist/cli.js (the CLI) and dist/index.js (the action), self-contained
// ESM with dependencies inlined. Heavy parts that only some runs need (the Databricks driver, the
// artifact client, libsodium) are dynamic imports and land in dist/chunks/, so they cost nothing
// at start-up. parquet-wasm's .wasm file is copied beside the bundles.
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entries = ['src/cli.ts', 'src/index.ts'].filter((f) => fs.existsSync(f));

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies call require(); give ESM output a real one.
  banner: {
    js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);",
  },
  // Optional native accelerators of the Databricks driver: it works without them.
  external: ['lz4-napi', '@databricks/databricks-sql-kernel-*'],
});
fs.copyFileSync(
  require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'),
  'dist/parquet_wasm_bg.wasm',
);
if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
