/**
 * The athletes the benchmark backfills: the real recorded one, and generated ones packed into
 * a fixed range of months so that 1k, 10k and 100k activities all cover the same months and
 * differ only in how many activities each month holds.
 */
import { generateAthlete, recordedActivities } from '../src/simulator/index.js';
import { PER_PAGE } from '../src/strava/client.js';
import { queryWindow, type Month } from '../src/strava/months.js';
import type { StravaActivity } from '../src/strava/schema.js';
import type { Requests } from './cli-run.js';

export interface Athlete {
  label: string;
  activities: StravaActivity[];
  from: Month;
  to: Month;
}

const DAY_MS = 86_400_000;

/** The CLI takes months from 2000-01 on and never a future month. */
export const GENERATED_FROM: Month = '2000-01';
export const GENERATED_TO: Month = '2025-12';

export function recordedAthlete(): Athlete {
  return { label: 'recorded', activities: recordedActivities(), from: '2017-01', to: '2025-12' };
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * generateAthlete places one activity every one to three days, so 100k of them would run for
 * five centuries. Each activity is moved back by whole days onto a day scaled into
 * GENERATED_FROM..GENERATED_TO: start_date and start_date_local move together, so the local
 * time of day, the offset and the order are kept.
 */
export function generatedAthlete(count: number): Athlete {
  const activities = generateAthlete({ count, from: GENERATED_FROM });
  const first = Date.parse(`${GENERATED_FROM}-01T00:00:00Z`);
  // The last whole local day of GENERATED_TO, so shifted activities stay inside the range.
  const days = (Date.parse(`${GENERATED_TO}-31T00:00:00Z`) - first) / DAY_MS;
  const dayOf = (a: StravaActivity) =>
    Math.floor((Date.parse(a.start_date_local) - first) / DAY_MS);
  const span = dayOf(activities[activities.length - 1]!) + 1;
  if (span > days) {
    for (const a of activities) {
      const day = dayOf(a);
      const shift = (day - Math.floor((day * days) / span)) * DAY_MS;
      a.start_date = isoSeconds(Date.parse(a.start_date) - shift);
      a.start_date_local = isoSeconds(Date.parse(a.start_date_local) - shift);
    }
  }
  return {
    label: `generated ${count / 1000}k`,
    activities,
    from: GENERATED_FROM,
    to: GENERATED_TO,
  };
}

/** What Strava returns for the athlete's range: the activities starting inside its window. */
export function activitiesInRange(activities: readonly StravaActivity[], from: Month, to: Month) {
  const { after, before } = queryWindow(from, to);
  return activities.filter((a) => {
    const t = Date.parse(a.start_date) / 1000;
    return t > after && t < before;
  }).length;
}

/** The fewest requests a sweep of `n` activities can take: one token refresh, full pages, one empty page. */
export const minimumRequests = (n: number): Requests => ({
  token: 1,
  list: Math.ceil(n / PER_PAGE) + 1,
  details: 0,
  streams: 0,
  gear: 0,
  zones: 0,
});

/**
 * The fewest requests a run with details can take for the activities of local month `month`:
 * the list's, then per activity one detail and (but for a manual activity) one streams request,
 * each gear id once and the zones once.
 */
export function minimumWithDetails(
  activities: readonly StravaActivity[],
  month: Month,
  listed: number,
): Requests {
  const mine = activities.filter((a) => a.start_date_local.slice(0, 7) === month);
  return {
    ...minimumRequests(listed),
    details: mine.length,
    streams: mine.filter((a) => a.manual !== true).length,
    gear: new Set(mine.map((a) => a.gear_id).filter(Boolean)).size,
    zones: 1,
  };
}
