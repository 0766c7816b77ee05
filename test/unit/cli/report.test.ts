/**
 * `report` refuses bad input with one line on stderr that names the flag (or the warehouse) and
 * the fix, exits 1, and writes nothing.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureCli } from '../../support/capture.js';

const { stdout, stderr } = captureCli();
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-report-cli-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Runs `report` with `args`; expects exit 1 and returns the one error line. */
async function refused(args: string[]): Promise<string> {
  expect(await main(['report', ...args], {})).toBe(1);
  expect(stdout.join('')).toBe('');
  const lines = stderr.join('').split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

test('needs --out', async () => {
  expect(await refused(['--warehouse', tmp])).toBe(
    'error: report needs --out. Give the folder to write it into, e.g. --out ./report.',
  );
});

test('says there is no lakehouse at the warehouse, and creates no report folder', async () => {
  const out = path.join(tmp, 'out');
  const warehouse = path.join(tmp, 'nowhere');
  expect(await refused(['--warehouse', warehouse, '--out', out])).toBe(
    `error: There is no lakehouse at ${warehouse}: silver/activities does not exist. Check --warehouse; \`strava-lakehouse run\` or \`demo\` creates one.`,
  );
  await expect(fs.stat(out)).rejects.toThrow();
});

test('refuses an --out that is a file, and leaves the file alone', async () => {
  const file = path.join(tmp, 'report.html');
  await fs.writeFile(file, 'mine');
  expect(await refused(['--warehouse', tmp, '--out', file])).toBe(
    `error: --out ${file} is a file, not a folder. Give a folder for the report (it gets index.html), e.g. --out ./report.`,
  );
  expect(await fs.readFile(file, 'utf8')).toBe('mine');
});

test.each([
  [['--months', '0'], '--months "0" is not a number of months from 1 to 120.'],
  [['--months', '121'], '--months "121" is not a number of months from 1 to 120.'],
  [['--months', '1e1'], '--months "1e1" is not a number of months from 1 to 120.'],
  [['--units', 'furlongs'], '--units "furlongs" is not metric or imperial.'],
  [['--month', '2024-13'], '--month "2024-13" is not a real month.'],
  [['--privacy-radius', '5.5'], '--privacy-radius "5.5" is not a number of metres'],
  [['--lookback', '2'], '--lookback does not apply to `report`.'],
])('refuses %j, naming it', async (args, message) => {
  const line = await refused(['--warehouse', tmp, '--out', path.join(tmp, 'out'), ...args]);
  expect(line.startsWith(`error: ${message}`)).toBe(true);
});
