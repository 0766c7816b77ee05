// Builds the committed dist/: dist/cli.js (the CLI) and dist/index.js (the action), self-contained
// ESM with dependencies inlined. Heavy parts that only some runs need (the Databricks driver, the
// artifact client, libsodium) are dynamic imports and land in dist/chunks/, so they cost nothing
// at start-up. parquet-wasm's .wasm file is copied beside the bundles.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// `node scripts/bundle.mjs [outdir]`: dist/ by default; tests build into a folder of their own.
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const entries = ['src/cli.ts', 'src/index.ts'].map((f) => path.join(root, f));

// @actions/core loads @actions/http-client, which imports undici at load time only to offer a
// ProxyAgent: inlined as is, undici is evaluated on every start of the action. This stand-in
// loads it when a proxy agent is first made (on a runner behind a proxy).
const lazyUndiciForHttpClient = {
  name: 'lazy-undici-for-http-client',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]@actions[\\/]http-client[\\/]/.test(args.importer)
        ? { path: 'undici-proxy-agent', namespace: 'lazy-undici' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-undici' }, () => ({
      contents:
        "export class ProxyAgent { constructor(...args) { return new (require('undici').ProxyAgent)(...args); } }",
      resolveDir: 'node_modules/@actions/http-client',
      loader: 'js',
    }));
  },
};

// An ESM import of a built-in evaluates its whole namespace at start-up (on Node 24,
// `import 'node:http'` loads undici, Node's fetch, with it); require() does not. Every import
// statement of a built-in becomes a require() of it, one per importing module so that the
// wrappers sit in their importers' chunks instead of a dozen chunks of their own.
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^[\w:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !builtins.has(name)) return undefined;
      const importer = path.relative(root, args.importer).split(path.sep).join('/');
      return { path: `${importer} imports ${name}`, namespace: 'builtin-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require('node:${args.path.split(' imports ')[1]}');`,
      loader: 'js',
    }));
  },
};

// @actions/core brings its OIDC client (an HTTP client) and platform details (@actions/exec,
// child_process) into every start; this action uses neither. Declared free of side effects,
// they are left out while nothing calls them.
const unusedActionsCoreParts = {
  name: 'unused-actions-core-parts',
  setup(b) {
    b.onResolve({ filter: /^\.\/(oidc-utils|platform)\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)
        ? { path: path.join(args.resolveDir, args.path), sideEffects: false }
        : undefined,
    );
  },
};

// @actions/core's file commands use crypto only for the delimiter of an output's value
// (randomUUID): crypto loads on the first output instead of at start-up.
const lazyCryptoForFileCommands = {
  name: 'lazy-crypto-for-file-commands',
  setup(b) {
    b.onResolve({ filter: /^crypto$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]file-command\.js$/.test(args.importer)
        ? { path: 'crypto-on-use', namespace: 'lazy-crypto' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: "export const randomUUID = () => require('node:crypto').randomUUID();",
      loader: 'js',
    }));
  },
};

fs.rmSync(outdir, { recursive: true, force: true });
const result = await build({
  metafile: true,
  plugins: [
    lazyUndiciForHttpClient,
    lazyCryptoForFileCommands,
    unusedActionsCoreParts,
    builtinsThroughRequire,
  ],
  // A stand-in above that lacks what a new version of its importer uses fails the build.
  logOverride: { 'import-is-undefined': 'error' },
  entryPoints: entries,
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies call require(); give ESM output a real one.
  banner: {
    js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);",
  },
  // ...and some read __dirname as they load (the Databricks driver's `open`).
  define: { __dirname: 'import.meta.dirname' },
  // Optional native accelerators of the Databricks driver: it works without them.
  // @garmin/fitsdk: its licence does not allow redistributing it; loaded at run time
  // (src/archive/files.ts, loadFitSdk).
  external: ['lz4-napi', '@databricks/databricks-sql-kernel-*', '@garmin/fitsdk'],
});
stableChunkNames(result.metafile);
fs.copyFileSync(
  require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'),
  path.join(outdir, 'parquet_wasm_bg.wasm'),
);
fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);

// esbuild names a chunk after a hash of its content, so every rebuild renames the chunks whose
// content changed and each commit of dist/ removes and re-adds whole megabyte files. A chunk is
// renamed here after what it is instead: the module a dynamic import loads, or else the first
// module it holds (a module sits in one chunk only). The name stays while that module stays in
// the chunk, and a source change shows in dist/ as the lines it changed.
function stableChunkNames(metafile) {
  const renames = new Map();
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    const rel = path.relative(outdir, path.resolve(output));
    if (!rel.startsWith('chunks' + path.sep) || !rel.endsWith('.js')) continue;
    const identity = meta.entryPoint
      ? `entry:${meta.entryPoint}`
      : `module:${Object.keys(meta.inputs).sort()[0] ?? [...meta.exports].sort().join(',')}`;
    const digest = createHash('sha256').update(identity).digest('hex').slice(0, 8).toUpperCase();
    const base = path.basename(rel, '.js').replace(/-[A-Z0-9]{8}$/, '');
    renames.set(path.basename(rel), `${base}-${digest}.js`);
  }
  if (new Set(renames.values()).size !== renames.size)
    throw new Error('two chunks would share a name');
  const files = fs
    .readdirSync(outdir, { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(outdir, f));
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    text = text.replace(
      /\b(?:chunk|[\w-]+)-[A-Z0-9]{8}\.js\b/g,
      (name) => renames.get(name) ?? name,
    );
    fs.writeFileSync(file, text);
  }
  for (const [from, to] of renames) {
    fs.renameSync(path.join(outdir, 'chunks', from), path.join(outdir, 'chunks', to));
  }
}
