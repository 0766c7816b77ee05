/**
 * The same history as delta-folder.test.ts, written to S3 (the moto server) through S3Store,
 * read back by delta-rs over S3; plus concurrent commits racing on S3 conditional puts.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { S3Store } from '../../src/landing/s3.js';
import { BRONZE, SILVER } from '../../src/lakehouse/tables.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { countCommands, motoEndpoint, motoStore, useMotoCredentials } from '../support/moto.js';
import { deltaRs } from '../support/oracles.js';
import { comparable, silverRows, writeHistory, type History } from './delta-scenario.js';

let store: S3Store;
let history: History;

beforeAll(async () => {
  useMotoCredentials();
  store = await motoStore('delta-interop');
  history = await writeHistory(store);
});

describe('tables written by DeltaTable on S3', () => {
  test('delta-rs reads silver over S3: version 12 and every row', async () => {
    const view = await deltaRs(store.uri(SILVER.path), motoEndpoint());
    expect(view.version).toBe(12);
    expect(comparable(view.rows, ['id'])).toEqual(comparable(history.silver, ['id']));
  });

  test('delta-rs reads bronze over S3: each landing file once', async () => {
    const view = await deltaRs(store.uri(BRONZE.path), motoEndpoint());
    expect(view.version).toBe(2);
    expect(comparable(view.rows, ['_landing_file', 'id'])).toEqual(
      comparable(history.bronze, ['_landing_file', 'id']),
    );
  });

  test('a fresh reader starts from _last_checkpoint without listing the log', async () => {
    const reader = new S3Store(store.root, { endpoint: motoEndpoint() });
    const count = countCommands(reader.client);
    const table = new DeltaTable(reader, SILVER);
    const snap = (await table.snapshot())!;
    expect(snap.version).toBe(12);
    expect(count('ListObjectsV2Command')).toBe(0);
    expect(comparable(await table.readRows(snap.files), ['id'])).toEqual(
      comparable(history.silver, ['id']),
    );
  });

  test('concurrent commits on S3 conditional puts get contiguous versions and lose nothing', async () => {
    const raceStore = await motoStore('delta-race');
    const writers = 5;
    const versions = await Promise.all(
      Array.from({ length: writers }, async (_, k) => {
        const table = new DeltaTable(raceStore, SILVER);
        const add = await table.writeFiles(silverRows(k));
        return table.commit(() => ({ add, remove: [] }), {
          operation: 'WRITE',
          operationParameters: { mode: 'Append' },
        });
      }),
    );
    expect([...versions].sort()).toEqual([0, 1, 2, 3, 4]);
    const view = await deltaRs(raceStore.uri(SILVER.path), motoEndpoint());
    expect(view.version).toBe(writers - 1);
    expect(view.rows).toHaveLength(writers * silverRows(0).length);
  });
});
