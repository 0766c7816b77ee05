/**
 * `report` on an S3 warehouse (the moto server): the same page as from a folder warehouse that
 * holds the same months.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildReport } from '../../src/report/html/index.js';
import { createBucket, motoEndpoint, useMotoCredentials } from '../support/moto.js';
import { runIn, startAthlete, type Athlete } from '../support/pipeline.js';

let athlete: Athlete;
let tmp: string;
beforeAll(async () => {
  useMotoCredentials();
  athlete = await startAthlete();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-report-s3-'));
});
afterAll(async () => {
  await athlete?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

test('builds from an S3 warehouse the same page as from a folder', async () => {
  const range = { from: '2025-07', to: '2025-09' };
  const uri = `s3://${await createBucket('report')}/lakehouse`;
  const folder = path.join(tmp, 'lake');
  await runIn(athlete, uri, range, { s3Endpoint: motoEndpoint() });
  await runIn(athlete, folder, range);
  const now = new Date('2025-10-02T06:00:00Z');
  const common = { privacyRadiusM: 200, includePrivate: false, now };
  const fromS3 = await buildReport({
    ...common,
    warehouse: uri,
    s3: { endpoint: motoEndpoint() },
    out: path.join(tmp, 's3'),
  });
  const fromFolder = await buildReport({
    ...common,
    warehouse: folder,
    out: path.join(tmp, 'dir'),
  });
  expect(fromS3.month).toBe('2025-09');
  const html = await fs.readFile(fromS3.file, 'utf8');
  expect(html).toMatch(/<tr data-month="2025-09" data-sport="\w+">/);
  // ECharts numbers its SVG ids and class names per chart made in the process: the same page
  // otherwise.
  const plain = (text: string) => text.replace(/zr\d+-(?:cls-|c)\d+/g, 'zr');
  expect(plain(html)).toBe(plain(await fs.readFile(fromFolder.file, 'utf8')));
});
