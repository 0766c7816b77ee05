import { describe, expect, it } from 'vitest';
import {
  detailQueue,
  missingGear,
  queuedRequests,
  requestsFor,
  runsToFinish,
} from '../../../src/details/queue.js';
import type { DetailState, SilverSummary } from '../../../src/details/types.js';

const a = (id: number, month: string, day: number, extra: Partial<SilverSummary> = {}) =>
  ({
    id: BigInt(id),
    month,
    summarySha256: `h${id}`,
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
) =>
  ({
    activities,
    fetched: new Map(fetched.map(([id, h]) => [BigInt(id), h])),
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
