/**
 * streamMonths hands each month over as soon as the newest-first sweep has passed it, so a large
 * backfill never holds every activity; a list that is not newest first fails the sweep rather
 * than losing activities.
 */
import { describe, expect, it } from 'vitest';
import { StravaApiError } from '../../../src/errors.js';
import { generateAthlete } from '../../../src/simulator/index.js';
import { PER_PAGE, streamMonths, sweepMonths } from '../../../src/strava/client.js';
import { monthOf, type Month } from '../../../src/strava/months.js';
import type { StravaActivity } from '../../../src/strava/schema.js';
import { client, failure, listRequests, simulator, stravaConfig } from './support.js';

describe('streamMonths', () => {
  it('hands each complete month over during the sweep, with what a whole sweep finds', async () => {
    const athlete = generateAthlete({ count: 900, seed: 7, from: '2023-01' });
    const months = athlete.map((a) => monthOf(a.start_date_local)).sort();
    const [from, to] = [months[0]!, months.at(-1)!];
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim);
    const c = client(config);

    const handed: { month: Month; ids: number[]; listedSoFar: number }[] = [];
    const sweep = await streamMonths(c, from, to, (month, activities) => {
      handed.push({
        month,
        ids: activities.map((a) => a.id),
        listedSoFar: listRequests(sim).length,
      });
    });

    const pages = Math.ceil(athlete.length / PER_PAGE) + 1;
    expect(sweep.complete).toBe(true);
    // Newest first, every month of the range once, empty months included.
    expect(handed.map((h) => h.month)).toEqual([...new Set(months)].sort().reverse());
    expect(sweep.months).toEqual(handed.map((h) => h.month));
    // The newest month went before the sweep had listed its last page.
    expect(handed[0]!.listedSoFar).toBeLessThan(pages);
    expect(handed.filter((h) => h.listedSoFar < pages).length).toBeGreaterThan(handed.length / 2);
    // The same activities, sorted by id, as a sweep that keeps everything.
    const whole = await sweepMonths(client(config), from, to);
    for (const h of handed) {
      expect(h.ids).toEqual(whole.months.get(h.month)!.map((a: StravaActivity) => a.id));
      expect([...h.ids].sort((a, b) => a - b)).toEqual(h.ids);
    }
  });

  it('refuses a list that is not newest first instead of landing a month short', async () => {
    const athlete = generateAthlete({ count: 450, seed: 3, from: '2023-01' });
    const months = athlete.map((a) => monthOf(a.start_date_local)).sort();
    const sim = await simulator({ activities: athlete });
    // Oldest first: after the first page, a month handed over as complete gets more activities.
    const oldestFirst: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.endsWith('/athlete/activities')) url.searchParams.delete('before');
      return fetch(url, init);
    };
    const c = client(await stravaConfig(sim), { fetch: oldestFirst });
    const handed: Month[] = [];
    const err = await failure(() =>
      streamMonths(c, months[0]!, months.at(-1)!, (month) => {
        handed.push(month);
      }),
    );
    expect(err).toBeInstanceOf(StravaApiError);
    expect(err.message).toMatch(
      /^GET \/api\/v3\/athlete\/activities page \d+ listed activity \d+ of \d{4}-\d{2} after activities older than that month: Strava's list was not newest first\.$/,
    );
    expect(handed.length).toBeGreaterThan(0);
  });
});
