/**
 * `import-archive PATH --warehouse W [--timezone IANA] [--skip-bad-files] [--json]` through the
 * CLI's own door: one positional PATH, one line on stderr for a refusal, records on stdout.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { renderHelp } from '../../../src/cli/help.js';
import { recordedActivities } from '../../../src/simulator/index.js';
import { exportEntries, writeZip } from '../../support/archive.js';
import { captureCli } from '../../support/capture.js';

const { stdout, stderr } = captureCli();
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-import-cli-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function exportZip(): Promise<string> {
  const activities = recordedActivities()
    .filter((a) => a.start_date_local.startsWith('2025-09'))
    .filter((a) => a.timezone.endsWith('America/New_York'));
  const file = path.join(tmp, 'export_1.zip');
  await writeZip(file, exportEntries(activities));
  return file;
}

test('imports an export and prints the records as JSON', async () => {
  const zip = await exportZip();
  const warehouse = path.join(tmp, 'wh');
  const args = ['import-archive', zip, '--warehouse', warehouse, '--timezone', 'America/New_York'];
  expect(await main([...args, '--json'], {})).toBe(0);
  const record = JSON.parse(stdout.join('')) as { month: string; source: string; status: string };
  expect([record.month, record.source, record.status]).toEqual(['2025-09', 'archive', 'ingested']);
  stdout.length = 0;
  expect(await main(args, {})).toBe(0);
  expect(stdout.join('')).toMatch(
    /^2025-09 {2}unchanged {2}\s*\d+ activities {2}landing\/archive\/month=2025-09\/activities-[0-9a-f]{16}\.csv\n$/,
  );
  stdout.length = 0;
  expect(await main(['inspect', '--warehouse', warehouse, '--json'], {})).toBe(0);
  const { tables } = JSON.parse(stdout.join('')) as { tables: { table: string; rows: number }[] };
  const rows = (name: string) => tables.find((t) => t.table === name)!.rows;
  expect(rows('silver/archive_activities')).toBe(rows('silver/activities'));
  expect(rows('silver/activities')).toBeGreaterThan(0);
});

test.each([
  [
    'no --timezone, for files that give no offset and no position',
    ['--warehouse', 'W'],
    /^error: \S+export_1\.zip: activities\.csv: no time zone rule decides the local time of \d+ activities, the first activity \d+ \(activities\/\d+\.gpx\): its file gives no FIT time offset and no position\. Give the time zone you record in with --timezone \(an IANA name, e\.g\. --timezone Europe\/Paris\), or run again with --skip-bad-files to leave those activities out \(the run record lists them\)\.\n$/,
  ],
  [
    'no PATH',
    null,
    'error: import-archive needs the path of the export. For example: import-archive export_12345.zip --warehouse ./lakehouse.\n',
  ],
  [
    'two paths',
    ['second.zip', '--timezone', 'UTC'],
    'error: Unexpected argument "second.zip". Run `strava-lakehouse help import-archive`.\n',
  ],
  [
    '--engine',
    ['--engine', 'databricks', '--timezone', 'UTC'],
    'error: --engine does not apply to `import-archive`. Run `strava-lakehouse help import-archive` for its options.\n',
  ],
])('refuses %s in one line, writing nothing', async (_, extra, line) => {
  const zip = await exportZip();
  const warehouse = path.join(tmp, 'wh');
  const args = extra
    ? ['import-archive', zip, ...extra.map((a) => (a === 'W' ? warehouse : a))]
    : ['import-archive', '--timezone', 'UTC', '--warehouse', warehouse];
  expect(await main(args, {})).toBe(1);
  if (typeof line === 'string') expect(stderr.join('')).toBe(line);
  else {
    // Refused after reading the export: its progress lines come first, the error last.
    const lines = stderr.join('').split('\n');
    expect(lines.filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(`${lines.at(-2)}\n`).toMatch(line);
  }
  expect(stdout.join('')).toBe('');
  await expect(fs.stat(warehouse)).rejects.toThrow();
});

test('help lists the flags of the command', () => {
  const help = renderHelp('import-archive');
  expect(help).toContain(
    'Usage: strava-lakehouse import-archive PATH [--timezone IANA] [--skip-bad-files] [--no-coordinates]',
  );
  for (const flag of [
    '--timezone IANA',
    '--skip-bad-files',
    '--no-coordinates',
    '--warehouse',
    '--json',
  ]) {
    expect(help).toContain(flag);
  }
  expect(help).not.toContain('--engine');
});
