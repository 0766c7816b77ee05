/**
 * The product's two doors as users get them: dist/cli.js and dist/index.js, built by
 * scripts/bundle.mjs into a folder of the suite's own (so other work on dist/ cannot disturb
 * it), and run as child processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds cli.js and index.js into `dir`. */
export function bundleDoors(dir: string): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs'), dir]);
}

export interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `<bundle>/<script>` with `args`, in exactly the environment `env` (nothing inherited),
 * in the folder `cwd` (default: this process's). `run` and `backfill` (and the action) skip
 * details unless `opts.details`.
 */
export function runBundled(
  bundle: string,
  script: 'cli.js' | 'index.js',
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
  opts: { details?: boolean } = {},
): Promise<Output> {
  // Details have their own suite: other runs through either door skip them unless asked.
  if (!opts.details) {
    if (script === 'cli.js' && (args[0] === 'run' || args[0] === 'backfill')) {
      // Right after the command, so a flag the test leaves without a value stays last.
      args = [args[0], '--no-details', ...args.slice(1)];
    }
    if (script === 'index.js' && env['INPUT_NO-DETAILS'] === undefined) {
      env = { ...env, 'INPUT_NO-DETAILS': 'true' };
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(bundle, script), ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
