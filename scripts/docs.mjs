// `npm run docs`: writes the README's generated parts (scripts/reference.ts) from the CLI's
// option table and action.yml, formatted as prettier formats the README. The TypeScript is
// bundled into a temporary folder, as bench/build.mjs does, and removed after.
import { build } from 'esbuild';
import yaml from 'js-yaml';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const readmeFile = path.join(root, 'README.md');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-docs-'));
try {
  const outfile = path.join(tmp, 'reference.mjs');
  await build({
    entryPoints: [path.join(root, 'scripts/reference.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const { updateReadme } = await import(pathToFileURL(outfile).href);
  const config = (await prettier.resolveConfig(readmeFile)) ?? {};
  const before = fs.readFileSync(readmeFile, 'utf8');
  const after = await updateReadme(before, fs.readFileSync(path.join(root, 'action.yml'), 'utf8'), {
    parseYaml: (text) => yaml.load(text),
    format: (text) => prettier.format(text, { ...config, filepath: readmeFile }),
  });
  fs.writeFileSync(readmeFile, after);
  console.log(after === before ? 'README.md is up to date.' : 'README.md updated.');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
