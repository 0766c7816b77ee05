import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { activitiesToCsv, parseLandingCsv } from '../../../src/landing/csv.js';
import { FolderStore } from '../../../src/landing/folder.js';
import { landMonth, landingKey } from '../../../src/landing/land.js';
import { CSV_COLUMNS } from '../../../src/strava/schema.js';
import { RECORDED_MONTH, recordedActivities } from './recorded.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('landingKey', () => {
  test('is the month partition and the first 16 hex digits of the sha256 of the bytes', () => {
    // FIPS 180-2 test vector: sha256("abc") = ba7816bf8f01cfea414140de5dae2223...
    expect(landingKey('2024-05', bytes('abc'))).toBe(
      'landing/activities/month=2024-05/activities-ba7816bf8f01cfea.csv',
    );
  });

  test('is the same for the same bytes and different for different bytes', () => {
    const csv = activitiesToCsv(recordedActivities());
    expect(landingKey(RECORDED_MONTH, bytes(csv))).toBe(landingKey(RECORDED_MONTH, bytes(csv)));
    expect(landingKey(RECORDED_MONTH, bytes(csv))).not.toBe(
      landingKey(RECORDED_MONTH, bytes(csv.replace('Regular Loop', 'Regular loop'))),
    );
  });
});

describe('landMonth on a folder', () => {
  let root: string;
  let store: FolderStore;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'land-'));
    store = new FolderStore(root);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  test('writes the month CSV under its content-addressed key', async () => {
    const activities = recordedActivities();
    const landed = await landMonth(store, RECORDED_MONTH, activities);
    const written = await fs.readFile(path.join(root, landed.key));
    expect(written.toString('utf8')).toBe(activitiesToCsv(activities));
    expect(landed).toEqual({
      key: landingKey(RECORDED_MONTH, written),
      sha256: createHash('sha256').update(written).digest('hex'),
      bytes: written.byteLength,
      reused: false,
    });
    expect(landed.key.startsWith(`landing/activities/month=${RECORDED_MONTH}/`)).toBe(true);
  });

  test('the same data again, in any order, is the same file and is not written again', async () => {
    const activities = recordedActivities();
    const first = await landMonth(store, RECORDED_MONTH, activities);
    const file = path.join(root, first.key);
    // A marker the second landing would wipe out if it rewrote the file.
    await fs.utimes(file, new Date(0), new Date(0));
    const again = await landMonth(store, RECORDED_MONTH, [...activities].reverse());
    expect(again).toEqual({ ...first, reused: true });
    expect((await fs.stat(file)).mtimeMs).toBe(0);
    expect(await store.list('landing/')).toHaveLength(1);
  });

  test('changed data lands under a new name beside the old file', async () => {
    const activities = recordedActivities();
    const first = await landMonth(store, RECORDED_MONTH, activities);
    activities[0]!.name = 'Renamed on Strava';
    const second = await landMonth(store, RECORDED_MONTH, activities);
    expect(second.reused).toBe(false);
    expect(second.key).not.toBe(first.key);
    const keys = (await store.list(`landing/activities/month=${RECORDED_MONTH}/`)).map(
      (o) => o.key,
    );
    expect(keys).toEqual([first.key, second.key].sort());
  });

  test('an empty month lands a header-only file', async () => {
    const landed = await landMonth(store, '2020-02', []);
    const text = (await fs.readFile(path.join(root, landed.key), 'utf8')) as string;
    expect(text).toBe(`${CSV_COLUMNS.join(',')}\n`);
    expect(parseLandingCsv(text, landed.key)).toEqual([]);
    expect(landed.bytes).toBe(Buffer.byteLength(text));
    expect(landed.key).toMatch(
      /^landing\/activities\/month=2020-02\/activities-[0-9a-f]{16}\.csv$/,
    );
  });

  test('concurrent landings of the same month write it exactly once', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => landMonth(store, RECORDED_MONTH, recordedActivities())),
    );
    expect(results.filter((r) => !r.reused)).toHaveLength(1);
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(await store.list('')).toHaveLength(1);
  });
});
