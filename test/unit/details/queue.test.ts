import { describe, expect, it } from 'vitest';
import {
  detailQueue,
  detailsCurrent,
  missingGear,
  queuedRequests,
  requestsFor,
  runsToFinish,
} from '../../../src/details/queue.js';
import { archiveSummarySha256, summarySha256 } from '../../../src/details/summary-hash.js';
import type { DetailState, SilverSummary } from '../../../src/details/types.js';

const a = (id: number, month: string, day: number, extra: Partial<SilverSummary> = {}) =>
  ({
    id: BigInt(id),
    month,
    summarySha256: `h${id}`,
    archiveSha256: `a${id}`,
    manual: false,
    private: false,
    gearId: null,
    startDateLocal:
      BigInt(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1, day)) * 1000n,
    ...extra,
  }) as SilverSummary;

const state = (
  activities: SilverSummary[],
  fetched: [number, string][] = [],
  gear: string[] = [],
  archived: number[] = [],
) =>
  ({
    activities,
    fetched: new Map(fetched.map(([id, h]) => [BigInt(id), h])),
    archived: new Set(archived.map((id) => BigInt(id))),
    gearIds: new Set(gear),
  }) as DetailState;

describe('detail queue', () => {
  it('holds what has no details or details of another summary, newest month and day first', () => {
    const s = state(
      [
        a(1, '2024-04', 3),
        a(2, '2024-05', 1),
        a(3, '2024-05', 20),
        a(4, '2024-03', 9),
        a(5, '2024-05', 2),
      ],
      [
        [4, 'h4'],
        [5, 'old-hash'],
      ],
    );
    expect(detailQueue(s).map((x) => Number(x.id))).toEqual([3, 5, 2, 1]);
  });

  it('takes an archive row as current by its archive hash or the full hash; other rows by the full hash only', () => {
    const s = state(
      [1, 2, 3, 4, 5, 6].map((id) => a(id, '2024-05', id)),
      [
        [1, 'a1'], // archive, archive hash: current
        [2, 'h2'], // archive, the full hash (imported before the archive hash): current
        [3, 'a-old'], // archive, another archive hash (edited on Strava): queued
        [4, 'a4'], // fetched, holding what is the archive hash: queued
        [5, 'h5'], // fetched, full hash: current
      ],
      [],
      [1, 2, 3],
    );
    expect(detailQueue(s).map((x) => Number(x.id))).toEqual([6, 4, 3]);
    expect(detailsCurrent(s.activities[0]!, s)).toBe(true);
    expect(detailsCurrent(s.activities[5]!, s)).toBe(false);
  });

  it("keeps the archive's details of an activity the API's summary repeats, and queues an edited one", () => {
    // The archive's silver row and the API's row of the same activity, as the readers give them.
    const archiveRow = {
      id: 12345678901n,
      name: 'Lunch Run',
      sport_type: 'Run',
      type: 'Run',
      workout_type: null,
      start_date: 1719786600000000n,
      start_date_local: 1719793800000000n,
      distance: 18962.80078125,
      moving_time: 5601n,
      elapsed_time: 5700n,
      total_elevation_gain: 88.30000305175781,
      gear_id: null,
      manual: false,
      private: null,
      has_heartrate: true,
      device_watts: null,
    };
    const apiRow = {
      ...archiveRow,
      distance: 18962.8,
      total_elevation_gain: 88.3,
      workout_type: 0n,
      gear_id: 'g123',
      private: false,
      device_watts: false,
    };
    const summary = (row: Record<string, unknown>): SilverSummary =>
      a(12345678901, '2024-07', 1, {
        summarySha256: summarySha256(row),
        archiveSha256: archiveSummarySha256(row),
      });
    // What the import stored: the archive hash of its own row, status archive.
    const stored: [number, string][] = [[12345678901, archiveSummarySha256(archiveRow)]];
    const queued = (row: Record<string, unknown>, archived: number[]) =>
      detailQueue(state([summary(row)], stored, [], archived)).length;
    expect(summarySha256(apiRow)).not.toBe(summarySha256(archiveRow));
    expect(queued(archiveRow, [12345678901])).toBe(0);
    expect(queued(apiRow, [12345678901])).toBe(0);
    // The athlete renames it or corrects its distance on Strava: the API's details are fetched.
    expect(queued({ ...apiRow, name: 'Lunch Run (hills)' }, [12345678901])).toBe(1);
    expect(queued({ ...apiRow, distance: 18900 }, [12345678901])).toBe(1);
    // The same stored hash on a row the API fetched is not taken as current.
    expect(queued(apiRow, [])).toBe(1);
  });

  it('costs two requests an activity, one when manual (no streams), plus each missing gear once', () => {
    expect(requestsFor({ manual: false })).toBe(2);
    expect(requestsFor({ manual: true })).toBe(1);
    const s = state(
      [
        a(1, '2024-05', 1, { gearId: 'b1' }),
        a(2, '2024-05', 2, { gearId: 'b1', manual: true }),
        a(3, '2024-05', 3, { gearId: 'g7' }),
      ],
      [],
      ['g7'],
    );
    expect(missingGear(s)).toEqual(['b1']);
    expect(queuedRequests(detailQueue(s), missingGear(s))).toBe(2 + 1 + 2 + 1);
  });

  it('estimates the runs left', () => {
    expect(runsToFinish(0, 100)).toBe(0);
    expect(runsToFinish(2264, 895)).toBe(3);
    expect(runsToFinish(10, 0)).toBe(10);
  });
});
