/**
 * The detail phase under Strava's real limits (100 read requests per 15 minutes, 1,000 a day),
 * on the simulator's fake clock: the recorded athlete's whole history of details (1,132
 * activities, about 2,270 requests) is fetched by one run a day over three days, paced within
 * each 15-minute window, keeping the daily reserve, without a single 429 and without asking for
 * anything twice.
 */
import { describe, expect, test } from 'vitest';
import { ACTIVITY_DETAILS } from '../../src/lakehouse/detail-tables.js';
import { DeltaTable } from '../../src/lakehouse/delta/table.js';
import { DAILY_RESERVE } from '../../src/details/phase.js';
import { recordedActivities } from '../../src/simulator/index.js';
import { monthOf } from '../../src/strava/months.js';
import { warehouse } from './support/harness.js';
import { startStrava } from './support/strava.js';

const DETAIL_PATH = /^\/api\/v3\/(activities\/\d+(\/streams)?|gear\/[^/]+|athlete\/zones)$/;

describe('details under the real limits', () => {
  test('the recorded athlete completes over three daily runs, paced, with no 429 and nothing twice', async () => {
    const recorded = recordedActivities();
    const months = recorded.map((a) => monthOf(a.start_date_local)).sort();
    const range = { from: months[0]!, to: months[months.length - 1]! };
    const strava = await startStrava({ start: '2026-01-12T06:17:00Z' });
    const wh = await warehouse('folder');
    const days = ['2026-01-12T06:17:00Z', '2026-01-13T06:17:00Z', '2026-01-14T06:17:00Z'];
    const perDay: { requests: number; queued: number; stoppedBy?: string }[] = [];
    for (const day of days) {
      strava.clock.set(day);
      const before = strava.sim.state.requests.length;
      const { records } = await strava.run(wh, range, { inputs: { noDetails: false } });
      const d = records[records.length - 1]!.details!;
      // Read requests: the API's (a token refresh is not one).
      const sent = strava.sim.state.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/api/'));
      perDay.push({ requests: sent.length, queued: d.queued, stoppedBy: d.stoppedBy });
      // Within the day's read budget, keeping the reserve.
      expect(sent.length).toBeLessThanOrEqual(1_000 - DAILY_RESERVE);
      if (d.queued === 0) break;
      expect(d.stoppedBy).toBe('daily-budget');
    }
    expect(perDay.map((d) => d.queued).at(-1)).toBe(0);
    expect(perDay.length).toBeLessThanOrEqual(3);
    const all = strava.sim.state.requests;
    expect(all.filter((r) => r.status === 429)).toEqual([]);
    const details = all.filter((r) => DETAIL_PATH.test(r.path)).map((r) => r.path);
    // Zones once a run at most; everything else exactly once.
    const once = details.filter((p) => !p.endsWith('/athlete/zones'));
    expect(new Set(once).size).toBe(once.length);
    expect(details.filter((p) => /\/activities\/\d+$/.test(p))).toHaveLength(recorded.length);

    const table = new DeltaTable(wh.store, ACTIVITY_DETAILS);
    const rows = await table.readRows((await table.snapshot())!.files, ['activity_id', 'status']);
    expect(rows).toHaveLength(recorded.length);
    expect(rows.every((r) => r.status === 'fetched')).toBe(true);
    console.log(`details over ${perDay.length} days: ${JSON.stringify(perDay)}`);
  });
});
