/**
 * `npm run setup:oracles` names every missing prerequisite in one line, before it installs
 * anything. It runs here with a PATH that holds only the few tools the check itself uses, plus
 * stand-ins for the prerequisites a case provides.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';

let bin: string;
beforeEach(async () => {
  bin = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-setup-bin-'));
  for (const tool of ['dirname', 'sed', 'head']) {
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

function setup() {
  const before = spawnSync('ls', ['-la', '.oracles/'], { encoding: 'utf8' }).stdout;
  const r = spawnSync('/bin/bash', ['scripts/setup-oracles.sh'], {
    env: { PATH: bin, HOME: process.env.HOME },
    encoding: 'utf8',
  });
  expect(spawnSync('ls', ['-la', '.oracles/'], { encoding: 'utf8' }).stdout).toBe(before);
  return r;
}

test('names Python, Java and Maven when none is there, and installs nothing', () => {
  const r = setup();
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter(Boolean)).toEqual([
    'error: setup:oracles needs what is missing here: Python 3 with venv (python3, e.g. apt-get install python3-venv); Java 17 or later (java, e.g. apt-get install openjdk-17-jdk-headless); Maven (mvn, e.g. apt-get install maven). Install it, then run npm run setup:oracles again.',
  ]);
});

test('names only what is missing, and a Java older than 17', async () => {
  await standIn('python3', 'exit 0');
  await standIn('mvn', 'exit 0');
  await standIn('java', 'echo \'openjdk version "11.0.22" 2024-01-16\' >&2');
  const r = setup();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(
    'error: setup:oracles needs what is missing here: Java 17 or later (java, e.g. apt-get install openjdk-17-jdk-headless). Install it',
  );
  expect(r.stderr).not.toContain('Python');
  expect(r.stderr).not.toContain('Maven');
});
