/**
 * `import-archive PATH --warehouse W --timezone IANA [--skip-bad-files] [--json]` through the
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
    'no --timezone',
    ['--warehouse', 'W'],
    'error: --timezone is required: activities.csv has no time zone, and the local month of each activity depends on it. Give the IANA name of the time zone you record in, e.g. --timezone Europe/Paris.\n',
  ],
  [
    'no PATH',
    null,
    'error: import-archive needs the path of the export. For example: import-archive export_12345.zip --timezone Europe/Paris.\n',
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
  expect(stderr.join('')).toBe(line);
  expect(stdout.join('')).toBe('');
  await expect(fs.stat(warehouse)).rejects.toThrow();
});

test('help lists the flags of the command', () => {
  const help = renderHelp('import-archive');
  expect(help).toContain('Usage: strava-lakehouse import-archive PATH --timezone IANA');
  for (const flag of ['--timezone IANA', '--skip-bad-files', '--warehouse', '--json']) {
    expect(help).toContain(flag);
  }
  expect(help).not.toContain('--engine');
});
