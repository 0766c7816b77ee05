/**
 * What `demo` prints: a table that names its measure and whose first row compares with the month
 * before it, and a "Look inside" command that works from where the user is; `demo --force`
 * processes the months again. The end-to-end cases run the bundled CLI as a user would.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMonthTable } from '../../../src/cli/demo.js';
import { commandFor } from '../../../src/cli/self.js';
import type { GoldRow } from '../../../src/lakehouse/gold.js';
import type { RunRecord } from '../../../src/runs/record.js';
import { bundleCli } from '../../support/pipeline.js';

const run = promisify(execFile);

const gold = (month: string, sport: string, km: number, n = 1): GoldRow =>
  ({
    month,
    sport_type: sport,
    activity_count: BigInt(n),
    distance: km * 1000,
    moving_time: 3600n,
  }) as GoldRow;

describe('the month table', () => {
  it('names its measure, and compares its first row with the month before it', () => {
    const rows = [
      gold('2024-12', 'Run', 100),
      gold('2025-01', 'Run', 120),
      gold('2025-01', 'Ride', 30, 2),
      gold('2025-02', 'Run', 75),
      // No March: April has no month before it to compare with.
      gold('2025-04', 'Run', 50),
    ];
    const lines = renderMonthTable(rows, '2025-04', 4).trimEnd().split('\n');
    expect(lines[0]).toMatch(/ distance vs prev month$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      ['2025-01', '3', '150.0', '2.0', '+50%'],
      ['2025-02', '1', '75.0', '1.0', '-50%'],
      ['2025-04', '1', '50.0', '1.0'],
    ]);
  });
});

describe('the command a hint prints', () => {
  const cwd = '/home/me/project';
  it.each([
    ['a global install', '/usr/local/bin/strava-lakehouse', {}, 'strava-lakehouse'],
    ['the repository', '/home/me/project/dist/cli.js', {}, 'node dist/cli.js'],
    [
      'npm run demo',
      '/home/me/project/dist/cli.js',
      { npm_command: 'run-script' },
      'node dist/cli.js',
    ],
    [
      'another folder',
      '/home/me/src/strava-lakehouse/dist/cli.js',
      {},
      'node ../src/strava-lakehouse/dist/cli.js',
    ],
    [
      'npx in a project that has it',
      '/home/me/project/node_modules/.bin/strava-lakehouse',
      { npm_command: 'exec' },
      'npx strava-lakehouse',
    ],
  ])('from %s', (_, script, env, expected) => {
    expect(commandFor({ script, env, cwd })).toBe(expected);
  });

  it('under npx of a GitHub repository, names that repository', async () => {
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-npx-'));
    try {
      const dir = path.join(cache, '_npx', '0123abcd');
      await fs.mkdir(path.join(dir, 'node_modules', '.bin'), { recursive: true });
      await fs.writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ dependencies: { 'strava-lakehouse': 'github:me/strava-lakehouse' } }),
      );
      const script = path.join(dir, 'node_modules', '.bin', 'strava-lakehouse');
      expect(commandFor({ script, env: { npm_command: 'exec' }, cwd })).toBe(
        'npx github:me/strava-lakehouse',
      );
      await fs.writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ dependencies: { 'strava-lakehouse': '^0.1.0' } }),
      );
      expect(commandFor({ script, env: {}, cwd })).toBe('npx strava-lakehouse');
    } finally {
      await fs.rm(cache, { recursive: true, force: true });
    }
  });
});

describe('demo, end to end', () => {
  let bundle: string;
  let work: string;
  beforeAll(async () => {
    bundle = await bundleCli();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-demo-'));
  }, 120_000);
  afterAll(async () => {
    for (const dir of [bundle, work]) if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' };
  const demo = (args: string[]) =>
    run(process.execPath, [path.join(bundle, 'cli.js'), 'demo', '--warehouse', 'lake', ...args], {
      cwd: work,
      env,
      maxBuffer: 1 << 24,
    });
  const statuses = (stdout: string) =>
    new Set((JSON.parse(stdout) as RunRecord[]).map((r) => r.status));

  it('prints a hint that runs from where the user is, and re-runs the months with --force', async () => {
    const first = await demo([]);
    expect(first.stdout).toMatch(
      /^month +activities +distance km +moving h +distance vs prev month$/m,
    );
    const hint = /^Look inside: (.+)$/m.exec(first.stdout)?.[1];
    expect(hint).toBe(
      `node ${path.relative(work, path.join(bundle, 'cli.js'))} inspect --warehouse lake`,
    );
    // The report's path comes just before the hint, which stays last.
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^Look inside: /);
    const report = /^Report \(\d+ KiB, built in [\d.]+ s\): (.+)$/.exec(
      lines[lines.length - 2]!,
    )?.[1];
    expect(report).toBe(path.join('lakehouse-demo-report', 'index.html'));
    const html = await fs.readFile(path.join(work, report!), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Strava lakehouse: 2025-');
    expect(html).toMatch(/<tr data-month="2025-\d\d" data-sport="\w+">/);
    const [, script, ...args] = hint!.split(' ');
    const inspect = await run(process.execPath, [script!, ...args], { cwd: work, env });
    expect(inspect.stdout).toMatch(/^silver\/activities +\d+ +\d+ +\d+ +1132$/m);

    expect(statuses((await demo(['--json'])).stdout)).toEqual(new Set(['unchanged']));
    expect(statuses((await demo(['--json', '--force'])).stdout)).toEqual(new Set(['ingested']));
  }, 300_000);
});
