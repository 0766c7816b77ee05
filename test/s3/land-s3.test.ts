/** Landing a month on S3 (moto): content-addressed, written once. */
import { expect, test } from 'vitest';
import { activitiesToCsv, parseLandingCsv } from '../../src/landing/csv.js';
import { landMonth } from '../../src/landing/land.js';
import { countCommands, motoStore } from '../support/moto.js';
import { RECORDED_MONTH, recordedActivities } from '../unit/landing/recorded.js';

test('the same month twice is one object and one PutObject; changed data is a new object', async () => {
  const store = await motoStore('land');
  const count = countCommands(store.client);
  const activities = recordedActivities();

  const first = await landMonth(store, RECORDED_MONTH, activities);
  expect(first.reused).toBe(false);
  expect(count('PutObjectCommand')).toBe(1);
  const stored = Buffer.from((await store.get(first.key))!).toString('utf8');
  expect(stored).toBe(activitiesToCsv(activities));
  expect(parseLandingCsv(stored, store.uri(first.key))).toHaveLength(activities.length);

  const again = await landMonth(store, RECORDED_MONTH, [...activities].reverse());
  expect(again).toEqual({ ...first, reused: true });
  // The second landing found the object and sent no PutObject at all.
  expect(count('PutObjectCommand')).toBe(1);
  expect(count('HeadObjectCommand')).toBe(2);
  const listed = await store.list('landing/');
  expect(listed.map((o) => o.key)).toEqual([first.key]);
  expect(listed[0]!.size).toBe(first.bytes);

  activities[0]!.name = 'Edited on Strava';
  const changed = await landMonth(store, RECORDED_MONTH, activities);
  expect(changed.reused).toBe(false);
  expect((await store.list('landing/')).map((o) => o.key)).toEqual([first.key, changed.key].sort());
});

test('concurrent landings of the same month on S3 write it exactly once', async () => {
  const store = await motoStore('land-race');
  const results = await Promise.all(
    Array.from({ length: 6 }, () => landMonth(store, RECORDED_MONTH, recordedActivities())),
  );
  expect(results.filter((r) => !r.reused)).toHaveLength(1);
  expect(new Set(results.map((r) => r.key)).size).toBe(1);
  expect(await store.list('')).toHaveLength(1);
});

test('an empty month lands a header-only file on S3', async () => {
  const store = await motoStore('land-empty');
  const landed = await landMonth(store, '2021-02', []);
  const stored = Buffer.from((await store.get(landed.key))!).toString('utf8');
  expect(stored).toBe(activitiesToCsv([]));
  expect(parseLandingCsv(stored, landed.key)).toEqual([]);
});
