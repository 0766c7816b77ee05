// Builds what `npm run bench` runs into node_modules/.cache/bench (ignored by git): the product
// exactly as scripts/bundle.mjs builds dist/, but into a folder of its own so the working tree's
// dist/ is left alone, and the benchmark itself from bench/main.ts (with the child process of its
// streams section, bench/streams-child.ts).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(ROOT, 'node_modules/.cache/bench');

fs.rmSync(OUT, { recursive: true, force: true });
const bundled = spawnSync(
  process.execPath,
  [path.join(ROOT, 'scripts/bundle.mjs'), path.join(OUT, 'dist')],
  { cwd: ROOT, stdio: 'inherit' },
);
if (bundled.status !== 0) process.exit(bundled.status ?? 1);

await build({
  entryPoints: {
    main: path.join(ROOT, 'bench/main.ts'),
    'streams-child': path.join(ROOT, 'bench/streams-child.ts'),
  },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  logLevel: 'warning',
});
