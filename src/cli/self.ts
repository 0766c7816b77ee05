/**
 * How the user started this CLI, so a hint can print a command that works from where they are:
 * `strava-lakehouse` when installed, `npx <package>` under npx, `node <path to cli.js>` otherwise
 * (in the repository: `node dist/cli.js`).
 */
import fs from 'node:fs';
import path from 'node:path';

const NAME = 'strava-lakehouse';

export interface Invocation {
  /** process.argv[1]: the script as started, a bin link or the file itself. */
  script: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function commandFor({ script, env, cwd }: Invocation): string {
  const npxDir = /^(.*[\\/]_npx[\\/][^\\/]+)[\\/]node_modules[\\/]/.exec(script)?.[1];
  if (npxDir || env.npm_command === 'exec') {
    return `npx ${(npxDir && npxSpec(npxDir)) || NAME}`;
  }
  if (path.basename(script) === NAME) return NAME;
  const relative = path.relative(cwd, script);
  return `node ${relative.includes(' ') ? JSON.stringify(relative) : relative}`;
}

/** What npx was given (e.g. `github:owner/strava-lakehouse`): its cache folder's dependency. */
function npxSpec(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const spec = pkg.dependencies?.[NAME];
    if (!spec) return undefined;
    // A registry version range is reached by the name; anything else (git, a tarball) by its spec.
    return /^[\^~<>=\d*]/.test(spec) || spec === 'latest' ? NAME : spec;
  } catch {
    return undefined;
  }
}

export function selfCommand(): string {
  return commandFor({
    script: process.argv[1] ?? `dist/cli.js`,
    env: process.env,
    cwd: process.cwd(),
  });
}
