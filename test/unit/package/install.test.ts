/**
 * The command installs the ways a user installs a CLI from a GitHub repository, offline and with
 * an empty npm cache, so nothing can come from the registry: the packed tarball (what a release
 * attaches), `npm install -g` of a git URL, and `npx` of that URL. A git install must use the
 * committed dist/ as it is: a `prepare` (or `build`) script would make npm install the dev
 * dependencies in a temporary clone first, which fails offline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const INSTALL_TIMEOUT = 180_000;

let tmp: string;
let env: NodeJS.ProcessEnv;
let tarball: string;
let gitUrl: string;

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}
let packed: Packed;

function npm(args: string[], cwd = tmp): string {
  return execFileSync('npm', args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the installed command from a folder of its own, with this test's Node first on PATH. */
function runCommand(bin: string, args: string[], cwd: string) {
  fs.mkdirSync(cwd, { recursive: true });
  return spawnSync(bin, args, { cwd, env, encoding: 'utf8', timeout: INSTALL_TIMEOUT });
}

function expectVersionAndDemo(bin: string, name: string) {
  const version = runCommand(bin, ['--version'], path.join(tmp, `${name}-run`));
  expect(version.stderr).toBe('');
  expect(version.stdout.trim()).toBe(VERSION);
  const demo = runCommand(bin, ['demo'], path.join(tmp, `${name}-run`));
  expect(demo.status, demo.stderr).toBe(0);
  expect(demo.stdout).toMatch(/97 months \(97 ingested, 0 unchanged\), 1132 activities/);
  expect(fs.existsSync(path.join(tmp, `${name}-run/lakehouse-demo/gold/monthly_summary`))).toBe(
    true,
  );
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-install-'));
  env = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(tmp, 'home'),
    TMPDIR: tmp,
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  fs.mkdirSync(env.HOME!);

  // The package as `npm pack` makes it from the working tree.
  packed = (JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], ROOT)) as Packed[])[0]!;
  tarball = path.join(tmp, packed.filename);

  // A repository holding the tracked files as they are in the working tree.
  const repo = path.join(tmp, 'repo');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of tracked) fs.cpSync(path.join(ROOT, f), path.join(repo, f));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'snapshot');
  gitUrl = `git+file://${repo}`;
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, INSTALL_TIMEOUT);

describe('the package', () => {
  it('holds dist/, sql/, the README and package.json, and depends on nothing', () => {
    const files = packed.files.map((f) => f.path);
    expect(files.filter((f) => !/^(dist|sql)\//.test(f)).sort()).toEqual(
      ['README.md', 'package.json']
        .concat(fs.existsSync(path.join(ROOT, 'LICENSE')) ? ['LICENSE'] : [])
        .sort(),
    );
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/parquet_wasm_bg.wasm');
    expect(files).toContain('sql/20_merge_silver.sql');
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: object;
      scripts: Record<string, string>;
    };
    expect(manifest.dependencies ?? {}).toEqual({});
    for (const script of ['prepare', 'build', 'preinstall', 'install', 'postinstall', 'prepack']) {
      expect(manifest.scripts[script], script).toBeUndefined();
    }
    console.info(
      `npm pack: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`,
    );
  });

  it(
    'installs globally from the tarball and runs',
    () => {
      const prefix = path.join(tmp, 'from-tarball');
      npm(['install', '-g', '--prefix', prefix, tarball]);
      expectVersionAndDemo(path.join(prefix, 'bin/strava-lakehouse'), 'tarball');
    },
    INSTALL_TIMEOUT,
  );

  it(
    'installs globally from a git URL, using the committed dist/, and runs',
    () => {
      const prefix = path.join(tmp, 'from-git');
      npm(['install', '-g', '--prefix', prefix, gitUrl]);
      const installed = path.join(prefix, 'lib/node_modules/strava-lakehouse');
      expect(fs.readFileSync(path.join(installed, 'dist/cli.js'))).toEqual(
        fs.readFileSync(path.join(ROOT, 'dist/cli.js')),
      );
      expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
      expectVersionAndDemo(path.join(prefix, 'bin/strava-lakehouse'), 'git');
    },
    INSTALL_TIMEOUT,
  );

  it(
    'runs through npx of the git URL',
    () => {
      const npx = (args: string[]) =>
        runCommand(
          'npm',
          ['exec', '--yes', `--package=${gitUrl}`, '--', 'strava-lakehouse', ...args],
          path.join(tmp, 'npx-run'),
        );
      const version = npx(['--version']);
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout.trim()).toBe(VERSION);
      const demo = npx(['demo']);
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/1132 activities/);
    },
    INSTALL_TIMEOUT,
  );
});
