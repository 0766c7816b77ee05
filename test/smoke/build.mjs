// Builds what `npm run smoke:databricks` runs into node_modules/.cache/smoke (ignored by git), as
// bench/build.mjs builds the benchmark: test/smoke/main.ts bundled with the product's sources,
// packages left to node_modules. The sql/ files are found by walking up from the bundle.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'node_modules/.cache/smoke');

fs.rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { databricks: path.join(ROOT, 'test/smoke/main.ts') },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  logLevel: 'warning',
});
