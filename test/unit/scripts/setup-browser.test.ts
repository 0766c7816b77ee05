/**
 * `npm run setup:browser` (scripts/setup-browser.sh) prints Chromium's path on stdout, installs
 * Debian's chromium with apt-get only when it is missing, says what it does on stderr, and names
 * the fix when it cannot install. It runs here with a PATH of stand-ins only: `apt-get`, `id`
 * and `chromium` are small scripts that log their calls, so nothing is installed for real.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';

let bin: string;
let calls: string;
beforeEach(async () => {
  bin = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-setup-bin-'));
  calls = path.join(bin, 'calls.log');
  await fs.writeFile(calls, '');
  // What the stand-ins themselves use.
  for (const tool of ['cat', 'chmod']) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], {
      encoding: 'utf8',
    }).stdout.trim();
    await fs.symlink(found, path.join(bin, tool));
  }
});
afterEach(async () => {
  await fs.rm(bin, { recursive: true, force: true });
});

async function standIn(name: string, script: string): Promise<void> {
  await fs.writeFile(path.join(bin, name), `#!/bin/bash\n${script}\n`, { mode: 0o755 });
}

/** A chromium stand-in's script. */
const CHROMIUM = 'echo "Chromium 156.0.8078.114"';

/** An apt-get that logs its calls; `install` creates the chromium stand-in unless told to fail. */
async function aptGet(opts: { failInstalls?: number } = {}): Promise<void> {
  const failures = path.join(bin, 'failures');
  await fs.writeFile(failures, String(opts.failInstalls ?? 0));
  await standIn(
    'apt-get',
    [
      `echo "apt-get $*" >> ${calls}`,
      `if [ "$1" = install ]; then`,
      `  n=$(cat ${failures}); if [ "$n" -gt 0 ]; then echo $((n - 1)) > ${failures}; exit 100; fi`,
      `  printf '#!/bin/bash\\n%s\\n' '${CHROMIUM}' > ${bin}/chromium; chmod +x ${bin}/chromium`,
      `fi`,
    ].join('\n'),
  );
}

function setup() {
  return spawnSync('/bin/bash', ['scripts/setup-browser.sh'], {
    env: { PATH: bin },
    encoding: 'utf8',
  });
}

const logged = async () => (await fs.readFile(calls, 'utf8')).split('\n').filter(Boolean);

test('with chromium installed: prints its path and installs nothing', async () => {
  await standIn('chromium', CHROMIUM);
  await aptGet();
  const r = setup();
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`${path.join(bin, 'chromium')}\n`);
  expect(r.stderr).toContain('Chromium 156.0.8078.114');
  expect(await logged()).toEqual([]);
});

test('without chromium, as root: apt-get install -y chromium, then the path', async () => {
  await standIn('id', 'echo 0');
  await aptGet();
  const r = setup();
  expect(r.status, r.stderr).toBe(0);
  expect(await logged()).toEqual(['apt-get install -y chromium']);
  expect(r.stderr).toContain('running apt-get install -y chromium');
  expect(r.stdout).toBe(`${path.join(bin, 'chromium')}\n`);
  // Idempotent: a second run finds it.
  const again = setup();
  expect(again.stdout).toBe(r.stdout);
  expect(await logged()).toEqual(['apt-get install -y chromium']);
});

test('an install that fails for want of package lists updates them and tries again', async () => {
  await standIn('id', 'echo 0');
  await aptGet({ failInstalls: 1 });
  const r = setup();
  expect(r.status, r.stderr).toBe(0);
  expect(await logged()).toEqual([
    'apt-get install -y chromium',
    'apt-get update',
    'apt-get install -y chromium',
  ]);
  expect(r.stdout).toBe(`${path.join(bin, 'chromium')}\n`);
});

test('an install that keeps failing fails the script, with nothing on stdout', async () => {
  await standIn('id', 'echo 0');
  await aptGet({ failInstalls: 2 });
  const r = setup();
  expect(r.status).not.toBe(0);
  expect(r.stdout).toBe('');
});

test('not root and no sudo: names the command to run as root, installs nothing', async () => {
  await standIn('id', 'echo 1000');
  await aptGet();
  const r = setup();
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('Run as root: apt-get install -y chromium');
  expect(await logged()).toEqual([]);
});

test('not root with sudo: the install goes through sudo', async () => {
  await standIn('id', 'echo 1000');
  await aptGet();
  await standIn('sudo', `echo "sudo $*" >> ${calls}; exec "$@"`);
  const r = setup();
  expect(r.status, r.stderr).toBe(0);
  expect(await logged()).toEqual([
    'sudo apt-get install -y chromium',
    'apt-get install -y chromium',
  ]);
});

test('no apt-get: says to install Chromium and set CHROMIUM_PATH', async () => {
  const r = setup();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("needs Debian's chromium and there is no apt-get here");
  expect(r.stderr).toContain('CHROMIUM_PATH');
});
